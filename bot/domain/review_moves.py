"""A draft's review and going live: approve (as is or edited), request changes, reject,
mark as posted or publish. A reviewer is a lead of the mention's department or a social
media manager, never the draft's own author."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.limits import DEFAULT_LENGTHS, ReplyLengths, is_http_url
from bot.domain.model import Actor, Draft, DraftStatus, Mention
from bot.domain.moves import Move, Outcome, advance, may_review, require, required_note


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
    if draft.mention_id != mention.id:
        raise WorkflowError("This draft belongs to another mention.")
    if draft.status is not DraftStatus.IN_REVIEW:
        # Said before the mention's state: the reviewer who came second learns who decided.
        raise WorkflowError(already_reviewed(draft))
    after = advance(move, mention, now)
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
    require(Move.EDIT_AND_APPROVE, mention, now)
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


def request_changes(
    mention: Mention, draft: Draft, actor: Actor, note: str, now: datetime
) -> Outcome:
    """Send a draft back to its author with a note on what to change."""
    require(Move.REQUEST_CHANGES, mention, now)
    cleaned = required_note(note, "what should change")
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
    require(Move.REJECT, mention, now)
    cleaned = required_note(note, "why this draft should not go out")
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
    after = advance(move, mention, now, posted_url=live, posted_at=now)
    if draft.mention_id != mention.id or draft.status is not DraftStatus.APPROVED:
        raise WorkflowError(f"Draft v{draft.version} is not the approved reply to this mention.")
    if not is_http_url(live):
        raise WorkflowError("The live link must be a full http:// or https:// address.")
    if actor.user_id not in (mention.claimed_by, draft.author) and not may_review(actor, mention):
        what = "mark it as posted" if move is Move.MARK_POSTED else "publish it"
        raise NotAllowed(f"Only the reply's author or a reviewer can {what}.")
    return Outcome(move, after, mention.state, replace(draft, status=DraftStatus.POSTED))


DECIDED = {
    DraftStatus.APPROVED: "approved",
    DraftStatus.POSTED: "approved",
    DraftStatus.CHANGES_REQUESTED: "asked for changes on",
    DraftStatus.REJECTED: "rejected",
}


def already_reviewed(draft: Draft) -> str:
    """Tell a reviewer that someone decided on this draft first, and what they decided."""
    decided = DECIDED.get(draft.status, "reviewed")
    return f"<@{draft.reviewer}> already {decided} draft v{draft.version}."
