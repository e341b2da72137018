"""The HTTP surface over a real socket: waitress serving Chorus's WSGI app on 127.0.0.1.

Listening tools post signed mentions to /webhooks/mentions; Slack posts signed requests to
/slack/events; load balancers ask /healthz. Every request here crosses real HTTP.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.services import views
from bot.standin import SlackStandIn
from handlers.commands import CHORUS_HELP
from storage.models import CustomerRow, EventRow, MentionRow, OutboxRow, WebhookDeliveryRow
from tests.support.http_server import HttpClient, HttpReply, serving
from tests.support.slack import SIGNING_SECRET, message_text, signed_headers
from tests.support.workspace import Workspace, make_workspace, mention, sign_webhook

OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-chorus-was-given!").decode()
NETWORKS = (
    "x, mastodon, bluesky, linkedin, facebook, instagram, youtube, reddit, blog, review, other"
)


@pytest.fixture
def workspace(any_workspace: Workspace) -> Workspace:
    """Ingestion leans on the database (unique posts, savepoints): run on SQLite and Postgres."""
    return any_workspace


@pytest.fixture
def http(workspace: Workspace) -> Iterator[HttpClient]:
    """An HTTP client for the workspace's Chorus, served by waitress on a free port."""
    with serving(workspace.chorus.web) as client:
        yield client


_webhook_ids = iter(range(1, 1_000_000))


def new_webhook_id() -> str:
    return f"msg_http_{next(_webhook_ids)}"


def post_mentions(
    http: HttpClient, body: Any, webhook_id: str | None = None, **signing: Any
) -> HttpReply:
    """Post a body (a mention, a batch, or raw text) signed as a listening tool signs it."""
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = sign_webhook(raw, webhook_id or new_webhook_id(), **signing)
    return http.post("/webhooks/mentions", raw.encode(), headers=headers)


def stored(ws: Workspace) -> dict[str, int]:
    """How many rows ingestion wrote: mentions, customers, events, queued cards, deliveries."""
    tables = {
        "mentions": MentionRow,
        "customers": CustomerRow,
        "events": EventRow,
        "outbox": OutboxRow,
        "webhook_deliveries": WebhookDeliveryRow,
    }
    with ws.chorus.services.sessions() as session:
        counts = {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in tables.items()
        }
        # Start-up records the roles chorus.toml seeds; what ingestion records is a mention's.
        about_mentions = select(func.count()).where(EventRow.mention_id.is_not(None))
        counts["events"] = int(session.scalar(about_mentions) or 0)
        return counts


NOTHING_STORED = {"mentions": 0, "customers": 0, "events": 0, "outbox": 0, "webhook_deliveries": 0}


def slack_calls_after_start_up(standin: SlackStandIn) -> list[str]:
    """Methods Chorus called on Slack, beyond Bolt's token check when the app is built."""
    return [method for method in standin.methods() if method != "auth.test"]


def all_cards(standin: SlackStandIn) -> list[dict[str, Any]]:
    return [m for ch in ("C0SUPPORT", "C0SALES", "C0GENERAL") for m in standin.messages(ch)]


# -- accepted -------------------------------------------------------------------------------


def test_one_signed_mention_is_accepted_and_becomes_one_card_in_support(
    workspace: Workspace, http: HttpClient
) -> None:
    response = post_mentions(http, mention())

    assert response.status == 202
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"accepted": 1, "duplicates": 0}
    assert workspace.deliver() == 1
    [card] = workspace.standin.messages("C0SUPPORT")
    assert "Is the export broken for anyone else?" in message_text(card)
    assert all_cards(workspace.standin) == [card]


def test_a_batch_lands_in_each_department_with_the_reason_it_was_routed_there(
    workspace: Workspace, http: HttpClient
) -> None:
    batch = {
        "mentions": [
            mention("201", "I cannot login since this morning"),
            mention("202", "What is your pricing for teams of fifty?"),
            mention("203", "Just wanted to say the new dashboard looks lovely"),
        ]
    }

    response = post_mentions(http, batch)

    assert response.status == 202
    assert response.json() == {"accepted": 3, "duplicates": 0}
    workspace.deliver()
    [support] = workspace.standin.messages("C0SUPPORT")
    [sales] = workspace.standin.messages("C0SALES")
    [general] = workspace.standin.messages("C0GENERAL")
    assert "I cannot login since this morning" in message_text(support)
    assert "Routed to *Customer Support*: matched keyword “login”" in message_text(support)
    assert "What is your pricing" in message_text(sales)
    assert "Routed to *Sales*: matched keyword “pricing”" in message_text(sales)
    assert "the new dashboard looks lovely" in message_text(general)
    assert "no keyword matched; General is the catch-all" in message_text(general)


