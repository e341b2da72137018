"""Post ideas in Block Kit: the pitch modal (and its reader), the idea card in the ideas
channel, the decline modal, and the note to the idea's author."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.domain.ideas import PITCH_LIMIT, TITLE_LIMIT, Idea, IdeaStatus
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Department, Network
from bot.services.core import Services
from bot.services.ideas import Pitch, load_idea
from bot.services.outbox import NotReady, Obsolete, Outgoing
from handlers.ids import Action, Modal
from handlers.ids import Block as BlockId
from handlers.modals import field_value, metadata, modal_view, text_input
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, link, truncate, user
from storage.models import OutboxRow

# Modal errors are keyed by block id; the service names fields.
FIELD_BLOCKS = {
    "title": BlockId.IDEA_TITLE,
    "pitch": BlockId.IDEA_PITCH,
    "department": BlockId.DEPARTMENT,
    "network": BlockId.IDEA_NETWORK,
    "link": BlockId.IDEA_LINK,
}


def build_pitch_modal(
    departments: Sequence[Department], department: str | None, pitch: str = "", link: str = ""
) -> View:
    """Ask for a title, the pitch, the department, where it would go and an optional link."""
    options = [Option(value=d.key, label=truncate(d.name, 75)) for d in departments][:100]
    chosen = next((o for o in options if o.value == department), None)
    networks = [Option(value=n.value, label=NETWORK_NAMES[n]) for n in Network]
    blocks: list[Block] = [
        text_input(
            BlockId.IDEA_TITLE,
            "Title",
            multiline=False,
            limit=TITLE_LIMIT,
            placeholder="Our export, 3× faster",
        ),
        text_input(
            BlockId.IDEA_PITCH,
            "The pitch",
            multiline=True,
            limit=PITCH_LIMIT,
            initial=pitch,
            placeholder="What would the post say, and why would customers care?",
        ),
        InputBlock(
            block_id=BlockId.DEPARTMENT,
            label="Department",
            element=StaticSelectElement(
                action_id=BlockId.DEPARTMENT, options=options, initial_option=chosen
            ),
        ),
        InputBlock(
            block_id=BlockId.IDEA_NETWORK,
            label="Where would it be posted?",
            element=StaticSelectElement(
                action_id=BlockId.IDEA_NETWORK, options=networks, initial_option=networks[-1]
            ),
        ),
        text_input(
            BlockId.IDEA_LINK, "Link (optional)", multiline=False, initial=link, optional=True
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Colleagues discuss it in the ideas channel; a lead of the department "
                    "or a social media manager approves it, and then you write the post."
                )
            ]
        ),
    ]
    return modal_view(Modal.IDEA, "Pitch a post idea", "Pitch it", blocks, {})


def read_pitch(view: dict[str, Any]) -> Pitch:
    return Pitch(
        title=field_value(view, BlockId.IDEA_TITLE),
        pitch=field_value(view, BlockId.IDEA_PITCH),
        department_key=field_value(view, BlockId.DEPARTMENT),
        network=field_value(view, BlockId.IDEA_NETWORK) or Network.OTHER.value,
        link=field_value(view, BlockId.IDEA_LINK) or None,
    )


def build_decline_modal(idea: Idea) -> View:
    note = text_input(BlockId.NOTE, "Why not? The author reads this.", multiline=True, limit=2000)
    return modal_view(Modal.DECLINE_IDEA, "Decline the idea", "Decline", [note], {"idea": idea.id})


def read_decline(view: dict[str, Any]) -> tuple[int, str]:
    return int(metadata(view)["idea"]), field_value(view, BlockId.NOTE)


def build_idea_card(idea: Idea, department: Department | None) -> tuple[str, list[Block]]:
    """The idea as the ideas channel sees it, with where it stands."""
    where = escape(department.name) if department else escape(idea.department_key)
    network = NETWORK_NAMES.get(Network(idea.network), idea.network)
    about = f"Pitched by {user(idea.author)} for {where} · {network}"
    if idea.link:
        about += f" · {link(idea.link, 'link')}"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"💡 {idea.title}", 150)),
        SectionBlock(text=MarkdownTextObject(text=truncate(escape(idea.pitch), SECTION_LIMIT))),
        ContextBlock(elements=[MarkdownTextObject(text=truncate(about, CONTEXT_LIMIT))]),
        _standing(idea),
    ]
    # The fallback text is read as mrkdwn in notifications: a title must not ping anyone.
    return escape(truncate(f"Post idea: {idea.title}", 300)), blocks


def _standing(idea: Idea) -> Block:
    if idea.status is IdeaStatus.PITCHED:
        buttons = [
            ButtonElement(
                text="Approve", action_id=Action.APPROVE_IDEA, value=str(idea.id), style="primary"
            ),
            ButtonElement(text="Decline", action_id=Action.DECLINE_IDEA, value=str(idea.id)),
        ]
        return ActionsBlock(elements=buttons)
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(_decided(idea), 2000))])


def _decided(idea: Idea) -> str:
    by = user(idea.decided_by)
    if idea.status is IdeaStatus.DECLINED:
        return f":no_entry_sign: Declined by {by}: “{escape(idea.decline_reason or '')}”"
    if idea.status is IdeaStatus.SHIPPED:
        live = link(idea.shipped_url, "See it live")
        return f":rocket: Shipped! Approved by {by}; the post is live: {live}"
    post = f" (#{idea.mention_id})" if idea.mention_id else ""
    return f":white_check_mark: Approved by {by}; {user(idea.author)} is writing the post{post}."


def build_idea_note(idea: Idea) -> tuple[str, list[Block]]:
    """Tell the author what became of their idea, and what comes next."""
    title = escape(idea.title)
    if idea.status is IdeaStatus.DECLINED:
        said = (
            f"Thank you for pitching “{title}”. {user(idea.decided_by)} decided not to go "
            f"ahead: “{escape(idea.decline_reason or '')}”. Keep the ideas coming!"
        )
        return escape(truncate(f"Your idea “{idea.title}” was declined", 300)), [_section(said)]
    said = (
        f":tada: {user(idea.decided_by)} approved your idea “{title}”. Its card is in your "
        f"department's channel as #{idea.mention_id}: write the post there, and it goes to "
        "review like any reply."
    )
    draft = ButtonElement(
        text="Draft post", action_id=Action.DRAFT, value=str(idea.mention_id), style="primary"
    )
    blocks: list[Block] = [_section(said), ActionsBlock(elements=[draft])]
    return escape(truncate(f"Your idea “{idea.title}” was approved", 300)), blocks


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))


IDEA_KINDS = ("idea_card", "idea_update", "idea_dm")


def render_idea_row(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    """The outbox's idea rows: the card, its update after a decision, the author's note."""
    idea, stored = load_idea(session, int(row.payload.get("idea_id") or 0))
    if row.kind == "idea_dm":
        text, blocks = build_idea_note(idea)
        return Outgoing(row.channel, text, [b.to_dict() for b in blocks])
    text, blocks = build_idea_card(idea, services.config.department(idea.department_key))
    if row.kind == "idea_card":
        if stored.card_ts:
            raise Obsolete("the idea's card is already posted")
        return Outgoing(row.channel, text, [b.to_dict() for b in blocks])
    if not (stored.card_channel and stored.card_ts):
        raise NotReady("the idea's card is not in Slack yet")
    return Outgoing(
        stored.card_channel, text, [b.to_dict() for b in blocks], update_ts=stored.card_ts
    )
