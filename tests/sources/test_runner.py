"""Polling a source end to end: feed → ingest → cards in Slack, with cursor, health and
back-off recorded in the database; one failing source never stops another."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import parse_config
from bot.listening_config import SourceConfig
from bot.sources.base import Poll
from bot.sources.rss import RssSource
from bot.sources.runner import backoff_minutes, build_sources, poll_source
from storage.models import MentionRow, SourceStateRow
from tests.support.feed_server import FeedServer, fixture
from tests.support.slack import message_text
from tests.support.workspace import CONFIG_TOML, Workspace

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MB = 1024 * 1024


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=5) as server:
        yield server


def rss(name: str, url: str, **options: Any) -> RssSource:
    values: dict[str, Any] = {"timeout_seconds": 0.5, "max_bytes": MB, "every_minutes": 5}
    values.update(options)
    return RssSource(SourceConfig(name=name, kind="rss", url=url, **values))


def state(ws: Workspace, name: str) -> SourceStateRow:
    with ws.chorus.services.sessions() as session:
        row = session.get(SourceStateRow, name)
        assert row is not None, f"source {name} has no state"
        return row


def blog(feeds: FeedServer, name: str = "wordpress-comments.xml", etag: str = '"v1"') -> str:
    return feeds.serve("/comments/feed/", fixture(name), etag=etag)


def questions(feeds: FeedServer) -> str:
    """A Stack Overflow tag feed: two questions inside the backfill window, one older."""
    return feeds.serve("/feeds/tag/acme-sdk", fixture("stackoverflow-tag.atom"), etag='"q1"')


def test_a_first_poll_turns_recent_comments_into_cards(
    workspace: Workspace, feeds: FeedServer
) -> None:
    outcome = poll_source(workspace.chorus.services, rss("blog-comments", blog(feeds)), NOW)
    assert (outcome.status, outcome.accepted, outcome.skipped) == ("ok", 2, 2)
    workspace.deliver()
    cards = [message_text(m) for m in workspace.standin.messages("C0GENERAL")]
    assert len(cards) == 2
    assert "accounting team asked for" in cards[0] and "no header row" in cards[1]
    saved = state(workspace, "blog-comments")
    assert (saved.kind, saved.brought_in, saved.failures) == ("rss", 2, 0)
    assert saved.last_polled_at == saved.last_success_at == NOW
    assert saved.next_poll_at == NOW + timedelta(minutes=5)
    assert saved.cursor["etag"] == '"v1"' and saved.last_error is None


def test_an_unchanged_feed_brings_nothing_and_a_new_comment_comes_alone(
    workspace: Workspace, feeds: FeedServer
) -> None:
    services, source = workspace.chorus.services, rss("blog-comments", blog(feeds))
    poll_source(services, source, NOW)
    unchanged = poll_source(services, source, NOW + timedelta(minutes=5))
    assert (unchanged.status, unchanged.accepted) == ("ok", 0)
    assert feeds.requests_to("/comments/feed/")[1].headers["if-none-match"] == '"v1"'
    blog(feeds, "wordpress-comments-later.xml", etag='"v2"')
    later = poll_source(services, source, NOW + timedelta(minutes=10))
    assert later.accepted == 1
    workspace.deliver()
    [card] = workspace.standin.messages("C0SUPPORT")  # "login" is a Support keyword
    assert "My login broke after the update" in message_text(card)
    assert len(workspace.standin.messages("C0GENERAL")) == 2
    assert state(workspace, "blog-comments").brought_in == 3


def test_a_healthy_source_polls_whenever_its_job_runs(
    workspace: Workspace, feeds: FeedServer
) -> None:
    services, source = workspace.chorus.services, rss("questions", questions(feeds))
    poll_source(services, source, NOW)
    # as after a restart: the start-up poll happens even inside the interval
    again = poll_source(services, source, NOW + timedelta(minutes=2))
    assert (again.status, again.next_poll_at) == ("ok", NOW + timedelta(minutes=7))
    assert len(feeds.requests_to("/feeds/tag/acme-sdk")) == 2


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/page.html", "/page.html is not an RSS or Atom feed"),
        ("/loop", "/loop redirects more than 5 times"),
        ("/slow", "/slow timed out after 0.5 s"),
        ("/huge", "/huge is larger than 1048576 bytes"),
        ("/rate-limited", "answered HTTP 429 Too Many Requests; it asks to retry after 120 s"),
        ("/broken", "answered HTTP 500 Internal Server Error"),
    ],
)
def test_a_bad_feed_is_explained_in_its_health_and_others_carry_on(
    workspace: Workspace, feeds: FeedServer, path: str, said: str
) -> None:
    services = workspace.chorus.services
    bad = poll_source(services, rss("bad-feed", feeds.url(path)), NOW)
    good = poll_source(services, rss("questions", questions(feeds)), NOW)
    assert bad.status == "failed" and bad.error is not None and said in bad.error
    broken = state(workspace, "bad-feed")
    assert (broken.failures, broken.last_error, broken.last_error_at) == (1, bad.error, NOW)
    assert broken.last_success_at is None and broken.brought_in == 0
    assert (good.status, good.accepted) == ("ok", 2)
    workspace.deliver()
    assert len(workspace.standin.messages("C0GENERAL")) == 2


class ExplodingSource:
    """A source with a bug: its poll raises something no source should."""

    def __init__(self) -> None:
        self.config = SourceConfig(name="buggy", kind="rss", url="https://example.com/feed")

    def poll(self, cursor: dict[str, Any], since: datetime) -> Poll:
        raise KeyError("guid")


def test_an_unexpected_error_is_recorded_with_its_type_and_logged_with_a_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="chorus.sources"):
        outcome = poll_source(workspace.chorus.services, ExplodingSource(), NOW)
    assert outcome.error == "unexpected error: KeyError: 'guid'"
    assert state(workspace, "buggy").last_error == "unexpected error: KeyError: 'guid'"
    [record] = caplog.records
    assert record.exc_info is not None and "buggy" in record.getMessage()


def test_back_off_doubles_after_each_failure_and_is_capped_at_an_hour(
    any_workspace: Workspace, feeds: FeedServer
) -> None:
    services, source = any_workspace.chorus.services, rss("bad-feed", feeds.url("/broken"))
    moment, waits = NOW, []
    for _ in range(5):
        outcome = poll_source(services, source, moment)
        assert outcome.status == "failed" and outcome.next_poll_at is not None
        waits.append((outcome.next_poll_at - moment) / timedelta(minutes=1))
        early = poll_source(services, source, outcome.next_poll_at - timedelta(minutes=1))
        assert early.status == "not_due"
        moment = outcome.next_poll_at
    assert waits == [10, 20, 40, 60, 60]
    assert state(any_workspace, "bad-feed").failures == 5


def test_a_longer_retry_after_wins_over_the_back_off(
    workspace: Workspace, feeds: FeedServer
) -> None:
    source = rss("limited", feeds.url("/rate-limited"), every_minutes=0.5)
    outcome = poll_source(workspace.chorus.services, source, NOW)
    assert outcome.next_poll_at == NOW + timedelta(minutes=2)  # Retry-After: 120 > 1 minute
    assert backoff_minutes(5, 1, retry_after=120) == 10  # a shorter one changes nothing


def test_a_failure_loses_nothing_and_recovery_keeps_the_last_error(
    any_workspace: Workspace, feeds: FeedServer
) -> None:
    services, source = any_workspace.chorus.services, rss("questions", questions(feeds))
    poll_source(services, source, NOW)
    feeds.serve("/feeds/tag/acme-sdk", b"<h1>Internal Server Error</h1>", status=500)
    failed = poll_source(services, source, NOW + timedelta(minutes=5))
    with services.sessions() as session:
        assert session.query(MentionRow).count() == 2
    assert state(any_workspace, "questions").cursor["etag"] == '"q1"'
    questions(feeds)
    back = poll_source(services, source, NOW + timedelta(minutes=15))
    assert (back.status, back.accepted) == ("ok", 0)  # the cursor survived the failure
    recovered = state(any_workspace, "questions")
    assert (recovered.failures, recovered.brought_in) == (0, 2)
    assert recovered.last_success_at == NOW + timedelta(minutes=15)
    assert recovered.last_error == failed.error
    assert recovered.last_error_at == NOW + timedelta(minutes=5)


def test_sources_are_built_from_chorus_toml() -> None:
    config = parse_config(
        CONFIG_TOML + '[[sources]]\nname = "blog"\nkind = "rss"\n'
        'url = "https://blog.acme.example/comments/feed/"\n'
    )
    [source] = build_sources(config, {})
    assert isinstance(source, RssSource) and source.config.name == "blog"
