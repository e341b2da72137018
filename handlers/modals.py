"""Modals, each builder next to the reader of its submission, so block ids live in one file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Department
from bot.domain.policy import PolicyReport
from bot.services.workflow import DraftForm
from handlers.ids import Block as BlockId
from handlers.ids import Modal
from handlers.policy_view import build_findings_blocks
from handlers.text import SECTION_LIMIT, escape, truncate

INPUT_LIMIT = 3000  # Slack's own cap on a plain_text_input
DISMISS_REASONS = {
    "no_reply_needed": "No reply needed",
    "answered_elsewhere": "Already answered elsewhere",
    "not_about_us": "Not about us",
    "spam": "Spam or abuse",
    "other": "Other (say why below)",
}


def modal_view(
    callback: Modal, title: str, submit: str | None, blocks: Sequence[Block], meta: dict[str, Any]
) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=truncate(title, 24),
        submit=truncate(submit, 24) if submit else None,
        close="Cancel",
        blocks=list(blocks),
        private_metadata=json.dumps(meta),
    )


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """Read what the builder stored in the modal's private_metadata."""
    return dict(json.loads(view.get("private_metadata") or "{}"))


def field_value(view: dict[str, Any], block: BlockId) -> str:
    element = view["state"]["values"].get(block, {}).get(block, {})
    if element.get("type") == "static_select":
        selected = element.get("selected_option") or {}
        return str(selected.get("value") or "")
    return str(element.get("value") or "")


def text_input(
    block: BlockId,
    label: str,
    *,
    multiline: bool,
    limit: int = INPUT_LIMIT,
    initial: str = "",
    placeholder: str | None = None,
    hint: str | None = None,
    optional: bool = False,
    as_typed: bool = False,
) -> InputBlock:
    # as_typed: Slack sends the text as it is typed, so the policy can be checked live.
    element = PlainTextInputElement(
        action_id=block,
        multiline=multiline,
        max_length=limit,
        initial_value=truncate(initial, limit) if initial else None,
        placeholder=placeholder,
        dispatch_action_config=DispatchActionConfig(trigger_actions_on=["on_character_entered"])
        if as_typed
        else None,
    )
    return InputBlock(
        block_id=block,
        label=label,
        element=element,
        hint=hint,
        optional=optional,
        dispatch_action=as_typed or None,
    )


def _quote(text: str) -> SectionBlock:
    return SectionBlock(text=PlainTextObject(text=truncate(text, SECTION_LIMIT), emoji=False))


def build_draft_modal(
    form: DraftForm, channel: str | None, report: PolicyReport | None = None
) -> View:
    """The modal where a reply is written, beside the customer's post and the length limit;
    under the reply, what the policy says of it (once something is typed) and the guidelines."""
    network = NETWORK_NAMES[form.network]
    who = escape(form.author) if form.author else "the customer"
    said = f"#{form.mention_id} · {who} on {network} wrote:"
    if form.is_post:
        said = f"#{form.mention_id} · a new post for {network}, from this idea:"
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=said)]),
        _quote(form.customer_text),
    ]
    thing, things = ("post", "posts") if form.is_post else ("reply", "replies")
    if form.note:
        said = ":leftwards_arrow_with_hook: Reviewer's note: “"
        # The note may be as long as its own input (3000): cut it to leave room for the words.
        note = truncate(escape(form.note), SECTION_LIMIT - len(said) - 1)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{said}{note}”")))
    blocks.append(
        text_input(
            BlockId.REPLY,
            f"Your {thing}",
            multiline=True,
            initial=form.initial_text,
            hint=f"{network} {things} can be up to {form.rule.describe()}. "
            "A lead or the social media manager reviews it before it goes public.",
            as_typed=True,
        )
    )
    blocks += build_findings_blocks(report)
    title = f"Draft {thing}" + (f" v{form.next_version}" if form.next_version > 1 else "")
    return modal_view(
        Modal.DRAFT,
        title,
        "Submit for review",
        blocks,
        {"mention_id": form.mention_id, "channel": channel},
    )


def read_reply(view: dict[str, Any]) -> str:
    return field_value(view, BlockId.REPLY)


def build_edit_approve_modal(draft_id: int, text: str, report: PolicyReport | None = None) -> View:
    blocks: list[Block] = [
        text_input(
            BlockId.REPLY,
            "Reply as it will be posted",
            multiline=True,
            initial=text,
            hint="Your edit is what goes public; the author sees it in their DM.",
            as_typed=True,
        ),
        *build_findings_blocks(report),
    ]
    return modal_view(
        Modal.EDIT_APPROVE, "Edit & approve", "Approve", blocks, {"draft_id": draft_id}
    )


def build_note_modal(callback: Modal, draft_id: int, text: str) -> View:
    """Request changes or Reject: the draft, and a note its author will read."""
    asks = {
        Modal.REQUEST_CHANGES: ("Request changes", "Send back", "What should change?"),
        Modal.REJECT: ("Reject draft", "Reject", "Why should this not go out?"),
    }
    title, submit, label = asks[callback]
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text="The draft:")]),
        _quote(text),
        text_input(BlockId.NOTE, label, multiline=True, hint="The author gets this in a DM."),
    ]
    return modal_view(callback, title, submit, blocks, {"draft_id": draft_id})


def read_note(view: dict[str, Any]) -> str:
    return field_value(view, BlockId.NOTE)


def build_mark_posted_modal(draft_id: int, text: str) -> View:
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text="The approved reply:")]),
        _quote(text),
        text_input(
            BlockId.URL,
            "Live link to the reply",
            multiline=False,
            placeholder="https://…",
            hint="Post the reply on the network, then paste its link.",
        ),
    ]
    return modal_view(
        Modal.MARK_POSTED, "Mark as posted", "Mark as posted", blocks, {"draft_id": draft_id}
    )


def read_url(view: dict[str, Any]) -> str:
    return field_value(view, BlockId.URL)


def build_dismiss_modal(mention_id: int) -> View:
    options = [Option(value=k, label=v) for k, v in DISMISS_REASONS.items()]
    blocks: list[Block] = [
        InputBlock(
            block_id=BlockId.REASON,
            label="Why does this need no reply?",
            element=StaticSelectElement(action_id=BlockId.REASON, options=options),
        ),
        text_input(BlockId.NOTE, "More detail", multiline=False, optional=True),
    ]
    return modal_view(
        Modal.DISMISS, f"Dismiss #{mention_id}", "Dismiss", blocks, {"mention_id": mention_id}
    )


def read_dismiss_reason(view: dict[str, Any]) -> tuple[str, str]:
    """Return (reason label, detail); the label is empty when 'Other' has no detail."""
    key, detail = field_value(view, BlockId.REASON), field_value(view, BlockId.NOTE).strip()
    if key == "other":
        return detail, detail
    label = DISMISS_REASONS.get(key, "")
    return (f"{label}: {detail}" if detail else label), detail


def build_transfer_modal(
    mention_id: int, departments: Sequence[Department], current: str | None
) -> View:
    options = [
        Option(value=d.key, label=truncate(d.name, 75)) for d in departments if d.key != current
    ]
    blocks: list[Block] = [
        InputBlock(
            block_id=BlockId.DEPARTMENT,
            label="Which department should answer?",
            element=StaticSelectElement(action_id=BlockId.DEPARTMENT, options=options[:100]),
        ),
    ]
    return modal_view(
        Modal.TRANSFER, f"Transfer #{mention_id}", "Transfer", blocks, {"mention_id": mention_id}
    )


def read_department(view: dict[str, Any]) -> str:
    return field_value(view, BlockId.DEPARTMENT)
