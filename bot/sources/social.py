"""What the social-network sources (Mastodon, Bluesky) share: a poll's harvest, and reading
how long a rate-limited server wants Chorus to wait."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import ValidationError

from bot.services.ingest import MentionIn
from bot.sources.base import Poll
from bot.sources.http import retry_after_seconds


class Harvest:
    """One poll's mentions (each post once), its advancing cursor and what it left out."""

    def __init__(self, cursor: Mapping[str, Any], since: datetime) -> None:
        self.cursor: dict[str, Any] = dict(cursor)
        self.since = since
        self.mentions: dict[str, MentionIn] = {}
        self.skipped = 0

    def has(self, external_id: str) -> bool:
        return external_id in self.mentions

    def keep(self, build: Callable[[], MentionIn | None]) -> None:
        """Keep the mention `build` makes; one it cannot make (no text, bad data) is skipped."""
        try:
            mention = build()
        except (ValidationError, KeyError, TypeError, ValueError, AttributeError):
            mention = None
        if mention is None:
            self.skipped += 1
        else:
            self.mentions.setdefault(mention.external_id, mention)

    def poll(self) -> Poll:
        """The mentions oldest first, as `Poll` promises."""
        oldest_first = sorted(
            self.mentions.values(),
            key=lambda m: m.created_at or datetime.min.replace(tzinfo=UTC),
        )
        return Poll(oldest_first, self.cursor, self.skipped)


def rate_limit_wait(
    headers: Mapping[str, str], reset_header: str, now: datetime | None = None
) -> float | None:
    """Seconds to wait after a 429: Retry-After, else the rate-limit reset time measured
    against the server's own Date header, so a clock that disagrees with ours does not matter."""
    server_now = moment(headers.get("date")) or now
    wait = retry_after_seconds(headers.get("retry-after"), server_now)
    if wait is not None:
        return wait
    reset = moment(headers.get(reset_header))
    if reset is None:
        return None
    return max(0.0, (reset - (server_now or datetime.now(UTC))).total_seconds())


def try_again(wait: float | None) -> str:
    """The end of a rate-limit sentence: when Chorus will ask again."""
    if wait is None:
        return "; Chorus will try again later"
    if wait < 90:
        return f"; Chorus will try again in {max(1, round(wait))} seconds"
    return f"; Chorus will try again in about {round(wait / 60)} minutes"


def moment(value: Any) -> datetime | None:
    """A time from an API or a header: epoch seconds, ISO 8601 or an HTTP date; always aware."""
    if isinstance(value, datetime):
        found: datetime | None = value
    elif not value:
        return None
    else:
        found = _parse(str(value).strip())
    if found is None:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _parse(text: str) -> datetime | None:
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


def http_url(value: Any) -> str | None:
    """The value when it is an http(s) URL (the only links a mention object takes), else None."""
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
