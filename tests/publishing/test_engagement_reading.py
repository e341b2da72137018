"""After Publish, Chorus reads the reply's results on schedule (1 h, 6 h, 24 h, 72 h, 7 days):
shares, quotes, replies, likes, and the customer's own answer with its sentiment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from freezegun import freeze_time

from bot.services import views
from bot.services.engagement import take_due_snapshots
from bot.standin import SlackStandIn
from storage import publishing as store
from tests.support.publishing_workspace import (
    Networks,
    approved,
    bluesky_mention,
    networks,
    publishing_workspace,
)
from tests.support.slack import message_text
from tests.support.workspace import ANA, Workspace, mention


@pytest.fixture
def nets() -> Iterator[Networks]:
    with networks() as both:
        both.mastodon.customer_status()
        yield both


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn, nets: Networks) -> Workspace:
    return publishing_workspace(database_url, standin, nets)


def published_at(ws: Workspace) -> object:
    with ws.chorus.services.sessions() as session:
        publication = store.publication_of_mention(session, 1)
        assert publication is not None
        return publication.posted_at


def test_mastodon_results_are_read_on_schedule_and_a_thankful_customer_scores(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, mention())
    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ours = nets.mastodon.posted[0]["status"]["id"]
    start = published_at(ws)
    services = ws.chorus.services

    with freeze_time(start + timedelta(minutes=59)):  # type: ignore[operator]
        assert take_due_snapshots(services) == 0

    nets.mastodon.set_counts(ours, favourites=4, reblogs=2)
    nets.mastodon.reply_as_customer(ours, "@acme works now, thanks a lot!")
    with freeze_time(start + timedelta(hours=1)):  # type: ignore[operator]
        assert take_due_snapshots(services) == 1
        ws.deliver()

    results = views.card(services, 1).results
    assert results is not None
    assert (results.engagement.likes, results.engagement.shares) == (4, 2)
    assert results.engagement.replies == 1
    assert results.engagement.positive_follow_ups == 1
    assert results.score == 4 * 1 + 2 * 3 + 1 * 2 + 5
    assert "Score 17" in message_text(ws.card(1))
    assert "works now, thanks a lot!" in message_text(ws.card(1))

    with freeze_time(start + timedelta(hours=1, minutes=1)):  # type: ignore[operator]
        assert take_due_snapshots(services) == 0  # each snapshot once
    with freeze_time(start + timedelta(days=7)):  # type: ignore[operator]
        assert take_due_snapshots(services) == 4  # 6h, 24h, 72h and 7d
        assert take_due_snapshots(services) == 0
    with services.sessions() as session:
        publication = store.publication_of_mention(session, 1)
        assert publication is not None
        assert len(store.follow_ups_of(session, publication.id)) == 1  # seen once, kept once


def test_bluesky_results_count_reposts_quotes_and_the_customers_reply(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, bluesky_mention(nets))
    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ours = nets.bluesky.posted[0]["uri"]
    nets.bluesky.set_counts(ours, likes=10, reposts=1, quotes=1)
    nets.bluesky.reply_as_customer(ours, "merci, tout marche maintenant")

    with freeze_time(published_at(ws) + timedelta(hours=6)):  # type: ignore[operator]
        assert take_due_snapshots(ws.chorus.services) == 2  # the 1h and the 6h

    results = views.card(ws.chorus.services, 1).results
    assert results is not None
    engagement = results.engagement
    assert (engagement.likes, engagement.shares, engagement.quotes) == (10, 1, 1)
    assert engagement.replies == 1 and engagement.positive_follow_ups == 1
    assert results.score == 10 + 3 + 3 + 2 + 5


def test_a_network_down_at_snapshot_time_keeps_the_last_numbers_and_says_so(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, mention())
    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ours = nets.mastodon.posted[0]["status"]["id"]
    nets.mastodon.set_counts(ours, reblogs=3)
    start = published_at(ws)
    with freeze_time(start + timedelta(hours=1)):  # type: ignore[operator]
        take_due_snapshots(ws.chorus.services)
    nets.mastodon.fail(f"/api/v1/statuses/{ours}", 503)

    with freeze_time(start + timedelta(hours=6)):  # type: ignore[operator]
        assert take_due_snapshots(ws.chorus.services) == 1

    with ws.chorus.services.sessions() as session:
        publication = store.publication_of_mention(session, 1)
        assert publication is not None and publication.shares == 3
        six_hours = [s for s in store.snapshots_of(session, publication.id) if s.label == "6h"]
        assert six_hours[0].shares == 3
        assert six_hours[0].error and "server error" in six_hours[0].error
