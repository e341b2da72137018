"""Publish on Bluesky: the reply names its thread's root and parent, its links are clickable,
it goes out once (the record key is the publish key), and failures keep the draft."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from freezegun import freeze_time

from bot.domain.model import State
from bot.services import publish, views
from bot.standin import SlackStandIn
from storage.models import PublishJobRow
from tests.support.publishing_workspace import (
    Networks,
    approved,
    bluesky_mention,
    networks,
    publishing_workspace,
)
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, Workspace

CREATE = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def nets() -> Iterator[Networks]:
    with networks() as both:
        yield both


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn, nets: Networks) -> Workspace:
    return publishing_workspace(database_url, standin, nets)


def state(ws: Workspace) -> State:
    return views.card(ws.chorus.services, 1).mention.state


def told(ws: Workspace, user: str) -> str:
    return str(ws.standin.ephemerals(user)[-1]["text"])


def test_a_reply_to_a_post_names_that_post_as_root_and_parent(
    ws: Workspace, nets: Networks
) -> None:
    customer = nets.bluesky.customer_post()
    approved(ws, bluesky_mention(nets, customer))

    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ws.deliver()

    [posted] = nets.bluesky.posted
    reply = posted["record"]["reply"]
    assert (reply["parent"]["uri"], reply["parent"]["cid"]) == (customer["uri"], customer["cid"])
    assert reply["root"] == reply["parent"]
    assert posted["record"]["text"] == "Hi Ana! Fixed now."  # Bluesky notifies without a mention
    assert posted["repo"] == nets.bluesky.session["did"]
    live = f"https://bsky.app/profile/{nets.bluesky.handle}/post/{posted['rkey']}"
    assert state(ws) is State.PUBLISHED
    assert live in message_text(ws.card(1))


def test_a_reply_inside_a_thread_keeps_the_threads_root(ws: Workspace, nets: Networks) -> None:
    opener = nets.bluesky.customer_post(rkey="3kopener0001", text="Anyone else on Acme?")
    answer = nets.bluesky.customer_post(reply_to=opener)
    approved(ws, bluesky_mention(nets, answer))

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    reply = nets.bluesky.posted[0]["record"]["reply"]
    assert reply["root"]["uri"] == opener["uri"]
    assert reply["parent"]["uri"].endswith("/3kcustomer01")


def test_links_in_the_reply_are_clickable(ws: Workspace, nets: Networks) -> None:
    approved(ws, bluesky_mention(nets), reply="Ça marche : https://help.acme.com/export 👍")

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    [facet] = nets.bluesky.posted[0]["record"]["facets"]
    text = nets.bluesky.posted[0]["record"]["text"].encode()
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text[start:end] == b"https://help.acme.com/export"
    assert facet["features"][0]["uri"] == "https://help.acme.com/export"


def test_a_restart_after_the_record_was_written_does_not_post_again(
    ws: Workspace, nets: Networks
) -> None:
    approved(ws, bluesky_mention(nets))
    services = ws.chorus.services
    job_id = publish._take_job(services, 1, ANA)
    with services.sessions() as session:
        job = session.get(PublishJobRow, job_id)
        assert job is not None
        target = publish.target_of(session, publish.load_mention(session, 1))
        key = job.key
    services.connectors[target.network].publish(target, "Hi Ana! Fixed now.", key, retry=False)

    with freeze_time(services.clock() + publish.LEASE + timedelta(seconds=1)):
        assert publish.resume_interrupted(services) == 1
        ws.deliver()

    assert len(nets.bluesky.posted) == 1
    assert nets.bluesky.posted[0]["rkey"] == key
    assert state(ws) is State.PUBLISHED


def test_a_server_error_after_the_write_counts_as_published(ws: Workspace, nets: Networks) -> None:
    """The PDS stored the post and then answered 500: Chorus looks before it says no."""
    approved(ws, bluesky_mention(nets))
    nets.bluesky.fail_after_write = True

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    assert len(nets.bluesky.posted) == 1
    assert state(ws) is State.PUBLISHED


def test_a_deleted_post_is_said_plainly(ws: Workspace, nets: Networks) -> None:
    customer = nets.bluesky.customer_post()
    approved(ws, bluesky_mention(nets, customer))
    nets.bluesky.delete_post(customer["uri"])

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    assert nets.bluesky.posted == []
    assert "can't be found any more: it was deleted" in told(ws, ANA)
    assert state(ws) is State.APPROVED


def test_a_wrong_app_password_asks_an_admin_and_keeps_the_draft(
    database_url: str, standin: SlackStandIn, nets: Networks
) -> None:
    ws = publishing_workspace(
        database_url, standin, nets, chorus_bluesky_app_password="aaaa-bbbb-cccc-dddd"
    )
    approved(ws, bluesky_mention(nets))

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    assert "CHORUS_BLUESKY_APP_PASSWORD" in told(ws, ANA)
    assert state(ws) is State.APPROVED
    assert "Retry" in button_labels(ws.review_message(1))


def test_a_reply_the_pds_refuses_is_explained(ws: Workspace, nets: Networks) -> None:
    approved(ws, bluesky_mention(nets))
    nets.bluesky.fail(
        CREATE,
        400,
        body={
            "error": "InvalidRequest",
            "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than "
            "300 graphemes",
        },
    )

    ws.slack.click(ws.review_message(1), "Publish", ANA)

    assert "Bluesky refused the reply (HTTP 400: InvalidRequest: Invalid app.bsky.feed.post" in (
        told(ws, ANA)
    )
    assert nets.bluesky.posted == []
