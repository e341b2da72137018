"""A request captured while valid and replayed once its five minutes are over is refused.

Every kind of Slack request and every webhook endpoint is signed 295 seconds in the past and
sent at once (accepted: still fresh), then sent again, byte for byte, once the signature is
more than 300 seconds old: 401, and nothing changes. The wait is real (about six seconds,
once for all of them): Bolt and Standard Webhooks both read the system clock, and freezing it
would freeze the HTTP server's thread too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.standin import SlackStandIn
from tests.security.probes import changes, footprint
from tests.security.slack_requests import SURFACES
from tests.security.webhook_requests import EARSHOT, ENDPOINTS
from tests.support.http_server import HttpClient, serving
from tests.support.listening_workspace import workspace_with
from tests.support.workspace import Workspace, sign_webhook

AGE_WHEN_CAPTURED = 295
WINDOW = 300


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    with workspace_with(EARSHOT, database_url, standin) as workspace:
        yield workspace


@pytest.fixture
def http(ws: Workspace) -> Iterator[HttpClient]:
    with serving(ws.chorus.web) as client:
        yield client


Captured = tuple[str, bytes, dict[str, str]]


def capture_everything(ws: Workspace, signed_at: int) -> list[Captured]:
    """One request of each kind, each signed at `signed_at`, as an eavesdropper keeps it."""
    for endpoint in ENDPOINTS.values():
        endpoint.prepare(ws)
    slack = [make(ws) for make in SURFACES.values()]
    captured: list[Captured] = [
        ("/slack/events", r.body.encode(), r.headers(timestamp=signed_at)) for r in slack
    ]
    for n, endpoint in enumerate(ENDPOINTS.values()):
        headers = sign_webhook(endpoint.body, f"msg_captured_{n}", at=signed_at)
        captured.append((endpoint.path, endpoint.body.encode(), headers))
    return captured


def wait_until(moment: float) -> None:
    """Poll the clock (not a fixed sleep) until `moment` has passed."""
    deadline = time.monotonic() + WINDOW
    while time.time() <= moment:
        assert time.monotonic() < deadline, "the clock never reached the moment"
        time.sleep(0.2)


def test_a_captured_request_replayed_after_five_minutes_is_refused(
    ws: Workspace, http: HttpClient
) -> None:
    signed_at = int(time.time()) - AGE_WHEN_CAPTURED
    captured = capture_everything(ws, signed_at)

    first = [http.post(path, body, headers).status for path, body, headers in captured]
    assert time.time() - signed_at <= WINDOW, "the machine was too slow to send them fresh"
    assert first == [200, 200, 200, 200, 202, 202, 202], first
    ws.deliver()

    wait_until(signed_at + WINDOW + 1)
    before = footprint(ws)
    replies = [http.post(path, body, headers) for path, body, headers in captured]
    ws.deliver()

    assert [r.status for r in replies] == [401] * len(captured)
    assert [r.json()["error"] for r in replies[:4]] == ["invalid request"] * 4
    assert all("too old" in r.json()["error"] for r in replies[4:])
    assert changes(before, footprint(ws)) == {}
