"""The role matrix: every action on a Customer Support mention and on roles, tried by each
kind of person, through the real app. Who may, does; everyone else reads one clear sentence
and nothing changes.

The people: staff (Ben, no role), trusted in Customer Support (Tia), the lead of Customer
Support, the lead of Sales, and the social media manager. Ana (staff) claimed and drafted
wherever an action needs someone else's work to act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.domain.model import DraftStatus, State
from bot.services import roles, views
from bot.standin import SlackStandIn
from tests.support.publishing_workspace import Networks, networks
from tests.support.slack import message_text
from tests.support.workspace import (
    ANA,
    BEN,
    CONFIG_TOML,
    LEAD,
    MANAGER,
    OTHER_LEAD,
    Workspace,
    make_workspace,
    mention,
)

TRUSTED, NEWCOMER = "U0TRUSTED", "U0NEWCOMER"
PEOPLE = {
    "staff": BEN,
    "trusted": TRUSTED,
    "lead-here": LEAD,
    "lead-elsewhere": OTHER_LEAD,
    "manager": MANAGER,
}
EVERYONE = frozenset(PEOPLE)
REVIEWERS = frozenset({"lead-here", "manager"})
MANAGERS = frozenset({"manager"})
NOBODY: frozenset[str] = frozenset()
MATRIX_TOML = CONFIG_TOML.replace(
    'leads = ["U0LEAD"]\n', 'leads = ["U0LEAD"]\ntrusted = ["U0TRUSTED"]\n'
)

NOT_A_REVIEWER = (
    "Only a lead of this department or a social media manager can review drafts. "
    "Add a note in the thread instead."
)
NOT_A_ROLE_CHANGER = (
    "Only a social media manager or a Slack workspace admin can change roles in Chorus. "
    "Ask <@U0MANAGER>."
)
NOT_A_LANE_KEEPER = (
    "Only a lead of Customer Support or a social media manager can turn its trusted lane on or off."
)


@pytest.fixture
def ws(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    with networks() as nets:
        nets.mastodon.customer_status()
        workspace = make_workspace(sqlite_url, standin, MATRIX_TOML, **_brand_accounts(nets))
        yield workspace
        workspace.chorus.services.sessions.kw["bind"].dispose()


def _brand_accounts(nets: Networks) -> dict[str, str]:
    return {
        "chorus_mastodon_base_url": nets.mastodon.url,
        "chorus_mastodon_access_token": nets.mastodon.token,
    }


# -- where each action starts ---------------------------------------------------------------


def routed(ws: Workspace) -> None:
    ws.receive(mention())


def claimed_by_ana(ws: Workspace) -> None:
    routed(ws)
    ws.slack.click(ws.card(1), "Claim", ANA)


def in_review(ws: Workspace) -> None:
    claimed_by_ana(ws)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! We're looking into it now."}, ANA)
    ws.deliver()


def approved(ws: Workspace) -> None:
    in_review(ws)
    ws.slack.click(ws.review_message(1), "Approve", MANAGER)
    ws.deliver()


def lane_open(ws: Workspace) -> None:
    roles.switch_trusted_lane(ws.chorus.services, MANAGER, "support", on=True)


def nothing(ws: Workspace) -> None:
    return None


# -- the actions ----------------------------------------------------------------------------


Act = Callable[[Workspace, str], str | None]  # returns the command's answer, if any


def press(label: str, on: str = "card", **values: object) -> Act:
    """Click a button on the card or the review message; fill the modal when one opens."""

    def act(ws: Workspace, user: str) -> None:
        message = ws.card(1) if on == "card" else ws.review_message(1)
        opened = len(ws.standin.views())
        ws.slack.click(message, label, user)
        if len(ws.standin.views()) > opened:
            ws.slack.submit(ws.open_view(), dict(values), user)
        ws.deliver()

    return act


def claim_and_draft(ws: Workspace, user: str) -> None:
    press("Claim")(ws, user)
    press("Draft reply", reply="Thanks for telling us! We're on it.")(ws, user)


def chorus(text: str) -> Act:
    def act(ws: Workspace, user: str) -> str | None:
        response = ws.slack.command("/chorus", text, user)
        ws.deliver()
        return str(json.loads(response.body)["text"]) if response.body else None

    return act


# -- what each action leaves behind -----------------------------------------------------------


def state_is(expected: State) -> Callable[[Workspace], bool]:
    return lambda ws: views.card(ws.chorus.services, 1).mention.state is expected


def draft_is(expected: DraftStatus) -> Callable[[Workspace], bool]:
    return lambda ws: views.review(ws.chorus.services, 1).draft.status is expected


def claimed_by_someone_else(ws: Workspace) -> bool:
    return views.card(ws.chorus.services, 1).mention.claimed_by not in (None, ANA)


def transferred(ws: Workspace) -> bool:
    return views.card(ws.chorus.services, 1).mention.department_key == "sales"


def advocate(ws: Workspace) -> bool:
    return "Mark as advocate" not in json.dumps(ws.card(1)["blocks"])


def newcomer_trusted(ws: Workspace) -> bool:
    return ws.chorus.services.actor(NEWCOMER).is_trusted_in("support")


def tia_untrusted(ws: Workspace) -> bool:
    return not ws.chorus.services.actor(TRUSTED).trusted_in


def lane_is(is_open: bool) -> Callable[[Workspace], bool]:
    def check(ws: Workspace) -> bool:
        with ws.chorus.services.sessions() as session:
            return roles.trusted_lane_open(session, "support") is is_open

    return check


@dataclass(frozen=True)
class Action:
    prepare: Callable[[Workspace], None]
    act: Act
    happened: Callable[[Workspace], bool]
    allowed: frozenset[str]
    refusal: str = ""


ACTIONS = {
    "claim": Action(routed, press("Claim"), claimed_by_someone_else, EVERYONE),
    "unclaim": Action(
        claimed_by_ana,
        press("Unclaim"),
        state_is(State.ROUTED),
        REVIEWERS,
        "<@U0ANA> claimed this; only they, a lead of this department or a social media "
        "manager can unclaim it.",
    ),
    "draft-own-claim": Action(routed, claim_and_draft, state_is(State.IN_REVIEW), EVERYONE),
    "draft-anothers-claim": Action(
        claimed_by_ana,
        press("Draft reply", reply="Let me take this one."),
        state_is(State.IN_REVIEW),
        NOBODY,
        "<@U0ANA> claimed this mention, so they write its reply.",
    ),
    "approve": Action(
        in_review,
        press("Approve", on="review"),
        state_is(State.APPROVED),
        REVIEWERS,
        NOT_A_REVIEWER,
    ),
    "edit-and-approve": Action(
        in_review,
        press("Edit & approve", on="review", reply="Hi Ana! Fixed in the next release."),
        state_is(State.APPROVED),
        REVIEWERS,
        NOT_A_REVIEWER,
    ),
    "request-changes": Action(
        in_review,
        press("Request changes", on="review", note="Add the status page link."),
        draft_is(DraftStatus.CHANGES_REQUESTED),
        REVIEWERS,
        NOT_A_REVIEWER,
    ),
    "reject": Action(
        in_review,
        press("Reject", on="review", note="We don't comment on releases."),
        draft_is(DraftStatus.REJECTED),
        REVIEWERS,
        NOT_A_REVIEWER,
    ),
    "mark-posted": Action(
        approved,
        press("Mark as posted", on="review", live_url="https://social.example/@brand/1"),
        state_is(State.PUBLISHED),
        REVIEWERS,
        "Only the reply's author or a reviewer can mark it as posted.",
    ),
    "publish": Action(
        approved,
        press("Publish", on="review"),
        state_is(State.PUBLISHED),
        REVIEWERS,
        "Only the reply's author or a reviewer can publish it.",
    ),
    "dismiss": Action(
        claimed_by_ana,
        press("Dismiss", reason={"option": "spam"}),
        state_is(State.DISMISSED),
        REVIEWERS,
        "Only the person who claimed it, a lead of this department or a social media manager "
        "can dismiss a mention. Claim it first if it needs no reply.",
    ),
    "transfer": Action(
        routed, press("Transfer", department={"option": "sales"}), transferred, EVERYONE
    ),
    "mark-advocate": Action(routed, press("Mark as advocate"), advocate, EVERYONE),
    "role-add": Action(
        nothing,
        chorus("role add <@U0NEWCOMER|nia> trusted support"),
        newcomer_trusted,
        MANAGERS,
        NOT_A_ROLE_CHANGER,
    ),
    "role-remove": Action(
        nothing,
        chorus("role remove <@U0TRUSTED|tia> trusted support"),
        tia_untrusted,
        MANAGERS,
        NOT_A_ROLE_CHANGER,
    ),
    "trusted-lane-on": Action(
        nothing, chorus("trusted-lane on support"), lane_is(True), REVIEWERS, NOT_A_LANE_KEEPER
    ),
    "trusted-lane-off": Action(
        lane_open, chorus("trusted-lane off support"), lane_is(False), REVIEWERS, NOT_A_LANE_KEEPER
    ),
}


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", ACTIONS)
def test_who_may_do_what(ws: Workspace, name: str, person: str) -> None:
    action, user = ACTIONS[name], PEOPLE[person]
    action.prepare(ws)
    before = len(ws.standin.ephemerals(user))

    answer = action.act(ws, user)

    said = [message_text(m) or m.get("text", "") for m in ws.standin.ephemerals(user)[before:]]
    said += [answer] if answer else []
    if person in action.allowed:
        assert action.happened(ws), f"{person} may {name}, but nothing happened: {said}"
        assert action.refusal not in said
    else:
        assert not action.happened(ws), f"{person} may not {name}, yet it happened"
        assert said and said[-1].startswith(action.refusal), said


def test_the_matrix_covers_every_kind_of_person() -> None:
    assert set(PEOPLE) == {"staff", "trusted", "lead-here", "lead-elsewhere", "manager"}
    for name, action in ACTIONS.items():
        assert action.allowed <= EVERYONE, name
        assert action.refusal or action.allowed == EVERYONE, f"{name}: who is refused, and how?"
