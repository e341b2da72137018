"""The RSS/Atom source against recorded feeds on a local server: backfill, ETags, novelty."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.model import Network
from bot.listening_config import SourceConfig
from bot.sources.base import SourceError
from bot.sources.rss import RssSource
from tests.support.feed_server import FeedServer, fixture

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(hours=24)
ANA_412 = "https://blog.acme.example/?p=981#comment-412"
MARC_409 = "https://blog.acme.example/?p=981#comment-409"
JONAS_415 = "https://blog.acme.example/?p=981#comment-415"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=5) as server:
        yield server


def rss(url: str, **options: Any) -> RssSource:
    return RssSource(SourceConfig(name="blog-comments", kind="rss", url=url, **options))


def test_a_first_poll_brings_only_comments_inside_the_backfill_window(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"), etag='"v1"')
    poll = rss(url).poll({}, since=SINCE)
    assert [m.external_id for m in poll.mentions] == [MARC_409, ANA_412]  # oldest first
    assert poll.skipped == 2  # Priya's and Tom's comments are days old
    assert poll.cursor["etag"] == '"v1"'
    assert len(poll.cursor["seen"]) == 4


def test_a_comment_becomes_a_plain_text_mention(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"))
    ana = rss(url).poll({}, since=SINCE).mentions[-1]
    assert ana.network is Network.BLOG
    assert ana.url == "https://blog.acme.example/2026/11/export-to-csv/#comment-412"
    assert ana.text == (
        "Comment on Export to CSV is here by Ana Lima\n\n"
        "It’s great that export works now, but the file still has <b> tags in the notes "
        "column & no header row. Is that a bug?"
    )
    assert ana.author is not None and ana.author.handle == "Ana Lima"
    assert ana.created_at == datetime(2026, 11, 20, 10, 42, 17, tzinfo=UTC)
    assert ana.source == "blog-comments"


def test_an_unchanged_feed_brings_nothing_and_keeps_its_cursor(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"), etag='"v1"')
    source = rss(url)
    first = source.poll({}, since=SINCE)
    second = source.poll(first.cursor, since=SINCE)
    assert (second.mentions, second.cursor) == ([], first.cursor)
    assert feeds.requests_to("/comments/feed/")[1].headers["if-none-match"] == '"v1"'


def test_only_the_new_comment_comes_in_when_the_feed_changes(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"), etag='"v1"')
    source = rss(url)
    first = source.poll({}, since=SINCE)
    feeds.serve("/comments/feed/", fixture("wordpress-comments-later.xml"), etag='"v2"')
    later = source.poll(first.cursor, since=SINCE + timedelta(hours=1))
    assert [m.external_id for m in later.mentions] == [JONAS_415]
    assert "My login broke after the update – I get <Error 500>" in later.mentions[0].text
    assert later.cursor["etag"] == '"v2"'


def test_a_server_without_validators_still_brings_nothing_twice(feeds: FeedServer) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"))
    source = rss(url)
    first = source.poll({}, since=SINCE)
    assert source.poll(first.cursor, since=SINCE).mentions == []


def test_an_atom_tag_feed_reads_titles_summaries_and_authors(feeds: FeedServer) -> None:
    url = feeds.serve("/feeds/tag/acme-sdk", fixture("stackoverflow-tag.atom"))
    source = rss(url, network="other")
    mentions = source.poll({}, since=SINCE).mentions
    assert [m.external_id for m in mentions] == [
        "https://stackoverflow.com/q/79199876",
        "https://stackoverflow.com/q/79201234",
    ]
    question = mentions[-1]
    assert question.network is Network.OTHER
    assert question.text.startswith('acme-sdk export() returns "403 Forbidden" with a valid')
    assert "acme.errors.Forbidden: 403 <missing scope>" in question.text
    assert "Is there a scope I'm missing?" in question.text
    assert "<code>" not in question.text and "&#39;" not in question.text
    assert question.author is not None
    assert question.author.url == "https://stackoverflow.com/users/2291934/ana-lima"


def test_a_first_poll_with_a_zero_backfill_brings_nothing_but_remembers_all(
    feeds: FeedServer,
) -> None:
    url = feeds.serve("/comments/feed/", fixture("wordpress-comments.xml"))
    poll = rss(url, backfill_hours=0).poll({}, since=NOW)
    assert (poll.mentions, poll.skipped, len(poll.cursor["seen"])) == ([], 4, 4)


EMPTY_ITEMS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Acme alerts</title>
<item><guid isPermaLink="false">alert-1</guid><title></title><description>  </description>
<pubDate>Fri, 20 Nov 2026 11:00:00 +0000</pubDate></item>
<item><guid isPermaLink="false">alert-2</guid><title>Acme &amp; the export</title>
<pubDate>Fri, 20 Nov 2026 11:30:00 +0000</pubDate></item>
</channel></rss>"""


def test_entries_without_words_are_skipped_and_counted(feeds: FeedServer) -> None:
    url = feeds.serve("/alerts", EMPTY_ITEMS)
    poll = rss(url).poll({}, since=SINCE)
    assert [(m.external_id, m.text) for m in poll.mentions] == [("alert-2", "Acme & the export")]
    assert poll.mentions[0].author is not None
    assert poll.mentions[0].author.handle == "Acme alerts"  # no author: the feed's title
    assert poll.skipped == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/rss+xml"),
        (b"\x00\xff\xfe garbage \x01", "application/octet-stream"),
        (b'{"items": []}', "application/json"),
        (b"/etc/passwd", "text/plain"),  # bytes that name a file are never opened as one
    ],
)
def test_a_body_that_is_not_a_feed_says_so(
    feeds: FeedServer, body: bytes, content_type: str
) -> None:
    url = feeds.serve("/feed", body, content_type=content_type)
    with pytest.raises(SourceError, match=r"/feed is not an RSS or Atom feed"):
        rss(url).poll({}, since=SINCE)


def test_a_web_page_is_not_a_feed(feeds: FeedServer) -> None:
    with pytest.raises(SourceError, match=r"/page\.html is not an RSS or Atom feed"):
        rss(feeds.url("/page.html")).poll({}, since=SINCE)
