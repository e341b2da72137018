"""Mastodon: mentions of the brand account, hashtag timelines and searches, via Mastodon.py.

Rate limits raise (`ratelimit_method="throw"`) and become `RateLimited` with the wait the
server asked for; nothing here ever sleeps. Secrets come from the environment variable the
configuration names, read at poll time so one unset token never stops the other sources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from bot.listening_config import SourceConfig
from bot.sources.base import Poll, SourceError
from bot.sources.http import RateLimited
from bot.sources.mastodon_posts import Json, to_mention, when_posted
from bot.sources.social import Harvest, rate_limit_wait, short, try_again

PAGE = 40  # Mastodon's largest page
MAX_PAGES = 5  # per timeline and poll: 200 items, the rest at the next poll


class MastodonSource:
    """Polls one Mastodon account's mentions, its configured hashtags and search terms."""

    def __init__(self, config: SourceConfig, env: Mapping[str, str]) -> None:
        self.config = config
        self._env = env
        self._host = urlsplit(config.base_url or "").netloc or "the Mastodon server"
        self._client: Mastodon | None = None
        self._own_id: str | None = None
        self._last_headers: Mapping[str, str] = {}

    def poll(self, cursor: dict[str, Any], since: datetime) -> Poll:
        client = self._connect()
        try:
            harvest = _Harvest(self.config, dict(cursor), since, self._brand_id(client))
            if self.config.mentions:
                _read_mentions(client, harvest)
            for tag in self.config.hashtags:
                _read_hashtag(client, tag.lstrip("#"), harvest)
            for term in self.config.search_terms:
                _read_search(client, term, harvest)
        except MastodonError as error:
            raise self._explain(error) from error
        return harvest.poll()

    def _connect(self) -> Mastodon:
        if self._client is None:
            session = requests.Session()
            session.hooks["response"].append(self._remember)
            self._client = Mastodon(
                access_token=self._token(),
                api_base_url=self.config.base_url,
                ratelimit_method="throw",
                request_timeout=self.config.timeout_seconds,
                version_check_mode="none",
                session=session,
            )
        return self._client

    def _token(self) -> str | None:
        name = self.config.access_token_env
        if name is None:
            if self.config.mentions:
                raise SourceError(
                    "access_token_env is not set: reading the brand account's mentions needs "
                    "an access token (or set mentions = false to follow hashtags anonymously)"
                )
            return None
        token = self._env.get(name, "").strip()
        if not token:
            raise SourceError(
                f"{name} is not set: put an access token of the brand's Mastodon account "
                f"(with the read scope) in that environment variable"
            )
        return token

    def _brand_id(self, client: Mastodon) -> str | None:
        """The brand account's id, asked once: its own posts are not customer mentions."""
        if self._own_id is None and client.access_token is not None:
            self._own_id = str(client.account_verify_credentials()["id"])
        return self._own_id

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = response.headers

    def _explain(self, error: MastodonError) -> SourceError:
        host = self._host
        if isinstance(error, MastodonRatelimitError):
            wait = rate_limit_wait(self._last_headers, "x-ratelimit-reset")
            return RateLimited(f"{host} is rate limiting Chorus (HTTP 429){try_again(wait)}", wait)
        if isinstance(error, MastodonUnauthorizedError):
            return SourceError(
                f"the access token was refused by {host} (HTTP 401{_said(error)}): check that "
                f"{self.config.access_token_env} holds a valid token of the brand account"
            )
        if isinstance(error, MastodonNetworkError):
            if isinstance(error.__context__, requests.Timeout):
                return SourceError(
                    f"{host} did not answer within {self.config.timeout_seconds:g} seconds"
                )
            return SourceError(f"could not reach {host}: {_network_reason(error)}")
        if isinstance(error, MastodonServerError):
            return SourceError(
                f"{host} answered HTTP {_status(error)}, a server error; Chorus will try again"
            )
        if isinstance(error, MastodonAPIError):
            return SourceError(f"{host} refused the request (HTTP {_status(error)}{_said(error)})")
        return SourceError(f"{host} gave an answer Chorus cannot use: {error}")


