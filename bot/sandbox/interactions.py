"""What Slack would send Chorus when a person clicks, submits or types a slash command.

Payloads take Slack's shapes (block_actions, view_submission, slash commands), are signed
with the signing secret, and go in-process through Chorus's own WSGI app, so Bolt checks
the signature exactly as it does for Slack.
"""

from __future__ import annotations

import io
import itertools
import json
import time
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot.standin import SlackStandIn
from bot.web import WsgiApp

Json = dict[str, Any]
TEAM = {"id": "T0CHORUS", "domain": "chorus-sandbox"}
APP_ID = "A0CHORUS"
VERIFICATION_TOKEN = "sandbox-verification-token"  # legacy field Slack still sends


class Refused(Exception):
    """A request the sandbox cannot turn into a Slack interaction (answered 4xx)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    """Chorus's HTTP answer to one interaction: status and body (the ack)."""

    status: int
    body: str

    def json(self) -> Json:
        """The ack body as JSON ({} when Chorus acknowledged with an empty body)."""
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            return {"text": self.body}
        return data if isinstance(data, dict) else {}


class Slack:
    """Signs and delivers interactions to Chorus, and applies the acks as Slack would."""

    def __init__(
        self, web: WsgiApp, standin: SlackStandIn, client: WebClient, signing_secret: str
    ) -> None:
        self.web = web
        self.standin = standin
        self.client = client
        self.verifier = SignatureVerifier(signing_secret)
        self._serial = itertools.count(1)

    def trigger_id(self) -> str:
        return f"{next(self._serial)}.{int(time.time())}.{uuid.uuid4().hex[:24]}"

    def response_url(self, kind: str, channel: str | None, user: str) -> str:
        key = f"{kind}-{user}-{next(self._serial)}"
        return self.standin.response_url(key, channel=channel, user=user)

    def deliver(self, form: Mapping[str, str]) -> Answer:
        """POST the form to /slack/events, signed, through Chorus's WSGI app."""
        body = urlencode(form).encode()
        stamp = str(int(time.time()))
        signature = self.verifier.generate_signature(timestamp=stamp, body=body.decode())
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "0",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
            "HTTP_X_SLACK_SIGNATURE": signature,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }
        status: list[int] = []

        def start_response(line: str, headers: list[tuple[str, str]], *_: Any) -> None:
            status.append(int(line.split()[0]))

        chunks = self.web(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return Answer(status[0], data.decode("utf-8", "replace"))

    def send_payload(self, payload: Json) -> Answer:
        return self.deliver({"payload": json.dumps(payload)})

    def command(
        self, user: Json, channel: str, channel_name: str, command: str, text: str
    ) -> Answer:
        """Run a slash command; its ack appears to the person, as Slack shows it."""
        response_url = self.response_url("cmd", channel, user["id"])
        answer = self.deliver(
            {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM["id"],
                "team_domain": TEAM["domain"],
                "channel_id": channel,
                "channel_name": channel_name,
                "user_id": user["id"],
                "user_name": user["username"],
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": self.trigger_id(),
            }
        )
        shown = answer.json()
        if answer.status == 200 and (shown.get("text") or shown.get("blocks")):
            _post_json(response_url, {"response_type": "ephemeral", **shown})
        return answer

    def submit(self, user: Json, view: Json, values: Json) -> Answer:
        """Submit a modal with `values` and do what the ack asks: errors, update, push, close."""
        payload = {
            "type": "view_submission",
            "team": TEAM,
            "user": user,
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.trigger_id(),
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        answer = self.send_payload(payload)
        if answer.status == 200:
            self._apply_view_ack(view, answer.json())
        return answer

    def _apply_view_ack(self, view: Json, ack: Json) -> None:
        action = ack.get("response_action")
        if action == "errors":
            return  # the modal stays open and shows the errors
        try:
            self._apply_view_action(view, action, ack)
        except SlackApiError as error:
            problem = error.response.get("error")
            raise Refused(502, f"Chorus answered with a view Slack refused: {problem}") from None

    def _apply_view_action(self, view: Json, action: Any, ack: Json) -> None:
        if action == "update":
            self.client.views_update(view_id=view["id"], view=ack["view"])
        elif action == "push":
            self.client.views_push(trigger_id=self.trigger_id(), view=ack["view"])
        elif action == "clear":
            self.close(view["root_view_id"])
        else:
            self.close(view["id"])

    def close(self, view_id: str) -> None:
        """Close a modal (and whatever was pushed on it), as the person pressing Close."""
        try:
            self.standin.close_view(view_id)
        except KeyError:
            raise Refused(404, f"no open modal {view_id}: it may have closed already") from None


def _post_json(url: str, body: Json) -> None:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
