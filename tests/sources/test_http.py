"""Our feed fetch client against a real local server: conditional, bounded, plain-spoken."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.sources.base import SourceError
from bot.sources.http import USER_AGENT, RateLimited, fetch, retry_after_seconds, shown_url
from tests.support.feed_server import FeedServer, Route, fixture

FEED = fixture("wordpress-comments.xml")
MODIFIED = "Fri, 20 Nov 2026 10:42:17 GMT"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=5) as server:
        yield server


def test_a_feed_comes_back_with_its_validators(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", FEED, etag='"v1"', last_modified=MODIFIED)
    fetched = fetch(url, timeout=2, max_bytes=1024 * 1024)
    assert (fetched.status, fetched.body) == (200, FEED)
    assert (fetched.etag, fetched.last_modified, fetched.url) == ('"v1"', MODIFIED, url)
    assert feeds.requests_to("/comments/feed/")[0].headers["user-agent"] == USER_AGENT


def test_an_unchanged_feed_answers_304_with_no_body(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", FEED, etag='"v1"')
    fetched = fetch(url, timeout=2, max_bytes=1024 * 1024, etag='"v1"')
    assert (fetched.status, fetched.body, fetched.etag) == (304, b"", '"v1"')
    assert feeds.requests_to("/comments/feed/")[0].headers["if-none-match"] == '"v1"'


def test_last_modified_alone_makes_the_get_conditional(feeds: FeedServer) -> None:
    url = feeds.serve("/atom", FEED, last_modified=MODIFIED)
    fetched = fetch(url, timeout=2, max_bytes=1024 * 1024, last_modified=MODIFIED)
    assert fetched.status == 304
    assert feeds.requests_to("/atom")[0].headers["if-modified-since"] == MODIFIED


def test_a_redirect_loop_stops_after_five_hops(feeds: FeedServer) -> None:
    with pytest.raises(SourceError, match="redirects more than 5 times"):
        fetch(feeds.url("/loop"), timeout=2, max_bytes=1024)
    assert len(feeds.requests) == 6


def test_a_slow_server_times_out_with_the_time_it_was_given(feeds: FeedServer) -> None:
    with pytest.raises(SourceError, match=r"/slow timed out after 0\.3 s"):
        fetch(feeds.url("/slow"), timeout=0.3, max_bytes=1024 * 1024)


def test_a_50_mb_body_is_cut_off_at_the_cap(feeds: FeedServer) -> None:
    with pytest.raises(SourceError, match="is larger than 1048576 bytes") as raised:
        fetch(feeds.url("/huge"), timeout=10, max_bytes=1024 * 1024)
    assert "max_bytes" in str(raised.value)


def test_an_announced_50_mb_body_is_refused_before_reading(feeds: FeedServer) -> None:
    with pytest.raises(SourceError, match="it announces 52428800 bytes"):
        fetch(feeds.url("/huge-declared"), timeout=10, max_bytes=1024 * 1024)


def test_429_names_the_wait_the_server_asked_for(feeds: FeedServer) -> None:
    with pytest.raises(RateLimited) as raised:
        fetch(feeds.url("/rate-limited"), timeout=2, max_bytes=1024)
    assert raised.value.retry_after == 120
    assert "HTTP 429 Too Many Requests" in str(raised.value)
    assert "retry after 120 s" in str(raised.value)


@pytest.mark.parametrize(
    ("path", "said"),
    [("/broken", "answered HTTP 500 Internal Server Error"), ("/nowhere", "HTTP 404 Not Found")],
)
def test_http_errors_name_the_status(feeds: FeedServer, path: str, said: str) -> None:
    with pytest.raises(SourceError, match=said):
        fetch(feeds.url(path), timeout=2, max_bytes=1024)


def test_a_closed_port_says_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match="could not connect to .* connection refused"):
        fetch(f"http://127.0.0.1:{port}/feed", timeout=2, max_bytes=1024)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed", "/etc/passwd"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(SourceError, match=r"is not an http:// or https:// URL"):
        fetch(url, timeout=2, max_bytes=1024)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds("Fri, 20 Nov 2026 12:02:00 GMT", now) == 120
    assert retry_after_seconds("whenever", now) is None
    assert retry_after_seconds(None, now) is None


def test_errors_never_show_tokens_from_the_url() -> None:
    shown = shown_url("https://user:secret@alerts.example/feeds/123?token=abc")
    assert shown == "https://alerts.example/feeds/123"


def test_a_redirect_to_a_local_file_is_refused(feeds: FeedServer) -> None:
    feeds.routes["/moved"] = Route(b"", 302, {"Location": "file:///etc/passwd"})
    with pytest.raises(SourceError, match="redirects to a URL that is not http"):
        fetch(feeds.url("/moved"), timeout=2, max_bytes=1024)
