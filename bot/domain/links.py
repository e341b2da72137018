"""Links in a reply: found as people read them, rewritten to Chorus short links (/r/CODE).

A short link lets Chorus count clicks itself. Only the count is kept; what tells one visitor
from another (address, browser) is never stored. Previews fetched by robots (Slack, the
networks, search engines) are not clicks and are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

# A link runs from http(s):// to the first space, angle bracket or double quote, or the first
# character that is neither ASCII nor a Latin or Cyrillic letter (as X's parser does): "Köln"
# stays in a link, while an emoji, "。", "»", "—" or Japanese text right after it end it.
LINK = re.compile(
    r"(?<![A-Za-z0-9])https?://[!#-;=?-~\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
    r"\u1e00-\u1eff\u0400-\u04ff]+",
    re.IGNORECASE,
)
# Sentence punctuation and quotes after a link belong to the sentence, not to the link.
TRAILING = frozenset(".,;:!?'*")
CLOSERS = {")": "(", "]": "["}
CODE = re.compile(r"[A-Za-z0-9]{4,16}")
SHORT_PATH = "/r/"
# Names in the user agents of robots that fetch a link to show its preview, and words that
# name robots in general: their fetches would count as clicks nobody made.
PREVIEW_ROBOTS = (
    "slackbot",
    "slack-imgproxy",
    "twitterbot",
    "facebookexternalhit",
    "linkedinbot",
    "mastodon/",
    "bluesky cardyb",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "googlebot",
    "bingbot",
    "bot",
    "crawler",
    "spider",
    "preview",
)


def find_links(text: str, public_url: str | None = None) -> list[str]:
    """Return the distinct http(s) links of `text` in order, minus Chorus's own short links."""
    found: list[str] = []
    for _start, link in _spans(text):
        if link not in found and not is_short_link(link, public_url):
            found.append(link)
    return found


def rewrite_links(text: str, short: Mapping[str, str]) -> str:
    """Replace every occurrence of each link in `short` by its short link, nothing else."""
    pieces: list[str] = []
    done = 0
    for start, link in _spans(text):
        if link in short:
            pieces += [text[done:start], short[link]]
            done = start + len(link)
    return "".join(pieces) + text[done:]


def short_url(public_url: str, code: str) -> str:
    """Return the address of the short link `code` on the server at `public_url`."""
    return f"{public_url.rstrip('/')}{SHORT_PATH}{code}"


def is_short_link(link: str, public_url: str | None) -> bool:
    """Tell whether `link` already is a short link of this server (never shortened twice)."""
    if public_url is None:
        return False
    prefix = public_url.rstrip("/") + SHORT_PATH
    return link.lower().startswith(prefix.lower())


def is_code(code: str) -> bool:
    """Tell whether `code` could be a short link's code (checked before any query)."""
    return CODE.fullmatch(code) is not None


def is_link_preview(user_agent: str | None) -> bool:
    """Tell whether a request comes from a robot fetching a link preview, not a person."""
    agent = (user_agent or "").lower()
    return any(name in agent for name in PREVIEW_ROBOTS)


def _spans(text: str) -> list[tuple[int, str]]:
    """Return where each link starts and the link, without what ends the sentence."""
    spans = []
    for match in LINK.finditer(text):
        link = _trim(match.group())
        if _has_host(link):
            spans.append((match.start(), link))
    return spans


def _has_host(link: str) -> bool:
    try:
        return bool(urlsplit(link).hostname)
    except ValueError:  # a broken IPv6 address: "http://[oops"
        return False


def _trim(link: str) -> str:
    """Drop trailing punctuation, quotes, and closing brackets that open before the link."""
    while link:
        last = link[-1]
        opener = CLOSERS.get(last)
        if last in TRAILING or (opener and link.count(opener) < link.count(last)):
            link = link[:-1]
        else:
            return link
    return link
