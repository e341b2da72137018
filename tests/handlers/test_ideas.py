"""The ideas story: pitched from a command, a shortcut or a message, discussed in the ideas
channel, approved or declined by a lead or manager, written and reviewed like a reply, shipped
when the post goes live, and celebrated in the digest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.weeks import week_at
from bot.services.digest import compute_digest, scope_named
from handlers.digest_view import build_digest_message
from tests.support.slack import button_labels, message_text
from tests.support.workspace import (
    ANA,
    BEN,
    CONFIG_TOML,
    LEAD,
    MANAGER,
    OTHER_LEAD,
    Workspace,
    make_workspace,
)

IDEAS = "C0SOCIAL"  # the company channel, as no ideas_channel is set
PITCH = {
    "idea_title": "Our export, 3× faster",
    "idea_pitch": "Customers asked for faster exports; we shipped it. A short post with a GIF.",
    "department": {"option": "support"},
    "idea_network": {"option": "mastodon"},
    "idea_link": "https://blog.example.com/faster-export",
}


def pitch(ws: Workspace, user: str = ANA, **changes: Any) -> Any:
    ws.slack.command("/chorus", "idea", user)
    return ws.slack.submit(ws.open_view(), {**PITCH, **changes}, user)


def idea_card(ws: Workspace) -> dict[str, Any]:
    ws.deliver()
    cards = [m for m in ws.standin.messages(IDEAS) if "💡" in message_text(m)]
    assert cards, "no idea card in the ideas channel"
    return cards[-1]


def told(ws: Workspace, user: str) -> str:
    said = ws.standin.ephemerals(user)[-1]
    return message_text(said) or str(said.get("text", ""))


def test_the_modal_starts_with_the_channel_department(workspace: Workspace) -> None:
    workspace.slack.command("/chorus", "idea", ANA, channel="C0SALES")
    view = workspace.open_view()
    [department] = [b for b in view["blocks"] if b.get("block_id") == "department"]
    assert department["element"]["initial_option"]["value"] == "sales"


def test_a_pitch_goes_to_the_ideas_channel_with_approve_and_decline(
    workspace: Workspace,
) -> None:
    response = pitch(workspace)
    assert response.status == 200
    assert "is in <#C0SOCIAL> for colleagues to discuss" in str(response.body)
    card = idea_card(workspace)
    text = message_text(card)
    assert (
        "💡 Our export, 3× faster" in text and f"Pitched by <@{ANA}> for Customer Support" in text
    )
    assert button_labels(card) == ["Approve", "Decline"]


@pytest.mark.parametrize(
    ("values", "block", "says"),
    [
        ({"idea_title": " "}, "idea_title", "Give the idea a title"),
        ({"idea_pitch": ""}, "idea_pitch", "Say what the post would say"),
        ({"idea_link": "ftp://files.example"}, "idea_link", "full http:// or https://"),
    ],
)
def test_a_pitch_to_fix_says_what_beside_the_field(
    workspace: Workspace, values: dict[str, str], block: str, says: str
) -> None:
    response = pitch(workspace, **values)
    assert response.status == 200
    assert says in str(response.body) and block in str(response.body)
    workspace.deliver()
    assert not [m for m in workspace.standin.messages(IDEAS) if "💡" in message_text(m)]


@pytest.mark.parametrize(
    ("who", "says"),
    [
        (ANA, "You pitched this idea, so someone else decides"),
        (BEN, "Only a lead of the idea's department or a social media manager"),
        (OTHER_LEAD, "Only a lead of the idea's department or a social media manager"),
    ],
)
def test_only_a_lead_of_the_department_or_a_manager_decides(
    workspace: Workspace, who: str, says: str
) -> None:
    pitch(workspace)
    card = idea_card(workspace)
    workspace.slack.click(card, "Approve", who)
    assert says in told(workspace, who)
    workspace.slack.click(card, "Decline", who)
    assert says in told(workspace, who)
    assert button_labels(idea_card(workspace)) == ["Approve", "Decline"]


def test_from_pitch_to_published_post_to_the_digest(workspace: Workspace) -> None:
    ws = workspace
    pitch(ws)
    ws.slack.click(idea_card(ws), "Approve", LEAD)
    ws.deliver()
    assert f"Approved by <@{LEAD}>; <@{ANA}> is writing the post (#1)" in message_text(
        idea_card(ws)
    )
    note = ws.standin.messages(f"D{ANA}")[-1]
    assert "approved your idea" in message_text(note)
    assert button_labels(note) == ["Draft post"]

    post = ws.card(1)
    assert "A post for Mastodon" in message_text(post)
    assert "Draft post" in button_labels(post) and "Claim" not in button_labels(post)
    assert "Publish" not in str(post)  # a new post: no connector replies to anyone

    ws.slack.click(note, "Draft post", ANA)
    modal = ws.open_view()
    assert modal["title"]["text"] == "Draft post"
    assert "a new post for Mastodon, from this idea" in str(modal["blocks"])
    ws.slack.submit(modal, {"reply": "Exports are 3× faster now! Try it."}, ANA)
    ws.deliver()
    [review] = [m for m in ws.standin.thread(post["channel"], post["ts"]) if "Approve" in str(m)]
    ws.slack.click(review, "Approve", LEAD)
    ws.deliver()
    approved = ws.standin.thread(post["channel"], post["ts"])[0]
    ws.slack.click(ws.standin.message(approved["channel"], approved["ts"]), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@acme/42"}, ANA)
    ws.deliver()

    assert "Shipped!" in message_text(idea_card(ws))
    assert "Posted by" in message_text(ws.card(1))
    services = ws.chorus.services
    digest = compute_digest(
        services,
        scope_named(services, "support"),
        week_at(services.clock(), __import__("zoneinfo").ZoneInfo("Europe/Paris")),
    )
    [shipped] = digest.ideas_shipped
    assert (shipped.title, shipped.author) == ("Our export, 3× faster", ANA)
    said = str([b.to_dict() for b in build_digest_message(digest)[1]])
    assert "Ideas that shipped" in said and "A post idea" in said
    assert digest.served.received == 0  # a post is not a customer waiting


def test_a_declined_idea_tells_its_author_why(workspace: Workspace) -> None:
    ws = workspace
    pitch(ws)
    ws.slack.click(idea_card(ws), "Decline", MANAGER)
    empty = ws.slack.submit(ws.open_view(), {"note": "  "}, MANAGER)
    assert "Say why, in a sentence" in str(empty.body)
    ws.slack.submit(ws.open_view(), {"note": "We announced it last month already."}, MANAGER)
    ws.deliver()
    assert "Declined by" in message_text(idea_card(ws))
    note = message_text(ws.standin.messages(f"D{ANA}")[-1])
    assert "We announced it last month already." in note and "Keep the ideas coming" in note
    assert button_labels(idea_card(ws)) == []


def test_a_message_becomes_a_pitch_with_its_words_and_link(workspace: Workspace) -> None:
    ws = workspace
    posted = ws.chorus.app.client.chat_postMessage(
        channel="C0SUPPORT", text="Customers love the dark mode &amp; keep asking about it"
    )
    payload = {
        "type": "message_action",
        "callback_id": "pitch_as_post_idea",
        "team": {"id": "T0CHORUS", "domain": "chorus-test"},
        "user": {"id": BEN, "username": "ben"},
        "channel": {"id": "C0SUPPORT"},
        "message": {"ts": posted["ts"], "text": posted["message"]["text"]},
        "trigger_id": ws.slack.trigger_id(),
        "response_url": ws.standin.response_url("shortcut", channel="C0SUPPORT", user=BEN),
    }
    ws.slack.send({"payload": json.dumps(payload)})
    view = ws.open_view()
    values = {
        b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if "element" in b
    }
    assert values["idea_pitch"] == "Customers love the dark mode & keep asking about it"
    assert (values["idea_link"] or "").startswith("https://")


def test_without_an_ideas_channel_the_modal_says_whom_to_ask(sqlite_url: str, standin: Any) -> None:
    ws = make_workspace(
        sqlite_url, standin, CONFIG_TOML.replace('company_channel = "C0SOCIAL"\n', "")
    )
    response = pitch(ws)
    assert "ask an admin to set `ideas_channel`" in str(response.body)
