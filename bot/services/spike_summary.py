"""The spike summary: what it shows (how many, what they say, how they feel, what is urgent),
and the outbox rows that post it once and keep it fresh without flooding the channel."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, func, select, update
from sqlalchemy.orm import Session

from bot.domain.errors import WorkflowError
from storage import delivery
from storage.models import EventRow, MentionRow, OutboxRow, SpikeRow

# Audit events that tie mentions to a spike once they left it or never joined it: given a
# card from it (Show next, or someone took it), or carded at once as urgent during it.
RELEASE, URGENT = "spike_release", "spike_urgent"
SUMMARY, UPDATE = "spike_summary", "spike_update"  # outbox kinds: post it once, then edit it
# Slack allows about one message a second per channel: keep most of that for the cards.
UPDATE_GAP = timedelta(seconds=5)
POSITIVE, NEGATIVE = 0.05, -0.05  # VADER's usual cut-offs for the compound score
WORD = re.compile(r"[^\W\d_]{4,}")
TERMS_SAMPLE = 5000  # the newest held mentions are enough to say what the storm is about
COMMON_WORDS = """about after again also anyone anything been before being could does doing else
everyone from have having here http https into just like more most much only other over same
should some someone something such than that their them then there these they this those
through very want were what when where which while will with would your yours"""
STOP_WORDS = frozenset(COMMON_WORDS.split())


@dataclass(frozen=True)
class SpikeSummary:
    """What a spike's summary message shows, read from the database."""

    spike_id: int
    channel: str
    total: int  # mentions that arrived during the spike: held, shown since, or urgent
    held: int  # still waiting without a card of their own
    released: int  # given their own card since (Show next, or someone took one)
    urgent: int  # urgent ones that got their own card during the spike
    urgent_waiting: int  # urgent ones past the spike's share of urgent cards
    positive: int
    neutral: int
    negative: int
    top_terms: tuple[str, ...]
    oldest_waiting: datetime | None
    opened_at: datetime
    last_mention_at: datetime
    is_open: bool


def held_mentions(spike_id: int) -> Select[MentionRow]:
    """Mentions the spike still holds: routed, with no card of their own yet."""
    return select(MentionRow).where(MentionRow.spike_id == spike_id, MentionRow.state == "routed")


def spike_summary(
    session: Session, spike_id: int, now: datetime | None = None, quiet: timedelta | None = None
) -> SpikeSummary:
    """Read the spike's summary; with `now` and `quiet`, a spike gone quiet reads as over."""
    spike = session.get(SpikeRow, spike_id)
    if spike is None:
        raise WorkflowError("That spike summary no longer exists.")
    linked, held, oldest, urgent_waiting, positive, negative = _held_figures(session, spike_id)
    events = _event_counts(session, spike_id)
    still = spike.closed_at is None and (
        now is None or quiet is None or spike.last_mention_at + quiet > now
    )
    return SpikeSummary(
        spike_id=spike.id,
        channel=spike.channel,
        total=linked + events.get(RELEASE, 0) + events.get(URGENT, 0),
        held=held,
        released=events.get(RELEASE, 0),
        urgent=events.get(URGENT, 0),
        urgent_waiting=urgent_waiting,
        positive=positive,
        neutral=held - positive - negative,
        negative=negative,
        top_terms=top_terms(_held_texts(session, spike_id)),
        oldest_waiting=oldest,
        opened_at=spike.opened_at,
        last_mention_at=spike.last_mention_at,
        is_open=still,
    )


