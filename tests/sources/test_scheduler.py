"""The source scheduler polls each source at start-up on its own job; `chorus sources` and
`/chorus sources` then show each source's health."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot import jobs
from bot.sources.health import SourceHealth, format_health_text, source_health
from bot.sources.runner import build_sources, poll_source
from bot.sources.scheduler import DIGEST_JOB, SourceScheduler
from bot.standin import SlackStandIn
from handlers.sources_view import build_health_blocks, build_health_message
from storage.models import SourceStateRow
from tests.support.feed_server import FeedServer, fixture
from tests.support.slack import message_text
from tests.support.source_workspace import rss_table, workspace_with_sources
from tests.support.workspace import Workspace

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEN_YEARS = 24 * 365 * 10


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=5) as server:
        yield server


@pytest.fixture
def listening(sqlite_url: str, standin: SlackStandIn, feeds: FeedServer) -> Iterator[Workspace]:
    """Chorus with three feeds: Stack Overflow questions, a broken feed, one never polled."""
    questions = feeds.serve("/feeds/tag/acme-sdk", fixture("stackoverflow-tag.atom"))
    ws = workspace_with_sources(
        sqlite_url,
        standin,
        rss_table("questions", questions, every_minutes=60, backfill_hours=TEN_YEARS),
        rss_table("bad-feed", feeds.url("/broken"), every_minutes=60),
        rss_table("new-feed", feeds.url("/page.html"), every_minutes=60),
    )
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def polled(ws: Workspace, names: set[str]) -> set[str]:
    with ws.chorus.services.sessions() as session:
        rows = session.query(SourceStateRow).filter(SourceStateRow.last_polled_at.is_not(None))
        return {row.name for row in rows} & names


def test_each_source_polls_once_at_start_up_on_its_own_job(listening: Workspace) -> None:
    services = listening.chorus.services
    sources = build_sources(services.config, {})[:2]
    scheduler = SourceScheduler(services, sources)
    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while polled(listening, {"questions", "bad-feed"}) != {"questions", "bad-feed"}:
            assert time.monotonic() < deadline, "the sources did not poll at start-up"
            time.sleep(0.02)
        assert scheduler.job_ids() == sorted(
            [*jobs.EVERY_MINUTE, DIGEST_JOB, "source:bad-feed", "source:questions"]
        )
        job = scheduler.scheduler.get_job("source:questions")
        assert job is not None and job.trigger.interval == timedelta(minutes=60)
    finally:
        scheduler.shutdown()
    health = {row.name: row for row in source_health(services)}
    assert (health["questions"].status, health["questions"].brought_in) == ("healthy", 3)
    assert health["bad-feed"].status == "failing"
    assert "HTTP 500" in (health["bad-feed"].last_error or "")
    listening.deliver()
    assert len(listening.standin.messages("C0GENERAL")) == 3


def poll_all(ws: Workspace) -> list[SourceHealth]:
    """Poll the questions and the broken feed at NOW; the third source never polls."""
    services = ws.chorus.services
    for source in build_sources(services.config, {})[:2]:
        poll_source(services, source, NOW)
    return source_health(services)


def test_health_lists_every_configured_source_with_what_it_did(listening: Workspace) -> None:
    questions, broken, fresh = poll_all(listening)
    assert (questions.name, questions.last_success_at, questions.brought_in) == (
        "questions",
        NOW,
        3,
    )
    assert (questions.failures, questions.next_poll_at) == (0, NOW + timedelta(minutes=60))
    assert (broken.name, broken.status, broken.last_error_at, broken.brought_in) == (
        "bad-feed",
        "failing",
        NOW,
        0,
    )
    assert (fresh.name, fresh.status, fresh.last_polled_at) == ("new-feed", "never polled", None)


def test_the_health_text_has_aligned_columns_and_each_last_error(listening: Workspace) -> None:
    text = format_health_text(poll_all(listening), NOW + timedelta(minutes=3))
    header, questions, broken, error, fresh = text.splitlines()
    columns = ["SOURCE", "KIND", "STATUS", "LAST SUCCESS", "BROUGHT IN", "NEXT POLL"]
    starts = [header.index(column) for column in columns]
    for line in (questions, broken, fresh):
        # every cell starts right under its column's title
        assert all(line[at] != " " and line[at - 1 : at] in ("", " ") for at in starts), line
    assert questions.split() == ["questions", "rss", "healthy", "3", "min", "ago", "3", "in"] + [
        "57",
        "min",
    ]
    assert broken.split()[:5] == ["bad-feed", "rss", "failing", "never", "0"]
    assert error.startswith("  last error 3 min ago: http://127.0.0.1:")
    assert error.endswith("/broken answered HTTP 500 Internal Server Error")
    assert fresh.split() == ["new-feed", "rss", "never", "polled", "never", "0", "at", "start-up"]


def test_no_sources_says_how_to_add_one() -> None:
    assert "Add a [[sources]] table to chorus.toml" in format_health_text([], NOW)


def test_the_slack_view_shows_success_errors_and_counts(listening: Workspace) -> None:
    text, blocks = build_health_message(poll_all(listening), NOW)
    assert text == "Sources: 3, 1 failing"
    title, questions, broken, fresh = (message_text({"blocks": [b]}) for b in blocks)
    assert title == "*Sources* (3)"
    assert "*questions* · rss · healthy" in questions and "Brought in: *3*" in questions
    assert f"Last success: <!date^{int(NOW.timestamp())}^" in questions
    assert "Last error" not in questions
    assert "*bad-feed* · rss · failing" in broken and "Brought in: *0*" in broken
    assert "Last error, <!date^" in broken and "answered HTTP 500" in broken
    assert "Last success: never" in broken
    assert "never polled" in fresh and "Brought in" not in fresh


def test_an_error_with_slack_markup_cannot_ping_anyone() -> None:
    row = SourceHealth(
        "alerts",
        "rss",
        last_polled_at=NOW,
        last_error="unexpected error: ValueError: <!channel> & <@U0ANA> said <b>",
        last_error_at=NOW,
        failures=1,
    )
    [_, section] = build_health_blocks([row], NOW)
    shown = section["text"]["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U0ANA&gt; said &lt;b&gt;" in shown
    assert "<!channel>" not in shown and "<@U0ANA>" not in shown


def test_a_long_list_of_sources_stays_within_slacks_50_blocks() -> None:
    rows = [SourceHealth(f"feed-{i}", "rss") for i in range(60)]
    blocks = build_health_blocks(rows, NOW)
    assert len(blocks) <= 50
    assert blocks[-1]["elements"][0]["text"].startswith("…and 15 more")
