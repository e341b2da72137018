"""The sandbox's one WSGI router: the page and its JSON API here, everything else to Chorus.

`/`, `/static/…` and `/api/…` are the sandbox's; `/slack/events`, `/webhooks/…` and
`/healthz` go to Chorus's own WSGI app, unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bot.sandbox.actions import action_object, find_element, message_payload, view_payload
from bot.sandbox.feeder import Feeder
from bot.sandbox.interactions import TEAM, Answer, Json, Refused, Slack
from bot.sandbox.state import Channel, Person, dm_of, ephemeral_ts, snapshot
from bot.sandbox.wsgi import BadBody, read_json, send_json, serve_file
from bot.standin import SlackStandIn
from bot.web import StartResponse, WsgiApp
from handlers.ids import Command

log = logging.getLogger("chorus.sandbox")

STATIC = Path(__file__).parent / "static"
COMMANDS = tuple(command.value for command in Command)
Reply = tuple[int, Json]
Handler = Callable[[dict[str, list[str]], Json], Reply]


class SandboxApp:
    """Serve the page and the API; hand every other path to Chorus."""

    def __init__(
        self,
        chorus_web: WsgiApp,
        standin: SlackStandIn,
        slack: Slack,
        feeder: Feeder,
        people: Sequence[Person],
        channels: Sequence[Channel],
        static_dir: Path = STATIC,
    ) -> None:
        self.chorus_web = chorus_web
        self.standin = standin
        self.slack = slack
        self.feeder = feeder
        self.people = {person.id: person for person in people}
        self.channels = {channel.id: channel for channel in channels}
        self.static_dir = static_dir
        self._lock = threading.Lock()
        self._version = 0
        self._seen: dict[str, tuple[str, int]] = {}
        self.routes: dict[tuple[str, str], Handler] = {
            ("GET", "/api/state"): self.state,
            ("POST", "/api/action"): self.action,
            ("POST", "/api/submit"): self.submit,
            ("POST", "/api/close"): self.close,
            ("POST", "/api/command"): self.command,
            ("POST", "/api/mention"): self.mention,
            ("POST", "/api/spike"): self.spike,
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/" or path.startswith("/static/"):
            return serve_file(self.static_dir, path, environ, start_response)
        if path.startswith("/api/"):
            status, body = self.api(environ)
            return send_json(start_response, status, body)
        return self.chorus_web(environ, start_response)

    # -- the API -------------------------------------------------------------------

    def api(self, environ: dict[str, Any]) -> Reply:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        handler = self.routes.get((method, path))
        if handler is None:
            known = [p for (_, p) in self.routes if p == path]
            return (405, {"ok": False, "error": "wrong method"}) if known else _missing(path)
        try:
            body = read_json(environ) if method == "POST" else {}
            return handler(parse_qs(environ.get("QUERY_STRING", "")), body)
        except (Refused, BadBody) as refused:
            return refused.status, {"ok": False, "error": refused.message}
        except Exception as error:  # noqa: BLE001 - the page shows it; the log has the rest
            log.exception("sandbox API %s %s failed", method, path)
            return 500, {"ok": False, "error": f"the sandbox failed: {error}"}

    def state(self, query: dict[str, list[str]], body: Json) -> Reply:
        user = self._person((query.get("user") or [""])[0])
        people, channels = list(self.people.values()), list(self.channels.values())
        shown = snapshot(self.standin, people, channels, user.id)
        return 200, {**shown, "version": self._version_of(user.id, shown)}

    def _version_of(self, user_id: str, shown: Json) -> int:
        """A number that grows whenever what this person sees changes, so the page redraws
        only then. Read from the content itself: a Web API call is recorded a moment before
        the stand-in applies it, and a count of calls could run ahead of the state."""
        digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
        with self._lock:
            seen = self._seen.get(user_id)
            if seen is None or seen[0] != digest:
                self._version += 1
                seen = self._seen[user_id] = (digest, self._version)
            return seen[1]

    def action(self, query: dict[str, list[str]], body: Json) -> Reply:
        user = self._user(body)
        action_id = _text(body, "action_id")
        block_id, selected = body.get("block_id"), body.get("selected_option")
        selected = selected if isinstance(selected, dict) else None
        if body.get("view_id"):
            view = self._view(_text(body, "view_id"), user["id"])
            element = find_element(view.get("blocks") or [], block_id, action_id)
            action = action_object(element, selected)
            payload = view_payload(user, view, action, trigger_id=self.slack.trigger_id())
        else:
            payload = self._message_click(user, body, block_id, action_id, selected)
        return _answered(self.slack.send_payload(payload))

    def _message_click(
        self, user: Json, body: Json, block_id: Any, action_id: str, selected: Json | None
    ) -> Json:
        channel = self._channel(body.get("channel"), user["id"])
        message, ephemeral = self._message(channel, _text(body, "message_ts"), user["id"])
        action = action_object(find_element(message["blocks"], block_id, action_id), selected)
        return message_payload(
            user,
            {"id": channel.id, "name": channel.name},
            message,
            action,
            trigger_id=self.slack.trigger_id(),
            response_url=self.slack.response_url("act", channel.id, user["id"]),
            ephemeral=ephemeral,
        )

    def submit(self, query: dict[str, list[str]], body: Json) -> Reply:
        user = self._user(body)
        view = self._view(_text(body, "view_id"), user["id"], modal_only=True)
        values = body.get("values")
        if not isinstance(values, dict) or not all(
            isinstance(v, dict) and all(isinstance(e, dict) for e in v.values())
            for v in values.values()
        ):
            raise Refused(400, "values must be {block_id: {action_id: {type, value…}}}")
        answer = self.slack.submit(user, view, values)
        ack = answer.json()
        if answer.status == 200 and ack.get("response_action") == "errors":
            return 200, {"ok": False, "errors": ack.get("errors") or {}}
        return _answered(answer)

    def close(self, query: dict[str, list[str]], body: Json) -> Reply:
        self.slack.close(_text(body, "view_id"))
        return 200, {"ok": True}

    def command(self, query: dict[str, list[str]], body: Json) -> Reply:
        user = self._user(body)
        name = _text(body, "command")
        if name not in COMMANDS:  # Slack itself refuses a command no app registered
            known = ", ".join(COMMANDS)
            return 200, {"ok": False, "error": f"{name} is not a valid command. Try {known}."}
        channel = self._channel(body.get("channel") or "C0GENERAL", user["id"])
        text = str(body.get("text") or "")
        answer = self.slack.command(user, channel.id, channel.name, name, text)
        return 200, {"ok": answer.status == 200, "status": answer.status, "response": answer.json()}

    def mention(self, query: dict[str, list[str]], body: Json) -> Reply:
        sent = self.feeder.send_next()
        return 200, {"ok": sent.status == 202, "status": sent.status, **sent.body,
                     "mentions": sent.mentions}  # fmt: skip

    def spike(self, query: dict[str, list[str]], body: Json) -> Reply:
        count = body.get("n", 40)
        if not isinstance(count, int) or not 1 <= count <= 500:
            raise Refused(400, "n must be a whole number from 1 to 500")
        sent = self.feeder.spike(count)
        return 200, {"ok": sent.status == 202, "status": sent.status, **sent.body, "sent": count}

    # -- validation ----------------------------------------------------------------

    def _person(self, user_id: str) -> Person:
        person = self.people.get(user_id)
        if person is None:
            known = ", ".join(f"{p.id} ({p.name})" for p in self.people.values())
            raise Refused(400, f"unknown user “{user_id}”: act as one of {known}")
        return person

    def _user(self, body: Json) -> Json:
        """The acting person as Slack describes a user in interaction payloads."""
        person = self._person(str(body.get("user") or ""))
        handle = person.name.lower()
        return {"id": person.id, "username": handle, "name": handle, "team_id": TEAM["id"]}

    def _channel(self, channel_id: Any, user_id: str) -> Channel:
        if channel_id == dm_of(user_id):
            return Channel(dm_of(user_id), "directmessage")
        channel = self.channels.get(str(channel_id))
        if channel is None:
            names = ", ".join(f"{c.id} (#{c.name})" for c in self.channels.values())
            raise Refused(400, f"unknown channel “{channel_id}”: use one of {names}")
        return channel

    def _message(self, channel: Channel, ts: str, user_id: str) -> tuple[Json, bool]:
        """The message clicked, and whether it is an ephemeral only this person sees."""
        try:
            return self.standin.message(channel.id, ts), False
        except KeyError:
            pass
        for index, entry in enumerate(self.standin.ephemerals(user_id)):
            if ephemeral_ts(entry, index) == ts:
                return {**entry, "ts": ts}, True
        raise Refused(404, f"no message {ts} in {channel.id}")

    def _view(self, view_id: str, user_id: str, *, modal_only: bool = False) -> Json:
        views = self.standin.views()
        home = None if modal_only else self.standin.home(user_id)
        for view in [*views, *([home] if home else [])]:
            if view["id"] == view_id:
                return view
        raise Refused(404, f"no open view {view_id}: it may have closed already")


def _text(body: Json, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise Refused(400, f"{key} is required (a string)")
    return value


def _answered(answer: Answer) -> Reply:
    if answer.status == 200:
        return 200, {"ok": True, "status": 200}
    error = f"Chorus answered HTTP {answer.status}: {answer.body[:200]}"
    return 200, {"ok": False, "status": answer.status, "error": error}


def _missing(path: str) -> Reply:
    return 404, {"ok": False, "error": f"nothing at {path}"}
