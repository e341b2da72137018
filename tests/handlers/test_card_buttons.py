"""The buttons on a mention card, clicked through the real Bolt app.

Claim, Draft reply, Unclaim, Transfer and Dismiss, who may click them, and which buttons a
card shows in each state. Refusals reach the person as an ephemeral (a response_url post).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.model import State
from bot.services import views
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, Workspace, mention

ROUTED_BUTTONS = ["Claim", "Draft reply", "Transfer", "Dismiss", "Open post"]
CLAIMED_BUTTONS = ["Draft reply", "Unclaim", "Transfer", "Dismiss", "Open post"]


def told(ws: Workspace, user: str) -> str:
    """The last thing Chorus told this person ephemerally."""
    said = ws.standin.ephemerals(user)
    assert said, f"{user} was told nothing"
    assert said[-1]["source"] == "response_url"
    return str(said[-1]["text"])


def the_mention(ws: Workspace, mention_id: int = 1) -> Any:
    return views.card(ws.chorus.services, mention_id).mention


def claimed_by_ana(ws: Workspace) -> dict[str, Any]:
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", ANA)
    return ws.card(1)


# -- Claim -------------------------------------------------------------------------------


def test_claim_puts_the_claimer_on_the_card_and_tells_them(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())

    response = ws.slack.click(ws.card(1), "Claim", ANA)

    assert response.status == 200 and response.body == ""
    card = ws.card(1)
    assert f"Claimed by <@{ANA}>" in message_text(card)
    assert button_labels(card) == CLAIMED_BUTTONS
    assert told(ws, ANA) == "You claimed #1. Draft a reply when ready."
    assert the_mention(ws).claimed_by == ANA


def test_when_two_people_click_claim_the_second_hears_who_was_first(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(mention())
    card_both_saw = ws.card(1)

    ws.slack.click(card_both_saw, "Claim", ANA)
    ws.slack.click(card_both_saw, "Claim", BEN)

    assert told(ws, BEN) == f"<@{ANA}> already claimed this just now."
    assert the_mention(ws).claimed_by == ANA
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))
    assert len(ws.standin.calls_to("chat.update")) == 1, "the refusal re-renders nothing"


# -- Draft reply -------------------------------------------------------------------------


def test_draft_reply_on_an_unclaimed_card_claims_it_and_opens_the_form(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(mention())

    ws.slack.click(ws.card(1), "Draft reply", ANA)

    modal = ws.open_view()
    assert modal["callback_id"] == "draft_modal"
    assert json.loads(modal["private_metadata"])["mention_id"] == 1
    assert "Mastodon replies can be up to 500 characters" in json.dumps(modal["blocks"])
    assert the_mention(ws).claimed_by == ANA
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))


def test_draft_reply_on_a_card_someone_else_claimed_explains_and_opens_nothing(
    workspace: Workspace,
) -> None:
    ws = workspace
    card = claimed_by_ana(ws)

    ws.slack.click(card, "Draft reply", BEN)

    assert ws.standin.views() == []
    assert told(ws, BEN) == f"<@{ANA}> claimed this mention, so they write its reply."
    assert the_mention(ws).claimed_by == ANA


# -- Unclaim -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [ANA, LEAD, MANAGER], ids=["claimer", "lead", "manager"])
def test_the_claimer_or_a_reviewer_can_unclaim(workspace: Workspace, who: str) -> None:
    ws = workspace
    card = claimed_by_ana(ws)

    ws.slack.click(card, "Unclaim", who)

    mention_now = the_mention(ws)
    assert mention_now.state is State.ROUTED and mention_now.claimed_by is None
    card = ws.card(1)
    assert "Waiting for someone to claim it" in message_text(card)
    assert button_labels(card) == ROUTED_BUTTONS
    assert told(ws, who) == "#1 is back in the queue."


def test_a_colleague_cannot_unclaim_someone_elses_mention(workspace: Workspace) -> None:
    ws = workspace
    card = claimed_by_ana(ws)

    ws.slack.click(card, "Unclaim", BEN)

    assert told(ws, BEN) == (
        f"<@{ANA}> claimed this; only they, a lead of this department or a social media "
        "manager can unclaim it."
    )
    assert the_mention(ws).claimed_by == ANA
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))


# -- Transfer ----------------------------------------------------------------------------


def test_transfer_offers_every_other_department(workspace: Workspace) -> None:
    ws = workspace
    card = claimed_by_ana(ws)

    ws.slack.click(card, "Transfer", ANA)

    modal = ws.open_view()
    assert modal["callback_id"] == "transfer_modal"
    [select] = [b for b in modal["blocks"] if b["block_id"] == "department"]
    options = [(o["value"], o["text"]["text"]) for o in select["element"]["options"]]
    assert options == [("sales", "Sales"), ("general", "General")]


def test_transfer_moves_the_mention_to_the_other_channel_and_releases_the_claim(
    workspace: Workspace,
) -> None:
    ws = workspace
    old_card = claimed_by_ana(ws)
    ws.slack.click(old_card, "Transfer", ANA)

    response = ws.slack.submit(ws.open_view(), {"department": {"option": "sales"}}, ANA)
    ws.deliver()

    assert response.status == 200 and response.body == ""
    moved = the_mention(ws)
    assert moved.department_key == "sales"
    assert moved.state is State.ROUTED and moved.claimed_by is None
    [new_card] = ws.standin.messages("C0SALES")
    assert ws.card(1)["ts"] == new_card["ts"]
    assert "Routed to *Sales*" in message_text(new_card)
    assert button_labels(new_card) == ROUTED_BUTTONS
    [retired] = ws.standin.messages("C0SUPPORT")
    assert retired["ts"] == old_card["ts"] and retired["edited"]
    assert f"Moved to *Sales* by <@{ANA}>" in message_text(retired)
    assert button_labels(retired) == [], "nobody can claim the old card any more"


def test_the_new_card_names_who_transferred_it(workspace: Workspace) -> None:
    ws = workspace
    old_card = claimed_by_ana(ws)
    ws.slack.click(old_card, "Transfer", ANA)

    ws.slack.submit(ws.open_view(), {"department": {"option": "sales"}}, ANA)
    ws.deliver()

    # A Slack mention of the person, not the escaped text "&lt;@U0ANA&gt;".
    assert f"Routed to *Sales*: transferred by <@{ANA}>" in message_text(ws.card(1))


def test_transfer_to_the_current_department_is_refused_in_the_modal(
    workspace: Workspace,
) -> None:
    ws = workspace
    card = claimed_by_ana(ws)
    ws.slack.click(card, "Transfer", ANA)

    response = ws.slack.submit(ws.open_view(), {"department": {"option": "support"}}, ANA)

    assert json.loads(response.body) == {
        "response_action": "errors",
        "errors": {"department": "This mention is already in that department."},
    }
    assert the_mention(ws).department_key == "support"
    assert the_mention(ws).claimed_by == ANA


# -- Dismiss -----------------------------------------------------------------------------


def test_a_staff_member_who_has_not_claimed_it_cannot_dismiss(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())

    ws.slack.click(ws.card(1), "Dismiss", BEN)

    assert ws.standin.views() == []
    assert told(ws, BEN).startswith(
        "Only the person who claimed it, a lead of this department or a social media manager "
        "can dismiss a mention."
    )
    assert the_mention(ws).state is State.ROUTED


def test_a_lead_dismisses_with_a_reason_and_the_card_says_so(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())

    ws.slack.click(ws.card(1), "Dismiss", LEAD)
    modal = ws.open_view()
    assert modal["callback_id"] == "dismiss_modal"
    response = ws.slack.submit(modal, {"reason": {"option": "spam"}}, LEAD)

    assert response.status == 200 and response.body == ""
    dismissed = the_mention(ws)
    assert dismissed.state is State.DISMISSED
    assert dismissed.dismissed_by == LEAD and dismissed.dismissed_reason == "Spam or abuse"
    card = ws.card(1)
    assert f"Dismissed by <@{LEAD}>: “Spam or abuse”" in message_text(card)
    assert button_labels(card) == ["Open post"]


def test_the_claimer_may_dismiss_with_a_reason_and_detail(workspace: Workspace) -> None:
    ws = workspace
    card = claimed_by_ana(ws)

    ws.slack.click(card, "Dismiss", ANA)
    ws.slack.submit(
        ws.open_view(), {"reason": {"option": "answered_elsewhere"}, "note": "by email"}, ANA
    )

    assert the_mention(ws).dismissed_reason == "Already answered elsewhere: by email"
    assert "Already answered elsewhere: by email" in message_text(ws.card(1))


def test_dismissing_for_other_without_saying_why_is_refused_in_the_modal(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Dismiss", LEAD)

    response = ws.slack.submit(ws.open_view(), {"reason": {"option": "other"}, "note": ""}, LEAD)

    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["note"]
    assert "why this mention needs no reply" in body["errors"]["note"]
    assert the_mention(ws).state is State.ROUTED
    assert "Waiting for someone to claim it" in message_text(ws.card(1))


# -- buttons per state -------------------------------------------------------------------


def submit_draft(ws: Workspace, text: str = "Hi! We're on it.") -> None:
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": text}, ANA)
    ws.deliver()


def test_each_state_shows_only_the_buttons_that_make_sense(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())
    assert button_labels(ws.card(1)) == ROUTED_BUTTONS

    ws.slack.click(ws.card(1), "Claim", ANA)
    assert button_labels(ws.card(1)) == CLAIMED_BUTTONS

    submit_draft(ws)
    assert button_labels(ws.card(1)) == ["Dismiss", "Open post"]

    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    assert button_labels(ws.card(1)) == ["Dismiss", "Open post"]

    ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@brand/1"}, ANA)
    assert button_labels(ws.card(1)) == ["Update results", "Open post"]


def test_the_open_post_link_points_at_the_customers_post(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention("4242"))

    [link] = [
        e
        for b in ws.card(1)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Open post"
    ]

    assert link["url"] == "https://social.example/@ana/4242"


def test_a_card_without_a_safe_link_has_no_open_post_button(workspace: Workspace) -> None:
    ws = workspace
    post = mention("77")
    del post["url"]
    ws.receive(post)

    assert button_labels(ws.card(1)) == ["Claim", "Draft reply", "Transfer", "Dismiss"]
