"""Chorus in Socket Mode: the real SocketModeHandler connects to the stand-in over a WebSocket.

Bolt's handler calls apps.connections.open with the app token, connects to the ws:// URL the
stand-in returns, and acks each envelope the stand-in sends. In Socket Mode Bolt runs the
listeners after the ack, so what a listener does in Slack is awaited with a bounded poll.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.config import parse_config
from bot.main import Chorus, _start_socket_mode, build, shut_down
from bot.standin import SlackStandIn
from handlers.commands import CHORUS_HELP
from storage import repo
from tests.support.slack import TEAM, SlackDriver, find_button, message_text, signed_headers
from tests.support.workspace import ANA, CONFIG_TOML, Workspace, make_settings, mention
from tests.support.wsgi import call_wsgi

APP_TOKEN = "xapp-1-test"


@pytest.fixture
def socket_chorus(sqlite_url: str, standin: SlackStandIn) -> Iterator[Chorus]:
    """Chorus built for Socket Mode: an app token and no signing secret."""
    settings = make_settings(
        sqlite_url,
        standin,
        slack_app_token=APP_TOKEN,
        chorus_mode="socket",
        slack_signing_secret=None,
    )
    chorus = build(settings, parse_config(CONFIG_TOML), channel_interval=0)
    yield chorus
    chorus.services.sessions.kw["bind"].dispose()


@pytest.fixture
def socket_workspace(socket_chorus: Chorus, standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus connected to the stand-in in Socket Mode, as `chorus run` connects it."""
    handler = _start_socket_mode(socket_chorus)
    try:
        assert standin.socket_connected(timeout=5), "Chorus did not connect in Socket Mode"
        yield Workspace(socket_chorus, standin, SlackDriver(socket_chorus.app, standin))
    finally:
        handler.close()


def eventually(check: Callable[[], bool], seconds: float = 5.0, step: float = 0.05) -> bool:
    """Poll `check` until it holds or `seconds` pass: listeners run after the ack."""
    for _ in range(int(seconds / step)):
        if check():
            return True
        time.sleep(step)
    return check()


