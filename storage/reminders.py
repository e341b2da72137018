"""Reminder bookkeeping over a caller-owned session. Functions add and flush, never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.model import DraftStatus, State
from storage.models import DraftRow, MentionRow, ReminderRow


def waiting_with_cards(session: Session, states: Iterable[str], limit: int) -> Sequence[MentionRow]:
    """Mentions in `states` whose card is in Slack, oldest first."""
    query = (
        select(MentionRow)
        .where(MentionRow.state.in_(list(states)), MentionRow.card_ts.is_not(None))
        .order_by(MentionRow.received_at, MentionRow.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def sent_stages(session: Session, mention_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """The reminder stages already sent, per mention."""
    found: dict[int, set[str]] = defaultdict(set)
    if mention_ids:
        query = select(ReminderRow).where(ReminderRow.mention_id.in_(list(mention_ids)))
        for row in session.scalars(query):
            found[row.mention_id].add(row.stage)
    return {mention_id: frozenset(stages) for mention_id, stages in found.items()}


def add_reminder(session: Session, mention_id: int, stage: str, now: datetime) -> bool:
    """Record a stage as sent; False when it already was (another process got there first)."""
    try:
        with session.begin_nested():
            session.add(ReminderRow(mention_id=mention_id, stage=stage, sent_at=now))
    except IntegrityError:
        return False
    return True


def sent_times(session: Session, mention_ids: Sequence[int]) -> dict[int, dict[str, datetime]]:
    """When each reminder stage was last sent, per mention."""
    found: dict[int, dict[str, datetime]] = defaultdict(dict)
    if mention_ids:
        query = select(ReminderRow.mention_id, ReminderRow.stage, ReminderRow.sent_at).where(
            ReminderRow.mention_id.in_(list(mention_ids))
        )
        for mention_id, stage, sent_at in session.execute(query):
            found[mention_id][stage] = sent_at
    return dict(found)


def renew_reminder(
    session: Session, mention_id: int, stage: str, now: datetime, since: datetime
) -> bool:
    """Record a stage as sent for the current claim or draft: a row sent at or before `since`
    (for an earlier claim or draft version) gives way, as UNIQUE(mention_id, stage) keeps one.
    False when this claim's or draft's row is already there (another process got there first)."""
    try:
        with session.begin_nested():
            session.execute(
                delete(ReminderRow).where(
                    ReminderRow.mention_id == mention_id,
                    ReminderRow.stage == stage,
                    ReminderRow.sent_at <= since,
                )
            )
            session.add(ReminderRow(mention_id=mention_id, stage=stage, sent_at=now))
    except IntegrityError:
        return False
    return True


def latest_drafts(session: Session, mention_ids: Sequence[int]) -> dict[int, DraftRow]:
    """The newest draft of each mention that has one."""
    if not mention_ids:
        return {}
    newest = (
        select(DraftRow.mention_id, func.max(DraftRow.version).label("version"))
        .where(DraftRow.mention_id.in_(list(mention_ids)))
        .group_by(DraftRow.mention_id)
        .subquery()
    )
    query = select(DraftRow).join(
        newest,
        (DraftRow.mention_id == newest.c.mention_id) & (DraftRow.version == newest.c.version),
    )
    return {row.mention_id: row for row in session.scalars(query)}


def drafts_in_review(session: Session, limit: int) -> Sequence[tuple[DraftRow, MentionRow]]:
    """Drafts waiting for a reviewer, with their mentions (card in Slack), oldest first."""
    query = (
        select(DraftRow, MentionRow)
        .join(MentionRow, MentionRow.id == DraftRow.mention_id)
        .where(
            DraftRow.status == DraftStatus.IN_REVIEW.value,
            MentionRow.state == State.IN_REVIEW.value,
            MentionRow.card_ts.is_not(None),
        )
        .order_by(DraftRow.created_at, DraftRow.id)
        .limit(limit)
    )
    return [(draft, mention) for draft, mention in session.execute(query)]
