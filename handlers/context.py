"""How listeners reach services: one middleware puts them in Bolt's context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot import logs
from bot.metrics import request_kind
from bot.services.core import Services
from storage import delivery


def services_middleware(services: Services) -> Callable[..., Any]:
    """Return a middleware that hands `services` to every listener through `context`."""

    def put_services(context: BoltContext, next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name
        context["services"] = services
        return next()

    return put_services


def services_of(context: BoltContext) -> Services:
    services: Services = context["services"]
    return services


def user_of(body: dict[str, Any]) -> str:
    """The Slack user who acted, from an action, view or command payload."""
    if "user_id" in body:
        return str(body["user_id"])
    return str(body["user"]["id"])


def action_value(body: dict[str, Any]) -> int:
    """The id carried by the clicked button."""
    return int(body["actions"][0]["value"])


def channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return str(channel.get("id")) if isinstance(channel, dict) and channel.get("id") else None


def event_dedupe_middleware(services: Services) -> Callable[..., Any]:
    """Return a middleware that lets each Events API delivery through once: Slack retries
    an event it thinks we missed, and a retry must never act twice."""

    def once_per_event(body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id is None:
            return next()
        with services.sessions() as session:
            first = delivery.remember_slack_event(session, str(event_id), services.clock())
            session.commit()
        return next() if first else BoltResponse(status=200, body="")

    return once_per_event


def request_fields(body: dict[str, Any]) -> dict[str, str | None]:
    """What a Slack request is and who sent it, for its log lines (ids only: never a token,
    a response_url or what anyone wrote)."""
    return {
        "request": logs.request_id(),
        "kind": request_kind(body),
        "action": _what(body),
        "user": _who(body),
        "channel": channel_of(body) or body.get("channel_id"),
    }


def _what(body: dict[str, Any]) -> str | None:
    """The command, action, view or event the request is about."""
    if "command" in body:
        return str(body["command"])
    actions = body.get("actions") or []
    if actions and isinstance(actions[0], dict):
        return str(actions[0].get("action_id"))
    view = body.get("view") or {}
    if isinstance(view, dict) and view.get("callback_id"):
        return str(view["callback_id"])
    event = body.get("event") or {}
    return str(event.get("type")) if isinstance(event, dict) and event.get("type") else None


def _who(body: dict[str, Any]) -> str | None:
    if "user_id" in body:
        return str(body["user_id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("id"):
        return str(user["id"])
    event = body.get("event") or {}
    return str(event["user"]) if isinstance(event, dict) and event.get("user") else None
