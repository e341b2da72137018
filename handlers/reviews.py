"""The review message in a mention's thread, and the DM its author gets on each decision."""

from __future__ import annotations

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

from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Draft, DraftStatus
from bot.services.views import Review
from handlers.ids import Action
from handlers.ids import Block as BlockId
from handlers.policy_view import build_warning_lines
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
        SectionBlock(
            text=MarkdownTextObject(text=truncate(decision_line(draft, dept), SECTION_LIMIT))
        ),
        # What the policy warned about travels with the draft, for the reviewer to weigh.
        *build_warning_lines(review.policy_warnings),
    ]
    publishing = publishing_line(review)
    if publishing:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=truncate(publishing, SECTION_LIMIT)))
        )
    if review.public_text and draft.status is DraftStatus.APPROVED:
        blocks.append(_tracked_text(review.public_text))
    buttons = review_buttons(review)
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.REVIEW_ACTIONS, elements=buttons))
    if draft.status is DraftStatus.IN_REVIEW:
        hint = (
            f"Reviewers: a lead of {escape(dept)} or a social media manager. "
            "Plain messages in this thread stay internal."
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    text = f"Draft v{draft.version} for #{card.mention.id}: {decision_line(draft, dept)}"
    return truncate(text, 300), blocks


def decision_line(draft: Draft, department: str = "the department") -> str:
    status = draft.status
    if status is DraftStatus.IN_REVIEW:
        return ":eyes: Waiting for review"
    if draft.reviewer is None and status in (DraftStatus.APPROVED, DraftStatus.POSTED):
        # Approved (trusted): no reviewer, by the department's trusted lane.
        trusted = f"{user(draft.author)} is trusted in {escape(department)}"
        if status is DraftStatus.POSTED:
            return f":tada: Approved (trusted lane) — {trusted} — and posted"
        return f":white_check_mark: Approved (trusted lane) — {trusted}: ready to go out"
    if status is DraftStatus.APPROVED:
        edited = " with edits" if draft.final_text is not None else ""
        by = user(draft.reviewer)
        return f":white_check_mark: Approved{edited} by {by}: ready to go out"
    if status is DraftStatus.POSTED:
        return f":tada: Approved by {user(draft.reviewer)} and posted"
    verb = "asked for changes" if status is DraftStatus.CHANGES_REQUESTED else "rejected it"
    icon = ":leftwards_arrow_with_hook:" if status is DraftStatus.CHANGES_REQUESTED else ":x:"
    return f"{icon} {user(draft.reviewer)} {verb}: “{escape(draft.review_note or '')}”"


def publishing_line(review: Review) -> str | None:
    """Where publishing stands: under way, failed (and why), or how to post by hand."""
    draft, publishing = review.draft, review.publishing
    if draft.status is not DraftStatus.APPROVED:
        return None
    if publishing is None:
        network = NETWORK_NAMES[review.card.mention.network]
        return f"Post it on {network} yourself, then click *Mark as posted* and paste the link."
    network = NETWORK_NAMES[publishing.network]
    if publishing.status == "running":
        return f":hourglass_flowing_sand: Publishing on {network}…"
    if publishing.status == "failed":
        return (
            f":warning: Not published on {network}: {escape(publishing.error or 'unknown error')}"
        )
    return (
        f"*Publish* posts it on {network} as the brand; or post it yourself and *Mark as posted*."
    )


def _tracked_text(text: str) -> SectionBlock:
    """The text to post by hand, short links included, so clicks are counted."""
    return SectionBlock(
        text=MarkdownTextObject(
            text=truncate(
                f"To post by hand, copy this text (its links count clicks):\n```{escape(text)}```",
                SECTION_LIMIT,
            )
        )
    )


def review_buttons(review: Review) -> list[ButtonElement]:
    draft, value = review.draft, str(review.draft.id)
    if draft.status is DraftStatus.IN_REVIEW and review.is_latest:
        return [
            ButtonElement(text="Approve", action_id=Action.APPROVE, value=value, style="primary"),
            ButtonElement(text="Edit & approve", action_id=Action.EDIT_APPROVE, value=value),
            ButtonElement(text="Request changes", action_id=Action.REQUEST_CHANGES, value=value),
            ButtonElement(text="Reject", action_id=Action.REJECT, value=value, style="danger"),
        ]
    if draft.status is not DraftStatus.APPROVED:
        return []
    return publish_buttons(review) + [
        ButtonElement(text="Mark as posted", action_id=Action.MARK_POSTED, value=value)
    ]


def publish_buttons(review: Review) -> list[ButtonElement]:
    """Publish where a connector can post; Retry after a failure; nothing while it runs."""
    publishing, value = review.publishing, str(review.draft.id)
    if publishing is None or publishing.status in ("running", "done"):
        return []
    if publishing.status == "failed":
        return [
            ButtonElement(
                text="Retry", action_id=Action.RETRY_PUBLISH, value=value, style="primary"
            )
        ]
    return [ButtonElement(text="Publish", action_id=Action.PUBLISH, value=value, style="primary")]


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
    next_step = (
        "Publish it from here, or post it yourself and mark it as posted."
        if review.publishing
        else "Post it, then mark it as posted."
    )
    sentences = {
        "approve": f":white_check_mark: {reviewer} approved {about}. {next_step}",
        "edit_and_approve": f":white_check_mark: {reviewer} approved {about} with a few edits. "
        f"{next_step}",
        "request_changes": f":leftwards_arrow_with_hook: {reviewer} asked for changes to "
        f"{about}: “{note}”",
        "reject": f":x: {reviewer} rejected {about}: “{note}”. You can write a new draft.",
        "approve_trusted": f":white_check_mark: Y{about[1:]} went through the trusted lane: "
        f"it is approved, no review needed. {next_step}",
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
        text = review.public_text or draft.text_to_post
        reply = PlainTextObject(text=truncate(text, SECTION_LIMIT), emoji=False)
        posted = ButtonElement(
            text="Mark as posted", action_id=Action.MARK_POSTED, value=str(draft.id)
        )
        return [SectionBlock(text=reply), ActionsBlock(elements=publish_buttons(review) + [posted])]
    return []


def build_publish_note(review: Review, payload: dict[str, Any]) -> tuple[str, list[Block]]:
    """Say in the thread that the reply is live, or why it is not, with Retry."""
    who = user(str(payload.get("by") or "") or None)
    publishing = review.publishing
    network = NETWORK_NAMES[publishing.network if publishing else review.card.mention.network]
    version = review.draft.version
    url = payload.get("url")
    if isinstance(url, str):
        said = f":tada: {who} published draft v{version} on {network}: {link(url, 'live reply')}"
        section = SectionBlock(text=MarkdownTextObject(text=truncate(said, SECTION_LIMIT)))
        return f"Published on {network}", [section]
    error = escape(str(payload.get("error") or "unknown error"))
    said = (
        f":warning: Draft v{version} was not published on {network}: {error}\n"
        "The draft is still approved and nothing was posted twice."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(said, SECTION_LIMIT)))
    ]
    buttons = publish_buttons(review)
    if buttons and review.draft.status is DraftStatus.APPROVED:
        blocks.append(ActionsBlock(elements=buttons))
    return truncate(f"Not published on {network}: {payload.get('error')}", 300), blocks
