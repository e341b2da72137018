"""POST /webhooks/engagement over a real socket: a tool reports what a network shows for a
reply the team posted by hand, signed like the mention webhook.

Every request crosses real HTTP to waitress serving Chorus's WSGI app, on SQLite and on
PostgreSQL; the replies are posted through the real Bolt app first.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.standin import SlackStandIn
from storage import publishing as store
from storage.models import (
    EventRow,
    FollowUpRow,
    PublicationRow,
    SnapshotRow,
    WebhookDeliveryRow,
)
from tests.support.http_server import HttpClient, HttpReply, serving
from tests.support.slack import message_text
from tests.support.workspace import ANA, LEAD, Workspace, make_workspace, mention, sign_webhook

OTHER_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-chorus-was-given!").decode()
PATH = "/webhooks/engagement"
LIVE = {
    1: "https://www.linkedin.com/feed/update/7001",
    2: "https://www.linkedin.com/feed/update/7002",
}


@pytest.fixture
def workspace(any_workspace: Workspace) -> Workspace:
    return any_workspace


@pytest.fixture
def http(workspace: Workspace) -> Iterator[HttpClient]:
    with serving(workspace.chorus.web) as client:
        yield client


_webhook_ids = iter(range(1, 1_000_000))


def new_webhook_id() -> str:
    return f"msg_engagement_{next(_webhook_ids)}"


def post(http: HttpClient, body: Any, webhook_id: str | None = None, **signing: Any) -> HttpReply:
    """Post a body (an object, or raw text) signed as a tool signs it."""
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = sign_webhook(raw, webhook_id or new_webhook_id(), **signing)
    return http.post(PATH, raw.encode(), headers=headers)


def posted_by_hand(ws: Workspace, mention_id: int = 1) -> None:
    """A LinkedIn mention (no connector) answered by Ana and marked as posted at LIVE[n]."""
    ws.receive(
        mention(
            network="linkedin",
            external_id=f"li-{mention_id}",
            url=f"https://www.linkedin.com/feed/update/{mention_id}",
        )
    )
    ws.slack.click(ws.card(mention_id), "Claim", ANA)
    ws.slack.click(ws.card(mention_id), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! It works again."}, ANA)
    ws.deliver()
    ws.slack.click(ws.review_message(mention_id), "Approve", LEAD)
    ws.deliver()
    ws.slack.click(ws.review_message(mention_id), "Mark as posted", ANA)
    response = ws.slack.submit(ws.open_view(), {"live_url": LIVE[mention_id]}, ANA)
    assert response.status == 200 and response.body == "", response.body
    ws.deliver()


def publication(ws: Workspace, mention_id: int = 1) -> PublicationRow:
    with ws.chorus.services.sessions() as session:
        row = store.publication_of_mention(session, mention_id)
        assert row is not None
        return row


def results_of(ws: Workspace, mention_id: int = 1) -> dict[str, Any]:
    row = publication(ws, mention_id)
    names = ("likes", "shares", "quotes", "replies", "clicks", "positive_follow_ups", "score")
    return {name: getattr(row, name) for name in names}


def stored(ws: Workspace) -> dict[str, int]:
    """What a report writes: reported snapshots, follow-ups, results events, deliveries."""
    with ws.chorus.services.sessions() as session:

        def count(model: Any, *where: Any) -> int:
            query = select(func.count()).select_from(model).where(*where)
            return int(session.scalar(query) or 0)

        return {
            "updates": count(SnapshotRow, SnapshotRow.label == "update"),
            "follow_ups": count(FollowUpRow),
            "results_events": count(EventRow, EventRow.kind == "results"),
            "webhook_deliveries": count(WebhookDeliveryRow),
        }


def score_line(ws: Workspace, mention_id: int = 1) -> str:
    [line] = [
        line
        for line in message_text(ws.card(mention_id)).splitlines()
        if line.startswith(":chart_with_upwards_trend:")
    ]
    return line


def fields_of(response: HttpReply) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


NOTHING = {"score": 0, "likes": 0, "shares": 0, "quotes": 0, "replies": 0, "clicks": 0}


# -- accepted ----------------------------------------------------------------------------------


def test_results_for_the_live_link_update_the_score_and_the_card(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    before = stored(ws)

    response = post(http, {"url": LIVE[1], "likes": 4, "shares": 2, "clicks": 1})

    assert response.status == 202
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"updated": 1, "duplicate": False}
    assert results_of(ws) == {**NOTHING, "likes": 4, "shares": 2, "clicks": 1,
                              "positive_follow_ups": 0, "score": 12}  # fmt: skip
    with ws.chorus.services.sessions() as session:
        [update] = [s for s in store.snapshots_of(session, 1) if s.label == "update"]
    assert (update.source, update.recorded_by, update.score) == ("webhook", None, 12)
    assert stored(ws) == {
        "updates": 1,
        "follow_ups": 0,
        "results_events": 1,
        "webhook_deliveries": before["webhook_deliveries"] + 1,
    }
    ws.deliver()
    assert score_line(ws) == (
        ":chart_with_upwards_trend: Score 12 · 2 shares, 1 link click, 4 likes"
    )


def test_a_number_left_out_keeps_the_last_one(workspace: Workspace, http: HttpClient) -> None:
    ws = workspace
    posted_by_hand(ws)
    post(http, {"url": LIVE[1], "likes": 4, "shares": 2})

    response = post(http, {"url": LIVE[1], "likes": 6})

    assert response.json() == {"updated": 1, "duplicate": False}
    assert (publication(ws).likes, publication(ws).shares) == (6, 2)
    assert stored(ws)["updates"] == 2


@pytest.mark.parametrize(
    "locator",
    [{"mention_id": 1}, {"url": LIVE[1] + "/"}, {"url": f"  {LIVE[1]}  "}],
    ids=["mention_id", "trailing slash", "spaces"],
)
def test_the_reply_can_be_named_by_its_mention_or_its_link_as_written(
    workspace: Workspace, http: HttpClient, locator: dict[str, Any]
) -> None:
    ws = workspace
    posted_by_hand(ws)

    response = post(http, {**locator, "replies": 3})

    assert response.status == 202
    assert response.json() == {"updated": 1, "duplicate": False}
    assert (publication(ws).replies, publication(ws).score) == (3, 6)


def test_a_batch_updates_each_reply(workspace: Workspace, http: HttpClient) -> None:
    ws = workspace
    posted_by_hand(ws, 1)
    posted_by_hand(ws, 2)
    deliveries = stored(ws)["webhook_deliveries"]

    response = post(
        http,
        {"results": [{"url": LIVE[1], "shares": 1}, {"mention_id": 2, "quotes": 2, "likes": 1}]},
    )

    assert response.status == 202
    assert response.json() == {"updated": 2, "duplicate": False}
    assert publication(ws, 1).score == 3 and publication(ws, 2).score == 7
    assert stored(ws)["updates"] == 2
    assert stored(ws)["webhook_deliveries"] == deliveries + 1
    ws.deliver()
    assert score_line(ws, 1) == ":chart_with_upwards_trend: Score 3 · 1 share"
    assert score_line(ws, 2) == ":chart_with_upwards_trend: Score 7 · 2 quotes, 1 like"


# -- the customer's answer -------------------------------------------------------------------


def test_a_thankful_follow_up_adds_five_and_is_quoted_on_the_card(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    follow_up = {
        "text": "Thanks, works now!",
        "id": "li-comment-9",
        "url": "https://www.linkedin.com/feed/update/7001?commentUrn=9",
        "created_at": "2026-11-20T11:00:00Z",
    }

    response = post(http, {"url": LIVE[1], "likes": 1, "follow_up": follow_up})

    assert response.json() == {"updated": 1, "duplicate": False}
    assert (publication(ws).positive_follow_ups, publication(ws).score) == (1, 1 + 5)
    with ws.chorus.services.sessions() as session:
        [said] = store.follow_ups_of(session, publication(ws).id)
    assert (said.external_id, said.text, said.positive) == (
        "tool:li-comment-9",
        "Thanks, works now!",
        True,
    )
    assert said.sentiment is not None and said.sentiment > 0
    ws.deliver()
    assert score_line(ws) == (
        ":chart_with_upwards_trend: Score 6 · 1 like, the customer answered warmly"
        " · customer: “Thanks, works now!”"
    )


def test_the_same_follow_up_reported_again_counts_once(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    body = {"url": LIVE[1], "follow_up": {"text": "Thanks, works now!", "id": "c-1"}}

    post(http, body)
    response = post(http, body)  # a new webhook-id: the tool read the same comment again

    assert response.json() == {"updated": 1, "duplicate": False}
    assert (publication(ws).positive_follow_ups, publication(ws).score) == (1, 5)
    assert stored(ws)["follow_ups"] == 1


@pytest.mark.parametrize(
    "text",
    ["This is still broken and I am furious.", "ok", "Still waiting for an answer."],
    ids=["angry", "neutral", "waiting"],
)
def test_a_follow_up_that_is_no_win_adds_nothing(
    workspace: Workspace, http: HttpClient, text: str
) -> None:
    ws = workspace
    posted_by_hand(ws)

    response = post(http, {"url": LIVE[1], "follow_up": {"text": text}})

    assert response.status == 202
    assert (publication(ws).positive_follow_ups, publication(ws).score) == (0, 0)
    assert stored(ws)["follow_ups"] == 1
    ws.deliver()
    assert "warmly" not in score_line(ws)


# -- 400: bad fields -------------------------------------------------------------------------

BAD = [
    ({"url": LIVE[1], "likes": 1, "views": 100}, ["views"]),
    ({"url": LIVE[1], "likes": -1}, ["likes"]),
    ({"url": LIVE[1], "shares": True}, ["shares"]),
    ({"url": LIVE[1], "replies": 2.5}, ["replies"]),
    ({"url": LIVE[1], "clicks": "12"}, ["clicks"]),
    ({"url": LIVE[1], "quotes": 10**12}, ["quotes"]),
    ({"likes": 3}, ["url"]),
    ({"url": "not a link", "likes": 3}, ["url"]),
    ({"url": "javascript:alert(1)", "likes": 3}, ["url"]),
    ({"url": "https://www.linkedin.com/feed/\x00", "likes": 3}, ["url"]),
    ({"mention_id": "1", "likes": 3}, ["mention_id"]),
    ({"mention_id": 0, "likes": 3}, ["mention_id"]),
    ({"mention_id": 2**63, "likes": 3}, ["mention_id"]),
    ({"mention_id": True, "likes": 3}, ["mention_id"]),
    ({"url": LIVE[1]}, ["body"]),
    ({"url": LIVE[1], "follow_up": "Thanks!"}, ["follow_up"]),
    ({"url": LIVE[1], "follow_up": {"text": "  "}}, ["follow_up.text"]),
    ({"url": LIVE[1], "follow_up": {"text": "Thanks", "url": "ftp://x"}}, ["follow_up.url"]),
    (
        {"url": LIVE[1], "follow_up": {"text": "Thanks", "created_at": "yesterday"}},
        ["follow_up.created_at"],
    ),  # fmt: skip
    (
        {"url": LIVE[1], "follow_up": {"text": "Thanks", "created_at": "²"}},
        ["follow_up.created_at"],
    ),  # fmt: skip
    (
        {"url": LIVE[1], "follow_up": {"text": "Thanks", "created_at": "9" * 20}},
        ["follow_up.created_at"],
    ),  # fmt: skip
    ({"url": LIVE[1], "follow_up": {"text": "Thanks", "id": {"a": 1}}}, ["follow_up.id"]),
    ({"url": LIVE[1], "follow_up": {"text": "Thanks", "mood": "happy"}}, ["follow_up.mood"]),
    (
        {"results": [{"url": LIVE[1], "likes": 1}, {"url": LIVE[1], "likes": -2}]},
        ["results[1].likes"],
    ),  # fmt: skip
    ({"results": [{"url": LIVE[1], "likes": 1}, "x"]}, ["results[1]"]),
    ({"results": []}, ["results"]),
    ({"results": {}}, ["results"]),
    ({"results": [{"likes": 1}] * 1001}, ["results"]),
]
BAD_IDS = [
    "unknown field",
    "negative",
    "bool",
    "fraction",
    "number as text",
    "too large",
    "no url nor mention_id",
    "url not a link",
    "javascript url",
    "url with NUL",
    "mention_id as text",
    "mention_id zero",
    "mention_id past bigint",
    "mention_id bool",
    "nothing reported",
    "follow_up not an object",
    "follow_up without text",
    "follow_up bad url",
    "follow_up bad time",
    "follow_up superscript time",
    "follow_up time past year 9999",
    "follow_up id an object",
    "follow_up unknown field",
    "batch item negative",
    "batch item not an object",
    "empty batch",
    "batch not a list",
    "batch too large",
]


@pytest.mark.parametrize(("body", "fields"), BAD, ids=BAD_IDS)
def test_each_bad_field_is_a_400_naming_it_and_nothing_changes(
    workspace: Workspace, http: HttpClient, body: dict[str, Any], fields: list[str]
) -> None:
    ws = workspace
    posted_by_hand(ws)
    before = stored(ws)

    response = post(http, body)

    assert response.status == 400, response.body
    assert fields_of(response) == fields
    assert all(error["message"] for error in response.json()["errors"])
    assert stored(ws) == before
    assert publication(ws).score == 0


def test_every_bad_field_of_a_batch_is_listed(workspace: Workspace, http: HttpClient) -> None:
    posted_by_hand(workspace)

    response = post(
        http,
        {
            "results": [
                {"url": LIVE[1], "likes": -1, "shares": "2"},
                {"mention_id": 1, "impressions": 5},
            ]
        },
    )

    assert response.status == 400
    assert sorted(fields_of(response)) == [
        "results[0].likes",
        "results[0].shares",
        "results[1].impressions",
    ]


# -- 404: a reply Chorus does not know --------------------------------------------------------


def test_an_unknown_reply_is_a_404_and_nothing_is_recorded_for_the_others(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    before = stored(ws)

    response = post(
        http,
        {
            "results": [
                {"url": LIVE[1], "likes": 5},
                {"url": "https://www.linkedin.com/feed/update/404", "likes": 1},
                {"mention_id": 99, "shares": 1},
            ]
        },
    )

    assert response.status == 404
    assert fields_of(response) == ["results[1].url", "results[2].mention_id"]
    assert "nothing was recorded" in response.json()["errors"][0]["message"]
    assert results_of(ws)["likes"] == 0
    assert stored(ws) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://www.linkedin.com/feed/update/404", "likes": 1}, "url"),
        ({"mention_id": 1, "likes": 1}, "mention_id"),
    ],
    ids=["url", "mention_id"],
)
def test_a_reply_not_posted_yet_is_a_404_naming_how_it_was_named(
    workspace: Workspace, http: HttpClient, body: dict[str, Any], field: str
) -> None:
    ws = workspace
    ws.receive(mention(network="linkedin", external_id="li-1"))  # a card, no reply yet
    before = stored(ws)

    response = post(http, body)

    assert response.status == 404
    assert fields_of(response) == [field]
    assert stored(ws) == before


def test_a_404_for_a_batch_of_one_names_the_item(workspace: Workspace, http: HttpClient) -> None:
    response = post(http, ' { "results": [{"mention_id": 7, "likes": 1}]}')

    assert response.status == 404
    assert fields_of(response) == ["results[0].mention_id"]


# -- replays, signatures, the secret ----------------------------------------------------------


def test_a_replayed_webhook_id_is_a_duplicate_and_changes_nothing(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    first = post(http, {"url": LIVE[1], "likes": 4}, webhook_id="msg_results_once")
    assert first.json() == {"updated": 1, "duplicate": False}
    before, results_before = stored(ws), results_of(ws)

    again = post(http, {"url": LIVE[1], "likes": 40}, webhook_id="msg_results_once")

    assert again.status == 202
    assert again.json() == {"updated": 0, "duplicate": True}
    assert results_of(ws) == results_before and stored(ws) == before


def test_the_same_delivery_sent_several_times_at_once_counts_once(
    workspace: Workspace, http: HttpClient
) -> None:
    ws = workspace
    posted_by_hand(ws)
    before = stored(ws)
    body = json.dumps({"url": LIVE[1], "likes": 4, "follow_up": {"text": "Thanks!"}})
    requests = [(body, sign_webhook(body, "msg_results_burst")) for _ in range(8)]
    start = threading.Barrier(len(requests))

    def send(signed: tuple[str, dict[str, str]]) -> HttpReply:
        start.wait()
        return http.post(PATH, signed[0].encode(), headers=signed[1])

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        replies = list(pool.map(send, requests))

    assert [r.status for r in replies] == [202] * len(requests)
    assert sorted(r.json()["updated"] for r in replies) == [0] * (len(requests) - 1) + [1]
    assert sum(r.json()["duplicate"] for r in replies) == len(requests) - 1
    assert stored(ws) == {
        "updates": 1,
        "follow_ups": 1,
        "results_events": 1,
        "webhook_deliveries": before["webhook_deliveries"] + 1,
    }
    assert publication(ws).score == 4 + 5


def test_a_404_does_not_use_up_the_webhook_id(workspace: Workspace, http: HttpClient) -> None:
    ws = workspace
    early = post(http, {"mention_id": 1, "likes": 4}, webhook_id="msg_too_early")
    assert early.status == 404

    posted_by_hand(ws)
    retry = post(http, {"mention_id": 1, "likes": 4}, webhook_id="msg_too_early")

    assert retry.json() == {"updated": 1, "duplicate": False}
    assert publication(ws).likes == 4


@pytest.mark.parametrize(
    "signing",
    [{"secret": OTHER_SECRET}, {"at": 0.0}],
    ids=["another secret", "signed in 1970"],
)
def test_a_bad_signature_is_a_401_and_changes_nothing(
    workspace: Workspace, http: HttpClient, signing: dict[str, Any]
) -> None:
    ws = workspace
    posted_by_hand(ws)
    before = stored(ws)

    response = post(http, {"url": LIVE[1], "likes": 4}, **signing)

    assert response.status == 401
    assert "signature" in response.json()["error"]
    assert stored(ws) == before and publication(ws).likes == 0


def test_an_unsigned_request_is_a_401(workspace: Workspace, http: HttpClient) -> None:
    body = json.dumps({"mention_id": 1, "likes": 4}).encode()

    response = http.post(PATH, body, headers={"content-type": "application/json"})

    assert response.status == 401
    assert stored(workspace)["webhook_deliveries"] == 0


def test_without_a_webhook_secret_the_endpoint_is_unavailable(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = make_workspace(database_url, standin, chorus_webhook_secret=None)
    try:
        with serving(ws.chorus.web) as client:
            response = post(client, {"mention_id": 1, "likes": 4})
        assert response.status == 503
        assert "CHORUS_WEBHOOK_SECRET" in response.json()["error"]
    finally:
        ws.chorus.services.sessions.kw["bind"].dispose()


def test_the_webhook_only_takes_posts(http: HttpClient) -> None:
    response = http.get(PATH)

    assert response.status == 405
    assert "POST" in response.json()["error"]


# -- garbage never breaks it ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "[]",
        '"x"',
        "null",
        "42",
        "{",
        "",
        '{"results": {}}',
        '{"results": [null]}',
        '{"results": [[]]}',
        "[" * 100_000,
        '{"url": ' * 50_000,
        '{"results": [' + "[" * 100_000,
        '{"likes": 1' + "9" * 5000 + "}",
        '{"url": "https://x.example", "likes": NaN}',
        '{"url": "https://x.example", "likes": Infinity}',
    ],
    ids=[
        "empty list",
        "a string",
        "null",
        "a number",
        "cut short",
        "empty body",
        "results an object",
        "results of null",
        "results of a list",
        "deeply nested list",
        "deeply nested objects",
        "deeply nested results",
        "a number of 5000 digits",
        "NaN",
        "Infinity",
    ],
)
def test_garbage_is_a_400_never_a_500(workspace: Workspace, http: HttpClient, raw: str) -> None:
    response = post(http, raw)

    assert response.status == 400, response.body
    assert response.json()["errors"]
    assert stored(workspace)["webhook_deliveries"] == 0


def test_bytes_that_are_not_utf8_are_refused_not_a_500(
    workspace: Workspace, http: HttpClient
) -> None:
    raw = b'{"mention_id": 1, "likes": "\xff\xfe"}'
    # Standard Webhooks signs text: no signature can check out for bytes that are no UTF-8.
    headers = sign_webhook(raw.decode("latin-1"), new_webhook_id())

    response = http.post(PATH, raw, headers=headers)

    assert response.status == 401
    assert stored(workspace)["webhook_deliveries"] == 0
