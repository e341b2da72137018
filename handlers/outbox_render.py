"""Render outbox rows into Slack messages at the moment they are sent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.domain.model import State
from bot.services import views
from bot.services.core import Services
from bot.services.outbox import NotReady, Obsolete, Outgoing
from bot.services.roles import NOTICE as ROLE_NOTICE
from handlers.cards import build_card, build_retired_card
from handlers.claim_reminders_view import render_claim_reminder, render_review_reminder
from handlers.digest_view import render_digest_row
from handlers.home import render_home_row
from handlers.ideas_view import IDEA_KINDS, render_idea_row
from handlers.reminders_view import build_reminder
from handlers.reviews import build_decision_dm, build_publish_note, build_review
from handlers.roles_view import render_role_notice
from handlers.spike_view import render_spike
from storage.home import HOME
from storage.models import OutboxRow

Render = Callable[[Session, Services, OutboxRow], Outgoing]


def outbox_renderer(services: Services):  # type: ignore[no-untyped-def]
    """Return the renderer the outbox worker calls for each row."""

    def render(session: Session, row: OutboxRow) -> Outgoing:
        renderer = RENDERERS.get(row.kind)
        if renderer is None:
            raise Obsolete(f"unknown outbox kind {row.kind}")
        return renderer(session, services, row)

    return render


def _decision_dm(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    review = views.load_review(session, services, _id(row.draft_id))
    text, blocks = build_decision_dm(review, str(row.payload.get("decision", "")))
    return Outgoing(row.channel, text, [b.to_dict() for b in blocks])


def _retired_card(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    card = views.load_card(session, services, _id(row.mention_id))
    text, blocks = build_retired_card(card, str(row.payload["by"]), str(row.payload["to"]))
    return Outgoing(
        row.channel, text, [b.to_dict() for b in blocks], update_ts=str(row.payload["ts"])
    )


def _id(value: int | None) -> int:
    if value is None:
        raise Obsolete("row has no subject")
    return value


def _card(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    card = views.load_card(session, services, _id(row.mention_id))
    if card.ts or (card.department and card.department.channel != row.channel):
        raise Obsolete("the card is already posted, or the mention moved on")
    text, blocks = build_card(card, services.clock())
    return Outgoing(row.channel, text, [b.to_dict() for b in blocks])


def _review(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    review = views.load_review(session, services, _id(row.draft_id))
    if review.ts:
        raise Obsolete("the review message is already posted")
    card = review.card
    if not (card.channel and card.ts):
        raise NotReady("the mention's card is not in Slack yet")
    text, blocks = build_review(review)
    return Outgoing(card.channel, text, [b.to_dict() for b in blocks], thread_ts=card.ts)


def _publish_note(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    review = views.load_review(session, services, _id(row.draft_id))
    card = review.card
    if not (card.channel and card.ts):
        raise NotReady("the mention's card is not in Slack yet")
    text, blocks = build_publish_note(review, row.payload)
    return Outgoing(card.channel, text, [b.to_dict() for b in blocks], thread_ts=card.ts)


def _card_update(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    card = views.load_card(session, services, _id(row.mention_id))
    if not (card.channel and card.ts):
        raise Obsolete("the card is not in Slack; posting it will show the truth")
    text, blocks = build_card(card, services.clock())
    return Outgoing(card.channel, text, [b.to_dict() for b in blocks], update_ts=card.ts)


def _review_update(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    review = views.load_review(session, services, _id(row.draft_id))
    if not (review.channel and review.ts):
        raise Obsolete("the review message is not in Slack; posting it will show the truth")
    text, blocks = build_review(review)
    return Outgoing(review.channel, text, [b.to_dict() for b in blocks], update_ts=review.ts)


def _reminder(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    card = views.load_card(session, services, _id(row.mention_id))
    if card.mention.state is not State.ROUTED:
        raise Obsolete("someone took the mention since: no reminder needed")
    text, blocks = build_reminder(card, row.payload)
    in_thread = row.channel == card.channel
    return Outgoing(
        row.channel, text, [b.to_dict() for b in blocks], thread_ts=card.ts if in_thread else None
    )


# Each outbox kind and how it becomes a Slack message at the moment it is sent.
RENDERERS: dict[str, Render] = {
    "mention_card": _card,
    "review": _review,
    "dm": _decision_dm,
    "retired_card": _retired_card,
    "spike_summary": render_spike,
    "spike_update": render_spike,
    "reminder": _reminder,
    "claim_reminder": render_claim_reminder,
    "review_reminder": render_review_reminder,
    "publish_note": _publish_note,
    "card_update": _card_update,
    "review_update": _review_update,
    "digest": lambda session, _, row: render_digest_row(session, row),
    "digest_chart": lambda session, _, row: render_digest_row(session, row),
    HOME: render_home_row,
    **dict.fromkeys(IDEA_KINDS, render_idea_row),
    ROLE_NOTICE: lambda _session, _services, row: render_role_notice(row),
}
