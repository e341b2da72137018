"""Repair a card or review message whose update Slack refused or never answered.

The database already holds the truth; the message is re-rendered from it by the outbox once
Slack answers again, even if nobody touches the mention any more (an approval is often the
last change a card sees before it goes live)."""

from __future__ import annotations

from bot.services.core import Services
from storage.repairs import CARD_REPAIR, REVIEW_REPAIR, queue_repair


def repair_card_later(services: Services, mention_id: int, channel: str) -> None:
    """Queue a re-render of the mention's card."""
    _queue(services, CARD_REPAIR, channel, mention_id=mention_id)


def repair_review_later(services: Services, draft_id: int, channel: str) -> None:
    """Queue a re-render of the draft's review message."""
    _queue(services, REVIEW_REPAIR, channel, draft_id=draft_id)


def _queue(services: Services, kind: str, channel: str, **subject: int) -> None:
    with services.sessions() as session:
        queued = queue_repair(session, kind, channel, services.clock(), **subject)
        session.commit()
    if queued:
        services.wake_outbox()
