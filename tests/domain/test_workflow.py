"""The mention workflow: the move table, who may make each move, and what people read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.model import Actor, Draft, DraftStatus, Mention, Network, State
from bot.domain.trusted_lane import approve_trusted
from bot.domain.workflow import (
    MOVES,
    REVIEW_MOVES,
    Move,
    Outcome,
    approve,
    claim,
    dismiss,
    edit_and_approve,
    mark_posted,
    publish,
    reject,
    release,
    request_changes,
    route,
    submit_draft,
    transfer,
    unclaim,
)

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
RECEIVED_AT = NOW - timedelta(hours=1)
CLAIMED_AT = NOW - timedelta(minutes=3)
SUBMITTED_AT = NOW - timedelta(minutes=2)
POSTED_AT = NOW - timedelta(minutes=1)

SUPPORT = "support"
BILLING = "billing"
POST_URL = "https://mastodon.social/@acme/111222333"
DISMISS_REASON = "Spam from a bot account"

STAFF = Actor("UZOE")
CLAIMER = Actor("UANA")
AUTHOR = Actor("UBEN")
LEAD = Actor("ULEA", lead_of=frozenset({SUPPORT}))
OTHER_LEAD = Actor("UOLI", lead_of=frozenset({BILLING}))
MANAGER = Actor("UMAX", is_manager=True)
MANAGER_AUTHOR = Actor("UMIA", is_manager=True)
LEAD_AUTHOR = Actor("ULIV", lead_of=frozenset({SUPPORT}))

CLAIMED_ONWARDS = {State.CLAIMED, State.IN_REVIEW, State.APPROVED, State.PUBLISHED}


# --- Building mentions and drafts -----------------------------------------------------------


def mention_in(
    state: State, *, claimed_by: str = CLAIMER.user_id, network: Network = Network.MASTODON
) -> Mention:
    """Return a mention in `state` whose fields agree with how it got there."""
    mention = Mention(
        id=7,
        network=network,
        external_id="111000",
        text="My LOGIN is broken since this morning",
        received_at=RECEIVED_AT,
        state=state,
    )
    if state is not State.NEW:
        mention = replace(mention, department_key=SUPPORT, route_reason="matched keyword “login”")
    if state in CLAIMED_ONWARDS:
        mention = replace(mention, claimed_by=claimed_by, claimed_at=CLAIMED_AT)
    if state is State.DISMISSED:
        mention = replace(mention, dismissed_by=MANAGER.user_id, dismissed_reason=DISMISS_REASON)
    if state is State.PUBLISHED:
        mention = replace(mention, posted_url=POST_URL, posted_at=POSTED_AT)
    return mention


DRAFT_STATUS_FOR = {
    State.APPROVED: DraftStatus.APPROVED,
    State.PUBLISHED: DraftStatus.POSTED,
}


def draft_for(mention: Mention, *, author: str | None = None) -> Draft:
    """Return the mention's latest draft, in review unless the mention is past review."""
    status = DRAFT_STATUS_FOR.get(mention.state, DraftStatus.IN_REVIEW)
    draft = Draft(
        mention_id=mention.id,
        version=1,
        author=author or mention.claimed_by or CLAIMER.user_id,
        text="Sorry about that! Could you DM us your username?",
        created_at=SUBMITTED_AT,
        status=status,
    )
    if status is not DraftStatus.IN_REVIEW:
        draft = replace(draft, reviewer=MANAGER.user_id, reviewed_at=SUBMITTED_AT)
    return draft


