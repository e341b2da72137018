"""Calm in a spike: a storm of mentions for one channel becomes one summary, not a flood.

When more than `threshold` cards already wait for a channel, new mentions are held in the
channel's spike (``MentionRow.spike_id``) and one summary message stands for them; urgent
ones still get their own cards (up to `threshold` of them per spike). People give held
mentions their cards with the summary's Show next button, or claim them from /mentions.
A spike ends after `quiet_minutes` without a mention for the channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from bot.domain.errors import WorkflowError
from bot.listening_config import SpikeConfig
from bot.services.core import Effects, Services
from bot.services.spike_summary import (
    RELEASE,
    URGENT,
    held_mentions,
    queue_summary,
    urgent_cards,
)
from storage import delivery, repo
from storage.models import MentionRow, OutboxRow, SpikeRow

CARD = "mention_card"
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def queue_cards(
    session: Session,
    rows: Sequence[MentionRow],
    channels: Mapping[str, str],
    config: SpikeConfig,
    now: datetime,
) -> None:
    """Queue each new mention's card, or hold it in its channel's spike when a storm is on.

    `rows` are stored (they have ids), in arrival order; `channels` maps department keys to
    channels. A few statements per channel, whatever the size of the batch.
    """
    by_channel: dict[str, list[MentionRow]] = {}
    for row in rows:
        by_channel.setdefault(channels[row.department_key or ""], []).append(row)
    # Channel by channel in one order: each channel's spike row is locked until commit, and
    # two batches reaching for the same spikes in opposite orders would deadlock (PostgreSQL).
    for channel in sorted(by_channel):
        _place(session, channel, by_channel[channel], config, now)


def card_or_hold(
    session: Session, row: MentionRow, channel: str, config: SpikeConfig, now: datetime
) -> None:
    """Queue one new mention's card, or hold it in the channel's spike."""
    _place(session, channel, [row], config, now)


def _place(
    session: Session, channel: str, rows: list[MentionRow], config: SpikeConfig, now: datetime
) -> None:
    spike = _open_spike(session, channel, config, now)
    waiting = 0 if spike else _waiting_cards(session, channel)
    room: int | None = None  # urgent cards this spike may still post, counted when needed
    cards: list[int] = []
    urgent: list[int] = []
    held: list[MentionRow] = []
    for row in rows:
        if spike is None and waiting >= config.threshold:
            spike = _start_spike(session, channel, config, now)
        if spike is None:
            cards.append(row.id)
            waiting += 1
        elif row.priority == "urgent" and (room := _urgent_room(session, spike, config, room)):
            urgent.append(row.id)
            room -= 1
        else:
            held.append(row)
    if cards or urgent:
        session.execute(insert(OutboxRow), [_card(channel, mid, now) for mid in cards + urgent])
    if spike is not None:
        _hold(session, spike, held, urgent, now)


def _urgent_room(session: Session, spike: SpikeRow, config: SpikeConfig, room: int | None) -> int:
    """Urgent mentions get cards, but an angry storm must not flood the channel either:
    past `threshold` urgent cards in one spike, they wait too, first in line."""
    if room is None:
        room = max(0, config.threshold - urgent_cards(session, spike.id))
    return room


def _card(channel: str, mention_id: int, now: datetime) -> dict[str, object]:
    return {
        "kind": CARD,
        "channel": channel,
        "mention_id": mention_id,
        "payload": {},
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }


def _hold(
    session: Session, spike: SpikeRow, held: list[MentionRow], urgent: list[int], now: datetime
) -> None:
    """Tie the held mentions to the spike, note the urgent ones, refresh the summary."""
    if held:
        # One plain UPDATE for the batch: the version guards people's moves, not this.
        ids = [row.id for row in held]
        session.execute(
            update(MentionRow)
            .where(MentionRow.id.in_(ids))
            .values(spike_id=spike.id)
            .execution_options(synchronize_session=False)
        )
        for row in held:
            set_committed_value(row, "spike_id", spike.id)
    for mention_id in urgent:
        repo.add_event(session, URGENT, now, mention_id=mention_id, spike=spike.id)
    spike.last_mention_at = max(spike.last_mention_at, now)
    queue_summary(session, spike, now)


def _open_spike(
    session: Session, channel: str, config: SpikeConfig, now: datetime
) -> SpikeRow | None:
    """The channel's spike still going, after closing those that went quiet."""
    query = select(SpikeRow).where(SpikeRow.channel == channel, SpikeRow.closed_at.is_(None))
    going: SpikeRow | None = None
    for spike in session.scalars(query.order_by(SpikeRow.id)).all():
        if _quiet_since(spike, config) <= now:
            _close(session, spike, config, now)
        elif going is None:
            going = spike
    return going


