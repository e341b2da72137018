"""GET /r/CODE over a real socket: waitress serving Chorus, answering as a browser expects.

The client here never follows redirects: a test must not reach the sites replies link to.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from bot.domain.model import Network
from bot.services import workflow
from bot.services.short_links import track_links
from bot.standin import SlackStandIn
from storage import links, repo
from tests.support.http_server import HttpClient, serving
from tests.support.workspace import ANA, Workspace, make_workspace, mention

PUBLIC_URL = "https://chorus.acme.example"
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari"
UNKNOWN = b"This short link is unknown or has expired; check the address.\n"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    ws = make_workspace(database_url, standin, chorus_public_url=PUBLIC_URL)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


@pytest.fixture
def server(ws: Workspace) -> Iterator[HttpClient]:
    with serving(ws.chorus.web) as client:
        yield client


def send(server: HttpClient, method: str, path: str, agent: str = BROWSER) -> Answer:
    """Send one request and return the answer as it came, redirects not followed."""
    address = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request(method, path, headers={"User-Agent": agent})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, response.read())
    finally:
        connection.close()


def short_code(ws: Workspace, link: str) -> str:
    """Approve-like flow: a draft linking to `link`, tracked; return the link's code."""
    ws.receive(mention())
    services = ws.chorus.services
    workflow.claim(services, 1, ANA)
    workflow.submit_draft(services, 1, ANA, f"Hi Ana! Here: {link}")
    with services.sessions() as session:
        draft = repo.latest_draft(session, 1)
        assert draft is not None
        assert track_links(session, services, draft, Network.MASTODON, draft.text, NOW)
        session.commit()
        [row] = links.short_links_of_draft(session, draft.id)
        return row.code


def clicks(ws: Workspace, code: str) -> int:
    with ws.chorus.services.sessions() as session:
        row = links.get_short_link(session, code)
        assert row is not None
        return row.clicks


def test_get_redirects_to_the_link_and_counts_the_click(ws: Workspace, server: HttpClient) -> None:
    code = short_code(ws, "https://acme.example/help?topic=export&lang=en")

    answer = send(server, "GET", f"/r/{code}")

    assert answer.status == 302
    assert answer.headers["location"] == "https://acme.example/help?topic=export&lang=en"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert b'href="https://acme.example/help?topic=export&amp;lang=en"' in answer.body
    assert clicks(ws, code) == 1
    send(server, "GET", f"/r/{code}")
    assert clicks(ws, code) == 2


def test_a_link_with_letters_beyond_ascii_gets_a_header_safe_location(
    ws: Workspace, server: HttpClient
) -> None:
    code = short_code(ws, "https://de.wikipedia.org/wiki/Köln")

    answer = send(server, "GET", f"/r/{code}")

    assert answer.status == 302
    assert answer.headers["location"] == "https://de.wikipedia.org/wiki/K%C3%B6ln"
    assert "https://de.wikipedia.org/wiki/Köln".encode() in answer.body


def test_head_answers_the_same_redirect_without_counting(ws: Workspace, server: HttpClient) -> None:
    code = short_code(ws, "https://acme.example/help")

    answer = send(server, "HEAD", f"/r/{code}")

    assert answer.status == 302
    assert answer.headers["location"] == "https://acme.example/help"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.body == b""
    assert clicks(ws, code) == 0


def test_a_preview_robot_is_redirected_without_counting(ws: Workspace, server: HttpClient) -> None:
    code = short_code(ws, "https://acme.example/help")

    answer = send(server, "GET", f"/r/{code}", "Slackbot-LinkExpanding 1.0")

    assert answer.status == 302 and answer.headers["location"] == "https://acme.example/help"
    assert clicks(ws, code) == 0


@pytest.mark.parametrize("path", ["/r/Zz99Zz99", "/r/abc", "/r/" + "A" * 17, "/r/ab-cd", "/r/"])
def test_unknown_or_malformed_codes_are_404_with_a_sentence(
    ws: Workspace, server: HttpClient, path: str
) -> None:
    short_code(ws, "https://acme.example/help")

    answer = send(server, "GET", path)

    assert answer.status == 404
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.body == UNKNOWN


def test_a_code_with_more_path_is_404(ws: Workspace, server: HttpClient) -> None:
    code = short_code(ws, "https://acme.example/help")
    assert send(server, "GET", f"/r/{code}/more").status == 404
    assert clicks(ws, code) == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(ws: Workspace, server: HttpClient, method: str) -> None:
    code = short_code(ws, "https://acme.example/help")

    answer = send(server, method, f"/r/{code}")

    assert answer.status == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert clicks(ws, code) == 0