def _held_figures(
    session: Session, spike_id: int
) -> tuple[int, int, datetime | None, int, int, int]:
    """Mentions still tied to the spike, and of those waiting: how many, since when, moods."""
    waiting = MentionRow.state == "routed"
    row = session.execute(
        select(
            func.count(),
            _count_if(waiting),
            func.min(case((waiting, MentionRow.received_at))),
            _count_if(waiting & (MentionRow.priority == "urgent")),
            _count_if(waiting & (MentionRow.sentiment >= POSITIVE)),
            _count_if(waiting & (MentionRow.sentiment <= NEGATIVE)),
        ).where(MentionRow.spike_id == spike_id)
    ).one()
    return int(row[0]), int(row[1]), row[2], int(row[3]), int(row[4]), int(row[5])


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _event_counts(session: Session, spike_id: int) -> dict[str, int]:
    query = (
        select(EventRow.kind, func.count())
        .where(EventRow.kind.in_((RELEASE, URGENT)))
        .where(EventRow.detail["spike"].as_integer() == spike_id)
        .group_by(EventRow.kind)
    )
    return {str(kind): int(count) for kind, count in session.execute(query).all()}


def urgent_cards(session: Session, spike_id: int) -> int:
    """How many urgent mentions got their own card during the spike."""
    return _event_counts(session, spike_id).get(URGENT, 0)


def _held_texts(session: Session, spike_id: int) -> list[str]:
    query = held_mentions(spike_id).with_only_columns(MentionRow.text)
    return list(session.scalars(query.order_by(MentionRow.id.desc()).limit(TERMS_SAMPLE)).all())


def top_terms(texts: Iterable[str], limit: int = 5) -> tuple[str, ...]:
    """The words most mentions use (4 letters or more, common words left out)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({w for w in WORD.findall(text.lower()) if w not in STOP_WORDS})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(word for word, _ in ranked[:limit])


def _of_spike(spike_id: int) -> ColumnElement[bool]:
    spike: ColumnElement[int] = OutboxRow.payload["spike"].as_integer()
    return spike == spike_id


def queue_summary(session: Session, spike: SpikeRow, now: datetime, soon: bool = False) -> None:
    """Make sure the summary will show the latest truth: one row, coalesced and paced."""
    pending = session.scalars(
        select(OutboxRow).where(
            OutboxRow.sent_at.is_(None), OutboxRow.kind.in_((SUMMARY, UPDATE)), _of_spike(spike.id)
        )
    ).all()
    summary = next((r for r in pending if r.kind == SUMMARY), None)
    if spike.summary_ts is None and summary is None:
        _add(session, SUMMARY, spike, now, now)
    elif summary is not None and summary.next_attempt_at <= now:
        return  # not rendered yet: when it goes, it shows the latest truth
    elif (waiting := next((r for r in pending if r.kind == UPDATE), None)) is None:
        _add(session, UPDATE, spike, now, now if soon else _next_update_at(session, spike, now))
    elif soon and waiting.next_attempt_at <= now + UPDATE_GAP:
        waiting.next_attempt_at = now  # a person clicked: show it now, not in five seconds
    elif soon:
        _add(session, UPDATE, spike, now, now)  # the waiting one may already be in flight


def _add(session: Session, kind: str, spike: SpikeRow, now: datetime, due: datetime) -> None:
    row = delivery.add_outbox(session, kind, spike.channel, now, payload={"spike": spike.id})
    row.next_attempt_at = due


def _next_update_at(session: Session, spike: SpikeRow, now: datetime) -> datetime:
    last = session.scalar(
        select(OutboxRow.sent_at)
        .where(OutboxRow.sent_at.is_not(None), OutboxRow.kind.in_((SUMMARY, UPDATE)))
        .where(_of_spike(spike.id))
        .order_by(OutboxRow.id.desc())
        .limit(1)
    )
    return max(now, last + UPDATE_GAP) if last is not None else now


def remember_spike_summary(session: Session, row: OutboxRow) -> None:
    """Store where the summary landed, so its updates edit it in place."""
    if row.kind == SUMMARY and row.ts and row.payload.get("spike") is not None:
        session.execute(
            update(SpikeRow)
            .where(SpikeRow.id == int(row.payload["spike"]))
            .values(summary_ts=row.ts)
            .execution_options(synchronize_session=False)
        )