def _start_spike(session: Session, channel: str, config: SpikeConfig, now: datetime) -> SpikeRow:
    # Two processes on one PostgreSQL must not open two spikes for one channel: the second
    # waits here, then sees the first one's spike. (SQLite already writes one at a time.)
    if session.get_bind().dialect.name == "postgresql":
        key = func.hashtext(f"chorus-spike:{channel}")
        session.execute(select(func.pg_advisory_xact_lock(key)))
        if (spike := _open_spike(session, channel, config, now)) is not None:
            return spike
    spike = SpikeRow(channel=channel, opened_at=now, last_mention_at=now)
    session.add(spike)
    session.flush()
    return spike


def _close(session: Session, spike: SpikeRow, config: SpikeConfig, now: datetime) -> None:
    spike.closed_at = _quiet_since(spike, config)
    queue_summary(session, spike, now)  # the summary says the spike is over


def quiet_span(config: SpikeConfig) -> timedelta:
    """How long a channel must stay quiet for its spike to end."""
    return timedelta(minutes=config.quiet_minutes)


def _quiet_since(spike: SpikeRow, config: SpikeConfig) -> datetime:
    return spike.last_mention_at + quiet_span(config)


def _waiting_cards(session: Session, channel: str) -> int:
    query = select(func.count()).where(
        OutboxRow.sent_at.is_(None), OutboxRow.kind == CARD, OutboxRow.channel == channel
    )
    return int(session.scalar(query) or 0)


def close_quiet_spikes(services: Services) -> int:
    """Close every spike that went quiet, so its summary says so (a scheduled job)."""
    config, now = services.config.spike, services.clock()
    with services.sessions() as session:
        going = session.scalars(select(SpikeRow).where(SpikeRow.closed_at.is_(None))).all()
        quiet = [spike for spike in going if _quiet_since(spike, config) <= now]
        for spike in quiet:
            _close(session, spike, config, now)
        session.commit()
    if quiet:
        services.wake_outbox()
    return len(quiet)


def release_next(services: Services, spike_id: int, n: int, user_id: str) -> Effects:
    """Give the next `n` held mentions their own cards, most pressing and oldest first."""
    for attempt in range(2):
        with services.sessions() as session:
            try:
                released, left = _release(session, spike_id, n, user_id, services.clock())
                session.commit()
            except StaleDataError:  # someone claimed one of them at the same moment
                session.rollback()
                if attempt:
                    raise
                continue
        break
    services.wake_outbox()
    if not released:
        return Effects(notice="Nothing waits in this spike any more: every mention has a card.")
    rest = f" {left} still held: Show next again, or `/mentions`." if left else ""
    return Effects(queued=True, notice=f"{released} more cards are on their way.{rest}")


def _release(
    session: Session, spike_id: int, n: int, user_id: str, now: datetime
) -> tuple[int, int]:
    spike = session.get(SpikeRow, spike_id)
    if spike is None:
        raise WorkflowError("That spike summary no longer exists.")
    rank = case(PRIORITY_RANK, value=MentionRow.priority, else_=PRIORITY_RANK["normal"])
    rows = session.scalars(
        held_mentions(spike_id).order_by(rank, MentionRow.received_at, MentionRow.id).limit(n)
    ).all()
    for row in rows:
        row.spike_id = None
        delivery.add_outbox(session, CARD, spike.channel, now, mention_id=row.id)
        repo.add_event(session, RELEASE, now, actor=user_id, mention_id=row.id, spike=spike_id)
    queue_summary(session, spike, now, soon=True)
    session.flush()
    left = session.scalar(select(func.count()).select_from(held_mentions(spike_id).subquery()))
    return len(rows), int(left or 0)


def let_go(
    session: Session, row: MentionRow, now: datetime, actor: str | None, *, card: bool = True
) -> None:
    """Take a mention someone acted on out of its spike; it gets its card (for its thread)."""
    if row.spike_id is None:
        return
    spike = session.get(SpikeRow, row.spike_id)
    row.spike_id = None
    if spike is None:
        return
    if card:
        delivery.add_outbox(session, CARD, spike.channel, now, mention_id=row.id)
    repo.add_event(session, RELEASE, now, actor=actor, mention_id=row.id, spike=spike.id)
    queue_summary(session, spike, now, soon=True)
