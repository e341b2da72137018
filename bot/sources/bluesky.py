"""Bluesky: posts matching the configured search terms, and mentions of the brand account
(with replies to it and quotes of it), via atproto.

Chorus signs in once with an app password (createSession is rate limited hard, about 30
per 5 minutes) and keeps the session between polls; when the server forgets it, Chorus
signs in again once. Rate limits become `RateLimited`; nothing here ever sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from atproto import Client, models
from atproto_client.exceptions import (
    InvokeTimeoutError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from bot.listening_config import SourceConfig
from bot.sources.base import Poll, SourceError
from bot.sources.bluesky_posts import post_mention, post_time
from bot.sources.http import RateLimited
from bot.sources.social import Harvest, moment, rate_limit_wait, short, try_again

DEFAULT_BASE_URL = "https://bsky.social"
PAGE = 50
MAX_PAGES = 4  # per query and poll
OVERLAP = timedelta(minutes=15)  # look back this far for posts the index took time to show
MAX_SEEN = 500
REASONS = ["mention", "reply", "quote"]  # notifications that are someone talking to the brand
T = TypeVar("T")


class BlueskySource:
    """Polls Bluesky search for the configured terms and the brand account's notifications."""

    def __init__(self, config: SourceConfig, env: Mapping[str, str]) -> None:
        self.config = config
        self._env = env
        self._host = urlsplit(config.base_url or DEFAULT_BASE_URL).netloc
        self._client: Client | None = None
        self._did: str | None = None

    def poll(self, cursor: dict[str, Any], since: datetime) -> Poll:
        kept = self._client is not None
        try:
            return self._read(self._signed_in(), cursor, since)
        except UnauthorizedError as error:
            self._client = None
            if not kept:
                raise self._explain(error) from error
        except AtProtocolError as error:
            raise self._explain(error) from error
        try:  # the server forgot the session kept from an earlier poll: sign in again, once
            return self._read(self._signed_in(), cursor, since)
        except AtProtocolError as error:
            raise self._explain(error) from error

    def _read(self, client: Client, cursor: dict[str, Any], since: datetime) -> Poll:
        harvest = _Harvest(self.config, cursor, since, self._did)
        if self.config.mentions:
            _read_notifications(client, harvest)
        for term in self.config.search_terms:
            _read_search(client, term, harvest)
        return harvest.poll()

    def _signed_in(self) -> Client:
        if self._client is None:
            handle, password = self._credentials()
            client = Client(
                base_url=self.config.base_url or DEFAULT_BASE_URL,
                request=Request(timeout=self.config.timeout_seconds),
            )
            try:
                profile = client.login(handle, password)
            except AtProtocolError as error:
                raise self._explain(error, signing_in=True) from error
            self._did = profile.did if profile is not None else None
            self._client = client
        return self._client

    def _credentials(self) -> tuple[str, str]:
        handle = (self.config.handle or "").strip().lstrip("@")
        if not handle:
            raise SourceError(
                "handle is not set: Chorus signs in to Bluesky as the brand account "
                '(handle = "acme.bsky.social")'
            )
        name = self.config.app_password_env
        if name is None:
            raise SourceError(
                "app_password_env is not set: name the environment variable that holds "
                f"an app password of {handle}"
            )
        password = self._env.get(name, "").strip()
        if not password:
            raise SourceError(
                f"{name} is not set: put an app password of {handle} (Bluesky settings, "
                "Privacy and security, App passwords) in that environment variable"
            )
        return handle, password

    def _explain(self, error: AtProtocolError, signing_in: bool = False) -> SourceError:
        host, response = self._host, getattr(error, "response", None)
        said = _said(response)
        if isinstance(error, RateLimitExceededError):
            wait = rate_limit_wait(response.headers if response else {}, "ratelimit-reset")
            return RateLimited(f"{host} is rate limiting Chorus (HTTP 429){try_again(wait)}", wait)
        if isinstance(error, UnauthorizedError) and signing_in:
            return SourceError(
                f"the app password was refused by {host} ({said}): check that "
                f"{self.config.app_password_env} holds a current app password of "
                f"{self.config.handle}"
            )
        if isinstance(error, UnauthorizedError):
            return SourceError(f"{host} refused the session ({said}); Chorus will sign in again")
        if isinstance(error, InvokeTimeoutError):
            return SourceError(f"{host} did not answer within {self.config.timeout_seconds:g} s")
        if isinstance(error, RequestErrorBase) and response is None:
            return SourceError(f"could not reach {host}: {_network_reason(error)}")
        if response is not None and response.status_code >= 500:
            return SourceError(f"{host} answered {said}, a server error; Chorus will try again")
        if response is not None:
            return SourceError(f"{host} refused the request ({said})")
        return SourceError(f"{host} gave an answer Chorus cannot use: {short(str(error))}")


