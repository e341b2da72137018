"""Reminder bookkeeping over a caller-owned session. Functions add and flush, never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import MentionRow, ReminderRow


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
