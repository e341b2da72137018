"""The Bluesky source against a fake PDS: search hits and people talking to the brand come in
once each with their authors and links, Chorus signs in once, and the posts become cards."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services import views
from bot.services.ingest import ingest
from bot.sources.base import Poll
from bot.sources.bluesky import BlueskySource
from tests.support.fake_bluesky import FakeBluesky, bluesky_source
from tests.support.fake_network import fixture
from tests.support.slack import message_text
from tests.support.workspace import Workspace

BACKFILL_START = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
LOGIN = "/xrpc/com.atproto.server.createSession"


def post_uri(did: str, rkey: str) -> str:
    return f"at://did:plc:{did}/app.bsky.feed.post/{rkey}"


ANA = post_uri("ewvi7nxzyoun6zhxrhs64oiz", "3lbqt7kq2rk2x")  # search: "export is broken"
JONAS = post_uri("k3a5xq2r7mbdz4ofhwelt6ny", "3lbqrhh4ec22n")  # search, in German
CARLA = post_uri("vwzwgnygau7ed7b7wt5ux7y2", "3lbqpkw5r7t2d")  # search, two lines
BRAND = post_uri("7iza6de2dwap2sbkpav7c6c6", "3lbqsz6vbyk2c")  # the brand's own post
OLD_HIT = post_uri("q6gjnaw2blty4crticxkmujt", "3l6oveex3ii2l")
BEN = post_uri("hvm2c6vmyqjy4yqzk3cbxdva", "3lbqmz4gq5k2s")  # mention: "pricing"
DANA = post_uri("f3kyqnkqfq4rr5n3u6qgktvs", "3lbqtaa2bcs2f")  # reply to the brand: "refund"
OLD_MENTION = post_uri("5ckfdq3vdpvfqbzcrdsqrl4k", "3l5x2k4rxyq2d")
NEW_HIT = post_uri("ewvi7nxzyoun6zhxrhs64oiz", "3lbqvb2kzfs2a")
NEW_MENTION = post_uri("2bkwo5zb7dfnrq5qfjsn6xtm", "3lbqvhhk5z22o")


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as server:
        yield server


def first_poll(source: BlueskySource) -> Poll:
    return source.poll({}, BACKFILL_START)


def ids(poll: Poll) -> list[str]:
    return [mention.external_id for mention in poll.mentions]


def by_id(poll: Poll, external_id: str) -> Any:
    return next(mention for mention in poll.mentions if mention.external_id == external_id)


def host(server: FakeBluesky) -> str:
    return server.url.removeprefix("http://")


def test_the_first_poll_brings_search_hits_mentions_and_replies_oldest_first(
    bluesky: FakeBluesky,
) -> None:
    poll = first_poll(bluesky_source(bluesky))

    assert ids(poll) == [CARLA, JONAS, BEN, ANA, DANA]


def test_likes_follows_old_posts_and_the_brands_own_posts_stay_out(bluesky: FakeBluesky) -> None:
    poll = first_poll(bluesky_source(bluesky))

    assert not {BRAND, OLD_HIT, OLD_MENTION} & set(ids(poll))
    assert poll.skipped == 2  # the old mention and the brand's own post
    [search] = bluesky.requests_to(SEARCH)
    assert search.arg("since") == "2026-11-19T10:00:00.000Z" and search.arg("sort") == "latest"
    [listing] = bluesky.requests_to(NOTIFICATIONS)
    assert listing.query["reasons"] == ["mention", "reply", "quote"]


def test_a_second_poll_brings_only_what_is_new(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky)
    first = first_poll(source)
    bluesky.add_search_result("acme export", fixture("bluesky", "new_search_post.json"))
    bluesky.add_notification(fixture("bluesky", "new_notification.json"))

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == [NEW_HIT, NEW_MENTION]
    assert first.cursor["search:acme export"]["newest"] == "2026-11-20T09:41:10.221000+00:00"
    # The next search looks back a little, for posts the index took a while to show.
    assert bluesky.requests_to(SEARCH)[-1].arg("since") == "2026-11-20T09:26:10.221Z"
    assert source.poll(second.cursor, BACKFILL_START).mentions == []


def test_posts_are_mapped_with_their_links_authors_and_languages(bluesky: FakeBluesky) -> None:
    poll = first_poll(bluesky_source(bluesky))

    ana, jonas, carla = by_id(poll, ANA), by_id(poll, JONAS), by_id(poll, CARLA)
    assert ana.url == "https://bsky.app/profile/ana.bsky.social/post/3lbqt7kq2rk2x"
    assert ana.author.model_dump() == {
        "handle": "@ana.bsky.social",
        "name": "Ana",
        "followers": None,  # a post view carries no follower count
        "url": "https://bsky.app/profile/ana.bsky.social",
    }
    assert ana.text == "@acme.bsky.social the export is broken again, I lost my drafts 😩"
    assert ana.created_at == datetime(2026, 11, 20, 9, 41, 10, 221000, tzinfo=UTC)
    assert (ana.network.value, ana.language, jonas.language) == ("bluesky", "en", "de")
    assert carla.text == "Acme export saved my week.\nThank you, whoever built the CSV option!"
    assert carla.author.handle == "@carla.studio"
    assert {mention.source for mention in poll.mentions} == {"brand-on-bluesky"}


def test_a_burst_bigger_than_a_page_comes_in_whole(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky, mentions=False)
    first = first_poll(source)
    for n in range(60):  # a search page holds 50
        post = copy.deepcopy(fixture("bluesky", "new_search_post.json"))
        post["uri"] = post["uri"].replace("3lbqvb2kzfs2a", f"3lbqvb2kzfs{n:02d}")
        post["record"]["createdAt"] = post["indexedAt"] = f"2026-11-20T10:{n:02d}:00.000Z"
        bluesky.add_search_result("acme export", post)

    second = source.poll(first.cursor, BACKFILL_START)

    assert len(second.mentions) == 60 and len(set(ids(second))) == 60
    assert [r.arg("cursor") for r in bluesky.requests_to(SEARCH)[1:]] == [None, "50"]


def test_chorus_signs_in_once_and_keeps_its_session_between_polls(bluesky: FakeBluesky) -> None:
    source = bluesky_source(bluesky)
    first = first_poll(source)
    source.poll(first.cursor, BACKFILL_START)

    assert bluesky.logins() == 1
    [login] = bluesky.requests_to(LOGIN)
    assert login.body == {"identifier": "acme.bsky.social", "password": bluesky.app_password}
    assert all(
        r.headers["authorization"].startswith("Bearer ") for r in bluesky.requests_to(SEARCH)
    )


def test_a_session_the_server_forgot_is_replaced_by_signing_in_again(
    bluesky: FakeBluesky,
) -> None:
    source = bluesky_source(bluesky)
    first = first_poll(source)
    bluesky.add_notification(fixture("bluesky", "new_notification.json"))
    bluesky.expire_sessions()

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == [NEW_MENTION] and bluesky.logins() == 2


def test_mentions_can_be_left_to_other_tools(bluesky: FakeBluesky) -> None:
    poll = first_poll(bluesky_source(bluesky, mentions=False))

    assert ids(poll) == [CARLA, JONAS, ANA]
    assert bluesky.requests_to(NOTIFICATIONS) == []


def test_bluesky_posts_become_cards_in_the_right_channels(
    bluesky: FakeBluesky, workspace: Workspace
) -> None:
    poll = first_poll(bluesky_source(bluesky))

    result = ingest(workspace.chorus.services, poll.mentions, via="brand-on-bluesky")
    workspace.deliver()

    assert result.accepted == 5
    channels = {
        mention.external_id: views.card(workspace.chorus.services, mention_id).channel
        for mention, mention_id in zip(poll.mentions, result.mention_ids, strict=True)
    }
    assert channels[DANA] == "C0SUPPORT"  # "refund"
    assert channels[BEN] == "C0SALES"  # "pricing"
    assert channels[JONAS] == "C0GENERAL"
    support = [message_text(card) for card in workspace.standin.messages("C0SUPPORT")]
    assert any("Can I get a refund for the annual plan?" in text for text in support)
