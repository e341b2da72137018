"""Looking for an earlier post of an outbox row, against the stand-in over HTTP."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.services.outbox_recovery import find_earlier_post, post_metadata
from bot.standin import SlackStandIn


def client_for(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def test_the_earlier_post_is_found_past_the_first_page(standin: SlackStandIn) -> None:
    client = client_for(standin)
    ours = client.chat_postMessage(channel="C0SUPPORT", text="#7", metadata=post_metadata(7))
    client.chat_postMessage(channel="C0SUPPORT", text="#8", metadata=post_metadata(8))
    for n in range(250):  # newer posts push it onto the second page
        client.chat_postMessage(channel="C0SUPPORT", text=f"other {n}")

    found = find_earlier_post(client, "C0SUPPORT", None, 7)

    assert found == {"ts": ours["ts"], "channel": "C0SUPPORT"}
    assert len(standin.calls_to("conversations.history")) == 2
    assert find_earlier_post(client, "C0SUPPORT", None, 9) is None


def test_a_reply_is_looked_for_in_its_thread(standin: SlackStandIn) -> None:
    client = client_for(standin)
    card = client.chat_postMessage(channel="C0SUPPORT", text="#1")["ts"]
    reply = client.chat_postMessage(
        channel="C0SUPPORT", text="Draft v1", thread_ts=card, metadata=post_metadata(3)
    )

    assert find_earlier_post(client, "C0SUPPORT", card, 3) == {
        "ts": reply["ts"],
        "channel": "C0SUPPORT",
    }
    assert find_earlier_post(client, "C0SUPPORT", None, 3) is None, "not at the top"


def test_a_direct_message_is_not_looked_for(standin: SlackStandIn) -> None:
    assert find_earlier_post(client_for(standin), "U0ANA", None, 1) is None
    assert standin.calls == []
