"""Plain WSGI plumbing for the sandbox: JSON in and out, and the page's static files."""

from __future__ import annotations

import json
import mimetypes
from http import HTTPStatus
from pathlib import Path
from typing import Any

from bot.web import StartResponse

MAX_BODY = 1024 * 1024


class BadBody(Exception):
    """A request body the API cannot read."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_json(environ: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object ({} for an empty body), or BadBody."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise BadBody(413, f"body larger than {MAX_BODY} bytes")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError as error:
        raise BadBody(400, f"body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise BadBody(400, "body must be a JSON object")
    return data


def serve_file(
    root: Path, path: str, environ: dict[str, Any], start_response: StartResponse
) -> list[bytes]:
    """`/` is index.html; `/static/NAME` a file under `root`; anything else a JSON 404."""
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return send_json(start_response, 405, {"error": "use GET"})
    name = "index.html" if path == "/" else path.removeprefix("/static/")
    base = root.resolve()
    file = (base / name).resolve()
    if base not in file.parents or not file.is_file():
        return send_json(start_response, 404, {"error": f"nothing at {path}"})
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("javascript", "json")):
        kind += "; charset=utf-8"
    return send(start_response, 200, file.read_bytes(), kind)  # waitress drops it for HEAD


def send_json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    return send(start_response, status, json.dumps(body).encode(), "application/json")


def send(start_response: StartResponse, status: int, body: bytes, kind: str) -> list[bytes]:
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [
            ("Content-Type", kind),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),  # the page and its state change under it
        ],
    )
    return [body]
