"""A five-minute Slack outage while work goes on: nothing is lost, nothing is doubled.

Every Web API call answers HTTP 500 (or, separately, the stand-in is stopped: connections are
refused) for five minutes of the app's clock. Meanwhile mentions keep arriving over real
HTTP, people claim, draft and approve. Afterwards every mention has exactly one card showing
its latest state, each review message is there once, and the outbox is empty. The clock is
moved by hand (`ManualClock`): five minutes pass in no time. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.domain.model import State
from bot.services import views
from tests.faults.observe import (
    ManualClock,
    assert_one_card_each,
    assert_outbox_empty,
    deliver_until_empty,
    errors_logged,
    events,
    mentions,
    unsent,
)
from tests.support.http_server import HttpClient, serving
from tests.support.slack import message_text
from tests.support.workspace import ANA, BEN, OTHER_LEAD, Workspace, mention, sign_webhook

SUPPORT = "Is the export broken for anyone else?"
SALES = "Any discount for schools?"
GENERAL = "Lovely app, thank you"
OUTAGE = 300  # seconds of the app's clock
STEP = 10
CAP = timedelta(minutes=5)  # the worker's longest backoff
_ids = count(1)


@pytest.fixture
def http(ws: Workspace) -> Iterator[HttpClient]:
    with serving(ws.chorus.web) as client:
        yield client


def arrive(http: HttpClient, *items: dict[str, Any]) -> dict[str, Any]:
    """A listening tool posts mentions to the webhook, over HTTP; Chorus accepts them."""
    body = json.dumps({"mentions": list(items)})
    reply = http.post("/webhooks/mentions", body.encode(), sign_webhook(body, f"out_{next(_ids)}"))
    assert reply.status == 202, reply.body
    return dict(reply.json())


def assert_backoff_capped(ws: Workspace, clock: ManualClock) -> None:
    waits = [row.next_attempt_at.replace(tzinfo=clock.now.tzinfo) - clock.now for row in unsent(ws)]
    assert all(wait <= CAP for wait in waits), max(waits)


def draft_of(ws: Workspace, mention_id: int) -> int:
    card = views.card(ws.chorus.services, mention_id)
    assert card.draft is not None
    return card.draft.id


def before_the_outage(ws: Workspace, http: HttpClient) -> dict[str, Any]:
    """Two cards in Slack; Ana has #1 and its draft form open; Ben's draft for #2 in review."""
    arrive(http, mention("1", text=SUPPORT), mention("2", text=SALES))
    ws.deliver()
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ana_form = ws.open_view()
    ws.slack.command("/claim", "2", BEN, channel="C0SALES")
    ws.slack.command("/draft", "2", BEN, channel="C0SALES")
    ws.slack.submit(ws.open_view(), {"reply": "Yes: half price for schools."}, BEN)
    ws.deliver()
    assert ws.review_message(draft_of(ws, 2))
    return ana_form


def test_a_five_minute_outage_of_500s_loses_and_doubles_nothing(
    ws: Workspace, http: HttpClient, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ana_form = before_the_outage(ws, http)
    review_2 = ws.review_message(draft_of(ws, 2))
    ws.standin.outage()  # every Web API method: HTTP 500 internal_error

    with caplog.at_level(logging.WARNING):
        for second in range(STEP, OUTAGE + 1, STEP):
            clock.advance(STEP)
            if second == 10:
                arrive(http, mention("3", text=SUPPORT + " (3)"), mention("4", text=GENERAL))
            elif second == 30:
                ws.slack.submit(ana_form, {"reply": "We're on it, sorry!"}, ANA)
            elif second == 60:
                ws.slack.command("/claim", "3", BEN)
            elif second == 90:
                ws.slack.click(review_2, "Approve", OTHER_LEAD)
            elif second == 120:
                arrive(http, mention("5", text=SALES + " (5)"))
            elif second == 200:
                assert arrive(http, mention("3", text=SUPPORT + " (3)")) == {
                    "accepted": 0,
                    "duplicates": 1,
                }
            ws.deliver()  # a worker round: everything due fails, and waits
            assert_backoff_capped(ws, clock)
        assert unsent(ws), "nothing reached Slack while it was down"

        ws.standin.end_outage()
        took = deliver_until_empty(ws, clock, STEP, limit=CAP.total_seconds())

    assert took <= CAP.total_seconds()
    assert_everything_caught_up(ws)
    assert errors_logged(caplog.records) == []


def assert_everything_caught_up(ws: Workspace) -> None:
    """One card per mention, each showing the truth; one review message per draft."""
    assert len(mentions(ws)) == 5
    assert_one_card_each(ws)
    assert_outbox_empty(ws)
    state = {m.id: (m.state, m.claimed_by) for m in mentions(ws)}
    assert state == {
        1: (State.IN_REVIEW.value, ANA),
        2: (State.APPROVED.value, BEN),
        3: (State.CLAIMED.value, BEN),
        4: (State.ROUTED.value, None),
        5: (State.ROUTED.value, None),
    }
    assert f"Draft v1 by <@{ANA}> is in review" in message_text(ws.card(1))
    assert f"approved by <@{OTHER_LEAD}>" in message_text(ws.card(2))
    assert f"Claimed by <@{BEN}>" in message_text(ws.card(3))
    for waiting in (4, 5):
        assert "Waiting for someone to claim it" in message_text(ws.card(waiting))
    for mention_id in (1, 2):
        card = ws.card(mention_id)
        [review] = ws.standin.thread(card["channel"], card["ts"])
        assert review["ts"] == ws.review_message(draft_of(ws, mention_id))["ts"]
    assert "We're on it, sorry!" in message_text(ws.review_message(draft_of(ws, 1)))
    happened = events(ws)
    assert [happened[(m, "received")] for m in range(1, 6)] == [1] * 5
    assert happened[(1, "submit_draft")] == happened[(2, "approve")] == happened[(3, "claim")] == 1


def test_five_minutes_of_refused_connections_lose_and_double_nothing(
    ws: Workspace, http: HttpClient, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    # slack_sdk retries a refused connection once, after 0.5 to 1.5 s: keep the retry, not
    # the real wait (the outbox's own backoff is on the app's clock).
    for handler in ws.chorus.client.retry_handlers:
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.0)
    ana_form = before_the_outage(ws, http)
    ws.standin.stop()  # nothing listens on Slack's port any more

    with caplog.at_level(logging.WARNING):
        for second in range(STEP * 3, OUTAGE + 1, STEP * 3):
            clock.advance(STEP * 3)
            if second == 30:
                arrive(http, mention("3", text=SUPPORT + " (3)"), mention("4", text=GENERAL))
            elif second == 90:
                ws.slack.submit(ana_form, {"reply": "We're on it, sorry!"}, ANA)
            elif second == 150:
                arrive(http, mention("5", text=SALES + " (5)"))
            ws.deliver()
            assert_backoff_capped(ws, clock)
        assert {r.last_error.split(":")[0] for r in unsent(ws)} == {"unreachable"}

        ws.standin.start()  # back, on the same port
        deliver_until_empty(ws, clock, STEP, limit=CAP.total_seconds())

    assert len(mentions(ws)) == 5
    assert_one_card_each(ws)
    assert_outbox_empty(ws)
    assert f"Draft v1 by <@{ANA}> is in review" in message_text(ws.card(1))
    card = ws.card(1)
    [review] = ws.standin.thread(card["channel"], card["ts"])
    assert "We're on it, sorry!" in message_text(review)
    assert errors_logged(caplog.records) == []
