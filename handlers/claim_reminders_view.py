"""Reminders for work in someone's hands: the claimer's nudge, the notice when a claim goes
back to the queue, and the reviewers' nudge. Kind words, no blame, no counts; each message
is rendered when sent and dropped (Obsolete) when someone acted since it was queued."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from sqlalchemy.orm import Session

from bot.domain.claim_reminders import ClaimStage, claim_clock
from bot.domain.clock import duration
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import DraftStatus, State
from bot.services import views
from bot.services.core import Services
from bot.services.outbox import Obsolete, Outgoing
from bot.services.views import Card, Review
from handlers.ids import Action
from handlers.reviews import review_buttons
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, truncate, user
from storage.models import OutboxRow

QUOTE_LIMIT = 300  # enough of the customer's words to recognise the post


def render_claim_reminder(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    """The claimer's nudge, or the release notice (thread) and DM, unless things moved on."""
    card = views.load_card(session, services, _id(row.mention_id))
    if row.payload.get("stage") == ClaimStage.CLAIM_NUDGE:
        return _claimer_nudge(services, card, row)
    claimer, waited = str(row.payload.get("claimer")), _waited(row.payload)
    # One payload, two messages: the card's channel gets the notice, the claimer the DM.
    if row.channel == card.channel:
        if card.mention.state is not State.ROUTED or not card.ts:
            raise Obsolete("someone took the mention since: the card says who")
        text, blocks = build_release_notice(card, waited)
        return Outgoing(row.channel, text, _dicts(blocks), thread_ts=card.ts)
    if card.mention.claimed_by == claimer:
        raise Obsolete("the claimer took it back already")
    text, blocks = build_release_dm(card, waited)
    return Outgoing(row.channel, text, _dicts(blocks))


def _claimer_nudge(services: Services, card: Card, row: OutboxRow) -> Outgoing:
    # The clock queued with the nudge must still be the one running: a draft submitted,
    # an unclaim or a new claim since then each make this nudge pointless.
    since = claim_clock(card.mention, card.draft)
    same_claim = card.mention.claimed_by == row.payload.get("claimer")
    if not same_claim or since is None or since.isoformat() != row.payload.get("since"):
        raise Obsolete("a draft came, or the claim changed, since the nudge was queued")
    release = services.config.reminders.release_claim_minutes
    text, blocks = build_claim_nudge(card, _waited(row.payload), release)
    return Outgoing(row.channel, text, _dicts(blocks))


def render_review_reminder(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    """A reviewer's nudge, unless the draft was reviewed (or replaced) since it was queued."""
    review = views.load_review(session, services, _id(row.draft_id))
    waiting = review.draft.status is DraftStatus.IN_REVIEW and review.is_latest
    if not waiting or review.card.mention.state is not State.IN_REVIEW:
        raise Obsolete("someone reviewed the draft since the nudge was queued")
    text, blocks = build_review_nudge(review, _waited(row.payload))
    return Outgoing(row.channel, text, _dicts(blocks))


def _id(value: int | None) -> int:
    if value is None:
        raise Obsolete("row has no subject")
    return value


def _waited(payload: dict[str, Any]) -> str:
    return duration(timedelta(minutes=int(payload.get("waited_minutes") or 0)))


def _dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def _about(card: Card) -> str:
    """“#12 (Ana on Mastodon)”, escaped for mrkdwn."""
    who = escape(card.customer.name or card.customer.handle) if card.customer else "a customer"
    return f"#{card.mention.id} ({who} on {NETWORK_NAMES[card.mention.network]})"


def _quote(card: Card) -> ContextBlock:
    """The customer's words as plain text, so nothing in them can ping or format."""
    who = (card.customer.name or card.customer.handle) if card.customer else "The customer"
    said = truncate(card.mention.text, QUOTE_LIMIT)
    return ContextBlock(elements=[PlainTextObject(text=f"{who} wrote: “{said}”", emoji=False)])


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))


def _sent_back(card: Card) -> bool:
    """Whether the claimer's clock runs from a draft sent back rather than from the claim."""
    return claim_clock(card.mention, card.draft) != card.mention.claimed_at