def command_payload(standin: SlackStandIn, name: str, text: str, user: str) -> dict[str, Any]:
    """A slash command as Slack puts it in a Socket Mode envelope (the form fields, as JSON)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM["id"],
        "team_domain": TEAM["domain"],
        "channel_id": "C0SUPPORT",
        "channel_name": "support",
        "user_id": user,
        "user_name": user.lower(),
        "command": name,
        "text": text,
        "api_app_id": "A0CHORUS",
        "is_enterprise_install": "false",
        "response_url": standin.response_url(f"cmd-{user}", channel="C0SUPPORT", user=user),
        "trigger_id": "trigger-socket-1",
    }


def click_payload(
    standin: SlackStandIn, message: dict[str, Any], label: str, user: str
) -> dict[str, Any]:
    """A block_actions payload for clicking a button on a message, as SlackDriver.click sends."""
    button = find_button(message, label)
    channel = message["channel"]
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "username": user.lower()},
        "api_app_id": "A0CHORUS",
        "trigger_id": "trigger-socket-2",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "message": {
            "ts": message["ts"],
            "text": message.get("text", ""),
            "blocks": message["blocks"],
        },
        "response_url": standin.response_url(f"act-{user}", channel=channel, user=user),
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": button["block_id"],
                "value": button.get("value", ""),
                "text": button["text"],
                "action_ts": str(time.time()),
            }
        ],
    }


# -- Chorus over Socket Mode ----------------------------------------------------------------


def test_chorus_opens_its_connection_with_the_app_token(socket_workspace: Workspace) -> None:
    [opened] = socket_workspace.standin.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN


def test_chorus_help_is_answered_in_the_ack(socket_workspace: Workspace) -> None:
    standin = socket_workspace.standin
    payload = command_payload(standin, "/chorus", "help", ANA)

    ack = standin.send_envelope("slash_commands", payload)

    assert ack is not None, "Chorus never acknowledged the command"
    assert ack["payload"] == {"response_type": "ephemeral", "text": CHORUS_HELP}
    [recorded] = standin.calls_to("socket_mode.ack")
    assert recorded.args == ack


def test_claiming_a_card_over_socket_mode_updates_the_card(socket_workspace: Workspace) -> None:
    ws, standin = socket_workspace, socket_workspace.standin
    assert ws.receive(mention()) == {"accepted": 1, "duplicates": 0}
    [card] = standin.messages("C0SUPPORT")

    ack = standin.send_envelope("interactive", click_payload(standin, card, "Claim", ANA))

    assert ack is not None and "payload" not in ack, "a click is acked empty, at once"
    assert eventually(lambda: bool(standin.calls_to("chat.update"))), "the card was not updated"
    card = ws.card(1)
    assert card["edited"] and f"Claimed by <@{ANA}>" in message_text(card)


def test_health_check_answers_in_socket_mode(socket_chorus: Chorus) -> None:
    status, body = call_wsgi(socket_chorus.web, "GET", "/healthz")
    assert (status, body) == (200, {"status": "ok"})


def test_slack_events_endpoint_is_not_served_in_socket_mode(socket_chorus: Chorus) -> None:
    body = "command=%2Fchorus&text=help&user_id=U0ANA"
    status, _ = call_wsgi(socket_chorus.web, "POST", "/slack/events", body, signed_headers(body))
    assert status == 404


# -- the stand-in's side of the contract -----------------------------------------------------


def test_only_an_app_level_token_may_open_a_connection(standin: SlackStandIn) -> None:
    client = WebClient(base_url=standin.url)
    with pytest.raises(SlackApiError) as refused:
        client.apps_connections_open(app_token="xoxb-test")
    assert refused.value.response["error"] == "invalid_auth"

    url = client.apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url


def test_a_connection_url_works_once_and_starts_with_hello(standin: SlackStandIn) -> None:
    url = WebClient(base_url=standin.url).apps_connections_open(app_token=APP_TOKEN)["url"]

    with connect(url, compression=None) as socket:
        hello = socket.recv(timeout=5)
        assert '"type": "hello"' in str(hello)
        with pytest.raises(InvalidStatus) as refused, connect(url, compression=None):
            pass
    assert refused.value.response.status_code == 401


def test_an_envelope_nobody_acks_gives_none(standin: SlackStandIn) -> None:
    url = WebClient(base_url=standin.url).apps_connections_open(app_token=APP_TOKEN)["url"]

    with connect(url, compression=None) as socket:
        socket.recv(timeout=5)
        assert standin.socket_connected(timeout=5)
        assert standin.send_envelope("events_api", {"type": "event_callback"}, timeout=0.2) is None
    assert standin.calls_to("socket_mode.ack") == []


# -- a graceful stop --------------------------------------------------------------------------


def test_a_graceful_stop_finishes_an_acknowledged_click_then_disconnects(
    socket_chorus: Chorus, standin: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    handler = _start_socket_mode(socket_chorus)
    assert standin.socket_connected(timeout=5)
    ws = Workspace(socket_chorus, standin, SlackDriver(socket_chorus.app, standin))
    ws.receive(mention())
    socket_chorus.worker.start()

    ack = standin.send_envelope("interactive", click_payload(standin, ws.card(1), "Claim", ANA))
    assert ack is not None, "the click was acknowledged"
    with caplog.at_level("INFO", logger="chorus"):
        shut_down(socket_chorus, handler, None)  # at once: the listener may still be at work

    with socket_chorus.services.sessions() as session:
        row = repo.get_mention(session, 1)
        assert row is not None and row.claimed_by == ANA, "the acknowledged claim was done"
    assert not standin.socket_connected(timeout=0.5), "the WebSocket is closed"
    assert "Chorus stopped; " in caplog.text and "wait in the outbox" in caplog.text
