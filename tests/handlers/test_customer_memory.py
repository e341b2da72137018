"""Customer memory through Slack: the card knows the author's history, **Mark as advocate**
marks them everywhere, and `/chorus customer HANDLE` tells their story with how each post
was answered.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from storage.models import CustomerRow, EventRow
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, Workspace, mention

DAY_0 = "2026-11-01 10:00:00+00:00"
DAY_12 = "2026-11-13 10:00:00+00:00"
DAY_14 = "2026-11-15 10:00:00+00:00"
DAY_15 = "2026-11-16 10:00:00+00:00"
ADVOCATE = "Mark as advocate"


def accessory_labels(message: dict[str, Any]) -> list[str]:
    """Labels of buttons that sit beside a section's text."""
    return [
        block["accessory"]["text"]["text"]
        for block in message.get("blocks") or []
        if block.get("type") == "section" and block.get("accessory", {}).get("type") == "button"
    ]


_deliveries = iter(range(1, 1_000_000))


def arrive(ws: Workspace, *posts: dict[str, Any]) -> None:
    """Posts arrive by webhook, each delivery with its own id (frozen clocks repeat time_ns)."""
    ws.receive(*posts, webhook_id=f"msg_memory_{next(_deliveries)}")


def told(ws: Workspace, user: str) -> dict[str, Any]:
    said = ws.standin.ephemerals(user)
    assert said, f"{user} was told nothing"
    return said[-1]


def everything_in(reply: dict[str, Any]) -> str:
    """The text and every block's text of an ephemeral reply."""
    return "\n".join([reply["text"], message_text(reply)])


def anas_three_posts(ws: Workspace) -> None:
    """Ana asks on day 0, complains on day 12 and thanks us on day 14."""
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))
    with freeze_time(DAY_12):
        arrive(ws, mention("2", "The export is broken again, this is so frustrating"))
    with freeze_time(DAY_14):
        arrive(ws, mention("3", "Thanks, the export works now. Great support!"))


def mark_as_advocate(ws: Workspace, mention_id: int, user: str = LEAD) -> None:
    with freeze_time(DAY_15):
        ws.slack.click(ws.card(mention_id), ADVOCATE, user)


# -- the card remembers ------------------------------------------------------------------


def test_a_first_mention_says_so(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))

    assert "· first mention" in message_text(ws.card(1))


def test_later_mentions_say_how_many_when_the_last_was_and_what_it_was(
    workspace: Workspace,
) -> None:
    ws = workspace

    anas_three_posts(ws)

    assert "2nd mention, last 12 days ago (asked a question)" in message_text(ws.card(2))
    assert "3rd mention, last 2 days ago (complained)" in message_text(ws.card(3))


def test_the_history_on_a_card_does_not_drift_when_it_is_rendered_again_later(
    workspace: Workspace,
) -> None:
    """ "Last 12 days ago" on mention #2 is about #2: a re-render a month on keeps it."""
    ws = workspace
    anas_three_posts(ws)

    with freeze_time("2026-12-13 10:00:00+00:00"):
        ws.slack.click(ws.card(2), "Claim", ANA)

    assert f"Claimed by <@{ANA}>" in message_text(ws.card(2))
    assert "2nd mention, last 12 days ago (asked a question)" in message_text(ws.card(2))


def test_the_same_handle_on_another_network_is_another_customer(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))
        arrive(
            ws,
            mention(
                "1",
                "Is the export broken for anyone else?",
                network="x",
                url="https://x.example/ana/status/1",
            ),
        )

    assert "first mention" in message_text(ws.card(2))


def test_a_mention_without_an_author_has_no_history_and_no_advocate_button(
    workspace: Workspace,
) -> None:
    ws = workspace
    anonymous = mention("1", "Is the export broken for anyone else?")
    del anonymous["author"]

    arrive(ws, anonymous)

    card = ws.card(1)
    assert "first mention" not in message_text(card)
    assert ADVOCATE not in accessory_labels(card)


