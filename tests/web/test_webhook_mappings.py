"""Webhook mappings over real HTTP: a listening tool posts its own JSON to
/webhooks/mentions/NAME and a `[[webhooks]]` table maps it onto the mention object.

Waitress serves Chorus on 127.0.0.1; the payload has the shape a listening tool sends (a
page of results, each with its own id, text, link and author).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.config import ConfigError, parse_config
from bot.standin import SlackStandIn
from storage.models import MentionRow
from tests.support.http_server import HttpClient, HttpReply, serving
from tests.support.listening_workspace import workspace_with
from tests.support.slack import message_text
from tests.support.workspace import CONFIG_TOML, Workspace, mention, sign_webhook

BRAND24 = """
[[webhooks]]
name = "brand24"
network = "x"
items = "results"

[webhooks.fields]
external_id = "id"
text = "content"
url = "link"
"author.handle" = "author.username"
"author.name" = "author.name"
"author.followers" = "author.followers_count"
language = "lang"
"""
OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-chorus-was-given!").decode()


def brand24_page() -> dict[str, Any]:
    """A page of results as the listening tool posts it to its webhook."""
    return {
        "project_id": 981234,
        "query": "acme",
        "count": 2,
        "results": [
            {
                "id": "b24-6f1a90",
                "title": "",
                "content": "@acme the CSV export is broken again, third time this week",
                "link": "https://x.com/ana_dev/status/1861234567890123456",
                "source": "twitter",
                "date": "2026-11-20 10:00:00",
                "sentiment": -1,
                "reach": 3400,
                "lang": "en",
                "author": {
                    "username": "ana_dev",
                    "name": "Ana Developer",
                    "followers_count": 1500,
                    "profile_url": "https://x.com/ana_dev",
                },
            },
            {
                "id": 7731,
                "title": "",
                "content": "What is your pricing for a team of fifty?",
                "link": "https://x.com/ben_ops/status/1861234567890999999",
                "source": "twitter",
                "date": "2026-11-20 10:04:00",
                "sentiment": 0,
                "reach": 120,
                "lang": "en",
                "author": {"username": "ben_ops", "name": None, "followers_count": 88},
            },
        ],
    }


@pytest.fixture
def workspace(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    with workspace_with(BRAND24, database_url, standin) as ws:
        yield ws


@pytest.fixture
def http(workspace: Workspace) -> Iterator[HttpClient]:
    with serving(workspace.chorus.web) as client:
        yield client


_ids = iter(range(1, 1_000_000))


def post(
    http: HttpClient,
    body: Any,
    path: str = "/webhooks/mentions/brand24",
    webhook_id: str | None = None,
    **signing: Any,
) -> HttpReply:
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = sign_webhook(raw, webhook_id or f"msg_mapping_{next(_ids)}", **signing)
    return http.post(path, raw.encode(), headers=headers)


def mentions_stored(ws: Workspace) -> list[MentionRow]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(MentionRow).order_by(MentionRow.id)))


def count_stored(ws: Workspace) -> int:
    with ws.chorus.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(MentionRow)) or 0)


# -- accepted ----------------------------------------------------------------------------


def test_a_listening_tools_own_payload_is_accepted_and_carded(
    workspace: Workspace, http: HttpClient
) -> None:
    reply = post(http, brand24_page())

    assert reply.status == 202, reply.body
    assert reply.json() == {"accepted": 2, "duplicates": 0}
    assert workspace.deliver() == 2
    [support] = workspace.standin.messages("C0SUPPORT")
    [sales] = workspace.standin.messages("C0SALES")
    assert "the CSV export is broken again" in message_text(support)
    assert "via brand24" in message_text(support)
    assert "What is your pricing" in message_text(sales)


def test_mapped_fields_land_where_the_mapping_says(workspace: Workspace, http: HttpClient) -> None:
    post(http, brand24_page())

    first, second = mentions_stored(workspace)
    assert (first.network, first.external_id, first.source) == ("x", "b24-6f1a90", "brand24")
    assert first.url == "https://x.com/ana_dev/status/1861234567890123456"
    assert first.language == "en"
    assert second.external_id == "7731", "a numeric id is kept as text"
    workspace.deliver()
    card = message_text(workspace.card(first.id))
    assert "*Ana Developer* ana_dev · 1,500 followers" in card
    assert "88 followers" in message_text(workspace.card(second.id))


def test_the_same_page_sent_again_is_all_duplicates(workspace: Workspace, http: HttpClient) -> None:
    post(http, brand24_page())
    workspace.deliver()

    again = post(http, brand24_page())

    assert again.json() == {"accepted": 0, "duplicates": 2}
    assert workspace.deliver() == 0


def test_a_post_the_plain_webhook_already_brought_is_a_duplicate(
    workspace: Workspace, http: HttpClient
) -> None:
    page = brand24_page()
    earlier = mention(
        "1861234567890123456",
        page["results"][0]["content"],
        network="x",
        url="http://x.com/ana_dev/status/1861234567890123456/?utm_source=share",
    )
    assert post(http, earlier, path="/webhooks/mentions").json()["accepted"] == 1

    reply = post(http, page)

    assert reply.json() == {"accepted": 1, "duplicates": 1}


# -- refused -----------------------------------------------------------------------------


def test_an_item_missing_a_mapped_field_is_refused_naming_it(
    workspace: Workspace, http: HttpClient
) -> None:
    page = brand24_page()
    del page["results"][1]["content"]

    reply = post(http, page)

    assert reply.status == 400
    assert reply.json() == {
        "errors": [
            {"field": "items[1].content", "message": "missing: the mapping reads it for `text`"}
        ]
    }
    assert count_stored(workspace) == 0, "nothing of the page is stored"


def test_a_mapped_value_of_the_wrong_kind_is_refused_naming_it(
    workspace: Workspace, http: HttpClient
) -> None:
    page = brand24_page()
    page["results"][0]["author"]["followers_count"] = "1.5K"
    page["results"][1]["link"] = "x.com/ben_ops/status/1"

    reply = post(http, page)

    assert reply.status == 400
    fields = [error["field"] for error in reply.json()["errors"]]
    assert fields == ["items[0].author.followers", "items[1].url"]
    assert count_stored(workspace) == 0


def test_a_payload_whose_items_are_not_a_list_is_refused(
    workspace: Workspace, http: HttpClient
) -> None:
    reply = post(http, {"error": "quota exceeded"})

    assert reply.status == 400
    [error] = reply.json()["errors"]
    assert error["field"] == "results"
    assert "not a list" in error["message"]


def test_a_payload_that_is_not_json_is_refused(workspace: Workspace, http: HttpClient) -> None:
    reply = post(http, "results=1&id=2")

    assert reply.status == 400
    [error] = reply.json()["errors"]
    assert error["field"] == "body" and "not valid JSON" in error["message"]


def test_an_unknown_mapping_name_is_not_found(workspace: Workspace, http: HttpClient) -> None:
    reply = post(http, brand24_page(), path="/webhooks/mentions/mention-tool")

    assert reply.status == 404
    assert "mention-tool" in reply.json()["error"]
    assert count_stored(workspace) == 0


def test_a_bad_signature_is_unauthorized(workspace: Workspace, http: HttpClient) -> None:
    reply = post(http, brand24_page(), secret=OTHER_SECRET)

    assert reply.status == 401
    assert "signature" in reply.json()["error"]
    assert count_stored(workspace) == 0


def test_an_unknown_name_with_a_bad_signature_reveals_nothing(
    workspace: Workspace, http: HttpClient
) -> None:
    reply = post(http, brand24_page(), path="/webhooks/mentions/other", secret=OTHER_SECRET)

    assert reply.status == 401


def test_a_mapping_only_takes_posts(workspace: Workspace, http: HttpClient) -> None:
    reply = http.get("/webhooks/mentions/brand24")

    assert reply.status == 405


# -- a mapping for one post per request ---------------------------------------------------

ONE_POST = """
[[webhooks]]
name = "mentionlytics"

