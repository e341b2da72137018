"""Serve a WSGI app with waitress on a free port of 127.0.0.1, as production serves Chorus."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from waitress.server import create_server


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpClient:
    """A plain urllib client for one server: answers of every status come back as replies."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def get(self, path: str) -> HttpReply:
        return self.request("GET", path)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> HttpReply:
        # urllib sends Content-Length for a bytes body, as listening tools do.
        return self.request("POST", path, body, headers)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply:
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpReply(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return HttpReply(error.code, _lower(error.headers), error.read())


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@contextmanager
def serving(app: Any) -> Iterator[HttpClient]:
    """Run `app` under waitress in a daemon thread; yield a client for it, then stop it."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield HttpClient(f"http://127.0.0.1:{server.effective_port}")
    finally:
        # Close from inside the server's loop, woken by its trigger, so the loop ends at once
        # instead of at its next one-second poll.
        try:
            server.trigger.pull_trigger(server.close)
        except OSError:
            # The trigger's pipe is already gone (seen once in CI: EBADF); close directly,
            # and the loop ends at its next poll.
            server.close()
        thread.join(timeout=5)
        assert not thread.is_alive(), "waitress did not stop"