# -- Mark as advocate --------------------------------------------------------------------


def test_the_advocate_button_sits_beside_the_customers_history(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))

    card = ws.card(1)
    [section] = [b for b in card["blocks"] if b.get("accessory")]
    assert "first mention" in section["text"]["text"]
    assert section["accessory"]["text"]["text"] == ADVOCATE
    assert ADVOCATE not in button_labels(card), "not among the workflow buttons"


def test_marking_an_advocate_shows_it_on_every_card_of_theirs(workspace: Workspace) -> None:
    ws = workspace
    anas_three_posts(ws)

    mark_as_advocate(ws, 2)

    for mention_id in (1, 2, 3):
        card = ws.card(mention_id)
        assert card["edited"], f"card #{mention_id} was re-rendered"
        assert "advocate :star:" in message_text(card)
        assert ADVOCATE not in accessory_labels(card)
    assert told(ws, LEAD)["text"] == (
        "@ana@social.example is now an advocate ⭐. Thank them when you can!"
    )


def test_marking_an_advocate_is_recorded(workspace: Workspace) -> None:
    ws = workspace
    anas_three_posts(ws)

    mark_as_advocate(ws, 3)

    with ws.chorus.services.sessions() as session:
        [customer] = session.scalars(select(CustomerRow)).all()
        [event] = session.scalars(select(EventRow).where(EventRow.kind == "mark_advocate")).all()
    assert customer.is_advocate
    assert customer.advocate_marked_by == LEAD
    assert customer.advocate_marked_at is not None
    assert (event.actor, event.mention_id) == (LEAD, 3)
    assert event.detail["customer"] == "@ana@social.example"


def test_a_second_click_on_an_old_copy_says_they_already_are_one(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))
    old_copy = ws.card(1)
    mark_as_advocate(ws, 1, LEAD)
    updates = len(ws.standin.calls_to("chat.update"))

    response = ws.slack.click(old_copy, ADVOCATE, BEN)

    assert response.status == 200
    assert told(ws, BEN)["text"] == (
        f"@ana@social.example is already an advocate (marked by <@{LEAD}>)."
    )
    assert len(ws.standin.calls_to("chat.update")) == updates, "nothing to re-render"


def test_the_next_mention_of_an_advocate_is_high_priority(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "What time does the webinar start on Thursday?"))
    assert "priority normal" in message_text(ws.card(1))
    mark_as_advocate(ws, 1)

    with freeze_time(DAY_15):
        arrive(ws, mention("2", "What time does the next webinar start?"))

    card = ws.card(2)
    assert card["blocks"][0]["text"]["text"].startswith(":small_orange_diamond: *High priority*")
    assert "Question · neutral (+0.00) · priority high" in message_text(card)
    assert "2nd mention" in message_text(card) and "advocate :star:" in message_text(card)
    with ws.chorus.services.sessions() as session:
        [route] = session.scalars(
            select(EventRow).where(EventRow.kind == "route", EventRow.mention_id == 2)
        ).all()
    assert route.detail["priority"] == "high"


# -- /chorus customer --------------------------------------------------------------------


def answer_publicly(ws: Workspace, mention_id: int, live_url: str) -> None:
    """Ana claims and drafts, the lead approves, Ana posts it and gives the link."""
    ws.slack.click(ws.card(mention_id), "Claim", ANA)
    ws.slack.click(ws.card(mention_id), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Fixed now, sorry about that!"}, ANA)
    ws.deliver()
    [review] = ws.standin.thread("C0SUPPORT", ws.card(mention_id)["ts"])
    ws.slack.click(review, "Approve", LEAD)
    ws.deliver()
    [review] = ws.standin.thread("C0SUPPORT", ws.card(mention_id)["ts"])
    ws.slack.click(review, "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": live_url}, ANA)