[webhooks.fields]
network = "platform"
external_id = "mention.id"
text = "mention.body"
url = "mention.permalink"
"author.handle" = "mention.by"
"""


@pytest.fixture
def single(database_url: str, standin: SlackStandIn) -> Iterator[tuple[Workspace, HttpClient]]:
    with workspace_with(ONE_POST, database_url, standin) as ws, serving(ws.chorus.web) as client:
        yield ws, client


def test_a_mapping_without_items_takes_one_post_and_may_map_the_network(
    single: tuple[Workspace, HttpClient],
) -> None:
    ws, http = single
    body = {
        "platform": "reddit",
        "mention": {
            "id": "t1_kx81az",
            "body": "Has anyone got the Acme login to work with SSO?",
            "permalink": "https://www.reddit.com/r/acme/comments/1gx81/comment/kx81az/",
            "by": "u/carla",
        },
    }

    reply = post(http, body, path="/webhooks/mentions/mentionlytics")

    assert reply.json() == {"accepted": 1, "duplicates": 0}
    [row] = mentions_stored(ws)
    assert (row.network, row.external_id, row.source) == ("reddit", "t1_kx81az", "mentionlytics")


def test_a_single_post_missing_its_text_names_the_field_in_the_body(
    single: tuple[Workspace, HttpClient],
) -> None:
    ws, http = single
    body = {"platform": "reddit", "mention": {"id": "t1_kx81az"}}

    reply = post(http, body, path="/webhooks/mentions/mentionlytics")

    assert reply.status == 400
    assert reply.json()["errors"] == [
        {"field": "body.mention.body", "message": "missing: the mapping reads it for `text`"}
    ]


# -- the mapping in chorus.toml ----------------------------------------------------------


def test_a_mapping_that_does_not_map_the_text_is_refused_with_its_line() -> None:
    source = CONFIG_TOML + BRAND24.replace('text = "content"\n', "")

    with pytest.raises(ConfigError) as refused:
        parse_config(source)

    message = str(refused.value)
    assert "webhooks[0]" in message and "must map `text`" in message
    line = int(message.split("line ")[1].split(":")[0])
    assert source.splitlines()[line - 1] == "[[webhooks]]"


def test_a_mapping_without_a_network_must_map_one() -> None:
    source = CONFIG_TOML + BRAND24.replace('network = "x"\n', "")

    with pytest.raises(ConfigError, match=r"must map `network`"):
        parse_config(source)


def test_an_unquoted_dotted_target_is_refused_with_a_hint_to_quote_it() -> None:
    """TOML reads `author.handle = "…"` as a nested table; the target must be quoted."""
    source = CONFIG_TOML + BRAND24.replace('"author.handle" =', "author.handle =")

    with pytest.raises(ConfigError) as refused:
        parse_config(source)

    message = str(refused.value)
    assert "webhooks[0].fields.author" in message
    assert '"author.handle"' in message, "say how to write it"
    line = int(message.split("line ")[1].split(":")[0])
    assert source.splitlines()[line - 1].startswith("author.handle =")


def test_the_dotted_targets_are_read_as_written() -> None:
    [mapping] = parse_config(CONFIG_TOML + BRAND24).webhooks

    assert mapping.items == "results"
    assert mapping.fields["author.handle"] == "author.username"
    assert mapping.fields["author.followers"] == "author.followers_count"
