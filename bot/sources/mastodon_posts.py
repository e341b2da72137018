"""A Mastodon status as a mention object: plain text from its HTML, "@user@instance"
handles, the original of a boost."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from bot.listening_config import SourceConfig
from bot.services.ingest import AuthorIn, MentionIn
from bot.sources.social import http_url, moment, short

BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}

Json = Mapping[str, Any]


def to_mention(status: Json, config: SourceConfig) -> MentionIn | None:
    """A Mastodon status as a mention object; None when it has nothing to read."""
    text = status_text(status)
    if not text:
        return None
    account: Json = status["account"]
    return MentionIn(
        network=config.mention_network,
        external_id=str(status["id"]),
        url=http_url(status.get("url")) or http_url(status.get("uri")),
        text=text,
        author=AuthorIn(
            handle=account_handle(account, config.base_url),
            name=short(str(account.get("display_name") or account.get("username") or ""), 300)
            or None,
            followers=account.get("followers_count"),
            url=http_url(account.get("url")),
        ),
        created_at=when_posted(status),
        language=status.get("language") or None,
        source=config.name,
    )


def status_text(status: Json) -> str:
    """Plain text of a status: its content warning, then its content; a post with only
    media still says so, since a photo of a broken product is worth an answer."""
    text = html_to_text(status.get("content") or "")
    warning = (status.get("spoiler_text") or "").strip()
    if warning:
        text = f"CW: {warning}\n\n{text}".strip()
    media = len(status.get("media_attachments") or [])
    if not text and media:
        text = f"(no text: {media} attachment{'s' if media > 1 else ''}; open the post to see)"
    return text


def account_handle(account: Json, base_url: str | None) -> str:
    """The author as "@user@instance": a local account's acct has no domain, so add its
    server's (the host of its profile URL, else of base_url)."""
    acct = str(account.get("acct") or account.get("username") or "").lstrip("@")
    if "@" not in acct:
        host = urlsplit(str(account.get("url") or "")).hostname
        acct = f"{acct}@{host or urlsplit(base_url or '').hostname}"
    return f"@{acct}"


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCKS and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Mastodon's HTML content as plain text, keeping its paragraphs and line breaks."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def when_posted(status: Json) -> datetime:
    found = moment(status["created_at"])
    if found is None:
        raise ValueError("a status without a creation time")
    return found