# -- duplicates -----------------------------------------------------------------------------


def test_the_same_post_under_a_new_webhook_id_is_a_duplicate_not_a_second_card(
    workspace: Workspace, http: HttpClient
) -> None:
    assert post_mentions(http, mention()).json() == {"accepted": 1, "duplicates": 0}
    workspace.deliver()

    again = post_mentions(http, mention(), webhook_id="msg_from_another_listening_tool")

    assert again.status == 202
    assert again.json() == {"accepted": 0, "duplicates": 1}
    assert workspace.deliver() == 0
    assert len(all_cards(workspace.standin)) == 1
    assert stored(workspace)["mentions"] == 1


def test_a_senders_retry_of_the_same_webhook_id_is_a_duplicate(
    workspace: Workspace, http: HttpClient
) -> None:
    body = json.dumps(mention())
    first = post_mentions(http, body, webhook_id="msg_retry_me", at=time.time() - 30)
    assert first.json() == {"accepted": 1, "duplicates": 0}
    workspace.deliver()

    # The sender never saw our 202 and retries: same id, same body, signed afresh.
    retry = post_mentions(http, body, webhook_id="msg_retry_me")

    assert retry.status == 202
    assert retry.json() == {"accepted": 0, "duplicates": 1}
    assert workspace.deliver() == 0
    assert len(all_cards(workspace.standin)) == 1


def test_a_batch_with_the_same_post_twice_keeps_it_once(
    workspace: Workspace, http: HttpClient
) -> None:
    response = post_mentions(http, {"mentions": [mention("301"), mention("301")]})

    assert response.status == 202
    assert response.json() == {"accepted": 1, "duplicates": 1}
    workspace.deliver()
    assert len(all_cards(workspace.standin)) == 1
    assert stored(workspace)["mentions"] == 1


def test_the_same_post_sent_by_several_tools_at_once_makes_one_card(
    workspace: Workspace, http: HttpClient
) -> None:
    body = json.dumps(mention("777", "Checkout is broken for everyone"))
    requests = [(body, sign_webhook(body, f"msg_tool_{n}")) for n in range(8)]
    start = threading.Barrier(len(requests))

    def send(signed: tuple[str, dict[str, str]]) -> HttpReply:
        start.wait()
        return http.post("/webhooks/mentions", signed[0].encode(), headers=signed[1])

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        replies = list(pool.map(send, requests))

    assert [r.status for r in replies] == [202] * len(requests)
    assert sum(r.json()["accepted"] for r in replies) == 1
    assert sum(r.json()["duplicates"] for r in replies) == len(requests) - 1
    workspace.deliver()
    assert len(all_cards(workspace.standin)) == 1
    assert stored(workspace)["mentions"] == 1


# -- 401: signatures --------------------------------------------------------------------------


def _unsigned(body: str) -> dict[str, str]:
    return {"content-type": "application/json"}


def _wrong_secret(body: str) -> dict[str, str]:
    return sign_webhook(body, new_webhook_id(), secret=OTHER_SECRET)


def _stale(body: str) -> dict[str, str]:
    return sign_webhook(body, new_webhook_id(), at=time.time() - 600)


def _from_the_future(body: str) -> dict[str, str]:
    return sign_webhook(body, new_webhook_id(), at=time.time() + 600)


def _garbage_signature(body: str) -> dict[str, str]:
    return {**sign_webhook(body, new_webhook_id()), "webhook-signature": "v1,not-base64!!"}


def _signature_without_version(body: str) -> dict[str, str]:
    return {**sign_webhook(body, new_webhook_id()), "webhook-signature": "garbage"}


def _no_webhook_id(body: str) -> dict[str, str]:
    headers = sign_webhook(body, new_webhook_id())
    del headers["webhook-id"]
    return headers


@pytest.mark.parametrize(
    "headers_for",
    [
        _unsigned,
        _wrong_secret,
        _stale,
        _from_the_future,
        _garbage_signature,
        _signature_without_version,
        _no_webhook_id,
    ],
    ids=[
        "no signature",
        "wrong secret",
        "stale replay 10 minutes old",
        "timestamp 10 minutes ahead",
        "garbage signature",
        "signature without version",
        "no webhook-id",
    ],
)
def test_a_request_without_a_valid_fresh_signature_is_refused_and_stores_nothing(
    workspace: Workspace, http: HttpClient, headers_for: Any
) -> None:
    body = json.dumps(mention())

    response = http.post("/webhooks/mentions", body.encode(), headers=headers_for(body))

    assert response.status == 401
    assert "signature" in response.json()["error"]
    assert stored(workspace) == NOTHING_STORED
    assert workspace.deliver() == 0


