"""Fuzzing the webhooks with correctly signed bodies: any bytes, any JSON, and valid payloads
broken at any depth, sent to the WSGI app (the one waitress serves). Chorus never raises,
answers 202, or 400 / 404 / 413 with errors that each name a field and say what is wrong, and
a refused body stores nothing at all."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standin import SlackStandIn
from tests.security.fuzzing import WEBHOOK_BODIES, examples, mutated
from tests.security.probes import footprint
from tests.security.webhook_requests import (
    EARSHOT,
    EARSHOT_PAYLOAD,
    LIVE,
    posted_by_hand,
)
from tests.support.listening_workspace import workspace_with
from tests.support.workspace import Workspace, mention, sign_webhook
from tests.support.wsgi import call_wsgi

IDS = itertools.count()
RESULT = {"url": LIVE, "likes": 4, "shares": 1, "follow_up": {"text": "Thanks!", "id": "f1"}}
MAPPING_BODIES = st.one_of(mutated(EARSHOT_PAYLOAD).map(json.dumps), WEBHOOK_BODIES)
ENGAGEMENT_BODIES = st.one_of(
    mutated(RESULT).map(json.dumps),
    mutated({"results": [RESULT, {**RESULT, "likes": 7}]}).map(json.dumps),
    WEBHOOK_BODIES,
)
MENTION_BODIES = st.one_of(
    WEBHOOK_BODIES,
    mutated(mention("fuzz-deep")).map(json.dumps),
    mutated({"mentions": [mention("fuzz-1"), mention("fuzz-2")]}).map(json.dumps),
)


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    with workspace_with(EARSHOT, database_url, standin) as workspace:
        yield workspace


def deliver(ws: Workspace, path: str, body: str) -> tuple[int, dict[str, Any]]:
    """Send `body`, signed, to `path`; check the property; return the answer."""
    before = footprint(ws).rows
    raw = body.encode("utf-8", errors="surrogatepass")
    headers = sign_webhook(body, f"msg_fuzz_{next(IDS)}")
    status, reply = call_wsgi(ws.chorus.web, "POST", path, raw, headers)
    assert status in (202, 400, 404, 413), (status, reply)
    if status != 202:
        assert footprint(ws).rows == before, f"a {status} stored something"
        problems = reply.get("errors") or [{"field": "body", "message": reply.get("error")}]
        for problem in problems:
            assert isinstance(problem["field"], str) and problem["field"], reply
            assert isinstance(problem["message"], str) and len(problem["message"]) > 5, reply
    return status, reply


@settings(max_examples=examples(80))
@given(body=MENTION_BODIES)
def test_fuzzed_mention_webhook(ws: Workspace, body: str) -> None:
    status, reply = deliver(ws, "/webhooks/mentions", body)
    if status == 202:
        assert reply["accepted"] + reply["duplicates"] >= 1


@settings(max_examples=examples(60))
@given(body=MAPPING_BODIES)
def test_fuzzed_mapping_webhook(ws: Workspace, body: str) -> None:
    deliver(ws, "/webhooks/mentions/earshot", body)


@settings(max_examples=examples(60))
@given(body=ENGAGEMENT_BODIES)
def test_fuzzed_engagement_webhook(ws: Workspace, body: str) -> None:
    if not ws.standin.messages("C0SUPPORT"):  # once per test: a reply to report on
        posted_by_hand(ws)
    deliver(ws, "/webhooks/engagement", body)
