"""Slash commands through the real Bolt app: /claim, /draft, /mentions and /chorus.

Each command is a signed request dispatched to the app; what people see is what the
stand-in received (chat.update on cards, response_url posts, views.open).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun import freeze_time

from bot.domain.model import State
from bot.services import views
from handlers.commands import CHORUS_HELP, CLAIM_USAGE, DRAFT_USAGE, MENTIONS_USAGE
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, Workspace, mention

MENTIONS_HELP = MENTIONS_USAGE.format(keys="support, sales, general")
USAGES = {
    "/claim": CLAIM_USAGE,
    "/draft": DRAFT_USAGE,
    "/mentions": MENTIONS_HELP,
    "/chorus": CHORUS_HELP,
}


def ack_body(response: Any) -> dict[str, Any]:
    """The JSON a command's ack sent back to Slack."""
    assert response.status == 200, response.body
    body: dict[str, Any] = json.loads(response.body)
    return body


def last_ephemeral(ws: Workspace, user: str) -> dict[str, Any]:
    said = ws.standin.ephemerals(user)
    assert said, f"{user} was told nothing"
    return said[-1]


def state_of(ws: Workspace, mention_id: int) -> State:
    return views.card(ws.chorus.services, mention_id).mention.state


def claimer_of(ws: Workspace, mention_id: int) -> str | None:
    return views.card(ws.chorus.services, mention_id).mention.claimed_by


def support_post(external_id: str) -> dict[str, Any]:
    return mention(external_id, text=f"My login is broken ({external_id})")


def general_post(external_id: str) -> dict[str, Any]:
    return mention(external_id, text=f"Nice product, well done ({external_id})")


# -- usage -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(USAGES))
def test_every_command_answers_help_with_its_usage_only_to_the_asker(
    workspace: Workspace, command: str
) -> None:
    body = ack_body(workspace.slack.command(command, "help", ANA))

    assert body == {"response_type": "ephemeral", "text": USAGES[command]}


@pytest.mark.parametrize("command", sorted(USAGES))
def test_every_command_answers_unknown_input_with_its_usage(
    workspace: Workspace, command: str
) -> None:
    body = ack_body(workspace.slack.command(command, "frobnicate", ANA))

    assert body["response_type"] == "ephemeral"
    assert body["text"] == f"I don't know “frobnicate”. {USAGES[command]}"
    assert workspace.standin.calls_to("response_url") == [], "usage is the ack itself"


def test_bare_chorus_explains_how_chorus_works(workspace: Workspace) -> None:
    body = ack_body(workspace.slack.command("/chorus", "", ANA))

    assert body == {"response_type": "ephemeral", "text": CHORUS_HELP}


# -- /claim ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1", "#1"])
def test_claim_by_number_claims_the_mention_and_updates_its_card(
    workspace: Workspace, text: str
) -> None:
    ws = workspace
    ws.receive(mention())
    [posted] = ws.standin.messages("C0SUPPORT")

    response = ws.slack.command("/claim", text, ANA)

    assert response.status == 200 and response.body == ""
    assert claimer_of(ws, 1) == ANA and state_of(ws, 1) is State.CLAIMED
    [update] = ws.standin.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C0SUPPORT", posted["ts"])
    card = ws.card(1)
    assert card["edited"] and f"Claimed by <@{ANA}>" in message_text(card)
    assert "Claim" not in button_labels(card)
    notice = last_ephemeral(ws, ANA)
    assert notice["source"] == "response_url"
    assert notice["text"] == "You claimed #1. Draft a reply when ready."
    assert notice["replace_original"] is False