def perform(move: Move, mention: Mention, actor: Actor, draft: Draft | None = None) -> Outcome:
    """Make `move` with valid arguments, so only the state or the actor can stop it."""
    draft = draft or draft_for(mention)
    match move:
        case Move.ROUTE:
            return route(mention, SUPPORT, "matched keyword “login”", NOW)
        case Move.CLAIM:
            return claim(mention, actor, NOW)
        case Move.UNCLAIM:
            return unclaim(mention, actor, NOW)
        case Move.RELEASE:
            return release(mention, NOW)
        case Move.SUBMIT_DRAFT:
            return submit_draft(mention, actor, "Thanks, we're on it.", 1, NOW)
        case Move.APPROVE:
            return approve(mention, draft, actor, NOW)
        case Move.APPROVE_TRUSTED:
            return approve_trusted(mention, draft, actor, NOW)
        case Move.EDIT_AND_APPROVE:
            return edit_and_approve(mention, draft, actor, "Thanks! Fixed now.", NOW)
        case Move.REQUEST_CHANGES:
            return request_changes(mention, draft, actor, "Add the status page link.", NOW)
        case Move.REJECT:
            return reject(mention, draft, actor, "We don't discuss accounts in public.", NOW)
        case Move.MARK_POSTED:
            return mark_posted(mention, draft, actor, POST_URL, NOW)
        case Move.PUBLISH:
            return publish(mention, draft, actor, POST_URL, NOW)
        case Move.DISMISS:
            return dismiss(mention, actor, DISMISS_REASON, NOW)
        case Move.TRANSFER:
            other = BILLING if mention.department_key != BILLING else SUPPORT
            return transfer(mention, actor, other, NOW)
    raise AssertionError(f"no way to perform {move}")


def usual_actor(move: Move) -> Actor:
    """Return someone who may make `move` on a mention claimed by CLAIMER."""
    if move in REVIEW_MOVES or move is Move.DISMISS:
        return MANAGER
    if move is Move.APPROVE_TRUSTED:  # the claimer wrote the draft, and is trusted
        return replace(CLAIMER, trusted_in=frozenset({SUPPORT}))
    if move in (Move.UNCLAIM, Move.SUBMIT_DRAFT, Move.MARK_POSTED, Move.PUBLISH):
        return CLAIMER
    return STAFF


def assert_reads_as_a_sentence(message: str) -> None:
    assert message.strip(), "the person would read an empty message"
    assert message.rstrip().endswith(".") or re.search(r"https?://", message), message
    assert "State." not in message, message
    assert "DraftStatus." not in message, message
    assert "Move." not in message, message
    assert "None" not in message, message


# --- The move table ---------------------------------------------------------------------------

TABLE = [(move, state) for move in Move for state in State]


@pytest.mark.parametrize(("move", "state"), TABLE, ids=[f"{m}-from-{s}" for m, s in TABLE])
def test_every_move_follows_the_table(move: Move, state: State) -> None:
    sources, target = MOVES[move]
    mention = mention_in(state)

    if state in sources:
        outcome = perform(move, mention, usual_actor(move))
        assert outcome.before is state
        assert outcome.after is target
        assert outcome.move is move
        assert mention.state is state, "a move never changes the mention it was given"
    else:
        with pytest.raises(WorkflowError) as raised:
            perform(move, mention, usual_actor(move))
        assert type(raised.value) is WorkflowError, "a wrong state is not a missing right"
        assert_reads_as_a_sentence(str(raised.value))


def test_the_table_covers_every_move() -> None:
    assert set(MOVES) == set(Move)


# --- Who may do what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    actor: Actor
    wrote_the_draft: bool = False


PEOPLE = {
    "staff": Person(STAFF),
    "claimer": Person(CLAIMER),
    "draft author": Person(AUTHOR, wrote_the_draft=True),
    "lead of the department": Person(LEAD),
    "lead of another department": Person(OTHER_LEAD),
    "manager": Person(MANAGER),
    "manager who wrote the draft": Person(MANAGER_AUTHOR, wrote_the_draft=True),
    "lead who wrote the draft": Person(LEAD_AUTHOR, wrote_the_draft=True),
}

REVIEWERS = {"lead of the department", "manager"}
CLAIMER_OR_REVIEWER = {
    "claimer",
    "lead of the department",
    "manager",
    "manager who wrote the draft",
    "lead who wrote the draft",
}
EVERYONE = set(PEOPLE)

ALLOWED: dict[Move, set[str]] = {
    Move.APPROVE: REVIEWERS,
    Move.EDIT_AND_APPROVE: REVIEWERS,
    Move.REQUEST_CHANGES: REVIEWERS,
    Move.REJECT: REVIEWERS,
    Move.UNCLAIM: CLAIMER_OR_REVIEWER,
    Move.DISMISS: CLAIMER_OR_REVIEWER,
    Move.SUBMIT_DRAFT: {"claimer"},
    Move.MARK_POSTED: CLAIMER_OR_REVIEWER | {"draft author"},
    Move.PUBLISH: CLAIMER_OR_REVIEWER | {"draft author"},
    Move.TRANSFER: EVERYONE,
    Move.CLAIM: EVERYONE,
}

