"""The mention card in a department channel, built from the database's truth."""

from __future__ import annotations

import re
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    LinkButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.clock import duration
from bot.domain.engagement import describe
from bot.domain.ideas import IDEA_SOURCE
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Mention, State
from bot.services.views import Card, Results
from handlers.card_insight import insight_line, priority_badge
from handlers.ids import Action
from handlers.ids import Block as BlockId
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, link, safe_url, truncate, user, when

USER_TOKEN = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")

STATE_ICONS = {
    State.NEW: ":new:",
    State.ROUTED: ":large_orange_circle:",
    State.CLAIMED: ":raising_hand:",
    State.IN_REVIEW: ":eyes:",
    State.APPROVED: ":white_check_mark:",
    State.PUBLISHED: ":tada:",
    State.DISMISSED: ":no_entry_sign:",
}


def build_card(card: Card, now: datetime) -> tuple[str, list[Block]]:
    """Return the card's fallback text and blocks."""
    mention = card.mention
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(_headline(card), SECTION_LIMIT))),
        SectionBlock(text=PlainTextObject(text=truncate(mention.text, SECTION_LIMIT), emoji=False)),
        ContextBlock(
            elements=[MarkdownTextObject(text=truncate(_provenance(card), CONTEXT_LIMIT))]
        ),
    ]
    insight = insight_line(card, now)
    if insight:
        blocks.append(_insight_section(card, insight))
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=truncate(status_line(card, now), SECTION_LIMIT)))
    )
    buttons = card_buttons(card)
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.CARD_ACTIONS, elements=buttons))
    return fallback_text(card), blocks


def _insight_section(card: Card, insight: str) -> SectionBlock:
    """What Chorus understood, with the advocate button beside the customer's history."""
    button = None
    if card.customer and not card.customer.is_advocate:
        button = ButtonElement(
            text="Mark as advocate", action_id=Action.MARK_ADVOCATE, value=str(card.mention.id)
        )
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(insight, SECTION_LIMIT)), accessory=button
    )


def fallback_text(card: Card) -> str:
    if card.source == IDEA_SOURCE:
        return escape(truncate(f"#{card.mention.id} Post idea: {card.mention.text}", 300))
    who = card.customer.name or card.customer.handle if card.customer else "someone"
    network = NETWORK_NAMES[card.mention.network]
    # The fallback text is parsed as mrkdwn in notifications: escape what customers wrote.
    return escape(
        truncate(f"#{card.mention.id} {network} mention from {who}: {card.mention.text}", 300)
    )


def _headline(card: Card) -> str:
    network = NETWORK_NAMES[card.mention.network]
    if card.source == IDEA_SOURCE:
        return f":bulb: *#{card.mention.id} · A post for {network}*, from a colleague's idea"
    badge = priority_badge(card)
    parts = ([badge] if badge else []) + [f"*#{card.mention.id} · {network}*"]
    if card.customer:
        c = card.customer
        if c.name and c.name != c.handle:
            parts.append(f"*{escape(c.name)}* {link(c.url, c.handle)}")
        else:
            parts.append(f"*{link(c.url, c.handle)}*" if c.url else f"*{escape(c.handle)}*")
        if c.followers is not None:
            parts.append(f"{c.followers:,} followers")
    return " · ".join(parts)


def _provenance(card: Card) -> str:
    dept = card.department.name if card.department else "no department"
    # Route reasons are Chorus's own words, but keywords come from a file: escape, then let
    # only the user mentions Chorus itself writes ("transferred by <@U…>") through.
    reason = USER_TOKEN.sub(r"<@\1>", escape(card.mention.route_reason or ""))
    parts = [f"Routed to *{escape(dept)}*" + (f": {reason}" if reason else "")]
    parts.append(f"received {when(card.mention.received_at)}")
    if card.source:
        parts.append(f"via {escape(card.source)}")
    if card.language:
        parts.append(f"language {escape(card.language)}")
    return " · ".join(parts)


