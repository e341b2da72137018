"""The Slack stand-in, driven by a real slack_sdk WebClient over HTTP."""

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.standin import Call, SlackStandIn

MODAL = {
    "type": "modal",
    "callback_id": "reply",
    "title": {"type": "plain_text", "text": "Reply"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
}
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*new post*"}}]


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def raw(
    standin: SlackStandIn, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    """POST raw bytes to the stand-in; return (status, decoded JSON body)."""
    request = urllib.request.Request(standin.base + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# -- lifecycle and transcript ---------------------------------------------------


def test_url_ends_with_api_and_server_stops() -> None:
    standin = SlackStandIn().start()
    assert standin.url.startswith("http://127.0.0.1:")
    assert standin.url.endswith("/api/")
    standin.stop()
    with pytest.raises(RuntimeError):
        _ = standin.url


def test_auth_test_answers_the_bot_identity(client: WebClient) -> None:
    response = client.auth_test()
    assert response.data == {
        "ok": True,
        "url": "https://chorus-test.slack.com/",
        "team": "Chorus Test",
        "user": "chorus",
        "team_id": "T0CHORUS",
        "user_id": "UBOT",
        "bot_id": "B0CHORUS",
        "is_enterprise_install": False,
    }


def test_calls_are_recorded_in_order_with_token(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    client.chat_postMessage(channel="C1", text="one")
    client.users_info(user="UBOT")
    assert standin.methods() == ["auth.test", "chat.postMessage", "users.info"]
    assert all(call.token == "xoxb-test" for call in standin.calls)
    post = standin.calls_to("chat.postMessage")[0]
    expected = Call(
        method="chat.postMessage", args={"channel": "C1", "text": "one"}, token="xoxb-test"
    )
    assert post == expected
    assert standin.calls_to("users.info")[0].args == {"user": "UBOT"}


def test_token_argument_is_recorded_and_form_json_args_are_parsed(
    standin: SlackStandIn,
) -> None:
    form = "token=xoxb-form&channel=C1&unfurl_links=false&blocks=" + json.dumps(BLOCKS)
    status, body = raw(
        standin,
        "/api/chat.postMessage",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200 and body["ok"] is True
    call = standin.calls[0]
    assert call.token == "xoxb-form"
    assert call.args == {"channel": "C1", "unfurl_links": "false", "blocks": BLOCKS}


def test_form_encoded_calls_from_web_client(standin: SlackStandIn, client: WebClient) -> None:
    data = {"channel": "C1", "text": "hi", "blocks": json.dumps(BLOCKS), "mrkdwn": True}
    client.api_call("chat.postMessage", data=data)
    assert standin.calls[0].args == {"channel": "C1", "text": "hi", "blocks": BLOCKS, "mrkdwn": "1"}
    assert standin.messages("C1")[0]["blocks"] == BLOCKS


def test_reset_clears_everything_but_users(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U1", "ada")
    client.chat_postMessage(channel="C1", text="one")
    client.views_open(trigger_id="t", view=MODAL)
    standin.fail("auth.test", "invalid_auth")
    standin.reset()
    assert standin.calls == [] and standin.messages("C1") == [] and standin.views() == []
    assert client.auth_test()["ok"] is True
    assert client.users_info(user="U1")["user"]["name"] == "ada"


# -- messages -------------------------------------------------------------------


def test_post_message_returns_slack_shape_and_stores_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    response = client.chat_postMessage(channel="C1", text="hello", blocks=BLOCKS)
    assert response["channel"] == "C1"
    assert response["message"]["text"] == "hello"
    assert response["message"]["blocks"] == BLOCKS
    assert response["message"]["user"] == "UBOT"
    assert standin.messages("C1") == [
        {
            "ts": response["ts"],
            "channel": "C1",
            "text": "hello",
            "blocks": BLOCKS,
            "attachments": [],
            "thread_ts": None,
            "metadata": None,
            "user": "UBOT",
            "edited": False,
        }
    ]


def test_ts_values_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(5)]
    assert stamps[0] == "1700000000.000100"
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5


def test_concurrent_posts_all_land(standin: SlackStandIn, client: WebClient) -> None:
    def post(i: int) -> None:
        client.chat_postMessage(channel="C1", text=f"m{i}")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({m["ts"] for m in standin.messages("C1")}) == 20
    assert len(standin.calls) == 20


def test_post_message_validates_channel_and_text(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as missing_channel:
        client.api_call("chat.postMessage", json={"text": "x"})
    assert missing_channel.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as missing_text:
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert missing_text.value.response["error"] == "no_text"


def test_threads_hold_replies_without_the_parent(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    first = client.chat_postMessage(channel="C1", text="r1", thread_ts=parent)
    client.chat_postMessage(channel="C1", text="elsewhere")
    client.chat_postMessage(channel="C1", text="r2", thread_ts=parent)
    assert first["message"]["thread_ts"] == parent
    assert [m["text"] for m in standin.thread("C1", parent)] == ["r1", "r2"]
    assert [m["text"] for m in standin.messages("C1")] == ["parent", "r1", "elsewhere", "r2"]


def test_a_user_id_channel_is_a_dm(standin: SlackStandIn, client: WebClient) -> None:
    response = client.chat_postMessage(channel="U123", text="psst")
    assert response["channel"] == "DU123"
    assert standin.messages("DU123")[0]["text"] == "psst"
    assert standin.messages("U123") == standin.messages("DU123")
    assert client.conversations_open(users="U123")["channel"]["id"] == "DU123"


def test_update_replaces_content_and_marks_edited(standin: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="draft", blocks=BLOCKS)["ts"]
    response = client.chat_update(channel="C1", ts=ts, text="final")
    assert (response["channel"], response["ts"], response["text"]) == ("C1", ts, "final")
    stored = standin.message("C1", ts)
    assert stored["text"] == "final" and stored["edited"] is True
    assert stored["blocks"] == BLOCKS  # blocks left out are retained, as in Slack
    client.chat_update(channel="C1", ts=ts, text="bare", blocks=[])
    assert standin.message("C1", ts)["blocks"] == []


def test_update_of_unknown_message_fails(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C1", ts="1.000001", text="x")
    assert caught.value.response["error"] == "message_not_found"


def test_delete_and_permalink(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C1", text="reply", thread_ts=parent)["ts"]
    link = client.chat_getPermalink(channel="C1", message_ts=parent)["permalink"]
    assert link == "https://chorus-test.slack.com/archives/C1/p" + parent.replace(".", "")
    reply_link = client.chat_getPermalink(channel="C1", message_ts=reply)["permalink"]
    assert reply_link.endswith(f"?thread_ts={parent}&cid=C1")
    assert client.chat_delete(channel="C1", ts=parent)["ts"] == parent
    assert [m["text"] for m in standin.messages("C1")] == ["reply"]
    with pytest.raises(KeyError):
        standin.message("C1", parent)


def test_post_ephemeral(standin: SlackStandIn, client: WebClient) -> None:
    response = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert response["message_ts"]
    client.chat_postEphemeral(channel="C1", user="U2", text="you too")
    assert [e["text"] for e in standin.ephemerals()] == ["only you", "you too"]
    mine = standin.ephemerals("U1")
    assert len(mine) == 1
    assert (mine[0]["channel"], mine[0]["user"], mine[0]["blocks"]) == ("C1", "U1", [])
    assert standin.messages("C1") == []


# -- views ----------------------------------------------------------------------


def test_views_open_returns_the_view_with_id_hash_and_state(
    standin: SlackStandIn, client: WebClient
) -> None:
    view = client.views_open(trigger_id="123.456.abc", view=MODAL)["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert view["state"] == {"values": {}}
    assert view["root_view_id"] == view["id"]
    assert {k: view[k] for k in MODAL} == MODAL
    assert standin.views() == [view]


def test_views_open_needs_trigger_and_view(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": MODAL})
    assert no_trigger.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as no_view:
        client.api_call("views.open", json={"trigger_id": "t"})
    assert no_view.value.response["error"] == "invalid_arguments"


def test_views_update_by_id_and_external_id_with_hash_check(
    standin: SlackStandIn, client: WebClient
) -> None:
    opened = client.views_open(trigger_id="t", view={**MODAL, "external_id": "ext-1"})["view"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Sent"}}
    updated = client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != opened["hash"]
    assert standin.views()[0]["title"]["text"] == "Sent"
    with pytest.raises(SlackApiError) as conflict:
        client.views_update(view_id=opened["id"], view=MODAL, hash=opened["hash"])
    assert conflict.value.response["error"] == "hash_conflict"
    by_external = client.views_update(external_id="ext-1", view=MODAL)["view"]
    assert by_external["id"] == opened["id"] and by_external["external_id"] == "ext-1"
    with pytest.raises(SlackApiError) as missing:
        client.views_update(view_id="VNOPE", view=MODAL)
    assert missing.value.response["error"] == "not_found"


def test_views_push_stacks_and_close_view(standin: SlackStandIn, client: WebClient) -> None:
    root = client.views_open(trigger_id="t", view=MODAL)["view"]
    pushed = client.views_push(trigger_id="t2", view=MODAL)["view"]
    assert (pushed["root_view_id"], pushed["previous_view_id"]) == (root["id"], root["id"])
    client.views_push(trigger_id="t3", view=MODAL)
    with pytest.raises(SlackApiError) as limit:
        client.views_push(trigger_id="t4", view=MODAL)
    assert limit.value.response["error"] == "push_limit_reached"
    standin.close_view(pushed["id"])
    assert [v["id"] for v in standin.views()] == [root["id"]]


def test_views_publish_keeps_one_home_per_user(standin: SlackStandIn, client: WebClient) -> None:
    home = {"type": "home", "blocks": BLOCKS}
    first = client.views_publish(user_id="U1", view=home)["view"]
    second = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    assert first["id"] == second["id"]
    stored = standin.home("U1")
    assert stored is not None and stored["blocks"] == []
    assert standin.home("U2") is None
    assert standin.views() == []


# -- users and conversations ------------------------------------------------------


def test_users_info(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U1", "ada", "Ada Lovelace")
    user = client.users_info(user="U1")["user"]
    assert (user["id"], user["name"], user["real_name"], user["tz"]) == (
        "U1",
        "ada",
        "Ada Lovelace",
        "Europe/Paris",
    )
    assert user["profile"]["display_name"] == "ada"
    assert user["profile"]["real_name"] == "Ada Lovelace"
    with pytest.raises(SlackApiError) as unknown:
        client.users_info(user="UNOBODY")
    assert unknown.value.response["error"] == "user_not_found"


def test_conversations_info_is_a_public_channel_the_bot_is_in(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C1", "social")
    channel = client.conversations_info(channel="C1")["channel"]
    assert (channel["id"], channel["name"], channel["is_member"]) == ("C1", "social", True)
    assert channel["is_private"] is False


def test_unknown_method_is_recorded(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("reactions.add", json={"name": "eyes"})
    assert caught.value.response["error"] == "unknown_method"
    assert standin.methods() == ["reactions.add"]


def test_missing_token_is_not_authed(standin: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as caught:
        WebClient(base_url=standin.url).auth_test()
    assert caught.value.response["error"] == "not_authed"
    assert standin.calls[0].token is None


# -- scripted failures ----------------------------------------------------------


def test_rate_limit_retry_handler_is_not_installed_by_default(client: WebClient) -> None:
    assert not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)


def test_ratelimited_raises_with_429_and_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail("chat.postMessage", "ratelimited", retry_after=2)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="x")
    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert standin.methods() == ["chat.postMessage", "chat.postMessage"]
    assert len(standin.messages("C1")) == 1


def test_ratelimited_defaults_to_retry_after_one(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("auth.test", "ratelimited")
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.headers["Retry-After"] == "1"


def test_status_500_raises(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("chat.update", "internal_error", status=500)
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C1", ts="1.1", text="x")
    assert caught.value.response.status_code == 500
    assert standin.methods() == ["chat.update"]


def test_failures_last_for_times_calls(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("users.info", "fatal_error", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.users_info(user="UBOT")
        assert caught.value.response.status_code == 200
        assert caught.value.response["error"] == "fatal_error"
    assert client.users_info(user="UBOT")["user"]["id"] == "UBOT"
    assert standin.methods() == ["users.info"] * 3


def test_failures_target_only_their_method(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("views.open", "expired_trigger_id")
    assert client.auth_test()["ok"] is True
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="t", view=MODAL)
    assert caught.value.response["error"] == "expired_trigger_id"
    assert standin.views() == []


# -- response_url ---------------------------------------------------------------


def test_response_url_posts_are_recorded(standin: SlackStandIn) -> None:
    url = standin.response_url("cmd-1")
    assert url == standin.base + "/responses/cmd-1"
    response = WebhookClient(url).send(text="working on it", blocks=BLOCKS)
    assert response.status_code == 200
    call = standin.calls_to("response_url")[0]
    assert call.token is None
    assert call.args == {"text": "working on it", "blocks": BLOCKS, "key": "cmd-1"}
    assert standin.ephemerals()[0]["text"] == "working on it"
    assert standin.ephemerals()[0]["blocks"] == BLOCKS


def test_response_url_types(standin: SlackStandIn) -> None:
    url = standin.response_url("k", channel="C1", user="U1")
    WebhookClient(url).send(text="eph", response_type="ephemeral", replace_original=True)
    WebhookClient(url).send(text="public", response_type="in_channel")
    WebhookClient(url).send_dict({"delete_original": True})
    ephemerals = standin.ephemerals("U1")
    assert [(e["text"], e["channel"], e["replace_original"]) for e in ephemerals] == [
        ("eph", "C1", True)
    ]
    assert [m["text"] for m in standin.messages("C1")] == ["public"]
    assert len(standin.calls_to("response_url")) == 3


# -- robustness -----------------------------------------------------------------


def test_bad_requests_get_400_and_the_server_lives_on(
    standin: SlackStandIn, client: WebClient
) -> None:
    json_type = {"Content-Type": "application/json"}
    assert raw(standin, "/nowhere", b"{}", json_type)[0] == 400
    assert raw(standin, "/api/", b"{}", json_type)[0] == 400
    assert raw(standin, "/api/chat.postMessage", b"{not json", json_type)[0] == 400
    assert raw(standin, "/api/chat.postMessage", b"[1]", json_type)[0] == 400
    assert raw(standin, "/api/auth.test", b"\xff\xfe", {"Content-Type": "text/plain"})[0] == 400
    assert raw(standin, "/responses/k", b"nope", json_type)[0] == 400
    assert client.auth_test()["ok"] is True


def test_bad_blocks_json_is_invalid_blocks(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.postMessage", data={"channel": "C1", "blocks": "[oops"})
    assert caught.value.response["error"] == "invalid_blocks"
    assert standin.calls[0].args["blocks"] == "[oops"
