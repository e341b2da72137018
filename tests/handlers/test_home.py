"""The App Home, through the real Bolt app and the Slack stand-in.

Each kind of person sees their own page (staff with a claim, a lead with drafts to review,
a manager, a newcomer with nothing yet); a click on the Home acts there and is answered
there; after an action the Homes it changed are re-published through the outbox, for the
people who have opened theirs and nobody else.
"""

from __future__ import annotations

from typing import Any

from bot.domain.model import DraftStatus, State
from bot.services import views
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, OTHER_LEAD, Workspace, mention

DRAFT = "Hi Ana! We're looking into the export right now."
REVIEW_BUTTONS = ["Approve", "Edit & approve", "Request changes", "Reject"]


def home(ws: Workspace, user: str) -> dict[str, Any]:
    view = ws.standin.home(user)
    assert view is not None, f"{user} has no Home"
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def opened(ws: Workspace, user: str) -> dict[str, Any]:
    """Open the person's Home tab, and return what Chorus published."""
    response = ws.slack.open_home(user)
    assert response.status == 200
    return home(ws, user)


def buttons(view: dict[str, Any]) -> list[tuple[str, str]]:
    """Every button on the Home, in order: (label, value)."""
    found = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        accessory = [block["accessory"]] if block.get("accessory") else []
        found += [(e["text"]["text"], e.get("value", "")) for e in elements + accessory]
    return found


def claimed(ws: Workspace, user: str = ANA) -> None:
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", user)


def in_review(ws: Workspace) -> None:
    """Ana claims the mention and submits a draft."""
    claimed(ws)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": DRAFT}, ANA)
    ws.deliver()


def state(ws: Workspace) -> State:
    return views.card(ws.chorus.services, 1).mention.state


def published_for(ws: Workspace) -> list[str]:
    return [call.args["user_id"] for call in ws.standin.calls_to("views.publish")]


# -- each kind of person -------------------------------------------------------------------


def test_a_staff_member_sees_the_mention_they_claimed_with_its_buttons(
    workspace: Workspace,
) -> None:
    ws = workspace
    claimed(ws)

    view = opened(ws, ANA)

    text = message_text(view)
    assert "Mentions you claimed" in text and "*#1* Mastodon" in text
    assert "Claimed by <@U0ANA>" in text
    assert buttons(view) == [("Draft reply", "1"), ("Unclaim", "1")]
    assert "Drafts waiting for your review" not in text, "staff review nothing"
    assert "The departments you worked in over the last 30 days." in text
    assert "*Customer Support* · 1 open, 0 waiting for someone" in text
    assert "Sales" not in text
    assert "Guidelines for public replies" in text and "Never in a reply" in text


def test_a_lead_sees_the_drafts_waiting_for_their_review(workspace: Workspace) -> None:
    ws = workspace
    in_review(ws)

    view = opened(ws, LEAD)

    text = message_text(view)
    assert "You lead *Customer Support*: you review its drafts" in text
    assert "Drafts waiting for your review" in text
    assert "*Draft v1* by <@U0ANA> · reply to *#1* on Mastodon · Customer Support" in text
    assert DRAFT in text
    assert buttons(view) == [(label, "1") for label in REVIEW_BUTTONS]
    assert "Your department's queue" in text and "Sales" not in text


