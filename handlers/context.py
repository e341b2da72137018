"""How listeners reach services: one middleware puts them in Bolt's context."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

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


def timing_middleware(services: Services) -> Callable[..., Any]:
    """Return a middleware that times each Slack request for the latency histogram."""

    def timed(body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name
        started = time.perf_counter()
        try:
            return next()
        finally:
            elapsed = time.perf_counter() - started
            services.metrics.handler_seconds.labels(kind=request_kind(body)).observe(elapsed)

    return timed