def dismiss(ws: Workspace, mention_id: int) -> None:
    ws.slack.click(ws.card(mention_id), "Dismiss", LEAD)
    ws.slack.submit(ws.open_view(), {"reason": {"option": "no_reply_needed"}}, LEAD)


@pytest.fixture
def anas_story(workspace: Workspace) -> Workspace:
    """Three posts: #1 answered publicly, #2 dismissed, #3 still waiting."""
    ws = workspace
    anas_three_posts(ws)
    with freeze_time(DAY_14):
        answer_publicly(ws, 1, "https://social.example/@brand/9001")
        dismiss(ws, 2)
    return ws


@pytest.mark.parametrize("handle", ["@ana@social.example", "ana", "@ana", "@ANA@social.example"])
def test_chorus_customer_lists_their_history_with_links_and_outcomes(
    anas_story: Workspace, handle: str
) -> None:
    ws = anas_story

    with freeze_time(DAY_15):
        response = ws.slack.command("/chorus", f"customer {handle}", BEN)

    assert response.status == 200
    reply = told(ws, BEN)
    text = everything_in(reply)
    assert "*@ana@social.example* on Mastodon · Ana · 1,200 followers · 3 mentions" in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(lines) == 3
    first, second, third = lines
    assert first.startswith("• <https://social.example/@ana/1|#1> 15 days ago · question")
    assert first.endswith(f"→ answered by <@{ANA}>: <https://social.example/@brand/9001|our reply>")
    assert second.startswith("• <https://social.example/@ana/2|#2> 3 days ago · complaint")
    assert second.endswith("→ dismissed")
    assert "“Thanks, the export works now. Great support!”" in third
    assert third.endswith("→ waiting for someone to claim it")


def test_chorus_customer_shows_an_advocate(anas_story: Workspace) -> None:
    ws = anas_story
    mark_as_advocate(ws, 3)

    with freeze_time(DAY_15):
        ws.slack.command("/chorus", "customer ana", BEN)

    assert "3 mentions · advocate :star:" in everything_in(told(ws, BEN))


def test_chorus_customer_lists_the_same_handle_on_each_network(workspace: Workspace) -> None:
    ws = workspace
    with freeze_time(DAY_0):
        arrive(ws, mention("1", "Is the export broken for anyone else?"))
        arrive(
            ws,
            mention(
                "77",
                "Export broken for me as well",
                network="x",
                url="https://x.example/ana/status/77",
                author={"handle": "@ana", "name": "Ana B.", "followers": 90},
            ),
        )

    with freeze_time(DAY_12):
        ws.slack.command("/chorus", "customer ana", BEN)

    text = everything_in(told(ws, BEN))
    assert "*@ana@social.example* on Mastodon" in text
    assert "*@ana* on X" in text
    assert "<https://x.example/ana/status/77|#2>" in text


def test_chorus_customer_counts_a_single_mention_in_the_singular(workspace: Workspace) -> None:
    ws = workspace
    arrive(ws, mention("1"))

    ws.slack.command("/chorus", "customer ana", BEN)

    reply = told(ws, BEN)
    assert reply["text"] == "ana: 1 mention"
    assert "· 1 mention" in message_text(reply)


def test_chorus_customer_says_when_nobody_has_that_handle(workspace: Workspace) -> None:
    ws = workspace
    arrive(ws, mention("1"))

    ws.slack.command("/chorus", "customer @nobody@nowhere.example", BEN)

    reply = told(ws, BEN)
    assert reply["text"] == (
        "No customer “@nobody@nowhere.example” yet. Try the handle as it appears on a card."
    )


def test_chorus_customer_without_a_handle_answers_with_usage(workspace: Workspace) -> None:
    response = workspace.slack.command("/chorus", "customer", BEN)

    assert response.status == 200
    body = json.loads(response.body)
    assert body["response_type"] == "ephemeral"
    assert "`/chorus customer @handle`" in body["text"]
