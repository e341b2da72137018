"""The review message in a mention's thread, and the DM its author gets on each decision."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Draft, DraftStatus
from bot.services.views import Review
from handlers.ids import Action
from handlers.ids import Block as BlockId
from handlers.text import SECTION_LIMIT, escape, link, truncate, user


def build_review(review: Review) -> tuple[str, list[Block]]:
    """Return the review message: the draft, its state, and the buttons for reviewers."""
    draft, card = review.draft, review.card
    dept = card.department.name if card.department else "the department"
    network = NETWORK_NAMES[card.mention.network]
    author = user(draft.author)
    head = f"*Draft v{draft.version}* by {author} · reply to #{card.mention.id} on {network}"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(
            text=PlainTextObject(text=truncate(draft.text_to_post, SECTION_LIMIT), emoji=False)
        ),
        SectionBlock(text=MarkdownTextObject(text=truncate(decision_line(draft), SECTION_LIMIT))),
    ]
    buttons = review_buttons(draft, review.is_latest)
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.REVIEW_ACTIONS, elements=buttons))
    if draft.status is DraftStatus.IN_REVIEW:
        hint = (
            f"Reviewers: a lead of {escape(dept)} or a social media manager. "
            "Plain messages in this thread stay internal."
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    text = f"Draft v{draft.version} for #{card.mention.id}: {decision_line(draft)}"
    return truncate(text, 300), blocks


def decision_line(draft: Draft) -> str:
    status = draft.status
    if status is DraftStatus.IN_REVIEW:
        return ":eyes: Waiting for review"
    if status is DraftStatus.APPROVED:
        edited = " with edits" if draft.final_text is not None else ""
        by = user(draft.reviewer)
        return f":white_check_mark: Approved{edited} by {by}: post it, then mark it as posted"
    if status is DraftStatus.POSTED:
        return f":tada: Approved by {user(draft.reviewer)} and posted"
    verb = "asked for changes" if status is DraftStatus.CHANGES_REQUESTED else "rejected it"
    icon = ":leftwards_arrow_with_hook:" if status is DraftStatus.CHANGES_REQUESTED else ":x:"
    return f"{icon} {user(draft.reviewer)} {verb}: “{escape(draft.review_note or '')}”"


def review_buttons(draft: Draft, is_latest: bool) -> list[ButtonElement]:
    value = str(draft.id)
    if draft.status is DraftStatus.IN_REVIEW and is_latest:
        return [
            ButtonElement(text="Approve", action_id=Action.APPROVE, value=value, style="primary"),
            ButtonElement(text="Edit & approve", action_id=Action.EDIT_APPROVE, value=value),
            ButtonElement(text="Request changes", action_id=Action.REQUEST_CHANGES, value=value),
            ButtonElement(text="Reject", action_id=Action.REJECT, value=value, style="danger"),
        ]
    if draft.status is DraftStatus.APPROVED:
        return [
            ButtonElement(
                text="Mark as posted", action_id=Action.MARK_POSTED, value=value, style="primary"
            )
        ]
    return []


def build_decision_dm(review: Review, decision: str) -> tuple[str, list[Block]]:
    """Tell a draft's author what the reviewer decided, with the next step as a button."""
    text = decision_sentence(review, decision)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))
    ]
    blocks += _next_step(review, decision)
    if review.card.url:
        post = link(review.card.url, "The customer's post")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=post)]))
    return truncate(text, 300), blocks


def decision_sentence(review: Review, decision: str) -> str:
    draft, card = review.draft, review.card
    where = f" in <#{card.channel}>" if card.channel else ""
    about = f"your draft v{draft.version} for #{card.mention.id}{where}"
    reviewer = user(draft.reviewer)
    note = escape(draft.review_note or "")
    sentences = {
        "approve": f":white_check_mark: {reviewer} approved {about}. "
        "Post it, then mark it as posted.",
        "edit_and_approve": f":white_check_mark: {reviewer} approved {about} with a few edits. "
        "Post the edited text, then mark it as posted.",
        "request_changes": f":leftwards_arrow_with_hook: {reviewer} asked for changes to "
        f"{about}: “{note}”",
        "reject": f":x: {reviewer} rejected {about}: “{note}”. You can write a new draft.",
    }
    return sentences.get(decision, f"{reviewer} reviewed {about}.")


def _next_step(review: Review, decision: str) -> list[Block]:
    """Revise after a refusal; the approved text and Mark as posted after an approval."""
    draft = review.draft
    if decision in ("request_changes", "reject"):
        revise = ButtonElement(
            text="Revise draft",
            action_id=Action.REVISE,
            value=str(review.card.mention.id),
            style="primary",
        )
        return [ActionsBlock(elements=[revise])]
    if draft.status is DraftStatus.APPROVED:
        reply = PlainTextObject(text=truncate(draft.text_to_post, SECTION_LIMIT), emoji=False)
        posted = ButtonElement(
            text="Mark as posted", action_id=Action.MARK_POSTED, value=str(draft.id)
        )
        return [SectionBlock(text=reply), ActionsBlock(elements=[posted])]
    return []
