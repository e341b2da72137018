"""Translate between rows and the domain's frozen entities."""

from __future__ import annotations

from bot.domain.model import Draft, DraftStatus, Mention, Network, State
from storage.models import DraftRow, MentionRow


def to_mention(row: MentionRow) -> Mention:
    return Mention(
        id=row.id,
        network=Network(row.network),
        external_id=row.external_id,
        text=row.text,
        received_at=row.received_at,
        state=State(row.state),
        department_key=row.department_key,
        route_reason=row.route_reason,
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        dismissed_by=row.dismissed_by,
        dismissed_reason=row.dismissed_reason,
        posted_url=row.posted_url,
        posted_at=row.posted_at,
    )


def apply_mention(row: MentionRow, mention: Mention) -> None:
    """Copy the workflow fields of `mention` onto its row."""
    row.state = mention.state.value
    row.department_key = mention.department_key
    row.route_reason = mention.route_reason
    row.claimed_by = mention.claimed_by
    row.claimed_at = mention.claimed_at
    row.dismissed_by = mention.dismissed_by
    row.dismissed_reason = mention.dismissed_reason
    row.posted_url = mention.posted_url
    row.posted_at = mention.posted_at


def to_draft(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        mention_id=row.mention_id,
        version=row.version,
        author=row.author,
        text=row.text,
        created_at=row.created_at,
        status=DraftStatus(row.status),
        reviewer=row.reviewer,
        review_note=row.review_note,
        reviewed_at=row.reviewed_at,
        final_text=row.final_text,
    )


def new_draft_row(draft: Draft) -> DraftRow:
    row = DraftRow(mention_id=draft.mention_id, version=draft.version, author=draft.author)
    apply_draft(row, draft)
    row.text = draft.text
    row.created_at = draft.created_at
    return row


def apply_draft(row: DraftRow, draft: Draft) -> None:
    """Copy the review fields of `draft` onto its row."""
    row.status = draft.status.value
    row.reviewer = draft.reviewer
    row.review_note = draft.review_note
    row.reviewed_at = draft.reviewed_at
    row.final_text = draft.final_text
