"""Roles in the pure core: reading a role as typed, the actor a set of roles makes, who may
change roles or switch a trusted lane, and the sentences for every mistake."""

from __future__ import annotations

import pytest

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.model import Actor
from bot.domain.roles import (
    Grant,
    Role,
    Roster,
    actor_from,
    check_add,
    check_may_change_roles,
    check_may_switch_lane,
    check_remove,
    parse_role,
)

NAMES = {"support": "Customer Support", "sales": "Sales"}
MIA, MAX, LEA, TOM = "U0MIA", "U0MAX", "U0LEA", "U0TOM"
ROSTER = Roster(
    frozenset(
        {
            Grant(MIA, Role.MANAGER),
            Grant(LEA, Role.LEAD, "support"),
            Grant(LEA, Role.TRUSTED, "sales"),
            Grant(TOM, Role.TRUSTED, "support"),
        }
    )
)


@pytest.mark.parametrize(
    ("word", "department", "role"),
    [
        ("manager", None, Role.MANAGER),
        ("Managers", None, Role.MANAGER),
        ("lead", "support", Role.LEAD),
        ("LEADS", "support", Role.LEAD),
        ("trusted", "sales", Role.TRUSTED),
    ],
)
def test_roles_are_read_as_people_type_them(word: str, department: str | None, role: Role) -> None:
    assert parse_role(word, department) is role


@pytest.mark.parametrize(
    ("word", "department", "says"),
    [
        ("boss", None, "“boss” is not a role in Chorus. The roles are `manager`, `lead DEPT`"),
        ("manager", "support", "A social media manager works for every department"),
        ("lead", None, "Say which department: `lead DEPT`, for example `lead support`."),
        ("trusted", None, "Say which department: `trusted DEPT`"),
    ],
)
def test_a_wrong_role_says_what_to_type(word: str, department: str | None, says: str) -> None:
    with pytest.raises(WorkflowError) as error:
        parse_role(word, department)
    assert str(error.value).startswith(says)


def test_the_actor_carries_every_role_held() -> None:
    lea = actor_from(LEA, ROSTER.grants)

    assert lea == Actor(LEA, False, frozenset({"support"}), frozenset({"sales"}))
    assert lea.leads("support") and lea.is_trusted_in("sales")
    assert not lea.is_trusted_in("support") and not lea.is_trusted_in(None)
    assert actor_from(MIA, ROSTER.grants).is_manager
    assert actor_from("U0NOBODY", ROSTER.grants) == Actor("U0NOBODY")


def test_roles_read_in_words() -> None:
    assert Grant(MIA, Role.MANAGER).describe(NAMES) == "a social media manager"
    assert Grant(LEA, Role.LEAD, "support").describe(NAMES) == "a lead of Customer Support"
    assert Grant(TOM, Role.TRUSTED, "sales").describe(NAMES) == "trusted in Sales"
    assert ROSTER.managers() == [MIA]
    assert ROSTER.holders(Role.TRUSTED, "support") == [TOM]


def test_a_manager_changes_roles_without_asking_slack() -> None:
    def never() -> bool:
        raise AssertionError("Slack asked for nothing")

    check_may_change_roles(Actor(MIA, is_manager=True), never, [MIA])


def test_a_workspace_admin_changes_roles() -> None:
    check_may_change_roles(Actor(TOM), lambda: True, [MIA])


@pytest.mark.parametrize(
    ("managers", "ask"),
    [
        ([MIA], "Ask <@U0MIA>."),
        ([MIA, MAX], "Ask <@U0MIA> or <@U0MAX>."),
        ([MIA, MAX, LEA], "Ask <@U0MIA>, <@U0MAX> or <@U0LEA>."),
        ([], "Ask a Slack workspace admin."),
    ],
)
def test_anyone_else_is_told_whom_to_ask(managers: list[str], ask: str) -> None:
    lead = Actor(LEA, lead_of=frozenset({"support"}))
    with pytest.raises(NotAllowed) as error:
        check_may_change_roles(lead, lambda: False, managers)
    assert str(error.value) == (
        "Only a social media manager or a Slack workspace admin can change roles in Chorus. " + ask
    )


def test_a_role_already_held_is_not_added_twice() -> None:
    with pytest.raises(WorkflowError, match=r"^<@U0LEA> is already a lead of Customer Support\.$"):
        check_add(ROSTER, Grant(LEA, Role.LEAD, "support"), NAMES)
    check_add(ROSTER, Grant(LEA, Role.LEAD, "sales"), NAMES)


def test_a_role_not_held_cannot_be_removed() -> None:
    with pytest.raises(WorkflowError) as error:
        check_remove(ROSTER, Grant(TOM, Role.TRUSTED, "sales"), NAMES)
    assert str(error.value) == "<@U0TOM> is not trusted in Sales, so there is nothing to remove."


def test_the_last_manager_stays() -> None:
    with pytest.raises(WorkflowError) as error:
        check_remove(ROSTER, Grant(MIA, Role.MANAGER), NAMES)
    assert str(error.value).startswith("<@U0MIA> is the last social media manager")
    assert "Add another manager first." in str(error.value)

    two = Roster(ROSTER.grants | {Grant(MAX, Role.MANAGER)})
    check_remove(two, Grant(MIA, Role.MANAGER), NAMES)


@pytest.mark.parametrize(
    ("actor", "may"),
    [
        (Actor(MIA, is_manager=True), True),
        (Actor(LEA, lead_of=frozenset({"support"})), True),
        (Actor(LEA, lead_of=frozenset({"sales"})), False),
        (Actor(TOM, trusted_in=frozenset({"support"})), False),
        (Actor("U0BEN"), False),
    ],
    ids=["manager", "lead-here", "lead-elsewhere", "trusted", "staff"],
)
def test_the_trusted_lane_is_switched_by_its_leads_and_the_managers(
    actor: Actor, may: bool
) -> None:
    if may:
        check_may_switch_lane(actor, "support", "Customer Support")
        return
    with pytest.raises(NotAllowed) as error:
        check_may_switch_lane(actor, "support", "Customer Support")
    assert str(error.value) == (
        "Only a lead of Customer Support or a social media manager can turn its trusted lane "
        "on or off."
    )
