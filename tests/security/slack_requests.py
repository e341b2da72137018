"""Requests to /slack/events as Slack sends them, kept as bytes so a test can sign, forge,
tamper with or replay them over real HTTP.

The payloads come from the same driver the other tests click with (tests/support/slack.py):
a `CapturingDriver` keeps the form it would have dispatched instead of dispatching it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_bolt import BoltResponse
from sqlalchemy import select

from bot.standin import SlackStandIn
from storage.models import MentionRow
from tests.support.slack import SIGNING_SECRET, SlackDriver, signed_headers
from tests.support.workspace import ANA, BEN, Workspace, mention

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SlackRequest:
    """One request's body and content type; signed afresh (or not) by whoever sends it."""

    body: str
    content_type: str

    def headers(self, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
        return {**signed_headers(self.body, secret, timestamp), "content-type": self.content_type}


class CapturingDriver(SlackDriver):
    """A SlackDriver whose requests are kept, not sent."""

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(app=None, standin=standin)  # type: ignore[arg-type]
        self.captured: list[str] = []

    def send(self, form: dict[str, str]) -> BoltResponse:
        self.captured.append(urlencode(form))
        return BoltResponse(status=200, body="")


def capture(ws: Workspace, act: Callable[[SlackDriver], object]) -> SlackRequest:
    driver = CapturingDriver(ws.standin)
    act(driver)
    [body] = driver.captured
    return SlackRequest(body, FORM)


def a_mention_on_its_card(ws: Workspace) -> int:
    """The sample mention, received and on its card; its number."""
    ws.receive(mention())
    with ws.chorus.services.sessions() as session:
        found = select(MentionRow.id).where(MentionRow.external_id == mention()["external_id"])
        return int(session.scalars(found).one())


def claim_command(ws: Workspace) -> SlackRequest:
    """Ben types `/claim N`: it claims the mention and answers on the response_url."""
    number = a_mention_on_its_card(ws)
    return capture(ws, lambda slack: slack.command("/claim", str(number), BEN))


def claim_click(ws: Workspace) -> SlackRequest:
    """Ben clicks Claim on the card."""
    card = ws.card(a_mention_on_its_card(ws))
    return capture(ws, lambda slack: slack.click(card, "Claim", BEN))


def draft_submission(ws: Workspace) -> SlackRequest:
    """Ana, who claimed the mention, submits the reply form."""
    number = a_mention_on_its_card(ws)
    ws.slack.click(ws.card(number), "Claim", ANA)
    ws.slack.click(ws.card(number), "Draft reply", ANA)
    view = ws.open_view()
    reply = {"reply": "Hi Ana! The export is fixed; sorry for the wait."}
    return capture(ws, lambda slack: slack.submit(view, reply, ANA))


def home_opened(ws: Workspace) -> SlackRequest:
    """Ana opens Chorus's Home tab: an Events API event, as JSON."""
    body = {
        "type": "event_callback",
        "team_id": "T0CHORUS",
        "api_app_id": "A0CHORUS",
        "event_id": f"EvSEC{time.time_ns()}",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": ANA, "channel": f"D{ANA}", "tab": "home"},
    }
    return SlackRequest(json.dumps(body), JSON)


SURFACES: dict[str, Callable[[Workspace], SlackRequest]] = {
    "command": claim_command,
    "block action": claim_click,
    "view submission": draft_submission,
    "event": home_opened,
}


def chorus_help() -> SlackRequest:
    """Another request entirely, whose valid signature a forger could hold."""
    form: dict[str, Any] = {
        "command": "/chorus",
        "text": "help",
        "user_id": BEN,
        "channel_id": "C0SUPPORT",
        "team_id": "T0CHORUS",
        "trigger_id": "trigger-other",
    }
    return SlackRequest(urlencode(form), FORM)