def test_claim_next_in_a_department_channel_takes_that_departments_oldest(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(general_post("g1"))  # #1, General, oldest of all
    ws.receive(support_post("s1"))  # #2, Support
    ws.receive(support_post("s2"))  # #3, Support

    ws.slack.command("/claim", "next", ANA, channel="C0SUPPORT")

    assert claimer_of(ws, 2) == ANA
    assert state_of(ws, 1) is State.ROUTED and state_of(ws, 3) is State.ROUTED
    assert last_ephemeral(ws, ANA)["text"].startswith("You claimed #2.")


def test_bare_claim_means_next(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(support_post("s1"), support_post("s2"))

    ws.slack.command("/claim", "", BEN, channel="C0SUPPORT")

    assert claimer_of(ws, 1) == BEN and state_of(ws, 2) is State.ROUTED


def test_claim_next_elsewhere_takes_the_oldest_of_any_department(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(general_post("g1"))  # #1
    ws.receive(support_post("s1"))  # #2
    ws.slack.command("/claim", "next", BEN, channel="C0SUPPORT")  # takes #2

    ws.slack.command("/claim", "next", ANA, channel="C0RANDOM")

    assert claimer_of(ws, 1) == ANA
    assert claimer_of(ws, 2) == BEN


def test_claim_next_skips_mentions_someone_already_has(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(support_post("s1"), support_post("s2"))
    ws.slack.command("/claim", "1", BEN)

    ws.slack.command("/claim", "next", ANA, channel="C0SUPPORT")

    assert claimer_of(ws, 1) == BEN and claimer_of(ws, 2) == ANA


@pytest.mark.parametrize(
    ("channel", "where"), [("C0SUPPORT", "in this department"), ("C0RANDOM", "anywhere")]
)
def test_claim_next_with_nothing_waiting_says_so(
    workspace: Workspace, channel: str, where: str
) -> None:
    ws = workspace
    ws.receive(support_post("s1"))
    ws.slack.command("/claim", "1", BEN)

    ws.slack.command("/claim", "next", ANA, channel=channel)

    notice = last_ephemeral(ws, ANA)
    assert notice["text"] == f"Nothing is waiting {where}: every mention has someone on it. 🎉"
    assert claimer_of(ws, 1) == BEN


def test_claim_of_an_unknown_number_says_there_is_no_such_mention(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())

    ws.slack.command("/claim", "999", ANA)

    assert "There is no mention #999" in last_ephemeral(ws, ANA)["text"]
    assert state_of(ws, 1) is State.ROUTED
    assert ws.standin.calls_to("chat.update") == []


def test_claiming_an_already_claimed_mention_says_who_has_it_and_since_when(
    workspace: Workspace,
) -> None:
    ws = workspace
    with freeze_time("2026-11-20 10:00:00+00:00") as clock:
        ws.receive(mention())
        ws.slack.command("/claim", "1", ANA)
        clock.move_to("2026-11-20 10:03:00+00:00")

        ws.slack.command("/claim", "#1", BEN)

    assert last_ephemeral(ws, BEN)["text"] == f"<@{ANA}> already claimed this 3 minutes ago."
    assert claimer_of(ws, 1) == ANA
    assert len(ws.standin.calls_to("chat.update")) == 1, "a refusal leaves the card alone"


def test_a_refused_command_still_answers_slack_with_success(workspace: Workspace) -> None:
    """The refusal is explained in an ephemeral; Slack must not add an error of its own."""
    ws = workspace
    ws.receive(mention())

    response = ws.slack.command("/claim", "999", ANA)

    assert "There is no mention #999" in last_ephemeral(ws, ANA)["text"]
    assert response.status == 200, "an HTTP 500 makes Slack show “/claim failed” on top"


# -- /draft ------------------------------------------------------------------------------


def test_draft_without_a_claimed_mention_explains_what_to_do(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())

    ws.slack.command("/draft", "", ANA)

    assert last_ephemeral(ws, ANA)["text"] == (
        "You have no claimed mention. Use `/draft 42`, or `/claim next` first."
    )
    assert ws.standin.views() == []


def test_draft_by_number_opens_the_reply_form_and_claims_the_mention(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(mention())

    response = ws.slack.command("/draft", "1", ANA)

    assert response.status == 200 and response.body == ""
    [opened] = ws.standin.calls_to("views.open")
    assert opened.args["trigger_id"].startswith("trigger-")
    modal = ws.open_view()
    assert modal["callback_id"] == "draft_modal"
    assert "Is the export broken for anyone else?" in json.dumps(modal["blocks"])
    assert claimer_of(ws, 1) == ANA
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))


def test_bare_draft_opens_the_form_for_the_latest_claim(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(support_post("s1"), support_post("s2"))
    ws.slack.command("/claim", "1", ANA)
    ws.slack.command("/claim", "2", ANA)

    ws.slack.command("/draft", "", ANA)

    modal = ws.open_view()
    assert modal["callback_id"] == "draft_modal"
    assert json.loads(modal["private_metadata"])["mention_id"] == 2


def test_draft_of_a_mention_someone_else_claimed_opens_nothing(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())
    ws.slack.command("/claim", "1", BEN)

    ws.slack.command("/draft", "1", ANA)

    assert ws.standin.views() == []
    assert last_ephemeral(ws, ANA)["text"].startswith(f"<@{BEN}> claimed this mention")
    assert claimer_of(ws, 1) == BEN


# -- /mentions ---------------------------------------------------------------------------


def listed(ws: Workspace, user: str) -> tuple[str, str]:
    """The title and body of the last /mentions list the person got."""
    answer = last_ephemeral(ws, user)
    assert answer["source"] == "response_url"
    body = "\n".join(block["text"]["text"] for block in answer["blocks"] if "text" in block)
    return answer["text"], body


def three_mentions_one_claimed(ws: Workspace) -> None:
    ws.receive(
        support_post("s1"),  # #1 Support, Ana claims it
        mention("p1", text="Any discount for schools?"),  # #2 Sales
        general_post("g1"),  # #3 General
    )
    ws.slack.command("/claim", "1", ANA)


def test_mentions_lists_every_open_mention(workspace: Workspace) -> None:
    ws = workspace
    three_mentions_one_claimed(ws)

    response = ws.slack.command("/mentions", "", BEN)

    assert response.status == 200 and response.body == ""
    title, body = listed(ws, BEN)
    assert title == "Open mentions (3)"
    assert "*Open mentions* (3)" in body
    for number in ("*#1*", "*#2*", "*#3*"):
        assert number in body
    assert f"Claimed by <@{ANA}>" in body


def test_mentions_open_is_the_same_as_bare_mentions(workspace: Workspace) -> None:
    ws = workspace
    three_mentions_one_claimed(ws)

    ws.slack.command("/mentions", "open", BEN)

    assert listed(ws, BEN)[0] == "Open mentions (3)"


def test_mentions_mine_lists_only_what_i_claimed(workspace: Workspace) -> None:
    ws = workspace
    three_mentions_one_claimed(ws)

    ws.slack.command("/mentions", "mine", ANA)

    title, body = listed(ws, ANA)
    assert title == "Your open mentions (1)"
    assert "*#1*" in body and "*#2*" not in body and "*#3*" not in body


def test_mentions_of_a_department_lists_only_that_department(workspace: Workspace) -> None:
    ws = workspace
    three_mentions_one_claimed(ws)

    ws.slack.command("/mentions", "sales", BEN)

    title, body = listed(ws, BEN)
    assert title == "Open mentions in Sales (1)"
    assert "*#2*" in body and "Any discount for schools?" in body
    assert "*#1*" not in body and "*#3*" not in body


def test_mentions_support_leaves_out_closed_mentions(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(support_post("s1"), support_post("s2"))
    ws.slack.click(ws.card(2), "Claim", ANA)
    ws.slack.click(ws.card(2), "Dismiss", ANA)
    ws.slack.submit(ws.open_view(), {"reason": {"option": "spam"}}, ANA)

    ws.slack.command("/mentions", "support", BEN)

    title, body = listed(ws, BEN)
    assert title == "Open mentions in Customer Support (1)"
    assert "*#1*" in body and "*#2*" not in body


def test_mentions_when_nothing_is_open_says_everyone_has_an_answer(workspace: Workspace) -> None:
    ws = workspace

    ws.slack.command("/mentions", "mine", ANA)

    answer = last_ephemeral(ws, ANA)
    assert answer["text"].startswith("Your open mentions: none.")
    assert answer["blocks"] == []


def test_mentions_with_a_scope_it_does_not_know_gives_usage(workspace: Workspace) -> None:
    ws = workspace
    three_mentions_one_claimed(ws)
    ws.standin.reset()

    body = ack_body(ws.slack.command("/mentions", "nonsense", BEN))

    assert body == {
        "response_type": "ephemeral",
        "text": f"I don't know “nonsense”. {MENTIONS_HELP}",
    }
    assert ws.standin.ephemerals(BEN) == []
