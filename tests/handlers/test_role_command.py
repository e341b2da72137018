"""`/chorus role list|add|remove` and `/chorus trusted-lane`, through the real Bolt app.

Slack sends a picked @person as `<@U123|ben>` (should_escape: true). Managers and workspace
admins change roles; every change is audited and the person hears about it; every mistake
gets one clear sentence, only for the person who typed it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.standin import SlackStandIn
from handlers.role_command import plain_word, read_user
from storage.models import EventRow
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

ADMIN, OWNER = "U0ADMIN", "U0OWNER"
NOT_ALLOWED = (
    "Only a social media manager or a Slack workspace admin can change roles in Chorus. "
    "Ask <@U0MANAGER>."
)


@pytest.fixture(autouse=True)
def people(standin: SlackStandIn) -> None:
    for user_id, name in ((ANA, "ana"), (BEN, "ben"), (LEAD, "lea"), (OTHER_LEAD, "sam")):
        standin.add_user(user_id, name)
    standin.add_user(ADMIN, "ada", is_admin=True)
    standin.add_user(OWNER, "otto", is_owner=True)


def chorus(ws: Workspace, text: str, user: str, channel: str = "C0SUPPORT") -> str:
    """Run /chorus and return what the person read: the answer, or the ephemeral after it."""
    before = len(ws.standin.ephemerals(user))
    response = ws.slack.command("/chorus", text, user, channel=channel)
    assert response.status == 200
    if response.body:
        body = json.loads(response.body)
        return "\n".join(filter(None, [body.get("text", ""), message_text(body)]))
    said = ws.standin.ephemerals(user)[before:]
    assert said, f"{user} was told nothing"
    return "\n".join(filter(None, [said[-1].get("text", ""), message_text(said[-1])]))


def audit(ws: Workspace) -> list[tuple[str | None, str, dict[str, Any]]]:
    kinds = ("role_added", "role_removed", "trusted_lane")
    with ws.chorus.services.sessions() as session:
        query = select(EventRow).where(EventRow.kind.in_(kinds), EventRow.actor.is_not(None))
        return [(e.actor, e.kind, e.detail) for e in session.scalars(query.order_by(EventRow.id))]


# -- reading people and words ------------------------------------------------------------


@pytest.mark.parametrize("word", ["<@U0BEN|ben>", "<@U0BEN>", "U0BEN", "<@U0BEN|Ben Marsh>"])
def test_a_person_is_read_from_what_slack_sends(word: str) -> None:
    assert read_user(word) == BEN


def test_a_customer_handle_slack_took_for_a_colleague_is_read_back() -> None:
    assert plain_word("<@U0ANA|ana>") == "@ana"
    assert plain_word("@ana@social.example") == "@ana@social.example"


# -- the list -------------------------------------------------------------------------


def test_anyone_reads_who_holds_which_role(workspace: Workspace) -> None:
    said = chorus(workspace, "role list", ANA)

    assert "Social media managers: <@U0MANAGER>" in said
    assert "*Customer Support* (`support`)\nLeads: <@U0LEAD> — they review its drafts." in said
    assert "Trusted: nobody yet\nTrusted lane: closed — every reply is reviewed." in said
    assert "*General* (`general`)\nLeads: none — its drafts go to the social media managers." in (
        said
    )
    assert chorus(workspace, "role", ANA) == said


def test_the_list_of_one_department(workspace: Workspace) -> None:
    said = chorus(workspace, "role list sales", ANA)

    assert "*Sales* (`sales`)" in said and "Customer Support" not in said
    assert chorus(workspace, "role list <#C0SALES|sales>", ANA) == said
    assert chorus(workspace, "role list nope", ANA) == (
        "There is no department “nope”. The departments are: support, sales, general."
    )


# -- adding and removing ------------------------------------------------------------------


def test_a_manager_makes_someone_a_lead_who_then_reviews(workspace: Workspace) -> None:
    ws = workspace
    said = chorus(ws, "role add <@U0BEN|ben> lead support", MANAGER)
    ws.deliver()

    assert said == "<@U0BEN> is now a lead of Customer Support."
    assert audit(ws) == [
        (MANAGER, "role_added", {"user": BEN, "role": "lead", "department": "support"})
    ]
    [dm] = ws.standin.messages(f"D{BEN}")
    assert message_text(dm).startswith("<@U0MANAGER> made you a lead of Customer Support")
    assert "Leads: <@U0BEN>, <@U0LEAD>" in chorus(ws, "role list support", ANA)
    assert not ws.standin.calls_to("users.info"), "a manager needs no admin check"

    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! We're on it."}, ANA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Approve", BEN)
    assert "Approved by <@U0BEN>" in message_text(ws.review_message(1))


@pytest.mark.parametrize("user", [ADMIN, OWNER], ids=["admin", "owner"])
def test_a_workspace_admin_changes_roles_too(workspace: Workspace, user: str) -> None:
    said = chorus(workspace, "role add <@U0BEN> trusted in <#C0SALES|sales>", user)

    assert said == "<@U0BEN> is now trusted in Sales."
    assert workspace.chorus.services.actor(BEN).is_trusted_in("sales")
    assert [c.args["user"] for c in workspace.standin.calls_to("users.info")] == [user]


def test_a_manager_takes_a_role_away(workspace: Workspace) -> None:
    ws = workspace
    said = chorus(ws, "role remove <@U0LEAD|lea> lead support", MANAGER)
    ws.deliver()

    assert said == "<@U0LEAD> is no longer a lead of Customer Support."
    assert not ws.chorus.services.actor(LEAD).lead_of
    assert audit(ws) == [
        (MANAGER, "role_removed", {"user": LEAD, "role": "lead", "department": "support"})
    ]
    [dm] = ws.standin.messages(f"D{LEAD}")
    assert "you are no longer a lead of Customer Support" in message_text(dm)


def test_a_manager_can_hand_over_to_another_manager(workspace: Workspace) -> None:
    ws = workspace
    chorus(ws, "role add <@U0BEN|ben> manager", MANAGER)

    said = chorus(ws, "role remove <@U0MANAGER|max> managers", BEN)

    assert said == "<@U0MANAGER> is no longer a social media manager."
    assert ws.chorus.services.actor(BEN).is_manager
    assert not ws.chorus.services.actor(MANAGER).is_manager


def test_changing_your_own_role_sends_no_dm(workspace: Workspace) -> None:
    chorus(workspace, "role add <@U0MANAGER|max> trusted support", MANAGER)
    workspace.deliver()

    assert workspace.standin.messages(f"D{MANAGER}") == []


@pytest.mark.parametrize(
    ("text", "user", "says"),
    [
        ("role add <@U0BEN|ben> lead support", BEN, NOT_ALLOWED),
        ("role add <@U0BEN|ben> lead support", LEAD, NOT_ALLOWED),
        ("role remove <@U0LEAD|lea> lead support", LEAD, NOT_ALLOWED),
        ("role add <@U0BEN|ben> lead nope", MANAGER, "There is no department “nope”. The "
         "departments are: support, sales, general."),
        ("role add <@U0BEN|ben> lead <#C0RANDOM|random>", MANAGER, "<#C0RANDOM|random> is not "
         "a department's channel: name the department instead."),
        ("role add <@U0BEN|ben> boss", MANAGER, "“boss” is not a role in Chorus. The roles are "
         "`manager`, `lead DEPT` or `trusted DEPT`."),
        ("role add <@U0BEN|ben> lead", MANAGER, "Say which department: `lead DEPT`, for example "
         "`lead support`."),
        ("role add <@U0BEN|ben> manager support", MANAGER, "A social media manager works for "
         "every department: leave the department out."),
        ("role add @nobody lead support", MANAGER, "I can't tell who “@nobody” is: type @ and "
         "pick the person from Slack's list."),
        ("role add <@U0BEN|ben>", MANAGER, "Say who and which role, for example `@ana lead "
         "support`."),
        ("role add <@U0BEN|ben> lead support sales", MANAGER, "One role at a time, please."),
        ("role add <@U0LEAD|lea> lead support", MANAGER, "<@U0LEAD> is already a lead of "
         "Customer Support."),
        ("role remove <@U0BEN|ben> trusted support", MANAGER, "<@U0BEN> is not trusted in "
         "Customer Support, so there is nothing to remove."),
        ("role remove <@U0MANAGER|max> manager", MANAGER, "<@U0MANAGER> is the last social "
         "media manager, and Chorus needs one: managers change roles and review for "
         "departments without a lead. Add another manager first."),
    ],
    ids=[
        "staff",
        "lead",
        "lead-removing",
        "unknown-department",
        "not-a-department-channel",
        "unknown-role",
        "no-department",
        "manager-with-department",
        "not-a-person",
        "no-role",
        "two-departments",
        "already-has-it",
        "does-not-have-it",
        "last-manager",
    ],
)  # fmt: skip
def test_every_mistake_gets_a_clear_sentence_and_changes_nothing(
    workspace: Workspace, text: str, user: str, says: str
) -> None:
    said = chorus(workspace, text, user)

    assert said.split("\n\n")[0] == says
    assert audit(workspace) == []
    assert workspace.standin.messages(f"D{BEN}") == []


def test_role_help_explains_every_form(workspace: Workspace) -> None:
    said = chorus(workspace, "role help", ANA)

    assert said.startswith("*/chorus role* — who manages, leads and is trusted")
    assert "`/chorus role add @person trusted DEPT`" in said
    assert chorus(workspace, "role promote", ANA).startswith("I don't know “promote”.")


# -- the trusted lane ---------------------------------------------------------------------


def test_a_lead_opens_the_trusted_lane_and_the_channel_hears(workspace: Workspace) -> None:
    ws = workspace
    said = chorus(ws, "trusted-lane on", LEAD)  # in #support: its department
    ws.deliver()

    assert said == (
        "The trusted lane of Customer Support is now open. Nobody is trusted in Customer "
        "Support yet: `/chorus role add @person trusted support`."
    )
    [note] = ws.standin.messages("C0SUPPORT")
    assert message_text(note).startswith(
        ":vertical_traffic_light: <@U0LEAD> opened the trusted lane for Customer Support"
    )
    assert audit(ws) == [(LEAD, "trusted_lane", {"department": "support", "on": True})]
    assert "Trusted lane: *open*" in chorus(ws, "trusted-lane", BEN)
    assert chorus(ws, "trusted-lane on support", MANAGER) == (
        "The trusted lane of Customer Support is already open."
    )


def test_a_manager_closes_a_lane_from_anywhere(workspace: Workspace) -> None:
    ws = workspace
    chorus(ws, "trusted-lane on sales", OTHER_LEAD, channel="C0RANDOM")

    said = chorus(ws, "trusted-lane off <#C0SALES|sales>", MANAGER, channel="C0RANDOM")
    ws.deliver()

    assert said == "The trusted lane of Sales is now closed."
    assert "closed the trusted lane for Sales" in message_text(ws.standin.messages("C0SALES")[-1])


@pytest.mark.parametrize(
    ("text", "user", "channel", "says"),
    [
        ("trusted-lane on", BEN, "C0SUPPORT", "Only a lead of Customer Support or a social "
         "media manager can turn its trusted lane on or off."),
        ("trusted-lane on support", OTHER_LEAD, "C0SALES", "Only a lead of Customer Support or "
         "a social media manager can turn its trusted lane on or off."),
        ("trusted-lane off", LEAD, "C0SUPPORT", "The trusted lane of Customer Support is "
         "already closed."),
        ("trusted-lane on nope", MANAGER, "C0SUPPORT", "There is no department “nope”. The "
         "departments are: support, sales, general."),
        ("trusted-lane on", MANAGER, "C0RANDOM", "Say which department, or run this in the "
         "department's channel."),
        ("trusted-lane on support sales", MANAGER, "C0SUPPORT", "Name one department."),
    ],
    ids=["staff", "lead-elsewhere", "already", "unknown", "where", "two"],
)  # fmt: skip
def test_the_lane_refuses_in_one_sentence(
    workspace: Workspace, text: str, user: str, channel: str, says: str
) -> None:
    said = chorus(workspace, text, user, channel=channel)

    assert said.split("\n\n")[0] == says
    assert audit(workspace) == []


def test_chorus_toml_can_open_a_lane_and_trust_people(
    sqlite_url: str, standin: SlackStandIn
) -> None:
    config = CONFIG_TOML.replace(
        'leads = ["U0LEAD"]\n', 'leads = ["U0LEAD"]\ntrusted = ["U0ANA"]\ntrusted_lane = true\n'
    )
    ws = make_workspace(sqlite_url, standin, config)

    said = chorus(ws, "trusted-lane", BEN)

    assert "Trusted lane: *open*" in said and "Trusted: <@U0ANA>" in said
    assert ws.chorus.services.actor(ANA).is_trusted_in("support")


def test_the_homes_a_change_concerns_are_refreshed(workspace: Workspace) -> None:
    ws = workspace
    for user in (BEN, LEAD):
        ws.slack.open_home(user)
    published = len(ws.standin.calls_to("views.publish"))

    chorus(ws, "role add <@U0BEN|ben> trusted support", MANAGER)
    chorus(ws, "trusted-lane on", LEAD)
    ws.deliver()

    again = [c.args["user_id"] for c in ws.standin.calls_to("views.publish")[published:]]
    assert sorted(again) == [BEN, LEAD]
