"""The Mastodon source against a fake Mastodon server: the brand's mentions, a hashtag and a
search come in once each, as plain text with their authors, and become cards in Chorus."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services import views
from bot.services.ingest import ingest
from bot.sources.base import Poll
from bot.sources.mastodon import MastodonSource
from bot.sources.mastodon_posts import html_to_text
from tests.support.fake_mastodon import FakeMastodon, mastodon_source
from tests.support.fake_network import fixture
from tests.support.slack import message_text
from tests.support.workspace import Workspace

BACKFILL_START = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # 24 hours before the story's "now"

ANA_MENTION = "113530000000000300"
BEN_MENTION = "113529000000000200"
OLD_MENTION = "113480000000000900"
CARLA_TAG_POST = "113530000000000410"
BOOST = "113530000000000400"
ERIN_ORIGINAL = "113529500000000150"
BRAND_POST = "113530000000000390"
OLD_TAG_POST = "113500000000000050"
FAY_SEARCH_HIT = "113530000000000420"
OLD_SEARCH_HIT = "113490000000000010"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


def first_poll(source: MastodonSource) -> Poll:
    return source.poll({}, BACKFILL_START)


def ids(poll: Poll) -> list[str]:
    return [mention.external_id for mention in poll.mentions]


def by_id(poll: Poll, external_id: str) -> Any:
    return next(mention for mention in poll.mentions if mention.external_id == external_id)


def test_the_first_poll_brings_the_days_mentions_hashtag_posts_and_search_hits_oldest_first(
    mastodon: FakeMastodon,
) -> None:
    poll = first_poll(mastodon_source(mastodon))

    assert ids(poll) == [ERIN_ORIGINAL, BEN_MENTION, ANA_MENTION, CARLA_TAG_POST, FAY_SEARCH_HIT]
    assert poll.cursor == {
        "mentions": "31800",
        "tag:acme": CARLA_TAG_POST,
        "search:acme export": FAY_SEARCH_HIT,
    }


def test_nothing_older_than_the_backfill_window_comes_in_on_the_first_poll(
    mastodon: FakeMastodon,
) -> None:
    poll = first_poll(mastodon_source(mastodon))

    assert not {OLD_MENTION, OLD_TAG_POST, OLD_SEARCH_HIT} & set(ids(poll))
    assert poll.skipped == 4  # the three old posts, and the brand's own post


def test_a_narrower_backfill_window_brings_fewer_posts(mastodon: FakeMastodon) -> None:
    poll = mastodon_source(mastodon).poll({}, datetime(2026, 11, 20, 9, 0, tzinfo=UTC))

    assert ids(poll) == [ANA_MENTION, CARLA_TAG_POST, FAY_SEARCH_HIT]


def test_a_second_poll_brings_only_what_is_new_since_the_cursor(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon)
    first = first_poll(source)
    mastodon.add_notification(fixture("mastodon", "new_mention.json"))
    mastodon.add_to_tag("acme", fixture("mastodon", "new_tag_status.json"))
    mastodon.add_search_result("acme export", fixture("mastodon", "new_search_status.json"))

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == ["113531000000000500", "113531000000000510", "113531000000000520"]
    assert mastodon.requests_to("/api/v1/notifications")[-1].arg("min_id") == "31800"
    assert mastodon.requests_to("/api/v1/timelines/tag/acme")[-1].arg("min_id") == (CARLA_TAG_POST)
    assert second.cursor["mentions"] == "31850" and second.skipped == 0


def test_a_burst_bigger_than_a_page_comes_in_whole(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon, hashtags=[], search_terms=[])
    first = first_poll(source)
    for n in range(45):  # Mastodon pages hold 40
        note = copy.deepcopy(fixture("mastodon", "new_mention.json"))
        note["id"] = note["status"]["id"] = str(40000 + n)
        note["status"]["created_at"] = f"2026-11-20T10:30:{n:02d}.000Z"
        mastodon.add_notification(note)

    second = source.poll(first.cursor, BACKFILL_START)

    assert ids(second) == [str(40000 + n) for n in range(45)]
    # Mastodon pages forward from the cursor: the oldest 40 first, then the rest.
    assert [r.arg("min_id") for r in mastodon.requests_to("/api/v1/notifications")[1:]] == [
        "31800",
        "40039",
    ]


def test_a_poll_with_nothing_new_brings_nothing_and_keeps_the_cursor(
    mastodon: FakeMastodon,
) -> None:
    source = mastodon_source(mastodon)
    first = first_poll(source)

    again = source.poll(first.cursor, BACKFILL_START)

    assert again.mentions == [] and again.cursor == first.cursor


def test_the_brands_own_posts_are_left_out_and_its_account_is_asked_for_once(
    mastodon: FakeMastodon,
) -> None:
    source = mastodon_source(mastodon)
    poll = first_poll(source)
    source.poll(poll.cursor, BACKFILL_START)

    assert BRAND_POST not in ids(poll)
    assert len(mastodon.requests_to("/api/v1/accounts/verify_credentials")) == 1


def test_a_boost_brings_in_the_original_post_by_its_author(mastodon: FakeMastodon) -> None:
    poll = first_poll(mastodon_source(mastodon))

    assert BOOST not in ids(poll)
    original = by_id(poll, ERIN_ORIGINAL)
    assert original.author is not None and original.author.handle == "@erin@photog.example"
    assert original.text == "Does #acme offer a student discount? Asking for my whole class."
    assert original.url == "https://photog.example/@erin/113529500000000001"


def test_a_post_found_on_a_hashtag_and_by_a_search_comes_in_once(mastodon: FakeMastodon) -> None:
    poll = first_poll(mastodon_source(mastodon))

    assert ids(poll).count(CARLA_TAG_POST) == 1


def test_html_content_becomes_plain_text_with_its_paragraphs_links_and_entities(
    mastodon: FakeMastodon,
) -> None:
    poll = first_poll(mastodon_source(mastodon))

    assert by_id(poll, BEN_MENTION).text == (
        "Bonjour @acme !\n\nQuel est votre tarif pour une équipe de 50 personnes ?\nMerci d'avance"
    )
    assert by_id(poll, ANA_MENTION).text == (
        "@acme the export is broken since this morning & I lost a week of work. Any fix?"
    )
    assert by_id(poll, CARLA_TAG_POST).text.endswith(
        "Guide: https://blog.example.org/acme-export-guide"
    )


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two<br>three</p>", "one\n\ntwo\nthree"),
        ("<p>a &lt;b&gt; &amp; &quot;c&quot;</p>", 'a <b> & "c"'),
        ("<ul><li>first</li><li>second</li></ul>", "- first\n- second"),
        ("<p>  </p>", ""),
    ],
)
def test_html_to_text_keeps_the_shape_of_the_post(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_authors_handles_links_and_reach_are_mapped(mastodon: FakeMastodon) -> None:
    poll = first_poll(mastodon_source(mastodon))

    ana, ben = by_id(poll, ANA_MENTION), by_id(poll, BEN_MENTION)
    assert ana.author.model_dump() == {
        "handle": "@ana@mastodon.example",
        "name": "Ana",
        "followers": 1200,
        "url": "https://mastodon.example/@ana",
    }
    assert ben.author.handle == "@ben@social.example"  # a local account gets its server's name
    assert (ana.network.value, ana.language, ben.language) == ("mastodon", "en", "fr")
    assert ana.url == "https://mastodon.example/@ana/113530000000000100"
    assert ana.created_at == datetime(2026, 11, 20, 9, 41, 11, tzinfo=UTC)
    assert {mention.source for mention in poll.mentions} == {"brand-on-mastodon"}


def test_hashtags_can_be_followed_without_an_account(mastodon: FakeMastodon) -> None:
    source = mastodon_source(mastodon, access_token_env=None, mentions=False, search_terms=[])

    poll = first_poll(source)

    assert CARLA_TAG_POST in ids(poll)
    assert all("authorization" not in request.headers for request in mastodon.requests)


def test_mentions_from_mastodon_become_cards_in_the_right_channels(
    mastodon: FakeMastodon, workspace: Workspace
) -> None:
    poll = first_poll(mastodon_source(mastodon))

    result = ingest(workspace.chorus.services, poll.mentions, via="brand-on-mastodon")
    workspace.deliver()

    assert result.accepted == 5
    channels = {
        mention.external_id: views.card(workspace.chorus.services, mention_id).channel
        for mention, mention_id in zip(poll.mentions, result.mention_ids, strict=True)
    }
    assert channels[ANA_MENTION] == "C0SUPPORT"  # "broken"
    assert channels[ERIN_ORIGINAL] == "C0SALES"  # "discount"
    [card] = workspace.standin.messages("C0SUPPORT")
    assert "the export is broken since this morning" in message_text(card)
    assert "@ana@mastodon.example" in message_text(card)


def test_polling_again_never_makes_a_second_card(
    mastodon: FakeMastodon, workspace: Workspace
) -> None:
    services = workspace.chorus.services
    poll = first_poll(mastodon_source(mastodon))
    ingest(services, poll.mentions, via="brand-on-mastodon")

    again = ingest(
        services, first_poll(mastodon_source(mastodon)).mentions, via="brand-on-mastodon"
    )
    workspace.deliver()

    assert (again.accepted, again.duplicates) == (0, 5)
    assert len(workspace.standin.messages("C0SUPPORT")) == 1