def _read_mentions(client: Mastodon, harvest: _Harvest) -> None:
    since_id = harvest.cursor.get("mentions")
    notes = _newest(lambda **page: client.notifications(types=["mention"], **page), since_id)
    harvest.advance("mentions", [note["id"] for note in notes])
    for note in reversed(notes):
        if note.get("type") == "mention" and note.get("status"):
            harvest.add(note["status"], first=since_id is None)


def _read_hashtag(client: Mastodon, tag: str, harvest: _Harvest) -> None:
    key = f"tag:{tag}"
    since_id = harvest.cursor.get(key)
    statuses = _newest(lambda **page: client.timeline_hashtag(tag, **page), since_id)
    harvest.advance(key, [status["id"] for status in statuses])
    for status in reversed(statuses):
        harvest.add(status, first=since_id is None)


def _read_search(client: Mastodon, term: str, harvest: _Harvest) -> None:
    """Search has no since_id: keep the statuses newer than the highest id seen before."""
    key = f"search:{term}"
    seen = harvest.cursor.get(key)
    found = client.search_v2(term, resolve=False, result_type="statuses")["statuses"]
    harvest.advance(key, [status["id"] for status in found])
    for status in reversed(found):
        if seen is None or _id_key(status["id"]) > _id_key(seen):
            harvest.add(status, first=seen is None)


def _newest(fetch: Callable[..., list[Any]], since_id: str | None) -> list[Any]:
    """What came after `since_id`, newest first. Pages go forward from the cursor (min_id),
    so a burst bigger than MAX_PAGES pages is finished at the next poll, never skipped.
    A first poll (no cursor) reads the newest page only."""
    if since_id is None:
        return list(fetch(limit=PAGE))
    items: list[Any] = []
    after = since_id
    for _ in range(MAX_PAGES):
        page = list(fetch(min_id=after, limit=PAGE))
        items.extend(page)
        if len(page) < PAGE:
            break
        after = max((str(item["id"]) for item in page), key=_id_key)
    return sorted(items, key=lambda item: _id_key(item["id"]), reverse=True)


class _Harvest(Harvest):
    def __init__(
        self, config: SourceConfig, cursor: dict[str, Any], since: datetime, brand_id: str | None
    ) -> None:
        super().__init__(cursor, since)
        self.config, self.brand_id = config, brand_id

    def advance(self, key: str, ids: list[Any]) -> None:
        known = [str(value) for value in ids] + ([self.cursor[key]] if key in self.cursor else [])
        if known:
            self.cursor[key] = max(known, key=_id_key)

    def add(self, status: Json, first: bool) -> None:
        """Keep a status as a mention: the original of a boost, never the brand's own post,
        and on a first poll nothing older than the backfill window."""
        original: Json = status.get("reblog") or status
        try:
            if self.has(str(original["id"])):
                return
            own = self.brand_id is not None and str(original["account"]["id"]) == self.brand_id
            left_out = own or (first and when_posted(original) < self.since)
        except (KeyError, TypeError, ValueError):
            left_out = True  # a status missing its id, author or time cannot be a mention
        if left_out:
            self.skipped += 1
        else:
            self.keep(lambda: to_mention(original, self.config))


def _status(error: MastodonError) -> Any:
    return error.args[1] if len(error.args) > 1 else "error"


def _said(error: MastodonError) -> str:
    message = error.args[3] if len(error.args) > 3 else None
    return f": {short(str(message))}" if message else ""


def _network_reason(error: MastodonNetworkError) -> str:
    if isinstance(error.__context__, requests.ConnectionError):
        return "the connection failed (is base_url right, and the server up?)"
    return short(str(error))


def _id_key(value: Any) -> tuple[int, str]:
    """Mastodon ids are numbers in strings: longer is newer, then by text."""
    text = str(value)
    return (len(text), text)
