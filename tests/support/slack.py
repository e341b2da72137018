"""Drive the real Bolt app the way Slack does: signed requests with real payload shapes."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.standin import SlackStandIn

SIGNING_SECRET = "test-signing-secret"
TEAM = {"id": "T0CHORUS", "domain": "chorus-test"}


def signed_headers(
    body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends: a timestamp and an HMAC signature of 'v0:ts:body'."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


class SlackDriver:
    """A person in Slack: clicks buttons, submits modals, runs slash commands."""

    def __init__(self, app: App, standin: SlackStandIn) -> None:
        self.app = app
        self.standin = standin
        self._trigger = 0

    def send(self, form: dict[str, str]) -> BoltResponse:
        body = urlencode(form)
        return self.app.dispatch(BoltRequest(body=body, headers=signed_headers(body)))

    def trigger_id(self) -> str:
        self._trigger += 1
        return f"trigger-{self._trigger}"

    def command(self, name: str, text: str, user: str, channel: str = "C0SUPPORT") -> BoltResponse:
        return self.send(
            {
                "command": name,
                "text": text,
                "user_id": user,
                "user_name": user.lower(),
                "channel_id": channel,
                "team_id": TEAM["id"],
                "trigger_id": self.trigger_id(),
                "response_url": self.standin.response_url(
                    f"cmd-{user}", channel=channel, user=user
                ),
            }
        )

    def click(self, message: dict[str, Any], label: str, user: str) -> BoltResponse:
        """Click the button with this label on a message the stand-in holds."""
        button = find_button(message, label)
        payload = {
            "type": "block_actions",
            "team": TEAM,
            "user": {"id": user, "username": user.lower()},
            "api_app_id": "A0CHORUS",
            "trigger_id": self.trigger_id(),
            "channel": {"id": message["channel"]},
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
            },
            "message": {
                "ts": message["ts"],
                "text": message.get("text", ""),
                "blocks": message["blocks"],
            },
            "response_url": self.standin.response_url(
                f"act-{user}", channel=message["channel"], user=user
            ),
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
        return self.send({"payload": json.dumps(payload)})

    def event(self, event: dict[str, Any]) -> BoltResponse:
        """Deliver an Events API event, as Slack posts it (JSON, signed, a fresh event_id)."""
        self._trigger += 1
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM["id"],
                "api_app_id": "A0CHORUS",
                "event_id": f"Ev{self._trigger:08d}{time.time_ns()}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = {**signed_headers(body), "content-type": "application/json"}
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    def open_home(self, user: str, tab: str = "home") -> BoltResponse:
        """Open the app's Home tab (or its Messages tab), as the person would."""
        return self.event(
            {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": tab}
        )

    def click_in_view(
        self, view: dict[str, Any], label: str, user: str, value: str | None = None
    ) -> BoltResponse:
        """Click a button on a view the stand-in holds (an App Home): no channel and no
        response_url, as Slack sends it. `value` picks one of several same-labelled buttons."""
        button = find_button(view, label, value)
        payload = {
            "type": "block_actions",
            "team": TEAM,
            "user": {"id": user, "username": user.lower()},
            "api_app_id": "A0CHORUS",
            "trigger_id": self.trigger_id(),
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
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
        return self.send({"payload": json.dumps(payload)})

    def submit(self, view: dict[str, Any], values: dict[str, Any], user: str) -> BoltResponse:
        """Submit an open modal with values by block id: strings for text, or {'option': value}."""
        state: dict[str, Any] = {}
        for block_id, value in values.items():
            if isinstance(value, dict):
                element = {"type": "static_select", "selected_option": {"value": value["option"]}}
            else:
                element = {"type": "plain_text_input", "value": value}
            state[block_id] = {block_id: element}
        payload = {
            "type": "view_submission",
            "team": TEAM,
            "user": {"id": user, "username": user.lower()},
            "api_app_id": "A0CHORUS",
            "trigger_id": self.trigger_id(),
            "view": {**view, "state": {"values": state}},
        }
        return self.send({"payload": json.dumps(payload)})

    def type_into(self, view: dict[str, Any], block_id: str, text: str, user: str) -> BoltResponse:
        """Type `text` into an input of an open modal that dispatches as it is typed."""
        element = {"type": "plain_text_input", "value": text}
        payload = {
            "type": "block_actions",
            "team": TEAM,
            "user": {"id": user, "username": user.lower()},
            "api_app_id": "A0CHORUS",
            "trigger_id": self.trigger_id(),
            "container": {"type": "view", "view_id": view["id"]},
            "view": {**view, "state": {"values": {block_id: {block_id: element}}}},
            "actions": [
                {
                    **element,
                    "action_id": block_id,
                    "block_id": block_id,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.send({"payload": json.dumps(payload)})


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button on a message: in actions blocks and as section accessories."""
    found = []
    for block in message.get("blocks") or []:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        accessory = block.get("accessory") if block.get("type") == "section" else None
        for element in [*elements, *([accessory] if accessory else [])]:
            if element.get("type") == "button":
                found.append({**element, "block_id": block.get("block_id", "")})
    return found


def find_button(message: dict[str, Any], label: str, value: str | None = None) -> dict[str, Any]:
    for button in _buttons(message):
        if button["text"]["text"] == label and value in (None, button.get("value")):
            return button
    labels = [b["text"]["text"] for b in _buttons(message)]
    raise AssertionError(f"no button “{label}” on the message; it has {labels}")


def button_labels(message: dict[str, Any]) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]


def message_text(message: dict[str, Any]) -> str:
    """Everything a person reads on a message: its section and context texts."""
    parts = []
    for block in message.get("blocks") or []:
        if "text" in block and isinstance(block["text"], dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []) if block.get("type") == "context" else []:
            parts.append(element.get("text", ""))
    return "\n".join(parts)
