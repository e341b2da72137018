"""The trusted lane: little red tape for people a department trusts.

A department may let its trusted people skip review: when one of them submits a reply the
policy finds nothing in, to a mention that praises or is neutral, the reply is approved at
once ("approved (trusted)", with no reviewer) and still appears in the mention's thread.
Complaints and questions always get a review: that is where a wrong answer costs most.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.classification import Intent
from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.model import Actor, Draft, DraftStatus, Mention
from bot.domain.moves import Move, Outcome, advance

# What a mention may be about for its reply to skip review.
LANE_INTENTS = frozenset({Intent.PRAISE, Intent.OTHER})


@dataclass(frozen=True)
class Lane:
    """Whether a submitted draft skips review, and if not, why (for a trusted author)."""

    skips_review: bool
    why_not: str = ""  # empty for people the lane is not for: review is simply the way


def lane_for(
    actor: Actor, mention: Mention, intent: str | None, policy_clean: bool, lane_open: bool
) -> Lane:
    """Decide whether the actor's draft for the mention goes through the trusted lane."""
    if not actor.is_trusted_in(mention.department_key):
        return Lane(False)
    if not lane_open:
        return Lane(False, "the trusted lane of this department is closed")
    if intent not in LANE_INTENTS:
        what = f"a {intent}" if intent in (Intent.COMPLAINT, Intent.QUESTION) else "this mention"
        return Lane(False, f"a reply to {what} always gets a review")
    if not policy_clean:
        return Lane(False, "the guidelines found something for the reviewer to look at")
    return Lane(True)


def approve_trusted(mention: Mention, draft: Draft, actor: Actor, now: datetime) -> Outcome:
    """Approve a trusted person's own draft without a reviewer: "approved (trusted)"."""
    after = advance(Move.APPROVE_TRUSTED, mention, now)
    if draft.mention_id != mention.id:
        raise WorkflowError("This draft belongs to another mention.")
    if draft.status is not DraftStatus.IN_REVIEW:
        raise WorkflowError(f"Draft v{draft.version} was already reviewed.")
    if draft.author != actor.user_id or not actor.is_trusted_in(mention.department_key):
        raise NotAllowed(
            "Only the draft's author, when trusted in this department, can send it through "
            "the trusted lane; everyone else's drafts are reviewed."
        )
    approved = replace(draft, status=DraftStatus.APPROVED, reviewer=None, reviewed_at=now)
    return Outcome(Move.APPROVE_TRUSTED, after, mention.state, approved)
