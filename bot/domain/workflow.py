"""The mention workflow: a table of allowed moves (`moves`), and one function per move.

Every function takes `now`, returns new values and never mutates; an illegal move raises
`WorkflowError` (or `NotAllowed` for a person without the right) with a sentence for people.
The mention's own moves are here; a draft's review and going live are in `review_moves`.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.limits import DEFAULT_LENGTHS, ReplyLengths
from bot.domain.model import Actor, Draft, Mention
from bot.domain.moves import (
    MOVES,
    REVIEW_MOVES,
    VERBS,
    Move,
    Outcome,
    advance,
    allowed,
    may_review,
    require,
    required_note,
    why_not,
)
from bot.domain.review_moves import (
    approve,
    check_can_publish,
    edit_and_approve,
    mark_posted,
    publish,
    reject,
    request_changes,
)

__all__ = [
    "MOVES",
    "REVIEW_MOVES",
    "VERBS",
    "Move",
    "Outcome",
    "allowed",
    "approve",
    "check_can_publish",
    "claim",
    "dismiss",
    "edit_and_approve",
    "mark_posted",
    "may_review",
    "publish",
    "reject",
    "release",
    "request_changes",
    "route",
    "submit_draft",
    "transfer",
    "unclaim",
    "why_not",
]


def route(mention: Mention, department_key: str, reason: str, now: datetime) -> Outcome:
    """Send a new mention to a department's channel."""
    after = advance(Move.ROUTE, mention, now, department_key=department_key, route_reason=reason)
    return Outcome(Move.ROUTE, after, mention.state)


def claim(mention: Mention, actor: Actor, now: datetime) -> Outcome:
    """Take a routed mention: the actor will answer it."""
    after = advance(Move.CLAIM, mention, now, claimed_by=actor.user_id, claimed_at=now)
    return Outcome(Move.CLAIM, after, mention.state)


def unclaim(mention: Mention, actor: Actor, now: datetime) -> Outcome:
    """Give a claimed mention back to the department."""
    after = advance(Move.UNCLAIM, mention, now, claimed_by=None, claimed_at=None)
    if actor.user_id != mention.claimed_by and not may_review(actor, mention):
        raise NotAllowed(
            f"<@{mention.claimed_by}> claimed this; only they, a lead of this department "
            "or a social media manager can unclaim it."
        )
    return Outcome(Move.UNCLAIM, after, mention.state)


def release(mention: Mention, now: datetime) -> Outcome:
    """Give a claim left without a draft back to the queue; nobody made this move, Chorus did."""
    after = advance(Move.RELEASE, mention, now, claimed_by=None, claimed_at=None)
    return Outcome(Move.RELEASE, after, mention.state)


def submit_draft(
    mention: Mention,
    actor: Actor,
    text: str,
    previous_version: int,
    now: datetime,
    lengths: ReplyLengths = DEFAULT_LENGTHS,
) -> Outcome:
    """Put a reply up for review, as the next version of the mention's draft."""
    after = advance(Move.SUBMIT_DRAFT, mention, now)
    if actor.user_id != mention.claimed_by:
        raise NotAllowed(
            f"<@{mention.claimed_by}> claimed this mention, so they write its reply. "
            "Ask them, or have it unclaimed first."
        )
    reply = lengths.check(mention.network, text)
    draft = Draft(mention.id, previous_version + 1, actor.user_id, reply, now)
    return Outcome(Move.SUBMIT_DRAFT, after, mention.state, draft)


def dismiss(mention: Mention, actor: Actor, reason: str, now: datetime) -> Outcome:
    """Close a mention without a reply, saying why."""
    require(Move.DISMISS, mention, now)
    cleaned = required_note(reason, "why this mention needs no reply", "the team")
    after = advance(
        Move.DISMISS, mention, now, dismissed_by=actor.user_id, dismissed_reason=cleaned
    )
    if actor.user_id != mention.claimed_by and not may_review(actor, mention):
        raise NotAllowed(
            "Only the person who claimed it, a lead of this department or a social media "
            "manager can dismiss a mention. Claim it first if it needs no reply."
        )
    return Outcome(Move.DISMISS, after, mention.state)


def transfer(mention: Mention, actor: Actor, to_department: str, now: datetime) -> Outcome:
    """Hand a mention to another department; any claim on it is released."""
    require(Move.TRANSFER, mention, now)
    if to_department == mention.department_key:
        raise WorkflowError("This mention is already in that department.")
    after = advance(
        Move.TRANSFER,
        mention,
        now,
        department_key=to_department,
        route_reason=f"transferred by <@{actor.user_id}>",
        claimed_by=None,
        claimed_at=None,
    )
    return Outcome(Move.TRANSFER, after, mention.state)