def build_claim_nudge(card: Card, waited: str, release_minutes: int) -> tuple[str, list[Block]]:
    """Ask the claimer, kindly, whether a reply is on its way; offer to write or hand it back."""
    value, about = str(card.mention.id), _about(card)
    if _sent_back(card) and card.draft:
        asked = (
            f":wave: Your draft v{card.draft.version} for {about} came back from review "
            f"{waited} of working time ago; is a new version on its way?"
        )
        write = ButtonElement(
            text="Revise draft", action_id=Action.REVISE, value=value, style="primary"
        )
    else:
        asked = f":wave: You claimed {about} {waited} of working time ago; is a reply on its way?"
        write = ButtonElement(
            text="Draft reply", action_id=Action.DRAFT, value=value, style="primary"
        )
    unclaim = ButtonElement(text="Unclaim", action_id=Action.UNCLAIM, value=value)
    blocks: list[Block] = [
        _section(f"{asked}\n{_handed_back(release_minutes)}"),
        _quote(card),
        ActionsBlock(elements=[write, unclaim]),
    ]
    return truncate(f"#{card.mention.id}: is a reply on its way?", 300), blocks


def _handed_back(release_minutes: int) -> str:
    if not release_minutes:
        return "If something else came up, *Unclaim* hands it back to your colleagues."
    after = duration(timedelta(minutes=release_minutes))
    return (
        "If something else came up, *Unclaim* hands it back to your colleagues; otherwise "
        f"Chorus does so after {after} of working time in all, so the customer is not kept "
        "waiting."
    )


def _without(card: Card) -> str:
    return "without a new draft" if card.draft else "without a draft"


def _claim(card: Card) -> ButtonElement:
    return ButtonElement(
        text="Claim", action_id=Action.CLAIM, value=str(card.mention.id), style="primary"
    )


def build_release_notice(card: Card, waited: str) -> tuple[str, list[Block]]:
    """Say in the thread that the mention is free again, with Claim; no names."""
    said = (
        f":leftwards_arrow_with_hook: #{card.mention.id} went back to the queue after "
        f"{waited} of working time {_without(card)}, so another colleague can pick it up."
    )
    blocks: list[Block] = [_section(said), ActionsBlock(elements=[_claim(card)])]
    return truncate(f"#{card.mention.id} is back in the queue", 300), blocks


def build_release_dm(card: Card, waited: str) -> tuple[str, list[Block]]:
    """Tell the former claimer where their mention went, kindly, and how to take it back."""
    said = (
        f":leftwards_arrow_with_hook: {_about(card)} went back to the queue after {waited} "
        f"of working time {_without(card)}, so a colleague can pick it up. No harm done"
    )
    blocks: list[Block] = []
    if card.mention.state is State.ROUTED:
        blocks.append(_section(f"{said}: if you still want to answer it, claim it again."))
        blocks += [_quote(card), ActionsBlock(elements=[_claim(card)])]
    else:
        now_with = (
            f" {user(card.mention.claimed_by)} has it now." if card.mention.claimed_by else ""
        )
        blocks += [_section(f"{said}.{now_with}"), _quote(card)]
    return truncate(f"#{card.mention.id} went back to the queue", 300), blocks


def build_review_nudge(review: Review, waited: str) -> tuple[str, list[Block]]:
    """Ask a reviewer to look at a draft that has waited, with the review buttons."""
    draft, card = review.draft, review.card
    where = f" in <#{card.channel}>" if card.channel else ""
    who = escape(card.customer.name or card.customer.handle) if card.customer else "a customer"
    network = NETWORK_NAMES[card.mention.network]
    said = (
        f":eyes: A reply to {who} on {network} by {user(draft.author)} has waited {waited} "
        f"of working time for review{where} (#{card.mention.id}, draft v{draft.version})."
    )
    reply = PlainTextObject(text=truncate(draft.text_to_post, SECTION_LIMIT), emoji=False)
    hint = "You can decide here, or discuss it in the mention's thread first."
    blocks: list[Block] = [_section(said), SectionBlock(text=reply), _quote(card)]
    buttons = review_buttons(review)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(hint, CONTEXT_LIMIT))]))
    return truncate(f"A draft for #{card.mention.id} is waiting for review", 300), blocks
