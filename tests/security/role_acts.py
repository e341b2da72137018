"""How a person acts in the role cases (role_cases.py): click a button and fill the modal it
opens, type a command, run a shortcut, type into the reply form."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.weeks import week_at
from bot.services.digest import compute_digest, scope_named
from handlers.digest_view import build_digest_message
from tests.support.slack import TEAM
from tests.support.workspace import ANA, Workspace

Act = Callable[[Workspace, str], str | None]  # returns what the ack said, if anything


def pitch_values() -> dict[str, Any]:
    return {
        "idea_title": "Our export, 3× faster",
        "idea_pitch": "Customers asked for it; we shipped it.",
        "department": {"option": "support"},
        "idea_network": {"option": "mastodon"},
        "idea_link": "",
    }


def click(label: str, on: Callable[[Workspace], dict[str, Any]], **values: Any) -> Act:
    """Click `label` on a message; fill the modal when one opens."""

    def act(ws: Workspace, user: str) -> None:
        opened = len(ws.standin.views())
        ws.slack.click(on(ws), label, user)
        if len(ws.standin.views()) > opened:
            ws.slack.submit(ws.open_view(), dict(values), user)
        ws.deliver()

    return act


def anas_dm(ws: Workspace) -> dict[str, Any]:
    return ws.standin.messages(f"D{ANA}")[-1]


def idea_card(ws: Workspace) -> dict[str, Any]:
    return [m for m in ws.standin.messages("C0SOCIAL") if m.get("blocks")][-1]


def a_digest(ws: Workspace) -> dict[str, Any]:
    services = ws.chorus.services
    week = week_at(services.clock(), ZoneInfo(services.config.timezone))
    _, blocks = build_digest_message(
        compute_digest(services, scope_named(services, "support"), week)
    )
    return {"channel": "C0SUPPORT", "ts": "1.000001", "blocks": [b.to_dict() for b in blocks]}


def command(name: str, text: str) -> Act:
    def act(ws: Workspace, user: str) -> str | None:
        response = ws.slack.command(name, text, user)
        ws.deliver()
        return str(json.loads(response.body).get("text", "")) if response.body else None

    return act


def pitch_by_command(ws: Workspace, user: str) -> None:
    ws.slack.command("/chorus", "idea", user)
    ws.slack.submit(ws.open_view(), pitch_values(), user)
    ws.deliver()


def shortcut(callback: str, **extra: Any) -> Act:
    """Run a shortcut; submit the modal it opens with what the pitch or log needs."""

    def act(ws: Workspace, user: str) -> None:
        kind = "message_action" if extra else "shortcut"
        payload = {
            "type": kind,
            "callback_id": callback,
            "trigger_id": ws.slack.trigger_id(),
            "team": TEAM,
            "user": {"id": user, "username": user.lower()},
            **extra,
        }
        ws.slack.send({"payload": json.dumps(payload)})
        values = LOG_VALUES if callback == "log_customer_mention" else pitch_values()
        ws.slack.submit(ws.open_view(), values, user)
        ws.deliver()

    return act


LOG_VALUES = {
    "log_network": {"option": "mastodon"},
    "log_url": "https://social.example/@carla/110200",
    "log_author": "@carla@social.example",
    "log_text": "My refund never arrived",
}
A_MESSAGE = {
    "channel": {"id": "C0SUPPORT", "name": "support"},
    "message_ts": "1763899000.000200",
    "message": {"type": "message", "user": "U0SOMEONE", "ts": "1763899000.000200", "text": "x"},
}


def type_a_reply(ws: Workspace, user: str) -> None:
    ws.slack.click(ws.card(1), "Claim", user)
    ws.slack.click(ws.card(1), "Draft reply", user)
    ws.slack.type_into(ws.open_view(), "reply", "Hi! Call us at +1 555 0100 for a refund.", user)
