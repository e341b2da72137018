"""When work in someone's hands needs a nudge: a claim with no draft after a while (a DM to
the claimer, later the claim goes back to the queue), and a draft waiting for review (a DM to
the reviewers). Counted in working time; each stage once per claim and once per draft
version; nothing once someone has acted. No names in public, no counts, no blame."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.business_time import BusinessHours
from bot.domain.model import Department, Draft, DraftStatus, Mention, State


class ClaimStage(StrEnum):
    CLAIM_NUDGE = "claim_nudge"
    CLAIM_RELEASE = "claim_release"
    REVIEW_NUDGE = "review_nudge"


@dataclass(frozen=True)
class ClaimTimes:
    """Working minutes before each stage (`[reminders]`); 0 turns a stage off."""

    claimed_nudge: int = 120
    release_claim: int = 480
    review_nudge: int = 60


def claim_clock(mention: Mention, draft: Draft | None) -> datetime | None:
    """Return when the claimer's clock started: the claim, or the moment a reviewer sent
    their draft back, whichever is later. None when the mention is not waiting on a claimer."""
    if mention.state is not State.CLAIMED or mention.claimed_at is None:
        return None
    sent_back = (DraftStatus.CHANGES_REQUESTED, DraftStatus.REJECTED)
    if draft and draft.status in sent_back and draft.reviewed_at:
        return max(mention.claimed_at, draft.reviewed_at)
    return mention.claimed_at


def current(sent: Mapping[str, datetime], since: datetime) -> frozenset[str]:
    """The stages sent for this claim or draft. A stage sent at or before `since` belongs to
    an earlier claim or draft version, so it is due again; every stage comes strictly after
    its clock starts, so one sent at that very instant cannot be this one's."""
    return frozenset(stage for stage, at in sent.items() if at > since)


def due_claim_stage(
    mention: Mention,
    draft: Draft | None,
    times: ClaimTimes,
    hours: BusinessHours,
    now: datetime,
    sent: Mapping[str, datetime],
) -> ClaimStage | None:
    """Return the claim stage to act on now, if any: the furthest one reached and not yet
    sent (after an outage the claim is released, not nudged first and released a minute later)."""
    start = claim_clock(mention, draft)
    if start is None:
        return None
    waited = hours.minutes_between(start, now)
    stages = (
        (ClaimStage.CLAIM_NUDGE, times.claimed_nudge),
        (ClaimStage.CLAIM_RELEASE, times.release_claim),
    )
    reached = [stage for stage, limit in stages if limit and waited >= limit]
    if not reached or reached[-1].value in current(sent, start):
        return None
    return reached[-1]


def review_nudge_due(
    mention: Mention,
    draft: Draft,
    times: ClaimTimes,
    hours: BusinessHours,
    now: datetime,
    sent: Mapping[str, datetime],
) -> bool:
    """Tell whether the draft has waited for review long enough to nudge its reviewers."""
    if mention.state is not State.IN_REVIEW or draft.status is not DraftStatus.IN_REVIEW:
        return False
    if not times.review_nudge or ClaimStage.REVIEW_NUDGE.value in current(sent, draft.created_at):
        return False
    return hours.minutes_between(draft.created_at, now) >= times.review_nudge


def reviewers_to_nudge(
    department: Department | None, managers: Iterable[str], author: str
) -> list[str]:
    """Who hears about a waiting draft: the department's leads, the managers when no lead is
    left; never the draft's author, who may not review it."""
    leads = sorted(department.leads - {author}) if department else []
    return leads or sorted(set(managers) - {author})
