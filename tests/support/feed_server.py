"""A fake feed server: real HTTP on 127.0.0.1 serving recorded feeds and every bad answer
a feed can give (redirect loops, slowness, 50 MB, 429, 500, an HTML page)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
HUGE_BYTES = 50 * 1024 * 1024
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Acme Blog</title></head>"
    b"<body><h1>Acme Blog</h1><p>Welcome &amp; enjoy.</p></body></html>"
)


def fixture(name: str) -> bytes:
    """A recorded feed from tests/fixtures/feeds."""
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    """Serve configured paths; built-in: /loop (redirects forever), /slow (answers after
    `slow_seconds`), /huge (50 MB, streamed), /huge-declared (announces 50 MB),
    /rate-limited (429, Retry-After: 120), /broken (500), /page.html (a web page)."""

    def __init__(self, slow_seconds: float = 5.0) -> None:
        self.routes: dict[str, Route] = {
            "/rate-limited": Route(b"slow down", 429, {"Retry-After": "120"}),
            "/broken": Route(b"<h1>Internal Server Error</h1>", 500),
            "/page.html": Route(HTML_PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}),
        }
        self.requests: list[Request] = []
        self.slow_seconds = slow_seconds
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self)
        # A short poll interval, so shutting down takes milliseconds rather than half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        content_type: str = "application/rss+xml; charset=UTF-8",
        status: int = 200,
    ) -> str:
        """Serve `body` at `path` (with validators for conditional GET); return its URL."""
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        self.routes[path] = Route(body, status, headers)
        return self.url(path)

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stopping.set()  # wakes a /slow answer still waiting
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], feeds: FeedServer) -> None:
        super().__init__(address, _Handler)
        self.feeds = feeds


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        feeds = self.server.feeds
        feeds.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
        special = {
            "/loop": self._redirect_loop,
            "/loop-again": self._redirect_loop,
            "/slow": self._slow,
            "/huge": self._huge,
            "/huge-declared": self._huge,
        }
        if self.path in special:
            return special[self.path]()
        route = feeds.routes.get(self.path)
        if route is None:
            return self._answer(Route(b"not found", 404))
        if self._not_modified(route):
            return self._answer(Route(b"", 304, _validators(route)))
        return self._answer(route)

    def _not_modified(self, route: Route) -> bool:
        etag, modified = route.headers.get("ETag"), route.headers.get("Last-Modified")
        if etag and self.headers.get("If-None-Match") == etag:
            return True
        return bool(modified) and self.headers.get("If-Modified-Since") == modified

    def _answer(self, route: Route) -> None:
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.status != 304:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if route.status != 304:
            self.wfile.write(route.body)

    def _redirect_loop(self) -> None:
        self.send_response(302)
        self.send_header("Location", "/loop-again" if self.path == "/loop" else "/loop")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self) -> None:
        self.server.feeds.stopping.wait(self.server.feeds.slow_seconds)
        with contextlib.suppress(OSError):  # the client gave up long ago, as it should
            self._answer(Route(fixture("wordpress-comments.xml"), 200))

    def _huge(self) -> None:
        """50 MB of a feed-looking body, generated chunk by chunk, never held in memory."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if self.path == "/huge-declared":
            self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stops reading at its cap, as it should
            for chunk in _huge_chunks():
                self.wfile.write(chunk)


def _huge_chunks(size: int = HUGE_BYTES) -> Iterator[bytes]:
    chunk = b"<item><title>spam</title></item>" * 2048
    yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
    sent = 0
    while sent < size:
        yield chunk
        sent += len(chunk)


def _validators(route: Route) -> dict[str, str]:
    return {k: v for k, v in route.headers.items() if k in ("ETag", "Last-Modified")}
