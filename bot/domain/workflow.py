"""The mention workflow: a table of allowed moves, and one function per move.

Every function takes `now`, returns new values and never mutates; an illegal move raises
`WorkflowError` (or `NotAllowed` for a person without the right) with a sentence for people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.domain.clock import ago
from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.limits import DEFAULT_LENGTHS, ReplyLengths, is_http_url
from bot.domain.model import OPEN_STATES, Actor, Draft, DraftStatus, Mention, State


class Move(StrEnum):
    ROUTE = "route"
    CLAIM = "claim"
    UNCLAIM = "unclaim"
    RELEASE = "release"
    SUBMIT_DRAFT = "submit_draft"
    APPROVE = "approve"
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


def _advance(move: Move, mention: Mention, now: datetime, **changes: object) -> Mention:
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


def route(mention: Mention, department_key: str, reason: str, now: datetime) -> Outcome:
    """Send a new mention to a department's channel."""
    after = _advance(Move.ROUTE, mention, now, department_key=department_key, route_reason=reason)
    return Outcome(Move.ROUTE, after, mention.state)


def claim(mention: Mention, actor: Actor, now: datetime) -> Outcome:
    """Take a routed mention: the actor will answer it."""
    after = _advance(Move.CLAIM, mention, now, claimed_by=actor.user_id, claimed_at=now)
    return Outcome(Move.CLAIM, after, mention.state)


def may_review(actor: Actor, mention: Mention) -> bool:
    """Tell whether the actor reviews for the mention's department (manager or its lead)."""
    return actor.is_manager or actor.leads(mention.department_key)


def unclaim(mention: Mention, actor: Actor, now: datetime) -> Outcome:
    """Give a claimed mention back to the department."""
    after = _advance(Move.UNCLAIM, mention, now, claimed_by=None, claimed_at=None)
    if actor.user_id != mention.claimed_by and not may_review(actor, mention):
        raise NotAllowed(
            f"<@{mention.claimed_by}> claimed this; only they, a lead of this department "
            "or a social media manager can unclaim it."
        )
    return Outcome(Move.UNCLAIM, after, mention.state)


def release(mention: Mention, now: datetime) -> Outcome:
    """Give a claim left without a draft back to the queue; nobody made this move, Chorus did."""
    after = _advance(Move.RELEASE, mention, now, claimed_by=None, claimed_at=None)
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
    after = _advance(Move.SUBMIT_DRAFT, mention, now)
    if actor.user_id != mention.claimed_by:
        raise NotAllowed(
            f"<@{mention.claimed_by}> claimed this mention, so they write its reply. "
            "Ask them, or have it unclaimed first."
        )
    reply = lengths.check(mention.network, text)
    draft = Draft(mention.id, previous_version + 1, actor.user_id, reply, now)
    return Outcome(Move.SUBMIT_DRAFT, after, mention.state, draft)


def _check_reviewer(actor: Actor, mention: Mention, draft: Draft) -> None:
    if actor.user_id == draft.author:
        raise NotAllowed(
            "You wrote this draft, so someone else reviews it: a lead of this department "
            "or a social media manager."
        )
    if not may_review(actor, mention):
        raise NotAllowed(
            "Only a lead of this department or a social media manager can review drafts. "
            "Add a note in the thread instead."
        )


def _review(
    move: Move, mention: Mention, draft: Draft, actor: Actor, now: datetime, **draft_changes: object
) -> Outcome:
    after = _advance(move, mention, now)
    if draft.mention_id != mention.id:
        raise WorkflowError("This draft belongs to another mention.")
    if draft.status is not DraftStatus.IN_REVIEW:
        raise WorkflowError(f"Draft v{draft.version} was already reviewed by <@{draft.reviewer}>.")
    _check_reviewer(actor, mention, draft)
    reviewed = replace(draft, reviewer=actor.user_id, reviewed_at=now, **draft_changes)  # type: ignore[arg-type]
    return Outcome(move, after, mention.state, reviewed)


def approve(mention: Mention, draft: Draft, actor: Actor, now: datetime) -> Outcome:
    """Approve a draft as it stands."""
    return _review(Move.APPROVE, mention, draft, actor, now, status=DraftStatus.APPROVED)