def test_a_lead_of_another_department_and_the_author_see_no_draft_to_review(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_review(ws)

    other = message_text(opened(ws, OTHER_LEAD))
    author = opened(ws, ANA)

    assert "No draft is waiting for you" in other and DRAFT not in other
    assert "*Sales* · nothing open" in other
    assert "Drafts waiting for your review" not in message_text(author)
    assert "is in review" in message_text(author)
    assert buttons(author) == [], "a draft in review has nothing for its author to click"


def test_a_manager_sees_every_department_and_every_draft(workspace: Workspace) -> None:
    ws = workspace
    in_review(ws)

    view = opened(ws, MANAGER)

    text = message_text(view)
    assert "You're a social media manager" in text
    assert "Every department: you are a social media manager." in text
    for name in ("Customer Support", "Sales", "General"):
        assert f"*{name}*" in text
    assert [label for label, _ in buttons(view)] == REVIEW_BUTTONS


def test_someone_with_nothing_yet_gets_a_kind_home(workspace: Workspace) -> None:
    view = opened(workspace, BEN)

    text = message_text(view)
    assert "*Hi <@U0BEN>!*" in text
    assert "Nothing on your plate" in text and "`/claim next`" in text
    assert "You have not pitched a post idea yet" in text
    assert "Every department, until you work on a mention" in text
    assert "nothing open: every customer has an answer" in text
    assert "No reply has gone live yet this week" in text
    assert buttons(view) == []


def test_the_messages_tab_draws_nothing(workspace: Workspace) -> None:
    response = workspace.slack.open_home(ANA, tab="messages")

    assert response.status == 200
    assert workspace.standin.home(ANA) is None
    assert workspace.standin.calls_to("views.publish") == []


def test_customer_words_on_the_home_ping_nobody(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention(text="<!channel> my <https://evil.example|bank> export is broken"))
    ws.slack.click(ws.card(1), "Claim", ANA)

    text = message_text(opened(ws, ANA))

    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "<https://evil.example" not in text


# -- acting on the Home --------------------------------------------------------------------


def test_unclaim_on_the_home_acts_and_answers_on_the_home(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    view = opened(ws, ANA)
    said_before = len(ws.standin.ephemerals(ANA))

    response = ws.slack.click_in_view(view, "Unclaim", ANA)

    assert response.status == 200
    assert state(ws) is State.ROUTED
    assert "Claim" in button_labels(ws.card(1)), "the card in the channel is updated too"
    assert len(ws.standin.ephemerals(ANA)) == said_before, "no ephemeral: it has nowhere to go"
    assert ws.standin.messages(f"D{ANA}") == []
    assert ws.deliver() == 1
    text = message_text(home(ws, ANA))
    assert text.startswith(":point_right: #1 is back in the queue.")
    assert "Nothing on your plate" in text


def test_claim_from_a_queue_on_the_home(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())
    view = opened(ws, BEN)
    assert ("Claim", "1") in buttons(view)

    ws.slack.click_in_view(view, "Claim", BEN, value="1")
    ws.deliver()

    assert state(ws) is State.CLAIMED
    after = home(ws, BEN)
    assert message_text(after).startswith(":point_right: You claimed #1.")
    assert buttons(after) == [("Draft reply", "1"), ("Unclaim", "1")]


def test_draft_reply_on_the_home_and_the_reviewers_home_follows(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    opened(ws, ANA)
    assert "No draft is waiting for you" in message_text(opened(ws, LEAD))

    ws.slack.click_in_view(home(ws, ANA), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": DRAFT}, ANA)
    ws.deliver()

    assert state(ws) is State.IN_REVIEW
    assert buttons(home(ws, LEAD)) == [(label, "1") for label in REVIEW_BUTTONS]
    assert "is in review" in message_text(home(ws, ANA))
    assert set(published_for(ws)) == {ANA, LEAD}, "nobody who never opened a Home gets one"


def test_approve_on_the_home_and_the_authors_home_follows(workspace: Workspace) -> None:
    ws = workspace
    in_review(ws)
    opened(ws, ANA)
    opened(ws, MANAGER)

    ws.slack.click_in_view(opened(ws, LEAD), "Approve", LEAD)
    ws.deliver()

    assert views.review(ws.chorus.services, 1).draft.status is DraftStatus.APPROVED
    assert "Mark as posted" in button_labels(ws.review_message(1))
    assert "No draft is waiting for you" in message_text(home(ws, LEAD))
    assert "No draft is waiting for you" in message_text(home(ws, MANAGER)), (
        "the other reviewers' Homes no longer offer the decided draft"
    )
    assert "approved by <@U0LEAD>" in message_text(home(ws, ANA))


def test_a_stale_click_on_the_home_is_answered_on_the_refreshed_home(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_review(ws)
    stale = opened(ws, LEAD)
    ws.slack.click(ws.review_message(1), "Approve", MANAGER)

    ws.slack.click_in_view(stale, "Approve", LEAD)
    ws.deliver()

    text = message_text(home(ws, LEAD))
    assert text.startswith(f":point_right: <@{MANAGER}> already approved draft v1.")
    assert "No draft is waiting for you" in text
    assert ws.standin.messages(f"D{LEAD}") == [], "answered on the Home, not in a DM"


def test_refreshes_of_one_home_are_sent_once(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention("1"), mention("2", text="Is the login broken?"))
    opened(ws, ANA)
    before = len(ws.standin.calls_to("views.publish"))

    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(2), "Claim", ANA)
    ws.slack.click(ws.card(1), "Unclaim", ANA)

    assert ws.deliver() == 1
    assert len(ws.standin.calls_to("views.publish")) == before + 1
    assert buttons(home(ws, ANA)) == [("Draft reply", "2"), ("Unclaim", "2"), ("Claim", "1")]


def test_request_changes_on_the_home_opens_the_note_form_and_the_author_hears(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_review(ws)
    opened(ws, ANA)

    ws.slack.click_in_view(opened(ws, LEAD), "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Add the status page link"}, LEAD)
    ws.deliver()

    assert views.review(ws.chorus.services, 1).draft.status is DraftStatus.CHANGES_REQUESTED
    author = home(ws, ANA)
    assert "sent back by <@U0LEAD>" in message_text(author)
    assert buttons(author) == [("Draft reply", "1"), ("Unclaim", "1")]
    assert "No draft is waiting for you" in message_text(home(ws, LEAD))
    [dm] = ws.standin.messages(f"D{ANA}")
    assert button_labels(dm) == ["Revise draft"], "the author's DM is as from the thread"
