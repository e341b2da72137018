"""Safe text for Block Kit: customer words are untrusted and must never ping or mislead."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from bot.domain.limits import is_http_url

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
BUTTON_URL_LIMIT = 3000
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a customer's name ending
# in U+202E would turn the rest of a card's line around. A reply never needs them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
HALF_ENTITY = re.compile(r"&(?:a|am|amp|l|lt|g|gt)?$")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters, and drop the
    bidirectional controls that would make Chorus's own words around `text` read backwards."""
    text = BIDI_CONTROLS.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, ending with "…" when it was cut."""
    if len(text) <= limit:
        return text
    # Escaped text may be cut in the middle of an entity: drop the half ("&l"), which would
    # otherwise show as a stray ampersand.
    return HALF_ENTITY.sub("", text[: limit - 1]) + "…"


def safe_url(url: str | None) -> str | None:
    """Return the URL fit for a link, or None when it is not plain http(s)."""
    if not url or not is_http_url(url) or len(url) > BUTTON_URL_LIMIT:
        return None
    # Characters that would close or split a Slack link are percent-encoded.
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str) -> str:
    """A mrkdwn link from a validated URL, or just the escaped label."""
    target = safe_url(url)
    shown = escape(label).replace("|", "¦")
    return f"<{target}|{shown}>" if target else shown


def when(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"
