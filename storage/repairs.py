"""Repairs of Slack messages whose update failed, queued in the outbox. Functions add and
flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.delivery import add_outbox
from storage.models import OutboxRow

CARD_REPAIR = "card_update"
REVIEW_REPAIR = "review_update"


def queue_repair(
    session: Session,
    kind: str,
    channel: str,
    now: datetime,
    *,
    mention_id: int | None = None,
    draft_id: int | None = None,
) -> bool:
    """Queue a re-render of a card or review message, unless one already waits; True when
    queued. One is enough: it is rendered from the database when it is sent."""
    waiting = select(OutboxRow.id).where(OutboxRow.sent_at.is_(None), OutboxRow.kind == kind)
    if mention_id is not None:
        waiting = waiting.where(OutboxRow.mention_id == mention_id)
    if draft_id is not None:
        waiting = waiting.where(OutboxRow.draft_id == draft_id)
    if session.scalars(waiting.limit(1)).first() is not None:
        return False
    add_outbox(session, kind, channel, now, mention_id=mention_id, draft_id=draft_id)
    session.flush()
    return True
