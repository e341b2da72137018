"""The trusted lane: which drafts skip review, and the move that approves them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.model import Actor, Draft, DraftStatus, Mention, Network, State
from bot.domain.moves import MOVES, Move
from bot.domain.trusted_lane import Lane, approve_trusted, lane_for

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SUPPORT, SALES = "support", "sales"
TRUSTED = Actor("U0ANA", trusted_in=frozenset({SUPPORT}))
TRUSTED_ELSEWHERE = Actor("U0ANA", trusted_in=frozenset({SALES}))
STAFF = Actor("U0ANA")
LEAD = Actor("U0ANA", lead_of=frozenset({SUPPORT}))
OTHER_LEAD = Actor("U0ANA", lead_of=frozenset({SALES}))
MANAGER = Actor("U0ANA", is_manager=True)

MENTION = Mention(
    id=7,
    network=Network.MASTODON,
    external_id="1",
    text="Love the new export!",
    received_at=NOW,
    state=State.IN_REVIEW,
    department_key=SUPPORT,
    claimed_by="U0ANA",
    claimed_at=NOW,
)
DRAFT = Draft(mention_id=7, version=1, author="U0ANA", text="Thank you!\n— Ana", created_at=NOW)


def test_the_move_table_approves_from_review_only() -> None:
    assert MOVES[Move.APPROVE_TRUSTED] == (frozenset({State.IN_REVIEW}), State.APPROVED)


@pytest.mark.parametrize("intent", ["praise", "other"])
def test_a_trusted_persons_clean_reply_to_praise_or_a_neutral_mention_skips_review(
    intent: str,
) -> None:
    assert lane_for(TRUSTED, MENTION, intent, policy_clean=True, lane_open=True) == Lane(True)


@pytest.mark.parametrize(
    ("actor", "intent", "clean", "open_", "why"),
    [
        (STAFF, "praise", True, True, ""),
        (TRUSTED_ELSEWHERE, "praise", True, True, ""),
        (LEAD, "praise", True, True, ""),
        (MANAGER, "praise", True, True, ""),
        (TRUSTED, "complaint", True, True, "a reply to a complaint always gets a review"),
        (TRUSTED, "question", True, True, "a reply to a question always gets a review"),
        (TRUSTED, None, True, True, "a reply to this mention always gets a review"),
        (
            TRUSTED,
            "praise",
            False,
            True,
            "the guidelines found something for the reviewer to look at",
        ),
        (TRUSTED, "praise", True, False, "the trusted lane of this department is closed"),
    ],
    ids=[
        "staff",
        "trusted-in-another-department",
        "lead-of-this-department",
        "manager",
        "complaint",
        "question",
        "not-classified",
        "a-warning",
        "lane-closed",
    ],
)
def test_everything_else_goes_to_review(
    actor: Actor, intent: str | None, clean: bool, open_: bool, why: str
) -> None:
    assert lane_for(actor, MENTION, intent, clean, open_) == Lane(False, why)


def test_approved_trusted_has_no_reviewer() -> None:
    outcome = approve_trusted(MENTION, DRAFT, TRUSTED, NOW)

    assert outcome.move is Move.APPROVE_TRUSTED
    assert (outcome.before, outcome.after) == (State.IN_REVIEW, State.APPROVED)
    assert outcome.draft == replace(DRAFT, status=DraftStatus.APPROVED, reviewed_at=NOW)
    assert outcome.draft.reviewer is None


@pytest.mark.parametrize(
    "actor",
    [STAFF, TRUSTED_ELSEWHERE, LEAD, OTHER_LEAD, MANAGER],
    ids=["staff", "trusted-elsewhere", "lead", "lead-of-another", "manager"],
)
def test_only_a_trusted_author_approves_through_the_lane(actor: Actor) -> None:
    with pytest.raises(NotAllowed, match="everyone else's drafts are reviewed"):
        approve_trusted(MENTION, DRAFT, actor, NOW)


def test_nobody_sends_someone_elses_draft_through_the_lane() -> None:
    with pytest.raises(NotAllowed):
        approve_trusted(MENTION, replace(DRAFT, author="U0BEN"), TRUSTED, NOW)


def test_a_reviewed_draft_or_a_mention_not_in_review_cannot_take_the_lane() -> None:
    with pytest.raises(WorkflowError, match="already reviewed"):
        approve_trusted(MENTION, replace(DRAFT, status=DraftStatus.REJECTED), TRUSTED, NOW)
    with pytest.raises(WorkflowError, match="already approved"):
        approve_trusted(replace(MENTION, state=State.APPROVED), DRAFT, TRUSTED, NOW)