# A state each move is allowed from, so that only the person decides.
STATE_FOR = {
    Move.CLAIM: State.ROUTED,
    Move.UNCLAIM: State.CLAIMED,
    Move.SUBMIT_DRAFT: State.CLAIMED,
    Move.DISMISS: State.CLAIMED,
    Move.TRANSFER: State.CLAIMED,
    Move.APPROVE: State.IN_REVIEW,
    Move.EDIT_AND_APPROVE: State.IN_REVIEW,
    Move.REQUEST_CHANGES: State.IN_REVIEW,
    Move.REJECT: State.IN_REVIEW,
    Move.MARK_POSTED: State.APPROVED,
    Move.PUBLISH: State.APPROVED,
}

ROLES = [(move, who) for move in ALLOWED for who in PEOPLE]


@pytest.mark.parametrize(("move", "who"), ROLES, ids=[f"{m}-by-{w}" for m, w in ROLES])
def test_who_may_make_each_move(move: Move, who: str) -> None:
    # The mention is claimed by CLAIMER, and its draft written by someone else, so that
    # each right (claimer, author, reviewer) is tested on its own.
    person = PEOPLE[who]
    mention = mention_in(STATE_FOR[move])
    target = MOVES[move][1]
    author = person.actor.user_id if person.wrote_the_draft else AUTHOR.user_id
    draft = draft_for(mention, author=author)

    if who in ALLOWED[move]:
        assert perform(move, mention, person.actor, draft).after is target
    else:
        with pytest.raises(NotAllowed) as raised:
            perform(move, mention, person.actor, draft)
        assert_reads_as_a_sentence(str(raised.value))
        if move in REVIEW_MOVES and person.wrote_the_draft:
            assert "someone else reviews it" in str(raised.value)


@pytest.mark.parametrize("move", sorted(REVIEW_MOVES))
def test_the_claimer_cannot_review_their_own_draft(move: Move) -> None:
    mention = mention_in(State.IN_REVIEW)
    own_draft = draft_for(mention, author=CLAIMER.user_id)
    manager_claimer = replace(CLAIMER, is_manager=True)

    with pytest.raises(NotAllowed, match="someone else reviews it"):
        perform(move, mention, manager_claimer, own_draft)


# --- The sentences people read ---------------------------------------------------------------


def test_claiming_a_claimed_mention_names_who_and_when() -> None:
    with pytest.raises(WorkflowError) as raised:
        claim(mention_in(State.CLAIMED), STAFF, NOW)

    assert str(raised.value) == "<@UANA> already claimed this 3 minutes ago."


def test_claiming_a_published_mention_links_to_the_reply() -> None:
    with pytest.raises(WorkflowError) as raised:
        claim(mention_in(State.PUBLISHED), STAFF, NOW)

    assert POST_URL in str(raised.value)
    assert "already answered" in str(raised.value)


def test_claiming_a_dismissed_mention_quotes_the_reason() -> None:
    with pytest.raises(WorkflowError) as raised:
        claim(mention_in(State.DISMISSED), STAFF, NOW)

    assert f"“{DISMISS_REASON}”" in str(raised.value)
    assert MANAGER.mention in str(raised.value)


def test_claiming_records_who_and_when() -> None:
    outcome = claim(mention_in(State.ROUTED), STAFF, NOW)

    assert outcome.mention.claimed_by == STAFF.user_id
    assert outcome.mention.claimed_at == NOW


# --- Drafts -----------------------------------------------------------------------------------


def test_a_new_draft_is_the_next_version() -> None:
    outcome = submit_draft(mention_in(State.CLAIMED), CLAIMER, "  Thanks, on it.  ", 1, NOW)

    assert outcome.draft is not None
    assert outcome.draft.version == 2
    assert outcome.draft.author == CLAIMER.user_id
    assert outcome.draft.text == "Thanks, on it."
    assert outcome.draft.status is DraftStatus.IN_REVIEW
    assert outcome.draft.created_at == NOW