def test_a_body_changed_after_signing_is_refused(workspace: Workspace, http: HttpClient) -> None:
    signed_body = json.dumps(mention())
    headers = sign_webhook(signed_body, new_webhook_id())
    tampered = json.dumps(mention(text="Ignore the policy and post <!channel>"))

    response = http.post("/webhooks/mentions", tampered.encode(), headers=headers)

    assert response.status == 401
    assert stored(workspace) == NOTHING_STORED


def test_while_rotating_secrets_a_request_signed_with_old_and_new_secrets_is_accepted(
    workspace: Workspace, http: HttpClient
) -> None:
    body = json.dumps(mention())
    old = sign_webhook(body, "msg_rotation", secret=OTHER_SECRET)["webhook-signature"]
    headers = sign_webhook(body, "msg_rotation")
    headers["webhook-signature"] = f"{old} {headers['webhook-signature']}"

    response = http.post("/webhooks/mentions", body.encode(), headers=headers)

    assert response.status == 202
    assert response.json() == {"accepted": 1, "duplicates": 0}


def test_a_body_that_is_not_utf8_is_refused(workspace: Workspace, http: HttpClient) -> None:
    headers = sign_webhook("{}", new_webhook_id())

    response = http.post("/webhooks/mentions", b"\xff\xfe{}", headers=headers)

    assert response.status in (400, 401)
    assert stored(workspace) == NOTHING_STORED


# -- 400: per-field errors ------------------------------------------------------------------


def test_malformed_json_is_a_body_error(workspace: Workspace, http: HttpClient) -> None:
    response = post_mentions(http, '{"network": "mastodon", "text": ')

    assert response.status == 400
    [error] = response.json()["errors"]
    assert error["field"] == "body"
    assert "JSON" in error["message"]
    assert stored(workspace) == NOTHING_STORED


def test_a_mention_without_text_names_the_missing_field(
    workspace: Workspace, http: HttpClient
) -> None:
    body = mention()
    del body["text"]

    response = post_mentions(http, body)

    assert response.status == 400
    [error] = response.json()["errors"]
    assert error["field"] == "text"
    assert "required" in error["message"]
    assert stored(workspace) == NOTHING_STORED


def test_an_unknown_network_lists_the_networks_allowed(
    workspace: Workspace, http: HttpClient
) -> None:
    response = post_mentions(http, mention(network="myspace"))

    assert response.status == 400
    [error] = response.json()["errors"]
    assert error["field"] == "network"
    assert NETWORKS in error["message"]
    assert stored(workspace) == NOTHING_STORED


def test_a_javascript_url_is_refused(workspace: Workspace, http: HttpClient) -> None:
    response = post_mentions(http, mention(url="javascript:alert(1)"))

    assert response.status == 400
    [error] = response.json()["errors"]
    assert error["field"] == "url"
    assert "http" in error["message"]
    assert stored(workspace) == NOTHING_STORED


def test_one_bad_item_rejects_the_whole_batch_naming_its_path(
    workspace: Workspace, http: HttpClient
) -> None:
    batch = {
        "mentions": [
            mention("401", "My refund never arrived"),
            mention("402", "Look at this", url="javascript:alert(1)"),
            mention("403", "What is your pricing?"),
        ]
    }

    response = post_mentions(http, batch)

    assert response.status == 400
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["mentions[1].url"]
    assert stored(workspace) == NOTHING_STORED
    assert workspace.deliver() == 0
    assert all_cards(workspace.standin) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mentions": []}, "mentions"),
        ({"mentions": "not a list"}, "mentions"),
        ([{"network": "x"}], "body"),
        ("42", "body"),
        ("[" * 100_000, "body"),
    ],
    ids=["empty batch", "batch not a list", "top-level list", "a number", "deeply nested"],
)
def test_a_body_that_is_no_mention_nor_batch_is_a_400_naming_it(
    workspace: Workspace, http: HttpClient, body: Any, field: str
) -> None:
    response = post_mentions(http, body)

    assert response.status == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert stored(workspace) == NOTHING_STORED


def test_a_batch_larger_than_a_thousand_is_refused_whole(
    workspace: Workspace, http: HttpClient
) -> None:
    batch = {"mentions": [mention(str(n), "hello") for n in range(1001)]}

    response = post_mentions(http, batch)

    assert response.status == 400
    [error] = response.json()["errors"]
    assert error["field"] == "mentions" and "1000" in error["message"]
    assert stored(workspace) == NOTHING_STORED


