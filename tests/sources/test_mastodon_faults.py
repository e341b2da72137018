"""The Mastodon source when things go wrong: a rate limit raises at once with the wait the
server asked for, and every other fault is one clear sentence for the source's health."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.listening_config import SourceConfig
from bot.sources.base import Poll, SourceError
from bot.sources.http import RateLimited
from bot.sources.mastodon import MastodonSource
from tests.support.fake_mastodon import FakeMastodon, mastodon_source
from tests.support.fake_network import fixture

BACKFILL_START = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
NEW_MENTION = "113531000000000500"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


def first_poll(source: MastodonSource) -> Poll:
    return source.poll({}, BACKFILL_START)


def ids(poll: Poll) -> list[str]:
    return [mention.external_id for mention in poll.mentions]


def test_a_rate_limit_raises_at_once_with_the_wait_mastodon_asked_for(
    mastodon: FakeMastodon,
) -> None:
    # Mastodon says when its window resets; measured against its own clock, an hour away.
    mastodon.fail(
        "/api/v1/notifications",
        429,
        {
            "Date": "Fri, 20 Nov 2026 10:00:00 GMT",
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "2026-11-20T11:00:00.000000Z",
        },
    )

    with pytest.raises(RateLimited) as raised:
        first_poll(mastodon_source(mastodon))

    assert raised.value.retry_after == 3600
    assert str(raised.value) == (
        f"{mastodon.url.removeprefix('http://')} is rate limiting Chorus (HTTP 429); "
        "Chorus will try again in about 60 minutes"
    )


def test_a_retry_after_header_is_honoured_without_waiting_for_it(mastodon: FakeMastodon) -> None:
    mastodon.fail("/api/v1/timelines/tag/acme", 429, {"Retry-After": "3600"})

    with pytest.raises(RateLimited) as raised:
        first_poll(mastodon_source(mastodon))

    assert raised.value.retry_after == 3600  # and the poll returned instead of sleeping an hour


def test_after_a_failed_poll_the_same_cursor_loses_nothing(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon)
    first = first_poll(source)
    mastodon.add_notification(fixture("mastodon", "new_mention.json"))
    mastodon.fail("/api/v2/search", 500)

    with pytest.raises(SourceError):
        source.poll(first.cursor, BACKFILL_START)
    retried = source.poll(first.cursor, BACKFILL_START)

    assert ids(retried) == [NEW_MENTION]


def test_a_server_error_is_a_clear_sentence(mastodon: FakeMastodon) -> None:
    mastodon.fail("/api/v1/timelines/tag/acme", 500)

    with pytest.raises(SourceError, match=r"answered HTTP 500, a server error; Chorus will try"):
        first_poll(mastodon_source(mastodon))


def test_a_refused_access_token_says_which_variable_to_check(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon, env={"MASTODON_TOKEN": "revoked-token"})

    with pytest.raises(SourceError) as raised:
        first_poll(source)

    assert str(raised.value) == (
        f"the access token was refused by {mastodon.url.removeprefix('http://')} "
        "(HTTP 401: The access token is invalid): check that MASTODON_TOKEN holds a valid "
        "token of the brand account"
    )


def test_a_missing_token_variable_fails_the_poll_not_the_start(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon, env={})  # building the source is fine: others still start

    with pytest.raises(SourceError, match=r"^MASTODON_TOKEN is not set: put an access token"):
        first_poll(source)
    assert mastodon.requests == []


def test_mentions_need_a_token_variable_in_the_configuration(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon, access_token_env=None)

    with pytest.raises(SourceError, match=r"^access_token_env is not set: reading the brand"):
        first_poll(source)


def test_an_unreachable_server_is_a_clear_sentence() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SourceConfig(
        name="brand-on-mastodon",
        kind="mastodon",
        base_url=f"http://127.0.0.1:{port}",
        access_token_env="MASTODON_TOKEN",
    )

    with pytest.raises(SourceError, match=rf"^could not reach 127.0.0.1:{port}: the connection"):
        MastodonSource(config, {"MASTODON_TOKEN": "token"}).poll({}, BACKFILL_START)


def test_empty_and_broken_posts_are_skipped_and_the_rest_still_come_in(
    mastodon: FakeMastodon,
) -> None:
    source = mastodon_source(mastodon, mentions=False, search_terms=[])
    first = first_poll(source)
    empty = copy.deepcopy(fixture("mastodon", "new_tag_status.json"))
    empty.update(id="113531000000000601", content="<p></p>")
    timeless = copy.deepcopy(fixture("mastodon", "new_tag_status.json"))
    timeless.update(id="113531000000000602", created_at=None)
    for status in (empty, timeless, fixture("mastodon", "new_tag_status.json")):
        mastodon.add_to_tag("acme", status)

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == ["113531000000000510"]
    assert second.skipped == 2 and second.cursor["tag:acme"] == "113531000000000602"
