"""The HTTP surface: Slack's /slack/events, the mention webhook and the health check.

A plain WSGI callable, served by waitress in production and in tests alike.
"""

from __future__ import annotations

import binascii
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bot import logs
from bot.listening_config import WebhookMapping
from bot.services.core import Services
from bot.services.ingest import FieldError, InvalidMentions, ingest, parse_mentions
from bot.services.results import report_from_tool
from bot.services.webhook_mapping import map_payload
from bot.web_engagement import locator_field, parse_results
from bot.web_links import serve_short_link

log = logging.getLogger("chorus.web")

MAX_WEBHOOK_BYTES = 2 * 1024 * 1024
MAX_BATCH = 1000
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Reply = tuple[int, dict[str, Any]]

REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Content Too Large",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Signed:
    """A webhook body whose signature checked out."""

    body: bytes
    webhook_id: str


class WebApp:
    """Route requests to Slack (through Bolt's adapter), the webhook, or the health check."""

    def __init__(
        self, services: Services, webhook_secret: str | None, slack: WsgiApp | None = None
    ) -> None:
        self.services = services
        self.webhook = Webhook(webhook_secret) if webhook_secret else None
        self.slack = slack

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/webhooks/"):
            # Every line a delivery logs names it: the sender's id for it, and our own.
            with logs.context(request=logs.request_id(), webhook=environ.get("HTTP_WEBHOOK_ID")):
                return self._route(environ, _logged(environ, start_response))
        return self._route(environ, start_response)

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if path == "/slack/events" and self.slack is not None:
            return self.slack(environ, start_response)
        if path.startswith("/r/"):
            return serve_short_link(self.services, environ, start_response)
        if path == "/metrics" and method in ("GET", "HEAD"):
            return self.metrics(start_response)
        if path == "/webhooks/mentions" or path.startswith("/webhooks/mentions/"):
            name = path.removeprefix("/webhooks/mentions").strip("/") or None
            status, body = (
                self.mentions(environ, name) if method == "POST" else _not_allowed("POST")
            )
        elif path == "/webhooks/engagement":
            status, body = self.engagement(environ) if method == "POST" else _not_allowed("POST")
        elif path == "/healthz":
            status, body = self.health() if method in ("GET", "HEAD") else _not_allowed("GET")
        else:
            status, body = 404, {"error": f"nothing at {path}"}
        return _json(start_response, status, body)

    def _mapping(self, name: str | None) -> WebhookMapping | None:
        return next((w for w in self.services.config.webhooks if w.name == name), None)

    def metrics(self, start_response: StartResponse) -> list[bytes]:
        """Prometheus's text format; figures of this process, the outbox's from the database."""
        body = self.services.metrics.exposition()
        start_response(
            "200 OK",
            [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))],
        )
        return [body]

    def health(self) -> Reply:
        try:
            with self.services.sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception as error:  # noqa: BLE001 - any failure means unhealthy
            log.error("health check: database unreachable: %s", error)
            return 503, {"status": "unavailable", "error": "database unreachable"}
        return 200, {"status": "ok"}

    def mentions(self, environ: dict[str, Any], mapping_name: str | None = None) -> Reply:
        """Accept one mention object or {"mentions": [...]}, signed per Standard Webhooks;
        on /webhooks/mentions/NAME, the payload of another tool, mapped by [[webhooks]]."""
        verified = self._verified(environ)
        if not isinstance(verified, Signed):
            return verified
        body, webhook_id = verified.body, verified.webhook_id
        mapping = self._mapping(mapping_name)
        if mapping_name is not None and mapping is None:
            return 404, {"error": f"no [[webhooks]] mapping named “{mapping_name}” in chorus.toml"}
        items, prefix, problems = _mapped_items(mapping, body) if mapping else _mention_items(body)
        if problems:
            return 400, {"errors": [{"field": p.field, "message": p.message} for p in problems]}
        try:
            mentions = parse_mentions(items, prefix)
        except InvalidMentions as invalid:
            errors = [{"field": e.field, "message": e.message} for e in invalid.errors]
            return 400, {"errors": errors}
        result = ingest(self.services, mentions, webhook_id=webhook_id)
        return 202, {"accepted": result.accepted, "duplicates": result.duplicates}

    def engagement(self, environ: dict[str, Any]) -> Reply:
        """Accept results a tool read off a network, signed like the mention webhook."""
        verified = self._verified(environ)
        if not isinstance(verified, Signed):
            return verified
        body, webhook_id = verified.body, verified.webhook_id
        items, problems, prefix = parse_results(body)
        if problems:
            return 400, {"errors": [{"field": p.field, "message": p.message} for p in problems]}
        done = report_from_tool(self.services, items, webhook_id)
        if done.unknown:
            fields = [locator_field(prefix, i, items[i][0]) for i in done.unknown]
            return 404, {"errors": [_unknown_reply(field) for field in fields]}
        return 202, {"updated": done.updated, "duplicate": done.replayed}

    def _verified(self, environ: dict[str, Any]) -> Signed | Reply:
        """Return the body and its webhook-id once its Standard Webhooks signature checks out,
        or the answer that explains why not."""
        if self.webhook is None:
            return 503, {
                "error": "webhooks are off: set CHORUS_WEBHOOK_SECRET (whsec_…) to accept them"
            }
        body = read_body(environ, MAX_WEBHOOK_BYTES)
        if body is None:
            return 413, {
                "error": f"body larger than {MAX_WEBHOOK_BYTES} bytes; send smaller batches"
            }
        headers = {
            name: environ.get("HTTP_" + name.upper().replace("-", "_"), "")
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        }
        try:
            self.webhook.verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError, binascii.Error) as error:
            return 401, {"error": f"signature rejected: {error}"}
        return Signed(body, headers["webhook-id"])


