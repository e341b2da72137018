"""Reminders for work in someone's hands: which stage is due, from the claim or the draft,
in working time, once per claim and per draft version, and who hears about a waiting draft."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.business_time import BusinessHours
from bot.domain.claim_reminders import (
    ClaimStage,
    ClaimTimes,
    claim_clock,
    due_claim_stage,
    review_nudge_due,
    reviewers_to_nudge,
)
from bot.domain.model import Department, Draft, DraftStatus, Mention, Network, State

HOURS = BusinessHours(ZoneInfo("Europe/Paris"))
TIMES = ClaimTimes(claimed_nudge=120, release_claim=480, review_nudge=60)
CLAIMED_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris
NUDGE, RELEASE = ClaimStage.CLAIM_NUDGE, ClaimStage.CLAIM_RELEASE


def claimed(at: datetime = CLAIMED_AT, state: State = State.CLAIMED) -> Mention:
    return Mention(
        id=12,
        network=Network.MASTODON,
        external_id="1",
        text="Is the export broken?",
        received_at=at - timedelta(minutes=5),
        state=state,
        department_key="support",
        claimed_by="U0ANA",
        claimed_at=at,
    )


def draft(created_at: datetime, status: DraftStatus = DraftStatus.IN_REVIEW) -> Draft:
    reviewed = created_at + timedelta(minutes=30) if status is not DraftStatus.IN_REVIEW else None
    return Draft(12, 1, "U0ANA", "On it!", created_at, status=status, reviewed_at=reviewed)


def later(minutes: float, start: datetime = CLAIMED_AT) -> datetime:
    return start + timedelta(minutes=minutes)


def due(
    mention: Mention,
    now: datetime,
    sent: dict[str, datetime] | None = None,
    last: Draft | None = None,
    times: ClaimTimes = TIMES,
) -> ClaimStage | None:
    return due_claim_stage(mention, last, times, HOURS, now, sent or {})


# --- The claimer's clock --------------------------------------------------------------------


def test_the_clock_starts_at_the_claim() -> None:
    assert claim_clock(claimed(), None) == CLAIMED_AT


@pytest.mark.parametrize("state", [State.ROUTED, State.IN_REVIEW, State.APPROVED])
def test_only_a_claimed_mention_has_a_clock(state: State) -> None:
    assert claim_clock(claimed(state=state), None) is None


@pytest.mark.parametrize("status", [DraftStatus.CHANGES_REQUESTED, DraftStatus.REJECTED])
def test_a_draft_sent_back_restarts_the_clock(status: DraftStatus) -> None:
    sent_back = draft(later(60), status)

    assert claim_clock(claimed(), sent_back) == sent_back.reviewed_at


def test_a_draft_sent_back_before_this_claim_does_not_count() -> None:
    old = draft(CLAIMED_AT - timedelta(days=1), DraftStatus.REJECTED)

    assert claim_clock(claimed(), old) == CLAIMED_AT


# --- Claim stages ---------------------------------------------------------------------------


def test_the_nudge_comes_at_its_time_then_the_release() -> None:
    mention = claimed()

    assert due(mention, later(119)) is None
    assert due(mention, later(120)) is NUDGE
    assert due(mention, later(121), {NUDGE: later(120)}) is None
    assert due(mention, later(480), {NUDGE: later(120)}) is RELEASE


def test_after_an_outage_the_claim_is_released_without_a_nudge_first() -> None:
    assert due(claimed(), later(600)) is RELEASE


def test_stages_sent_for_an_earlier_claim_come_again() -> None:
    earlier = {NUDGE: later(-60), RELEASE: later(0)}  # the release freed it; this claim is anew

    assert due(claimed(), later(120), earlier) is NUDGE


def test_a_draft_sent_back_brings_a_new_nudge() -> None:
    sent_back = draft(later(150), DraftStatus.CHANGES_REQUESTED)  # reviewed at 180
    sent = {NUDGE: later(120)}

    assert due(claimed(), later(299), sent, sent_back) is None
    assert due(claimed(), later(300), sent, sent_back) is NUDGE


@pytest.mark.parametrize(
    ("times", "at", "expected"),
    [
        (ClaimTimes(0, 480, 60), later(300), None),
        (ClaimTimes(0, 480, 60), later(480), RELEASE),
        (ClaimTimes(120, 0, 60), later(2000), NUDGE),
        (ClaimTimes(0, 0, 60), later(2000), None),
    ],
    ids=["nudge-off", "nudge-off-release-on", "release-off", "both-off"],
)
def test_zero_turns_a_stage_off(times: ClaimTimes, at: datetime, expected: ClaimStage) -> None:
    assert due(claimed(), at, times=times) is expected


def test_only_working_time_counts() -> None:
    friday_1730 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # 10:30 in Paris: 30 min + 90 min

    assert due(claimed(friday_1730), monday - timedelta(minutes=1)) is None
    assert due(claimed(friday_1730), monday) is NUDGE


# --- Review nudges --------------------------------------------------------------------------


def in_review(created_at: datetime = CLAIMED_AT) -> tuple[Mention, Draft]:
    return claimed(state=State.IN_REVIEW), draft(created_at)


def test_a_draft_in_review_is_nudged_once() -> None:
    mention, waiting = in_review()

    assert not review_nudge_due(mention, waiting, TIMES, HOURS, later(59), {})
    assert review_nudge_due(mention, waiting, TIMES, HOURS, later(60), {})
    sent = {ClaimStage.REVIEW_NUDGE.value: later(60)}
    assert not review_nudge_due(mention, waiting, TIMES, HOURS, later(600), sent)


def test_each_draft_version_gets_its_own_nudge() -> None:
    mention, v2 = in_review(later(200))
    sent_for_v1 = {ClaimStage.REVIEW_NUDGE.value: later(60)}

    assert review_nudge_due(mention, replace(v2, version=2), TIMES, HOURS, later(260), sent_for_v1)


@pytest.mark.parametrize("status", [DraftStatus.APPROVED, DraftStatus.CHANGES_REQUESTED])
def test_a_reviewed_draft_is_not_nudged(status: DraftStatus) -> None:
    mention, waiting = in_review()

    assert not review_nudge_due(
        mention, replace(waiting, status=status), TIMES, HOURS, later(90), {}
    )


def test_a_dismissed_mentions_draft_is_not_nudged() -> None:
    mention, waiting = in_review()
    dismissed = replace(mention, state=State.DISMISSED)

    assert not review_nudge_due(dismissed, waiting, TIMES, HOURS, later(90), {})


def test_review_nudges_can_be_turned_off() -> None:
    mention, waiting = in_review()

    assert not review_nudge_due(mention, waiting, ClaimTimes(120, 480, 0), HOURS, later(900), {})


# --- Who hears about a waiting draft ---------------------------------------------------------

SUPPORT = Department(
    "support", "Customer Support", "C0SUPPORT", leads=frozenset({"U0LEA", "U0LIV"})
)
MANAGERS = ["U0MAX", "U0MIA"]


@pytest.mark.parametrize(
    ("department", "author", "expected"),
    [
        (SUPPORT, "U0ANA", ["U0LEA", "U0LIV"]),
        (SUPPORT, "U0LIV", ["U0LEA"]),  # never the draft's own author
        (replace(SUPPORT, leads=frozenset({"U0LIV"})), "U0LIV", MANAGERS),  # no lead left
        (replace(SUPPORT, leads=frozenset()), "U0MIA", ["U0MAX"]),
        (None, "U0ANA", MANAGERS),
    ],
    ids=[
        "leads",
        "not-the-author",
        "managers-when-no-lead-is-left",
        "not-a-manager-author",
        "no-department",
    ],
)
def test_the_leads_hear_then_the_managers(
    department: Department | None, author: str, expected: list[str]
) -> None:
    assert reviewers_to_nudge(department, MANAGERS, author) == expected
