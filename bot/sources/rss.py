"""RSS and Atom feeds (blog comments, alert feeds, forum and tag feeds) as a source.

The bytes are fetched by our own client (bounded in time and size, conditional GET);
feedparser only ever sees those bytes, wrapped in a stream: given a string it would open
URLs or local files by itself.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
from pydantic import ValidationError

from bot.domain.limits import is_http_url
from bot.listening_config import SourceConfig
from bot.services.ingest import MentionIn
from bot.sources.base import Poll, SourceError
from bot.sources.http import fetch, shown_url

SEEN_LIMIT = 200  # the newest entries remembered; feeds rarely list more
MAX_ID = 300
MAX_TEXT = 4000
BLOCK_TAGS = {
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "table",
}
HIDDEN_TAGS = {"script", "style", "template"}


@dataclass(frozen=True)
class _Entry:
    """One feed entry: its identity and date, and the mention it makes (None: no text)."""

    id: str
    created_at: datetime | None
    mention: MentionIn | None


class RssSource:
    """Poll one RSS or Atom feed; its cursor is the ETag, Last-Modified and seen entry ids."""

    def __init__(self, config: SourceConfig) -> None:
        if config.url is None:
            raise ValueError(f"source {config.name} needs a url")
        self.config = config
        self.url = config.url

    def poll(self, cursor: dict[str, Any], since: datetime) -> Poll:
        """Fetch the feed; new entries are the ones not seen before, oldest first."""
        fetched = fetch(
            self.url,
            timeout=self.config.timeout_seconds,
            max_bytes=self.config.max_bytes,
            etag=cursor.get("etag"),
            last_modified=cursor.get("last_modified"),
        )
        if fetched.status == 304:
            return Poll([], dict(cursor), 0)
        entries = read_feed(fetched.body, fetched.url, self.config)
        first_poll = "seen" not in cursor
        seen = set(cursor.get("seen", []))
        mentions: list[MentionIn] = []
        skipped = 0
        for entry in reversed(entries):  # oldest first
            if entry.id in seen:
                continue
            too_old = first_poll and (entry.created_at is None or entry.created_at < since)
            if entry.mention is None or too_old:
                skipped += 1
            else:
                mentions.append(entry.mention)
        next_cursor = {
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "seen": [entry.id for entry in entries],
        }
        return Poll(mentions, next_cursor, skipped)


def read_feed(body: bytes, url: str, config: SourceConfig) -> list[_Entry]:
    """Parse feed bytes into entries, newest first (at most SEEN_LIMIT), or raise
    SourceError when the body is not a feed at all."""
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-location": url}, sanitize_html=True
    )
    if not parsed.get("version") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        raise SourceError(f"{shown_url(url)} is not an RSS or Atom feed{detail}")
    feed_title = _plain(parsed.get("feed", {}).get("title", ""))
    entries = [_entry(raw, feed_title, config) for raw in parsed.entries]
    # Undated entries sort as the oldest; the stable sort keeps the feed's own order.
    entries.sort(key=lambda e: e.created_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return entries[:SEEN_LIMIT]


def _entry(raw: Any, feed_title: str, config: SourceConfig) -> _Entry:
    text = entry_text(raw)
    link = raw.get("link")
    url = link.strip() if isinstance(link, str) and is_http_url(link) else None
    entry_id = _entry_id(raw, text)
    created_at = _when(raw.get("published_parsed") or raw.get("updated_parsed"))
    if not text:
        return _Entry(entry_id, created_at, None)
    item = {
        "network": config.mention_network,
        "external_id": entry_id,
        "url": url,
        "text": text,
        "author": _author(raw, feed_title),
        "created_at": created_at,
        "source": config.name,
    }
    try:
        return _Entry(entry_id, created_at, MentionIn.model_validate(item))
    except ValidationError:
        return _Entry(entry_id, created_at, None)


def _entry_id(raw: Any, text: str) -> str:
    """The guid or id, else the link, else a digest of the words; digests stand in for
    ids too long to store."""
    candidate = (raw.get("id") or raw.get("link") or "").strip()
    if not candidate:
        candidate = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    if len(candidate) > MAX_ID:
        candidate = "sha256:" + hashlib.sha256(candidate.encode()).hexdigest()
    return candidate


def entry_text(raw: Any) -> str:
    """Title and summary as plain text (HTML stripped, entities decoded)."""
    title = _detail_text(raw.get("title", ""), raw.get("title_detail"))
    summary_value = raw.get("summary") or ""
    summary_detail = raw.get("summary_detail")
    if not summary_value and raw.get("content"):
        summary_value, summary_detail = raw.content[0].get("value", ""), raw.content[0]
    summary = _detail_text(summary_value, summary_detail)
    if title and summary.startswith(title):
        title = ""  # feeds without titles often repeat the summary's opening there
    text = "\n\n".join(part for part in (title, summary) if part)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _detail_text(value: str, detail: Any) -> str:
    kind = (detail or {}).get("type", "text/html")
    return _plain(value) if "html" in kind else " ".join(value.split())


def _author(raw: Any, feed_title: str) -> dict[str, Any] | None:
    detail = raw.get("author_detail") or {}
    name = (detail.get("name") or raw.get("author") or "").strip()
    handle = name or (detail.get("email") or "").strip() or feed_title
    if not handle:
        return None
    href = detail.get("href")
    return {
        "handle": handle[:MAX_ID],
        "name": (name or handle)[:MAX_ID],
        "url": href if isinstance(href, str) and is_http_url(href) else None,
    }


def _when(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


class _TextOnly(HTMLParser):
    """Collect the words of an HTML fragment; block tags become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _plain(html: str) -> str:
    """Strip tags and decode entities, keeping paragraphs as single line breaks."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
