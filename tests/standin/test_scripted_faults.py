"""The stand-in's fault scripting (outage, slow answers, stop and restart), its call clock,
and reading messages back (conversations.history and .replies), through a real WebClient."""

import socket
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import SlackStandIn


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url, retry_handlers=[])


def test_an_outage_answers_every_method_until_it_ends(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.outage()
    for call in (lambda: client.chat_postMessage(channel="C1", text="hi"), client.auth_test):
        with pytest.raises(SlackApiError) as failed:
            call()
        assert failed.value.response.status_code == 500
        assert failed.value.response["error"] == "internal_error"
    assert standin.messages("C1") == [], "nothing is done while Slack is down"
    assert standin.methods() == ["chat.postMessage", "auth.test"], "calls are still recorded"

    standin.end_outage()
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert len(standin.messages("C1")) == 1


def test_an_outage_can_answer_another_status_and_error(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.outage("service_unavailable", status=503)
    with pytest.raises(SlackApiError) as failed:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert failed.value.response.status_code == 503
    assert failed.value.response["error"] == "service_unavailable"


def test_a_delayed_answer_times_out_but_the_work_is_done(standin: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=standin.url, timeout=1, retry_handlers=[])
    standin.delay("chat.postMessage", 2)

    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C1", text="late")

    [posted] = standin.messages("C1")
    assert posted["text"] == "late", "Slack posted it although the answer never came"
    fast = client.chat_postMessage(channel="C1", text="on time")  # the delay was used up
    assert fast["ok"] is True and len(standin.messages("C1")) == 2


def test_delays_are_used_in_order_and_only_by_their_method(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.delay("chat.update", 0.3, times=2)
    client.chat_postMessage(channel="C1", text="quick")  # another method: not delayed
    started = time.monotonic()
    ts = standin.messages("C1")[0]["ts"]
    client.chat_update(channel="C1", ts=ts, text="slow")
    client.chat_update(channel="C1", ts=ts, text="slow again")
    assert time.monotonic() - started >= 0.6
    assert standin.message("C1", ts)["text"] == "slow again"
    with pytest.raises(ValueError):
        standin.delay("chat.update", 0)


def test_a_stopped_stand_in_refuses_connections_and_restarts_on_the_same_port(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.chat_postMessage(channel="C1", text="before")
    base = standin.base
    standin.stop()

    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="while down")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", int(base[-5:]))):
        pass

    standin.start()
    assert standin.base == base
    client.chat_postMessage(channel="C1", text="after")
    assert [m["text"] for m in standin.messages("C1")] == ["before", "after"]


def test_calls_are_stamped_by_the_clock_a_test_gives(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.auth_test()
    assert abs(standin.calls[0].at - time.time()) < 60
    moments = iter([100.0, 200.0])
    standin.use_clock(lambda: next(moments))
    client.auth_test()
    client.auth_test()
    assert [c.at for c in standin.calls[1:]] == [100.0, 200.0]
    standin.reset()
    client.auth_test()
    assert abs(standin.calls[0].at - time.time()) < 60, "reset goes back to the real clock"


def test_history_lists_top_level_messages_newest_first_with_metadata_on_request(
    standin: SlackStandIn, client: WebClient
) -> None:
    meta = {"event_type": "chorus_outbox", "event_payload": {"outbox_row": 7}}
    first = client.chat_postMessage(channel="C1", text="one", metadata=meta)["ts"]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=first)
    client.chat_postMessage(channel="C1", text="two")

    plain = client.conversations_history(channel="C1")
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]
    assert all("metadata" not in m for m in plain["messages"])
    full = client.conversations_history(channel="C1", include_all_metadata=True)
    assert full["messages"][1]["metadata"] == meta
    assert client.conversations_history(channel="C1", oldest=first)["messages"][0]["text"] == "two"


def test_history_and_replies_page_with_a_cursor(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    for n in range(5):
        client.chat_postMessage(channel="C1", text=f"r{n}", thread_ts=parent)

    first = client.conversations_replies(channel="C1", ts=parent, limit=4)
    assert [m["text"] for m in first["messages"]] == ["parent", "r0", "r1", "r2"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_replies(channel="C1", ts=parent, limit=4, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["r3", "r4"]
    assert rest["has_more"] is False and rest["response_metadata"]["next_cursor"] == ""

    with pytest.raises(SlackApiError) as failed:
        client.conversations_replies(channel="C1", ts="123.456")
    assert failed.value.response["error"] == "thread_not_found"