def edit_and_approve(
    mention: Mention,
    draft: Draft,
    actor: Actor,
    text: str,
    now: datetime,
    lengths: ReplyLengths = DEFAULT_LENGTHS,
) -> Outcome:
    """Approve a draft with the reviewer's own edit of its text."""
    _require(Move.EDIT_AND_APPROVE, mention, now)
    final = lengths.check(mention.network, text)
    return _review(
        Move.EDIT_AND_APPROVE,
        mention,
        draft,
        actor,
        now,
        status=DraftStatus.APPROVED,
        final_text=final,
    )


def _required_note(note: str, what: str, reader: str = "the author") -> str:
    cleaned = note.strip()
    if not cleaned:
        raise WorkflowError(f"Say {what}: {reader} reads this note.")
    return cleaned


def _require(move: Move, mention: Mention, now: datetime) -> None:
    # The state comes first: on a closed mention, what the person needs to hear is why.
    if not allowed(move, mention.state):
        raise WorkflowError(why_not(move, mention, now))


def request_changes(
    mention: Mention, draft: Draft, actor: Actor, note: str, now: datetime
) -> Outcome:
    """Send a draft back to its author with a note on what to change."""
    _require(Move.REQUEST_CHANGES, mention, now)
    cleaned = _required_note(note, "what should change")
    return _review(
        Move.REQUEST_CHANGES,
        mention,
        draft,
        actor,
        now,
        status=DraftStatus.CHANGES_REQUESTED,
        review_note=cleaned,
    )


def reject(mention: Mention, draft: Draft, actor: Actor, note: str, now: datetime) -> Outcome:
    """Turn a draft down; the mention stays with its author, who may start again."""
    _require(Move.REJECT, mention, now)
    cleaned = _required_note(note, "why this draft should not go out")
    return _review(
        Move.REJECT,
        mention,
        draft,
        actor,
        now,
        status=DraftStatus.REJECTED,
        review_note=cleaned,
    )


def mark_posted(mention: Mention, draft: Draft, actor: Actor, url: str, now: datetime) -> Outcome:
    """Record that the approved reply, posted by hand, is live at `url`."""
    return _go_live(Move.MARK_POSTED, mention, draft, actor, url, now)


def publish(mention: Mention, draft: Draft, actor: Actor, url: str, now: datetime) -> Outcome:
    """Record that a connector posted the approved reply, live at `url`."""
    return _go_live(Move.PUBLISH, mention, draft, actor, url, now)


def check_can_publish(mention: Mention, draft: Draft, actor: Actor, now: datetime) -> None:
    """Raise unless the actor may put this approved draft live now."""
    _go_live(Move.PUBLISH, mention, draft, actor, "https://chorus.invalid/probe", now)


def _go_live(
    move: Move, mention: Mention, draft: Draft, actor: Actor, url: str, now: datetime
) -> Outcome:
    live = url.strip()
    after = _advance(move, mention, now, posted_url=live, posted_at=now)
    if draft.mention_id != mention.id or draft.status is not DraftStatus.APPROVED:
        raise WorkflowError(f"Draft v{draft.version} is not the approved reply to this mention.")
    if not is_http_url(live):
        raise WorkflowError("The live link must be a full http:// or https:// address.")
    if actor.user_id not in (mention.claimed_by, draft.author) and not may_review(actor, mention):
        what = "mark it as posted" if move is Move.MARK_POSTED else "publish it"
        raise NotAllowed(f"Only the reply's author or a reviewer can {what}.")
    return Outcome(move, after, mention.state, replace(draft, status=DraftStatus.POSTED))


def dismiss(mention: Mention, actor: Actor, reason: str, now: datetime) -> Outcome:
    """Close a mention without a reply, saying why."""
    _require(Move.DISMISS, mention, now)
    cleaned = _required_note(reason, "why this mention needs no reply", "the team")
    after = _advance(
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
    _require(Move.TRANSFER, mention, now)
    if to_department == mention.department_key:
        raise WorkflowError("This mention is already in that department.")
    after = _advance(
        Move.TRANSFER,
        mention,
        now,
        department_key=to_department,
        route_reason=f"transferred by <@{actor.user_id}>",
        claimed_by=None,
        claimed_at=None,
    )
    return Outcome(Move.TRANSFER, after, mention.state)
