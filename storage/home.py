"""The App Home's reads and its refresh bookkeeping, over a caller-owned session.

Functions add and flush, never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.model import OPEN_STATES, DraftStatus, State
from storage import delivery
from storage.home_models import HomeViewRow
from storage.models import DraftRow, EventRow, MentionRow, OutboxRow
from storage.repo import chunks, latest_draft

HOME = "home"  # the outbox kind that re-publishes one person's Home; its channel is their id
OPEN = [state.value for state in OPEN_STATES]


def remember_home(session: Session, user_id: str, now: datetime) -> None:
    """Record that the person opened their Home (so later actions refresh it)."""
    row = session.get(HomeViewRow, user_id)
    if row is not None:
        row.opened_at = now
        return
    try:
        with session.begin_nested():
            session.add(HomeViewRow(user_id=user_id, opened_at=now))
    except IntegrityError:
        pass  # another process recorded the same opening a moment ago: it is on record


def opened_homes(session: Session, user_ids: Iterable[str]) -> set[str]:
    """Those of these people who have opened their Home."""
    found: set[str] = set()
    for chunk in chunks(sorted({u for u in user_ids if u})):
        query = select(HomeViewRow.user_id).where(HomeViewRow.user_id.in_(chunk))
        found.update(session.scalars(query))
    return found


def queue_home(session: Session, user_id: str, now: datetime, notice: str | None = None) -> None:
    """Queue a re-render of the person's Home: one row waits per person, carrying the latest
    notice. A row a worker has already taken is left alone and a new one is queued, since
    it may have been rendered before this transaction's change."""
    query = (
        select(OutboxRow.id, OutboxRow.next_attempt_at)
        .where(
            OutboxRow.kind == HOME,
            OutboxRow.channel == user_id,
            OutboxRow.sent_at.is_(None),
            OutboxRow.next_attempt_at <= now,
        )
        .order_by(OutboxRow.id.desc())
        .limit(1)
    )
    waiting = session.execute(query).first()
    if waiting is not None and _touch(session, waiting[0], waiting[1], now, notice):
        return
    delivery.add_outbox(session, HOME, user_id, now, payload={"notice": notice} if notice else {})


def _touch(
    session: Session, row_id: int, seen: datetime, now: datetime, notice: str | None
) -> bool:
    """Join a waiting row, unless a worker leased it meanwhile (compare-and-set on the same
    column its lease moves; PostgreSQL makes that lease wait for this transaction)."""
    values: dict[str, Any] = {"next_attempt_at": now}
    if notice:
        values["payload"] = {"notice": notice}
    result = session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == row_id,
            OutboxRow.sent_at.is_(None),
            OutboxRow.next_attempt_at == seen,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def newer_home_queued(session: Session, row: OutboxRow) -> bool:
    """Whether a later refresh of the same Home waits: this row need not be sent."""
    query = select(OutboxRow.id).where(
        OutboxRow.kind == HOME,
        OutboxRow.channel == row.channel,
        OutboxRow.sent_at.is_(None),
        OutboxRow.id > row.id,
    )
    return session.scalar(query.limit(1)) is not None


def claimed_by(session: Session, user_id: str, limit: int) -> tuple[Sequence[MentionRow], int]:
    """The open mentions the person claimed, oldest first, and how many there are."""
    mine = (MentionRow.state.in_(OPEN), MentionRow.claimed_by == user_id)
    rows = session.scalars(
        select(MentionRow).where(*mine).order_by(MentionRow.received_at, MentionRow.id).limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(MentionRow).where(*mine))
    return rows, int(total or 0)


def drafts_to_review(
    session: Session, departments: Collection[str] | None, not_by: str, limit: int
) -> tuple[list[int], int]:
    """Drafts in review in these departments (all when None) that the person did not write,
    oldest first, and how many there are."""
    conditions = [
        DraftRow.status == DraftStatus.IN_REVIEW.value,
        MentionRow.state == State.IN_REVIEW.value,
        DraftRow.author != not_by,
    ]
    if departments is not None:
        conditions.append(MentionRow.department_key.in_(sorted(departments)))
    base = select(DraftRow.id).join(MentionRow, MentionRow.id == DraftRow.mention_id)
    ids = session.scalars(
        base.where(*conditions).order_by(DraftRow.created_at, DraftRow.id).limit(limit)
    ).all()
    total = session.scalar(
        select(func.count())
        .select_from(DraftRow)
        .join(MentionRow, MentionRow.id == DraftRow.mention_id)
        .where(*conditions)
    )
    return list(ids), int(total or 0)


def recent_departments(session: Session, user_id: str, since: datetime) -> set[str]:
    """Departments of the mentions the person has claimed now, or drafted for since `since`."""
    drafted = (
        select(MentionRow.department_key)
        .join(DraftRow, DraftRow.mention_id == MentionRow.id)
        .where(DraftRow.author == user_id, DraftRow.created_at >= since)
    )
    claimed = select(MentionRow.department_key).where(
        MentionRow.state.in_(OPEN), MentionRow.claimed_by == user_id
    )
    found = set(session.scalars(drafted.distinct())) | set(session.scalars(claimed.distinct()))
    return {key for key in found if key}


def touched_by_moves(session: Session, mention_ids: Iterable[int]) -> tuple[set[str], set[str]]:
    """Who a change to these mentions concerns (the last actor, the claimer, the latest
    draft's author and reviewer), and the departments whose drafts to review changed: a
    draft now waits there, or one just left review."""
    people: set[str] = set()
    reviewed: set[str] = set()
    for mention_id in sorted(set(mention_ids)):
        mention = session.get(MentionRow, mention_id)
        if mention is None:
            continue
        actor, before = _last_move(session, mention_id)
        people.update((actor or "", mention.claimed_by or ""))
        draft = latest_draft(session, mention_id)
        if draft is not None:
            people.update((draft.author, draft.reviewer or ""))
        in_review = State.IN_REVIEW.value
        if in_review in (mention.state, before) and mention.department_key:
            reviewed.add(mention.department_key)
    return people - {""}, reviewed


def _last_move(session: Session, mention_id: int) -> tuple[str | None, str | None]:
    """Who made the mention's latest move, and from which state."""
    query = select(EventRow.actor, EventRow.from_state).where(EventRow.mention_id == mention_id)
    found = session.execute(query.order_by(EventRow.id.desc()).limit(1)).first()
    return (found[0], found[1]) if found else (None, None)


def mentions_of_drafts(session: Session, draft_ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(sorted(set(draft_ids))):
        found.update(session.scalars(select(DraftRow.mention_id).where(DraftRow.id.in_(chunk))))
    return found
