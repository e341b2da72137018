"""The common part of the fake social networks: a real HTTP server on 127.0.0.1 that
records every request and can be told to fail, the way a busy or broken server does."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, parse_qsl, urlsplit

import regex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture(network: str, name: str) -> Any:
    """A recorded response body, as JSON."""
    return json.loads((FIXTURES / network / name).read_text(encoding="utf-8"))


def graphemes(text: str) -> int:
    """How many user-perceived characters `text` has, as Mastodon and Bluesky count them."""
    return len(regex.findall(r"\X", text))


def form_body(raw: str) -> dict[str, Any]:
    """A form body as Rails reads it: `key[]=a&key[]=b` is the list `key`, else the last value."""
    body: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if key.endswith("[]"):
            body.setdefault(key.removesuffix("[]"), []).append(value)
        else:
            body[key] = value
    return body


def parse_body(raw: bytes, content_type: str) -> Any:
    """JSON objects as dicts, forms as `form_body`, anything else as text (None when empty)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return form_body(raw.decode())
    if raw.strip().startswith(b"{"):
        return json.loads(raw)
    return raw.decode() or None


@dataclass(frozen=True)
class Request:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any = None

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Failure:
    reply: Reply
    times: int


class FakeNetwork:
    """Subclasses answer `route(request)`; this serves it, records it and injects failures."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._failures: dict[str, _Failure] = {}
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail(
        self,
        path: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests to `path` with `status` (and these headers)."""
        reply = Reply(status, body if body is not None else self.error_body(status), headers or {})
        with self._lock:
            self._failures[path] = _Failure(reply, times)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def error_body(self, status: int) -> Any:
        return {"error": f"HTTP {status}"}

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            failure = self._failures.get(request.path)
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[request.path]
                return failure.reply
        return self.route(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeNetwork) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: `fake.requests` is the log."""

    def do_GET(self) -> None:
        self._send(self.server.fake.answer(self._request()))

    def do_POST(self) -> None:
        self._send(self.server.fake.answer(self._request()))

    def do_DELETE(self) -> None:
        self._send(self.server.fake.answer(self._request()))

    def _request(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return Request(
            self.command,
            parts.path.rstrip("/") or "/",
            parse_qs(parts.query, keep_blank_values=True),
            {name.lower(): value for name, value in self.headers.items()},
            parse_body(raw, self.headers.get("Content-Type") or ""),
        )

    def _send(self, reply: Reply) -> None:
        payload = json.dumps(reply.body).encode()
        self.send_response_only(reply.status)
        if "Date" not in reply.headers:  # a test may pin the server's clock
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
