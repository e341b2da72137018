"""GET /r/CODE: send the visitor on to the link in a reply, counting the click."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from bot.domain.links import SHORT_PATH, is_code
from bot.services.core import Services
from bot.services.short_links import follow, target_of

ShortLinkReply = tuple[int, list[tuple[str, str]], bytes]
StartResponse = Callable[..., Any]

STATUS_LINES = {302: "302 Found", 404: "404 Not Found", 405: "405 Method Not Allowed"}
UNKNOWN = "This short link is unknown or has expired; check the address.\n"
NOT_ALLOWED = "Short links answer GET and HEAD only.\n"


def short_link_reply(services: Services, environ: dict[str, Any]) -> ShortLinkReply:
    """Answer a request for /r/CODE: 302 to the link, 404 when unknown, 405 for other methods."""
    method = environ["REQUEST_METHOD"]
    if method not in ("GET", "HEAD"):
        return _text(405, NOT_ALLOWED, [("Allow", "GET, HEAD")])
    code = environ.get("PATH_INFO", "").removeprefix(SHORT_PATH)
    if not is_code(code):
        return _text(404, UNKNOWN)
    if method == "HEAD":
        # Robots check a link with HEAD before they fetch it: only GET counts as a click.
        target = target_of(services, code)
    else:
        target = follow(services, code, services.clock(), environ.get("HTTP_USER_AGENT"))
    if target is None:
        return _text(404, UNKNOWN)
    return _redirect(target)


def serve_short_link(
    services: Services, environ: dict[str, Any], start_response: StartResponse
) -> list[bytes]:
    """Answer /r/CODE as a WSGI app does; a HEAD answer has the headers and no body."""
    status, headers, body = short_link_reply(services, environ)
    start_response(STATUS_LINES[status], headers)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _redirect(target: str) -> ShortLinkReply:
    shown = html.escape(target, quote=True)
    body = f'<!doctype html>\n<title>Redirecting</title>\n<p><a href="{shown}">{shown}</a></p>\n'
    headers = [
        ("Location", _header_safe(target)),
        # Every click must reach Chorus to be counted: no browser or proxy may keep the answer.
        ("Cache-Control", "no-store"),
        # The page behind the link need not learn which reply the visitor came from.
        ("Referrer-Policy", "no-referrer"),
    ]
    return _reply(302, "text/html; charset=utf-8", body, headers)


def _text(status: int, sentence: str, extra: list[tuple[str, str]] | None = None) -> ShortLinkReply:
    return _reply(status, "text/plain; charset=utf-8", sentence, extra or [])


def _reply(
    status: int, content_type: str, body: str, headers: list[tuple[str, str]]
) -> ShortLinkReply:
    payload = body.encode()
    common = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    return status, [*headers, *common], payload


def _header_safe(url: str) -> str:
    """Percent-encode what HTTP headers cannot carry (non-ASCII letters: "Köln")."""
    return "".join(c if " " < c < "\x7f" else quote(c, safe="") for c in url)