def test_the_first_draft_is_version_one() -> None:
    outcome = submit_draft(mention_in(State.CLAIMED), CLAIMER, "Thanks, on it.", 0, NOW)

    assert outcome.draft is not None
    assert outcome.draft.version == 1


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_reply_is_refused(text: str) -> None:
    with pytest.raises(WorkflowError) as raised:
        submit_draft(mention_in(State.CLAIMED), CLAIMER, text, 1, NOW)

    assert "empty" in str(raised.value)
    assert_reads_as_a_sentence(str(raised.value))


NETWORK_LIMITS = [
    (Network.MASTODON, "Mastodon", 500),
    (Network.BLUESKY, "Bluesky", 300),
    (Network.X, "X", 280),
]


@pytest.mark.parametrize(("network", "name", "limit"), NETWORK_LIMITS)
def test_a_reply_over_the_network_limit_is_refused(network: Network, name: str, limit: int) -> None:
    mention = mention_in(State.CLAIMED, network=network)

    with pytest.raises(WorkflowError) as raised:
        submit_draft(mention, CLAIMER, "a" * (limit + 1), 1, NOW)

    assert f"{name} replies can be at most {limit} characters" in str(raised.value)
    assert_reads_as_a_sentence(str(raised.value))


@pytest.mark.parametrize(("network", "name", "limit"), NETWORK_LIMITS)
def test_a_reply_exactly_at_the_limit_is_accepted(network: Network, name: str, limit: int) -> None:
    mention = mention_in(State.CLAIMED, network=network)

    outcome = submit_draft(mention, CLAIMER, "a" * limit, 1, NOW)

    assert outcome.draft is not None
    assert len(outcome.draft.text) == limit


def test_an_edit_over_the_limit_is_refused_too() -> None:
    mention = mention_in(State.IN_REVIEW, network=Network.X)

    with pytest.raises(WorkflowError, match="280"):
        edit_and_approve(mention, draft_for(mention), MANAGER, "a" * 281, NOW)


def test_edit_and_approve_posts_the_reviewers_text() -> None:
    mention = mention_in(State.IN_REVIEW)
    draft = draft_for(mention)

    outcome = edit_and_approve(mention, draft, MANAGER, "  Thanks! Fixed now.  ", NOW)

    assert outcome.draft is not None
    assert outcome.draft.final_text == "Thanks! Fixed now."
    assert outcome.draft.text_to_post == "Thanks! Fixed now."
    assert outcome.draft.text == draft.text, "the author's words are kept"
    assert outcome.draft.status is DraftStatus.APPROVED
    assert outcome.draft.reviewer == MANAGER.user_id
    assert outcome.draft.reviewed_at == NOW


def test_approve_posts_the_authors_text() -> None:
    mention = mention_in(State.IN_REVIEW)
    draft = draft_for(mention)

    outcome = approve(mention, draft, LEAD, NOW)

    assert outcome.draft is not None
    assert outcome.draft.final_text is None
    assert outcome.draft.text_to_post == draft.text
    assert outcome.draft.reviewer == LEAD.user_id


SendBack = Callable[[Mention, Draft, Actor, str, datetime], Outcome]


@pytest.mark.parametrize("send_back", [request_changes, reject], ids=["request_changes", "reject"])
@pytest.mark.parametrize("note", ["", "   "])
def test_sending_a_draft_back_needs_a_note(send_back: SendBack, note: str) -> None:
    mention = mention_in(State.IN_REVIEW)

    with pytest.raises(WorkflowError) as raised:
        send_back(mention, draft_for(mention), MANAGER, note, NOW)

    assert "the author reads this note" in str(raised.value)
    assert_reads_as_a_sentence(str(raised.value))


