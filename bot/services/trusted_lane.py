"""The trusted lane, as a step of submitting a draft: approve it at once when the department
lets this trusted person's clean reply skip review (see bot.domain.trusted_lane)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.model import Actor
from bot.domain.policy import PolicyReport
from bot.domain.trusted_lane import Lane, approve_trusted, lane_for
from bot.services.core import Services, record
from bot.services.roles import trusted_lane_open
from bot.services.short_links import track_links
from storage import delivery
from storage.mapping import apply_draft, apply_mention, to_draft, to_mention
from storage.models import DraftRow, MentionRow


def take_lane(
    services: Services,
    session: Session,
    row: MentionRow,
    draft_row: DraftRow,
    actor: Actor,
    report: PolicyReport,
    now: datetime,
) -> Lane:
    """Approve the just-submitted draft when it may skip review; say whether it did.

    Runs in the submission's transaction, after the draft went into review: the audit then
    reads submit_draft, then approve_trusted, and the author gets the decision as a DM."""
    mention = to_mention(row)
    lane_open = trusted_lane_open(session, row.department_key)
    lane = lane_for(actor, mention, row.intent, report.clean, lane_open)
    if not lane.skips_review:
        return lane
    outcome = approve_trusted(mention, to_draft(draft_row), actor, now)
    assert outcome.draft is not None
    apply_draft(draft_row, outcome.draft)
    apply_mention(row, outcome.mention)
    draft_row.tracked_text = track_links(
        session, services, draft_row, mention.network, outcome.draft.text_to_post, now
    )
    record(
        session,
        outcome,
        actor.user_id,
        now,
        draft_version=draft_row.version,
        department=row.department_key,
    )
    delivery.add_outbox(
        session,
        "dm",
        draft_row.author,
        now,
        mention_id=row.id,
        draft_id=draft_row.id,
        payload={"decision": outcome.move.value},
    )
    return lane