def _logged(environ: dict[str, Any], start_response: StartResponse) -> StartResponse:
    """Log each webhook delivery's answer: an admin sees a listening tool being refused."""

    def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        level = logging.WARNING if status[:1] in ("4", "5") else logging.INFO
        log.log(level, "%s %s answered %s", environ["REQUEST_METHOD"], environ["PATH_INFO"], status)
        return start_response(status, headers, *exc_info)

    return start


def _unknown_reply(field: str) -> dict[str, str]:
    return {
        "field": field,
        "message": "names no published reply: send the live link shown on the mention's card "
        "(or its mention_id); nothing was recorded",
    }


def _mapped_items(mapping: WebhookMapping, body: bytes) -> tuple[list[Any], str, list[FieldError]]:
    """Return mention objects mapped from another tool's payload, or what is missing."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        return [], "", [FieldError("body", f"not valid JSON: {error}")]
    items, errors = map_payload(mapping, data)
    return items, "items" if mapping.items else "", errors


def _mention_items(body: bytes) -> tuple[list[Any], str, list[FieldError]]:
    """Return the raw mention objects, the path prefix for their errors, or a problem."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        return [], "", [FieldError("body", f"not valid JSON: {error}")]
    if isinstance(data, dict) and "mentions" in data:
        items = data["mentions"]
        if not isinstance(items, list) or not items:
            return [], "", [FieldError("mentions", "must be a non-empty list of mention objects")]
        if len(items) > MAX_BATCH:
            return [], "", [FieldError("mentions", f"at most {MAX_BATCH} mentions per request")]
        return items, "mentions", []
    if isinstance(data, dict):
        return [data], "", []
    return [], "", [FieldError("body", 'must be a mention object or {"mentions": [...]}')]


def read_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """Read the request body, or return None when it is larger than `limit`."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    stream = environ["wsgi.input"]
    body: bytes = stream.read(length) if length else stream.read(limit + 1)
    return None if len(body) > limit else body


def _not_allowed(allowed: str) -> Reply:
    return 405, {"error": f"use {allowed}"}


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(
        f"{status} {REASONS.get(status, 'Error')}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]