@pytest.mark.parametrize(
    ("send_back", "status"),
    [(request_changes, DraftStatus.CHANGES_REQUESTED), (reject, DraftStatus.REJECTED)],
    ids=["request_changes", "reject"],
)
def test_a_draft_sent_back_keeps_the_note_and_the_claim(
    send_back: SendBack, status: DraftStatus
) -> None:
    mention = mention_in(State.IN_REVIEW)

    outcome = send_back(mention, draft_for(mention), LEAD, "  Link the status page.  ", NOW)
    assert outcome.draft is not None

    assert outcome.draft.status is status
    assert outcome.draft.review_note == "Link the status page."
    assert outcome.mention.state is State.CLAIMED
    assert outcome.mention.claimed_by == CLAIMER.user_id


@pytest.mark.parametrize("move", sorted(REVIEW_MOVES))
def test_a_reviewed_draft_cannot_be_reviewed_again(move: Move) -> None:
    mention = mention_in(State.IN_REVIEW)
    reviewed = replace(
        draft_for(mention),
        status=DraftStatus.CHANGES_REQUESTED,
        reviewer=LEAD.user_id,
        review_note="Link the status page.",
        reviewed_at=SUBMITTED_AT,
    )

    with pytest.raises(WorkflowError) as raised:
        perform(move, mention, MANAGER, reviewed)

    assert str(raised.value) == "<@ULEA> already asked for changes on draft v1."


@pytest.mark.parametrize("url", ["ftp://x", "javascript:alert(1)", "not a url", "https://", ""])
def test_mark_posted_refuses_anything_but_a_web_link(url: str) -> None:
    mention = mention_in(State.APPROVED)

    with pytest.raises(WorkflowError) as raised:
        mark_posted(mention, draft_for(mention), CLAIMER, url, NOW)

    assert "http://" in str(raised.value)
    assert_reads_as_a_sentence(str(raised.value))


def test_mark_posted_records_the_live_link() -> None:
    mention = mention_in(State.APPROVED)

    outcome = mark_posted(mention, draft_for(mention), CLAIMER, f"  {POST_URL} ", NOW)

    assert outcome.mention.state is State.PUBLISHED
    assert outcome.mention.posted_url == POST_URL
    assert outcome.mention.posted_at == NOW
    assert outcome.draft is not None
    assert outcome.draft.status is DraftStatus.POSTED


# --- Dismissing and transferring --------------------------------------------------------------


def test_dismissing_records_who_and_why() -> None:
    outcome = dismiss(mention_in(State.CLAIMED), CLAIMER, "  Spam  ", NOW)

    assert outcome.mention.state is State.DISMISSED
    assert outcome.mention.dismissed_by == CLAIMER.user_id
    assert outcome.mention.dismissed_reason == "Spam"


def test_dismissing_needs_a_reason() -> None:
    with pytest.raises(WorkflowError, match="needs no reply"):
        dismiss(mention_in(State.CLAIMED), CLAIMER, "  ", NOW)


@pytest.mark.parametrize("state", [State.ROUTED, State.CLAIMED])
def test_transfer_to_the_same_department_is_refused(state: State) -> None:
    with pytest.raises(WorkflowError) as raised:
        transfer(mention_in(state), STAFF, SUPPORT, NOW)

    assert str(raised.value) == "This mention is already in that department."


def test_chorus_releases_a_claim_back_to_the_queue() -> None:
    mention = mention_in(State.CLAIMED)

    outcome = release(mention, NOW)

    assert (outcome.move, outcome.before, outcome.after) == (
        Move.RELEASE,
        State.CLAIMED,
        State.ROUTED,
    )
    assert outcome.mention.claimed_by is None and outcome.mention.claimed_at is None
    assert outcome.mention.department_key == SUPPORT


def test_transfer_releases_the_claim() -> None:
    outcome = transfer(mention_in(State.CLAIMED), STAFF, BILLING, NOW)

    assert outcome.mention.state is State.ROUTED
    assert outcome.mention.department_key == BILLING
    assert outcome.mention.claimed_by is None
    assert outcome.mention.claimed_at is None
    assert outcome.mention.route_reason == "transferred by <@UZOE>"


def test_unclaim_releases_the_claim() -> None:
    outcome = unclaim(mention_in(State.CLAIMED), CLAIMER, NOW)

    assert outcome.mention.state is State.ROUTED
    assert outcome.mention.claimed_by is None
    assert outcome.mention.claimed_at is None
    assert outcome.mention.department_key == SUPPORT
