"""Call a WSGI app in-process, for tests that don't need a socket."""

from __future__ import annotations

import io
import json
from typing import Any


def call_wsgi(
    app: Any, method: str, path: str, body: str | bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    raw = body.encode() if isinstance(body, str) else body
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "3000",
        "wsgi.url_scheme": "http",
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split()[0])

    chunks = b"".join(app(environ, start_response))
    return captured["status"], json.loads(chunks) if chunks else {}