def status_line(card: Card, now: datetime) -> str:
    """One line that says where the mention stands, and who has it."""
    m, draft = card.mention, card.draft
    icon = STATE_ICONS[m.state]
    if m.state is State.ROUTED:
        return f"{icon} Waiting for someone to claim it"
    if m.state is State.CLAIMED:
        base = f"{icon} Claimed by {user(m.claimed_by)} {when(m.claimed_at or now)}"
        if draft and draft.review_note:
            verb = "sent back" if draft.status.value == "changes_requested" else "rejected"
            return f"{base} · draft v{draft.version} {verb} by {user(draft.reviewer)}"
        return base
    if m.state is State.IN_REVIEW and draft:
        return f"{icon} Draft v{draft.version} by {user(draft.author)} is in review (see thread)"
    if m.state is State.APPROVED and draft:
        edited = " with edits" if draft.final_text is not None else ""
        by = f" by {user(draft.reviewer)}" if draft.reviewer else " (trusted lane)"
        return f"{icon} Draft v{draft.version} approved{edited}{by}; ready to post"
    if m.state is State.PUBLISHED and card.source == IDEA_SOURCE:
        posted = f"{icon} Posted by {user(m.claimed_by)}: {link(m.posted_url, 'live post')}"
        return posted + (f"\n{results_line(card.results)}" if card.results else "")
    if m.state is State.PUBLISHED:
        answered = f"{icon} Answered by {user(m.claimed_by)}: {link(m.posted_url, 'live reply')}"
        if m.posted_at:
            answered += f" · time to answer {duration(m.posted_at - m.received_at)}"
        return answered + (f"\n{results_line(card.results)}" if card.results else "")
    if m.state is State.DISMISSED:
        return f"{icon} Dismissed by {user(m.dismissed_by)}: “{escape(m.dismissed_reason or '')}”"
    return f"{icon} {m.state.value}"


def results_line(results: Results) -> str:
    """The reply's score and what it is made of; a warm answer from the customer first."""
    line = f":chart_with_upwards_trend: Score {results.score:g} · {describe(results.engagement)}"
    if results.warm_answer:
        line += f" · customer: “{escape(truncate(results.warm_answer, 200))}”"
    if results.measured_at is None:
        line += " · first results an hour after posting"
    return line


def card_buttons(card: Card) -> list[ButtonElement]:
    """The buttons that make sense in the mention's state, and a link to the post."""
    m = card.mention
    value = str(m.id)
    wanted: list[ButtonElement] = []
    if m.state is State.ROUTED:
        wanted.append(
            ButtonElement(text="Claim", action_id=Action.CLAIM, value=value, style="primary")
        )
    if m.state in (State.ROUTED, State.CLAIMED):
        label = "Draft post" if card.source == IDEA_SOURCE else "Draft reply"
        wanted.append(ButtonElement(text=label, action_id=Action.DRAFT, value=value))
    if m.state is State.CLAIMED:
        wanted.append(ButtonElement(text="Unclaim", action_id=Action.UNCLAIM, value=value))
    if m.state in (State.ROUTED, State.CLAIMED):
        wanted.append(ButtonElement(text="Transfer", action_id=Action.TRANSFER, value=value))
    if m.is_open:
        wanted.append(ButtonElement(text="Dismiss", action_id=Action.DISMISS, value=value))
    if m.state is State.PUBLISHED and card.results and card.results.by_hand:
        wanted.append(
            ButtonElement(text="Update results", action_id=Action.UPDATE_RESULTS, value=value)
        )
    url = safe_url(card.url)
    if url:
        wanted.append(LinkButtonElement(text="Open post", url=url, action_id=Action.OPEN_POST))
    return wanted


def build_retired_card(card: Card, by: str, to: str) -> tuple[str, list[Block]]:
    """What an old card says once its mention moved to another department."""
    text = f"#{card.mention.id} moved to {to} by <@{by}>."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(_headline(card), SECTION_LIMIT))),
        ContextBlock(
            elements=[MarkdownTextObject(text=f":arrow_right: Moved to *{escape(to)}* by <@{by}>")]
        ),
    ]
    return text, blocks


def list_line(card: Card, now: datetime) -> str:
    """A mention as one line of /mentions."""
    m: Mention = card.mention
    who = escape(card.customer.handle) if card.customer else "someone"
    excerpt = escape(truncate(" ".join(m.text.split()), 80))
    dept = escape(card.department.name) if card.department else "?"
    network = NETWORK_NAMES[m.network]
    return f"*#{m.id}* {network} · {who} · {dept}: {excerpt}\n    {status_line(card, now)}"
