"""Publish on Mastodon: the reply threads under the customer's post, goes out once whatever
happens, and every failure is a clear message in the thread with the draft kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from freezegun import freeze_time

from bot.domain.model import DraftStatus, Network, State
from bot.publishing.base import ReplyTarget, new_key
from bot.publishing.mastodon import MastodonConnector
from bot.services import publish, views
from bot.standin import SlackStandIn
from storage.models import PublishJobRow
from tests.support.publishing_workspace import Networks, approved, networks, publishing_workspace
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, Workspace, mention

STATUSES = "/api/v1/statuses"


@pytest.fixture
def nets() -> Iterator[Networks]:
    with networks() as both:
        both.mastodon.customer_status()
        yield both


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn, nets: Networks) -> Iterator[Workspace]:
    workspace = publishing_workspace(database_url, standin, nets)
    yield workspace


def thread(ws: Workspace) -> list[str]:
    card = views.card(ws.chorus.services, 1)
    assert card.channel and card.ts
    return [message_text(m) for m in ws.standin.thread(card.channel, card.ts)]


def told(ws: Workspace, user: str) -> str:
    return str(ws.standin.ephemerals(user)[-1]["text"])


def state(ws: Workspace) -> State:
    return views.card(ws.chorus.services, 1).mention.state


def test_publish_replies_under_the_customers_post_and_the_card_shows_the_live_link(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, mention())
    assert button_labels(ws.review_message(1)) == ["Publish", "Mark as posted"]

    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ws.deliver()

    [posted] = nets.mastodon.posted
    assert posted["params"]["in_reply_to_id"] == "109412"
    assert posted["params"]["status"] == "@ana@social.example Hi Ana! Fixed now."
    assert posted["params"]["visibility"] == "public"
    live = posted["status"]["url"]
    assert state(ws) is State.PUBLISHED
    assert live in message_text(ws.card(1))
    assert "Published on Mastodon" in told(ws, ANA)
    assert any("published draft v1 on Mastodon" in said for said in thread(ws))
    assert button_labels(ws.review_message(1)) == []
    assert views.review(ws.chorus.services, 1).draft.status is DraftStatus.POSTED


def test_publish_is_not_offered_where_no_connector_can_post(ws: Workspace) -> None:
    approved(ws, mention(network="linkedin", url="https://www.linkedin.com/feed/update/1"))

    assert button_labels(ws.review_message(1)) == ["Mark as posted"]
    assert "Post it on LinkedIn yourself" in message_text(ws.review_message(1))


def test_without_mastodon_credentials_the_team_posts_by_hand(
    database_url: str, standin: SlackStandIn, nets: Networks
) -> None:
    ws = publishing_workspace(
        database_url,
        standin,
        nets,
        chorus_mastodon_base_url=None,
        chorus_mastodon_access_token=None,
    )
    approved(ws, mention())

    assert button_labels(ws.review_message(1)) == ["Mark as posted"]


def test_a_double_click_posts_once_and_the_second_click_hears_why(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, mention())
    review = ws.review_message(1)

    ws.slack.click(review, "Publish", ANA)
    ws.slack.click(review, "Publish", LEAD)  # the old message still shows the button

    assert len(nets.mastodon.posted) == 1
    assert "already answered" in told(ws, LEAD)


def test_two_people_publishing_at_the_same_moment_post_once(ws: Workspace, nets: Networks) -> None:
    approved(ws, mention())
    review = ws.review_message(1)
    start = threading.Barrier(2)

    def click(user: str) -> None:
        start.wait()
        ws.slack.click(review, "Publish", user)

    clicks = [threading.Thread(target=click, args=(who,)) for who in (ANA, LEAD)]
    for one in clicks:
        one.start()
    for one in clicks:
        one.join()

    assert len(nets.mastodon.posted) == 1
    assert state(ws) is State.PUBLISHED


def test_a_restart_mid_publish_finishes_without_posting_twice(
    ws: Workspace, nets: Networks
) -> None:
    """The process posted the reply, then died before recording it; the job resumes."""
    approved(ws, mention())
    services = ws.chorus.services
    job_id = publish._take_job(services, 1, ANA)
    connector = services.connectors[mention_network(ws)]
    with services.sessions() as session:
        job = session.get(PublishJobRow, job_id)
        assert job is not None
        key = job.key
        target = publish.target_of(session, publish.load_mention(session, 1))
    connector.publish(target, "@ana@social.example Hi Ana! Fixed now.", key, retry=False)

    assert publish.resume_interrupted(services) == 0  # the lease still runs
    with freeze_time(services.clock() + publish.LEASE + timedelta(seconds=1)):
        assert publish.resume_interrupted(services) == 1
        ws.deliver()  # the card and the review message are updated through the outbox

    assert len(nets.mastodon.posted) == 1
    assert state(ws) is State.PUBLISHED
    assert nets.mastodon.posted[0]["status"]["url"] in message_text(ws.card(1))


def mention_network(ws: Workspace) -> Network:
    return views.card(ws.chorus.services, 1).mention.network


def test_a_retried_request_with_the_same_key_gets_the_same_status(nets: Networks) -> None:
    connector = MastodonConnector(nets.mastodon.url, nets.mastodon.token)
    target = ReplyTarget(Network.MASTODON, "109412", "https://social.example/@ana/109412", None)
    key = new_key()

    first = connector.publish(target, "Thanks!", key, retry=False)
    again = connector.publish(target, "Thanks!", key, retry=False)

    assert first == again
    assert len(nets.mastodon.posted) == 1


FAILURES = [
    (500, {}, "a server error; try again", "unavailable"),
    (401, {}, "CHORUS_MASTODON_ACCESS_TOKEN", "credentials"),
    (429, {"Retry-After": "120"}, "rate limiting Chorus; try again in about 2 minutes", "rate"),
    (
        422,
        {},
        "refused the reply (HTTP 422: Validation failed: Text character limit of 500 exceeded)",
        "rejected",
    ),
]


@pytest.mark.parametrize(("status", "headers", "said", "kind"), FAILURES)
def test_a_failure_keeps_the_draft_says_why_in_the_thread_and_offers_retry(
    ws: Workspace, nets: Networks, status: int, headers: dict[str, str], said: str, kind: str
) -> None:
    approved(ws, mention())
    body = (
        {"error": "Validation failed: Text character limit of 500 exceeded"}
        if status == 422
        else None
    )
    nets.mastodon.fail(STATUSES, status, headers, body)

    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ws.deliver()

    assert nets.mastodon.posted == []
    assert state(ws) is State.APPROVED
    assert said in told(ws, ANA)
    note = thread(ws)[-1]
    assert "was not published on Mastodon" in note and said in note
    assert "Retry" in button_labels(ws.review_message(1))
    assert said in message_text(ws.review_message(1))

    ws.slack.click(ws.review_message(1), "Retry", ANA)
    ws.deliver()

    assert len(nets.mastodon.posted) == 1
    assert state(ws) is State.PUBLISHED


def test_a_deleted_original_post_is_said_plainly_and_nothing_is_posted(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, mention())
    nets.mastodon.delete_status("109412")

    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ws.deliver()

    assert nets.mastodon.posted == []
    assert "can't be found any more: it was deleted" in told(ws, ANA)
    assert state(ws) is State.APPROVED


def test_a_bystander_cannot_publish(ws: Workspace, nets: Networks) -> None:
    approved(ws, mention())

    ws.slack.click(ws.review_message(1), "Publish", BEN)

    assert nets.mastodon.posted == []
    assert told(ws, BEN) == "Only the reply's author or a reviewer can publish it."


def test_the_author_can_publish_from_the_approval_dm(ws: Workspace, nets: Networks) -> None:
    approved(ws, mention())
    dm = ws.standin.messages(f"D{ANA}")[-1]
    assert "Publish" in button_labels(dm)

    ws.slack.click(dm, "Publish", ANA)

    assert len(nets.mastodon.posted) == 1
