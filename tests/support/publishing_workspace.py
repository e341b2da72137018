"""Chorus with publishing connectors pointed at the fake Mastodon and Bluesky servers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.standin import SlackStandIn
from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_mastodon import FakeMastodon
from tests.support.workspace import ANA, MANAGER, Workspace, make_workspace, mention

BLUESKY_POST = "https://bsky.app/profile/ana.bsky.social/post/3kcustomer01"


@dataclass
class Networks:
    mastodon: FakeMastodon
    bluesky: FakeBluesky


@contextmanager
def networks() -> Iterator[Networks]:
    with FakeMastodon() as mastodon, FakeBluesky() as bluesky:
        yield Networks(mastodon, bluesky)


def publishing_workspace(
    database_url: str, standin: SlackStandIn, nets: Networks, **settings: Any
) -> Workspace:
    """A workspace whose brand accounts live on the fakes."""
    values: dict[str, Any] = {
        "chorus_mastodon_base_url": nets.mastodon.url,
        "chorus_mastodon_access_token": nets.mastodon.token,
        "chorus_bluesky_base_url": nets.bluesky.url,
        "chorus_bluesky_handle": nets.bluesky.handle,
        "chorus_bluesky_app_password": nets.bluesky.app_password,
        **settings,
    }
    return make_workspace(database_url, standin, **values)


def bluesky_mention(
    nets: Networks, post: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """Ana's Bluesky post, as the Bluesky source brings it in."""
    post = post or nets.bluesky.customer_post()
    return mention(
        network="bluesky",
        external_id=post["uri"],
        url=BLUESKY_POST,
        text=post["record"]["text"],
        author={"handle": "@ana.bsky.social", "name": "Ana", "followers": 120},
        **extra,
    )


def approved(ws: Workspace, item: dict[str, Any], reply: str = "Hi Ana! Fixed now.") -> None:
    """Receive a mention; Ana claims it and drafts a reply; the manager approves it."""
    ws.receive(item)
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    response = ws.slack.submit(ws.open_view(), {"reply": reply}, ANA)
    assert response.status == 200 and not response.body, response.body
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Approve", MANAGER)
    ws.deliver()
