"""The sandbox over real HTTP: its JSON API drives Chorus as Slack would, and shows the result.

Everything goes through the sandbox's one port with urllib, as the page does; Chorus acks
at once and works in Bolt's threads, so each step polls /api/state for a bounded time.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from bot.sandbox.run import Sandbox, start_sandbox
from tests.support.slack import find_button, message_text

ANA, LEA = "U0ANA", "U0LEAD"
SUPPORT = "C0SUPPORT"
POLL_SECONDS = 5.0
T = TypeVar("T")
Json = dict[str, Any]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    # No pacing between posts to one channel, so a spike's cards and summary fit the poll.
    running = start_sandbox(port=0, pace_seconds=None, channel_interval=0)
    yield running
    running.stop()


def request(sandbox: Sandbox, path: str, body: Json | None = None) -> tuple[int, bytes, str]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    req = urllib.request.Request(sandbox.url + path, data, headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(), error.headers["Content-Type"]


def call(sandbox: Sandbox, path: str, body: Json | None = None) -> tuple[int, Json]:
    status, raw, _ = request(sandbox, path, body)
    return status, json.loads(raw)


def api(sandbox: Sandbox, path: str, body: Json | None = None) -> Json:
    status, answer = call(sandbox, path, body)
    assert status == 200, answer
    return answer


def state(sandbox: Sandbox, user: str = ANA) -> Json:
    return api(sandbox, f"/api/state?user={user}")


def eventually(find: Callable[[], T | None], what: str) -> T:
    """Poll until `find` returns something, for at most POLL_SECONDS."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        found = find()
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def channel_messages(sandbox: Sandbox, channel: str, user: str = ANA) -> list[Json]:
    return next(c["messages"] for c in state(sandbox, user)["channels"] if c["id"] == channel)


def message_saying(
    sandbox: Sandbox, channel: str, words: str, where: Callable[[Json], list[Json]] | None = None
) -> Json:
    """Wait for a message in `channel` (or in what `where` picks from it) containing `words`."""

    def find() -> Json | None:
        messages = channel_messages(sandbox, channel)
        pool = [m for top in messages for m in (where(top) if where else [top])]
        return next((m for m in pool if words in message_text(m)), None)

    return eventually(find, f"a message saying “{words}” in {channel}")


def click(sandbox: Sandbox, user: str, channel: str, message: Json, label: str) -> Json:
    button = find_button(message, label)
    return api(
        sandbox,
        "/api/action",
        {
            "user": user,
            "channel": channel,
            "message_ts": message["ts"],
            "action_id": button["action_id"],
            "block_id": button["block_id"],
            "value": button.get("value"),
            "selected_option": None,
            "view_id": None,
        },
    )


def open_modal(sandbox: Sandbox, callback_id: str) -> Json:
    def find() -> Json | None:
        views = state(sandbox)["views"]
        return next((v for v in views if v["callback_id"] == callback_id), None)

    return eventually(find, f"the {callback_id} modal")


def typed(modal: Json, block_id: str, text: str, user: str = ANA) -> Json:
    """A submission of `modal` with `text` typed in the text input of block `block_id`."""
    [block] = [b for b in modal["blocks"] if b.get("block_id") == block_id]
    value = {block["element"]["action_id"]: {"type": "plain_text_input", "value": text}}
    return {"user": user, "view_id": modal["id"], "values": {block_id: value}}


def dm_saying(sandbox: Sandbox, user: str, words: str) -> Json:
    def find() -> Json | None:
        [dm] = state(sandbox, user)["dms"]
        return next((m for m in dm["messages"] if words in message_text(m)), None)

    return eventually(find, f"a DM to {user} saying “{words}”")


def card_of(sandbox: Sandbox, text: str) -> Json:
    return message_saying(sandbox, SUPPORT, text)


def test_the_sandbox_answers_health_checks_and_serves_its_page(sandbox: Sandbox) -> None:
    assert call(sandbox, "/healthz") == (200, {"status": "ok"})
    status, answer = call(sandbox, "/static/no-such-file.js")
    assert status == 404 and "no-such-file.js" in answer["error"]
    if not (sandbox.app.static_dir / "index.html").is_file():
        pytest.skip("the page (static/index.html) is not there yet")
    status, page, kind = request(sandbox, "/")
    assert status == 200 and kind.startswith("text/html")
    assert b"<html" in page.lower()


