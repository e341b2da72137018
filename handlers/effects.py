"""Apply what a use case returned: re-render cards and review messages in place."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.services import views
from bot.services.core import Effects, Services
from bot.services.home_refresh import refresh_after
from bot.services.repairs import repair_card_later, repair_review_later
from handlers.cards import build_card
from handlers.reviews import build_review

log = logging.getLogger("chorus.slack")

Tell = Callable[[str], object]


def apply_effects(
    effects: Effects, services: Services, client: WebClient, tell: Tell | None
) -> None:
    """Update every card and review message the use case touched, queue a refresh of the
    App Homes it changed, then tell the actor."""
    for mention_id in effects.cards:
        refresh_card(services, client, mention_id)
    for draft_id in effects.reviews:
        refresh_review(services, client, draft_id)
    # Queued, not published here: Slack being slow with Homes must never delay a click.
    refresh_after(services, effects)
    if effects.notice and tell is not None:
        tell(effects.notice)


def refresh_card(services: Services, client: WebClient, mention_id: int) -> None:
    """Re-render a mention's card from the database (a card not yet posted waits for the outbox)."""
    card = views.card(services, mention_id)
    if not (card.channel and card.ts):
        return
    text, blocks = build_card(card, services.clock())
    if not _update(client, card.channel, card.ts, text, [b.to_dict() for b in blocks]):
        repair_card_later(services, mention_id, card.channel)


def refresh_review(services: Services, client: WebClient, draft_id: int) -> None:
    review = views.review(services, draft_id)
    if not (review.channel and review.ts):
        return
    text, blocks = build_review(review)
    if not _update(client, review.channel, review.ts, text, [b.to_dict() for b in blocks]):
        repair_review_later(services, draft_id, review.channel)


def _update(
    client: WebClient, channel: str, ts: str, text: str, blocks: list[dict[str, object]]
) -> bool:
    """Update the message in place; False when Slack refused or never answered."""
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except (SlackApiError, OSError, SlackRequestError) as error:
        # The database already holds the truth: the outbox re-renders the message later.
        why = error.response.get("error") if isinstance(error, SlackApiError) else error
        log.warning("chat.update of %s/%s failed (%s); it is repaired later", channel, ts, why)
        return False
    return True
