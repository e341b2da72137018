"""The door in front of Bolt on /slack/events: Slack's signature is checked before Bolt reads
a byte of the request.

Bolt parses the body (and reads the user, the channel and the response_url out of it) before
its own signature check, and some bodies make that parsing raise: an unsigned `payload=[1]`,
a timestamp header that is not a number, a body that is not UTF-8. Each such request was a
500, a traceback in the log and, worse, a run of the error handler, which answers the
unverified request's own response_url or DMs its user. Here nothing unsigned gets that far.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from bot.web import read_body

log = logging.getLogger("chorus.web")

MAX_SLACK_BYTES = 2 * 1024 * 1024
# Slack refuses requests more than five minutes away from its own clock; so do we.
WINDOW_SECONDS = 5 * 60
TIMESTAMP = re.compile(r"\d{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SlackGate:
    """Answer unsigned, stale or unreadable requests itself; hand the rest to Bolt."""

    def __init__(self, bolt: WsgiApp, signing_secret: str) -> None:
        self.bolt = bolt
        self.key = signing_secret.encode()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, 405, "use POST")
        body = read_body(environ, MAX_SLACK_BYTES)
        if body is None:
            return _answer(start_response, 413, f"body larger than {MAX_SLACK_BYTES} bytes")
        if _is_ssl_check(body):
            # Slack's check of our certificate, answered as Bolt answers it: 200, acting on
            # nothing, signed or not.
            return _answer(start_response, 200, None)
        if not self.signed(environ, body):
            log.info("refused a request to /slack/events: no valid, fresh Slack signature")
            return _answer(start_response, 401, "invalid request")
        problem = unreadable(body, environ.get("CONTENT_TYPE", ""))
        if problem:
            log.warning("refused a signed request to /slack/events: %s", problem)
            return _answer(start_response, 400, problem)
        # Bolt reads the body again, from the start.
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.bolt(environ, start_response)

    def signed(self, environ: dict[str, Any], body: bytes) -> bool:
        """Whether `body` carries Slack's v0 signature, made within five minutes of now."""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not TIMESTAMP.fullmatch(timestamp) or not SIGNATURE.fullmatch(signature):
            return False
        if abs(time.time() - int(timestamp)) > WINDOW_SECONDS:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.key, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


def unreadable(body: bytes, content_type: str) -> str | None:
    """Why Bolt could not read this body as Slack sends it, or None when it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8 text"
    # Bolt's own reading: JSON when it says so or looks so, else a form, maybe with a payload.
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        return _not_an_object(text, "the JSON body") if text else None
    payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
    return None if payload is None else _not_an_object(payload, "the `payload` field")


def _is_ssl_check(body: bytes) -> bool:
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True)).get("ssl_check") == "1"


def _not_an_object(text: str, what: str) -> str | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return f"{what} is not valid JSON"
    return None if isinstance(value, dict) else f"{what} is not a JSON object"


REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    405: "Method Not Allowed",
    413: "Content Too Large",
}


def _answer(start_response: StartResponse, status: int, error: str | None) -> list[bytes]:
    payload = json.dumps({"error": error}).encode() if error else b""
    start_response(
        f"{status} {REASONS[status]}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