def test_the_api_names_the_people_and_refuses_a_stranger(sandbox: Sandbox) -> None:
    shown = state(sandbox, LEA)
    assert {"id": LEA, "name": "Lea", "role": "lead of Customer Support"} in shown["people"]
    assert [c["id"] for c in shown["channels"]] == ["C0SUPPORT", "C0SALES", "C0GENERAL", "C0SOCIAL"]
    assert shown["dms"][0]["id"] == "DU0LEAD" and shown["views"] == []
    status, answer = call(sandbox, "/api/state?user=U0NOBODY")
    assert status == 400 and "U0NOBODY" in answer["error"] and "U0ANA (Ana)" in answer["error"]
    status, answer = call(sandbox, "/api/command", {"user": "U0NOBODY", "command": "/chorus"})
    assert status == 400 and answer["ok"] is False


def test_a_mention_goes_from_the_feed_to_a_posted_reply_through_the_api(sandbox: Sandbox) -> None:
    sent = api(sandbox, "/api/mention", {})
    assert sent["ok"] and sent["accepted"] == 1
    card = card_of(sandbox, sent["mentions"][0]["text"])

    # Ana claims it: the card says so.
    assert click(sandbox, ANA, SUPPORT, card, "Claim") == {"ok": True, "status": 200}
    card = card_of(sandbox, f"Claimed by <@{ANA}>")

    # She drafts a reply; one too long for Mastodon is refused in the modal, which stays.
    click(sandbox, ANA, SUPPORT, card, "Draft reply")
    modal = open_modal(sandbox, "draft_modal")
    refused = api(sandbox, "/api/submit", typed(modal, "reply", "So sorry! " * 60))
    assert refused["ok"] is False and "reply" in refused["errors"]
    assert [v["id"] for v in state(sandbox)["views"]] == [modal["id"]]
    assert api(sandbox, "/api/submit", typed(modal, "reply", "Hi Marie! We're on it."))["ok"]
    assert state(sandbox)["views"] == []
    review = message_saying(sandbox, SUPPORT, "Draft v1", where=lambda top: top["replies"])

    # Lea, the Support lead, approves it in the thread; Ana hears about it in her DM.
    click(sandbox, LEA, SUPPORT, review, "Approve")
    dm_saying(sandbox, ANA, "approved")

    # Ana posts it and marks it as posted with the live link: the card shows the link.
    review = message_saying(sandbox, SUPPORT, "Approved by", where=lambda top: top["replies"])
    click(sandbox, ANA, SUPPORT, review, "Mark as posted")
    modal = open_modal(sandbox, "mark_posted_modal")
    live = "https://social.example/@acme/9001"
    assert api(sandbox, "/api/submit", typed(modal, "live_url", live))["ok"]
    card_of(sandbox, live)


def test_a_slash_command_answers_in_the_ack_and_among_the_ephemerals(sandbox: Sandbox) -> None:
    body = {"user": ANA, "channel": SUPPORT, "command": "/chorus", "text": "help"}
    answer = api(sandbox, "/api/command", body)
    assert answer["ok"] and "Commands: `/claim`" in answer["response"]["text"]
    [shown] = state(sandbox, ANA)["ephemerals"]
    assert shown["text"] == answer["response"]["text"]
    assert state(sandbox, LEA)["ephemerals"] == []
    typo = api(sandbox, "/api/command", {**body, "command": "/chorsu"})
    assert typo["ok"] is False and "/chorsu is not a valid command" in typo["error"]


def test_a_spike_becomes_one_summary_and_urgent_posts_still_get_cards(sandbox: Sandbox) -> None:
    sent = api(sandbox, "/api/spike", {})
    assert sent["ok"] and sent["sent"] == 40 and sent["accepted"] == 40
    summary = eventually(
        lambda: next(
            (m for m in channel_messages(sandbox, SUPPORT) if m["text"].startswith("Spike:")),
            None,
        ),
        "the spike summary in #support",
    )
    assert "waiting" in message_text(summary)
    card_of(sandbox, "lawyer")


def test_a_stale_click_is_refused_with_a_reason(sandbox: Sandbox) -> None:
    sent = api(sandbox, "/api/mention", {})
    card = card_of(sandbox, sent["mentions"][0]["text"])
    click(sandbox, ANA, SUPPORT, card, "Claim")
    card_of(sandbox, f"Claimed by <@{ANA}>")
    button = find_button(card, "Claim")
    status, answer = call(
        sandbox,
        "/api/action",
        {"user": ANA, "channel": SUPPORT, "message_ts": card["ts"], **button, "view_id": None},
    )
    assert status == 409 and "no longer on that message" in answer["error"]