class _Window:
    """Where one query got to: its newest post time, and the posts seen close to it."""

    def __init__(self, raw: Any, since: datetime) -> None:
        raw = raw if isinstance(raw, dict) else {}
        self.newest = moment(raw.get("newest"))
        self.first = self.newest is None
        self.start = since if self.newest is None else self.newest - OVERLAP
        self.seen: dict[str, str] = dict(raw.get("seen") or {})

    def take(self, uri: str, at: datetime) -> bool:
        """Whether the post is new here; a new one is remembered."""
        if uri in self.seen or at < self.start:
            return False
        self.seen[uri] = at.isoformat()
        self.newest = max(self.newest or at, at)
        return True

    def dump(self) -> dict[str, Any]:
        if self.newest is None:
            return {}
        recent = {uri: at for uri, at in self.seen.items() if _time(at) >= self.newest - OVERLAP}
        latest = sorted(recent.items(), key=lambda item: item[1], reverse=True)[:MAX_SEEN]
        return {"newest": self.newest.isoformat(), "seen": dict(latest)}


class _Harvest(Harvest):
    def __init__(
        self, config: SourceConfig, cursor: dict[str, Any], since: datetime, brand: str | None
    ) -> None:
        super().__init__(cursor, since)
        self.config, self.brand = config, brand

    def add(self, window: _Window, uri: str, at: datetime, author: Any, record: Any) -> None:
        if not window.take(uri, at):
            self.skipped += window.first  # older than the backfill window
        elif author.did == self.brand:
            self.skipped += 1
        elif not self.has(uri):
            self.keep(lambda: post_mention(uri, author, record, self.config))


def _read_search(client: Client, term: str, harvest: _Harvest) -> None:
    key = f"search:{term}"
    window = _Window(harvest.cursor.get(key), harvest.since)

    def fetch(page: str | None) -> tuple[list[Any], str | None]:
        params = models.AppBskyFeedSearchPosts.Params(
            q=term, sort="latest", limit=PAGE, since=_iso(window.start), cursor=page
        )
        found = client.app.bsky.feed.search_posts(params=params)
        return found.posts, found.cursor

    for post in reversed(_collect(fetch, window.start, post_time)):
        harvest.add(window, post.uri, post_time(post), post.author, post.record)
    harvest.cursor[key] = window.dump()


def _read_notifications(client: Client, harvest: _Harvest) -> None:
    window = _Window(harvest.cursor.get("mentions"), harvest.since)

    def fetch(page: str | None) -> tuple[list[Any], str | None]:
        params = models.AppBskyNotificationListNotifications.Params(
            limit=PAGE, reasons=REASONS, cursor=page
        )
        found = client.app.bsky.notification.list_notifications(params=params)
        return found.notifications, found.cursor

    for note in reversed(_collect(fetch, window.start, post_time)):
        if note.reason in REASONS:
            harvest.add(window, note.uri, post_time(note), note.author, note.record)
    harvest.cursor["mentions"] = window.dump()


def _collect(
    fetch: Callable[[str | None], tuple[list[T], str | None]],
    start: datetime,
    when: Callable[[T], datetime],
) -> list[T]:
    """Newest first, page after page, until a page reaches back past `start`."""
    items: list[T] = []
    page: str | None = None
    for _ in range(MAX_PAGES):
        found, page = fetch(page)
        items.extend(found)
        if not page or not found or min(when(item) for item in found) < start:
            break
    return items


def _time(value: str) -> datetime:
    return moment(value) or datetime.min.replace(tzinfo=UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _said(response: Any) -> str:
    if response is None:
        return "no answer"
    content = response.content
    error = getattr(content, "error", None)
    message = getattr(content, "message", None)
    detail = ": ".join(str(part) for part in (error, message) if part)
    return f"HTTP {response.status_code}" + (f": {short(detail)}" if detail else "")


def _network_reason(error: AtProtocolError) -> str:
    cause = error.__cause__
    if cause is None:
        return "the connection failed"
    return short(str(cause) or type(cause).__name__)
