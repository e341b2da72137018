"""The move table: which moves the workflow allows from which states, and why not.

The functions that make the moves are in `workflow` (the mention's), `review_moves` (a
draft's review and going live) and `trusted_lane` (approval without review); they all
advance a mention through `advance` here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.domain.clock import ago
from bot.domain.errors import WorkflowError
from bot.domain.model import OPEN_STATES, Actor, Draft, Mention, State


class Move(StrEnum):
    ROUTE = "route"
    CLAIM = "claim"
    UNCLAIM = "unclaim"
    RELEASE = "release"
    SUBMIT_DRAFT = "submit_draft"
    APPROVE = "approve"
    APPROVE_TRUSTED = "approve_trusted"
    EDIT_AND_APPROVE = "edit_and_approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    MARK_POSTED = "mark_posted"
    PUBLISH = "publish"
    DISMISS = "dismiss"
    TRANSFER = "transfer"


# The move table is the documentation: from which states a move is allowed, and where it leads.
MOVES: dict[Move, tuple[frozenset[State], State]] = {
    Move.ROUTE: (frozenset({State.NEW}), State.ROUTED),
    Move.CLAIM: (frozenset({State.ROUTED}), State.CLAIMED),
    Move.UNCLAIM: (frozenset({State.CLAIMED}), State.ROUTED),
    # Chorus itself gives back a claim left without a draft too long (see claim_reminders).
    Move.RELEASE: (frozenset({State.CLAIMED}), State.ROUTED),
    Move.SUBMIT_DRAFT: (frozenset({State.CLAIMED}), State.IN_REVIEW),
    Move.APPROVE: (frozenset({State.IN_REVIEW}), State.APPROVED),
    # The trusted lane: a trusted person's clean reply to praise or a neutral mention is
    # approved as soon as it is submitted, with no reviewer (see trusted_lane).
    Move.APPROVE_TRUSTED: (frozenset({State.IN_REVIEW}), State.APPROVED),
    Move.EDIT_AND_APPROVE: (frozenset({State.IN_REVIEW}), State.APPROVED),
    Move.REQUEST_CHANGES: (frozenset({State.IN_REVIEW}), State.CLAIMED),
    Move.REJECT: (frozenset({State.IN_REVIEW}), State.CLAIMED),
    Move.MARK_POSTED: (frozenset({State.APPROVED}), State.PUBLISHED),
    Move.PUBLISH: (frozenset({State.APPROVED}), State.PUBLISHED),
    Move.DISMISS: (OPEN_STATES, State.DISMISSED),
    Move.TRANSFER: (frozenset({State.ROUTED, State.CLAIMED}), State.ROUTED),
}

REVIEW_MOVES = frozenset({Move.APPROVE, Move.EDIT_AND_APPROVE, Move.REQUEST_CHANGES, Move.REJECT})

VERBS: dict[Move, str] = {
    Move.ROUTE: "route",
    Move.CLAIM: "claim",
    Move.UNCLAIM: "unclaim",
    Move.RELEASE: "release the claim on",
    Move.SUBMIT_DRAFT: "draft a reply to",
    Move.APPROVE: "approve a draft for",
    Move.APPROVE_TRUSTED: "approve a draft through the trusted lane for",
    Move.EDIT_AND_APPROVE: "approve a draft for",
    Move.REQUEST_CHANGES: "request changes on",
    Move.REJECT: "reject a draft for",
    Move.MARK_POSTED: "mark as posted",
    Move.PUBLISH: "publish a reply to",
    Move.DISMISS: "dismiss",
    Move.TRANSFER: "transfer",
}


@dataclass(frozen=True)
class Outcome:
    """The result of a move: the mention after it, the draft it touched, and the states."""

    move: Move
    mention: Mention
    before: State
    draft: Draft | None = None

    @property
    def after(self) -> State:
        return self.mention.state


def allowed(move: Move, state: State) -> bool:
    """Tell whether the move table allows `move` from `state`."""
    return state in MOVES[move][0]


def advance(move: Move, mention: Mention, now: datetime, **changes: object) -> Mention:
    """Return the mention after `move`, or raise WorkflowError saying why it cannot move."""
    if not allowed(move, mention.state):
        raise WorkflowError(why_not(move, mention, now))
    return replace(mention, state=MOVES[move][1], **changes)  # type: ignore[arg-type]


def why_not(move: Move, mention: Mention, now: datetime) -> str:
    """Explain, for people, why `move` is not possible in the mention's current state."""
    state = mention.state
    if state is State.PUBLISHED:
        when = f" {ago(mention.posted_at, now)}" if mention.posted_at else ""
        return f"This mention was already answered{when}: {mention.posted_url}"
    if state is State.DISMISSED:
        return f"<@{mention.dismissed_by}> dismissed this mention: “{mention.dismissed_reason}”."
    if state is State.CLAIMED and move is Move.CLAIM:
        since = ago(mention.claimed_at, now) if mention.claimed_at else "earlier"
        return f"<@{mention.claimed_by}> already claimed this {since}."
    if state is State.IN_REVIEW and move in (Move.CLAIM, Move.SUBMIT_DRAFT, Move.UNCLAIM):
        return "A draft for this mention is already in review; wait for the reviewer's decision."
    if state is State.APPROVED and move not in REVIEW_MOVES:
        return "A reply to this mention is already approved; it only needs posting."
    if move in REVIEW_MOVES:
        return "There is no draft in review for this mention right now."
    if state is State.ROUTED and move in (
        Move.UNCLAIM,
        Move.SUBMIT_DRAFT,
        Move.MARK_POSTED,
        Move.PUBLISH,
    ):
        return "Nobody has claimed this mention yet: claim it first."
    return f"You can't {VERBS[move]} a mention that is {state.value.replace('_', ' ')}."


def may_review(actor: Actor, mention: Mention) -> bool:
    """Tell whether the actor reviews for the mention's department (manager or its lead)."""
    return actor.is_manager or actor.leads(mention.department_key)


def required_note(note: str, what: str, reader: str = "the author") -> str:
    """Return the note without its blanks, or raise asking for one."""
    cleaned = note.strip()
    if not cleaned:
        raise WorkflowError(f"Say {what}: {reader} reads this note.")
    return cleaned


def require(move: Move, mention: Mention, now: datetime) -> None:
    """Raise WorkflowError unless the move is allowed from the mention's state."""
    # The state comes first: on a closed mention, what the person needs to hear is why.
    if not allowed(move, mention.state):
        raise WorkflowError(why_not(move, mention, now))