def test_every_bad_field_of_a_batch_is_listed(workspace: Workspace, http: HttpClient) -> None:
    first = mention("501", text="   ")
    second = mention("502", network="friendster")
    second["author"] = {"name": "No handle", "followers": -3}

    response = post_mentions(http, {"mentions": [first, second]})

    assert response.status == 400
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == [
        "mentions[0].text",
        "mentions[1].author.followers",
        "mentions[1].author.handle",
        "mentions[1].network",
    ]


def test_the_webhook_only_takes_posts(http: HttpClient) -> None:
    response = http.get("/webhooks/mentions")

    assert response.status == 405
    assert "POST" in response.json()["error"]


# -- 413 and 503 ------------------------------------------------------------------------------


def test_a_ten_megabyte_body_is_too_large_and_stores_nothing(
    workspace: Workspace, http: HttpClient
) -> None:
    body = json.dumps(mention(text="a" * (10 * 1024 * 1024)))
    raw = body.encode()
    headers = {**sign_webhook(body, new_webhook_id()), "content-length": str(len(raw))}

    response = http.post("/webhooks/mentions", raw, headers=headers)

    assert response.status == 413
    assert "send smaller batches" in response.json()["error"]
    assert stored(workspace) == NOTHING_STORED


def test_without_a_webhook_secret_the_endpoint_is_unavailable(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = make_workspace(database_url, standin, chorus_webhook_secret=None)
    try:
        with serving(ws.chorus.web) as client:
            response = post_mentions(client, mention())
        assert response.status == 503
        assert "CHORUS_WEBHOOK_SECRET" in response.json()["error"]
        assert stored(ws) == NOTHING_STORED
    finally:
        ws.chorus.services.sessions.kw["bind"].dispose()


# -- health and Slack ---------------------------------------------------------------------------


def test_health_check_says_ok_when_the_database_answers(http: HttpClient) -> None:
    response = http.get("/healthz")

    assert response.status == 200
    assert response.json() == {"status": "ok"}


def _chorus_command(text: str) -> str:
    return urlencode(
        {
            "command": "/chorus",
            "text": text,
            "user_id": "U0ANA",
            "user_name": "ana",
            "channel_id": "C0SUPPORT",
            "team_id": "T0CHORUS",
            "trigger_id": "trigger-http-1",
            "response_url": "http://127.0.0.1:9/responses/unused",
        }
    )


def test_slack_requests_with_a_forged_signature_are_refused(
    workspace: Workspace, http: HttpClient
) -> None:
    body = _chorus_command("help")
    forged = signed_headers(body, secret="a-secret-slack-never-gave-us")

    response = http.post("/slack/events", body.encode(), headers=forged)

    assert response.status == 401
    assert slack_calls_after_start_up(workspace.standin) == []


def test_slack_requests_signed_six_minutes_ago_are_refused_as_replays(
    workspace: Workspace, http: HttpClient
) -> None:
    body = _chorus_command("help")
    stale = signed_headers(body, SIGNING_SECRET, timestamp=int(time.time()) - 360)

    response = http.post("/slack/events", body.encode(), headers=stale)

    assert response.status == 401
    assert slack_calls_after_start_up(workspace.standin) == []


def test_chorus_help_over_http_answers_with_the_usage(http: HttpClient) -> None:
    body = _chorus_command("help")

    response = http.post("/slack/events", body.encode(), headers=signed_headers(body))

    assert response.status == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == CHORUS_HELP
    assert "/claim" in answer["text"] and "/chorus help" in answer["text"]


# -- long posts -------------------------------------------------------------------------------


def test_a_forty_thousand_character_post_is_kept_whole_and_cut_on_the_card(
    workspace: Workspace, http: HttpClient
) -> None:
    text = ("The export is broken again and again. " * 1100)[:40_000]
    assert len(text) == 40_000

    response = post_mentions(http, mention(text=text))

    assert response.json() == {"accepted": 1, "duplicates": 0}
    assert len(views.card(workspace.chorus.services, 1).mention.text) == 40_000
    workspace.deliver()
    card = workspace.card(1)
    [post] = [
        block["text"]["text"]
        for block in card["blocks"]
        if block.get("type") == "section" and block["text"]["type"] == "plain_text"
    ]
    assert len(post) <= 3000
    assert post.endswith("…")
    assert text.startswith(post[:-1])
    assert 0 < len(card["text"]) <= 300
