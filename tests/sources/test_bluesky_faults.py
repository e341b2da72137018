"""The Bluesky source when things go wrong: a rate limit raises at once with the wait the
server asked for, and every other fault is one clear sentence for the source's health."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.listening_config import SourceConfig
from bot.sources.base import Poll, SourceError
from bot.sources.bluesky import BlueskySource
from bot.sources.http import RateLimited
from tests.support.fake_bluesky import FakeBluesky, bluesky_source
from tests.support.fake_network import fixture

BACKFILL_START = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
LOGIN = "/xrpc/com.atproto.server.createSession"


ALL_FIRST_POLL = [  # the whole first poll, oldest first (see test_bluesky.py)
    "at://did:plc:vwzwgnygau7ed7b7wt5ux7y2/app.bsky.feed.post/3lbqpkw5r7t2d",
    "at://did:plc:k3a5xq2r7mbdz4ofhwelt6ny/app.bsky.feed.post/3lbqrhh4ec22n",
    "at://did:plc:hvm2c6vmyqjy4yqzk3cbxdva/app.bsky.feed.post/3lbqmz4gq5k2s",
    "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbqt7kq2rk2x",
    "at://did:plc:f3kyqnkqfq4rr5n3u6qgktvs/app.bsky.feed.post/3lbqtaa2bcs2f",
]


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as server:
        yield server


def first_poll(source: BlueskySource) -> Poll:
    return source.poll({}, BACKFILL_START)


def ids(poll: Poll) -> list[str]:
    return [mention.external_id for mention in poll.mentions]


def host(server: FakeBluesky) -> str:
    return server.url.removeprefix("http://")


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        # What Bluesky sends: when the window resets, measured against its own clock.
        ({"Date": "Fri, 20 Nov 2026 10:00:00 GMT", "ratelimit-reset": "1795172400"}, 3600),
        ({"Retry-After": "3600"}, 3600),
    ],
)
def test_a_rate_limit_raises_at_once_with_the_wait_bluesky_asked_for(
    bluesky: FakeBluesky, headers: dict[str, str], wait: float
) -> None:
    bluesky.fail(SEARCH, 429, {"ratelimit-limit": "3000", "ratelimit-remaining": "0", **headers})

    with pytest.raises(RateLimited) as raised:
        first_poll(bluesky_source(bluesky))

    assert raised.value.retry_after == wait  # and the poll returned instead of sleeping an hour
    assert str(raised.value) == (
        f"{host(bluesky)} is rate limiting Chorus (HTTP 429); "
        "Chorus will try again in about 60 minutes"
    )


def test_a_rate_limited_sign_in_is_a_rate_limit_too(bluesky: FakeBluesky) -> None:
    bluesky.fail(LOGIN, 429, {"Retry-After": "300"})

    with pytest.raises(RateLimited) as raised:
        first_poll(bluesky_source(bluesky))

    assert raised.value.retry_after == 300


def test_a_refused_app_password_says_which_variable_to_check(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky, env={"BSKY_APP_PASSWORD": "aaaa-bbbb-cccc-dddd"})

    with pytest.raises(SourceError) as raised:
        first_poll(source)

    assert str(raised.value) == (
        f"the app password was refused by {host(bluesky)} (HTTP 401: AuthenticationRequired: "
        "Invalid identifier or password): check that BSKY_APP_PASSWORD holds a current app "
        "password of acme.bsky.social"
    )


def test_a_server_error_is_a_clear_sentence_and_loses_nothing(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky)
    bluesky.fail(NOTIFICATIONS, 500)

    with pytest.raises(SourceError) as raised:
        first_poll(source)
    retried = first_poll(source)

    assert str(raised.value) == (
        f"{host(bluesky)} answered HTTP 500: InternalServerError: Internal Server Error, "
        "a server error; Chorus will try again"
    )
    assert ids(retried) == ALL_FIRST_POLL


def test_a_missing_app_password_variable_fails_the_poll_not_the_start(
    bluesky: FakeBluesky,
) -> None:
    source = bluesky_source(bluesky, env={})

    with pytest.raises(SourceError, match=r"^BSKY_APP_PASSWORD is not set: put an app password"):
        first_poll(source)
    assert bluesky.requests == []


def test_a_source_without_a_handle_says_so(bluesky: FakeBluesky) -> None:
    with pytest.raises(SourceError, match=r"^handle is not set: Chorus signs in to Bluesky"):
        first_poll(bluesky_source(bluesky, handle=None))


def test_an_unreachable_server_is_a_clear_sentence() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SourceConfig(
        name="brand-on-bluesky",
        kind="bluesky",
        base_url=f"http://127.0.0.1:{port}",
        handle="acme.bsky.social",
        app_password_env="BSKY_APP_PASSWORD",
    )
    source = BlueskySource(config, {"BSKY_APP_PASSWORD": "k2x7-4fqa-mz3d-9wbe"})

    with pytest.raises(SourceError, match=rf"^could not reach 127.0.0.1:{port}: "):
        source.poll({}, BACKFILL_START)


def test_an_empty_post_is_skipped_and_the_rest_still_come_in(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky, mentions=False)
    first = first_poll(source)
    empty = copy.deepcopy(fixture("bluesky", "new_search_post.json"))
    empty["uri"] = empty["uri"].replace("3lbqvb2kzfs2a", "3lbqvb2kzfs3b")
    empty["record"]["text"] = "   "
    bluesky.add_search_result("acme export", empty)
    bluesky.add_search_result("acme export", fixture("bluesky", "new_search_post.json"))

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == ["at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbqvb2kzfs2a"]
    assert second.skipped == 1
