"""Slack answers too late: the WebClient times out, but Slack may have done the work.

A timed-out chat.postMessage may have been posted all the same. Chorus marks such a row, and
before posting it again reads the channel (or the card's thread) for a message carrying the
row's id in its metadata: found, it is brought up to date instead of posted twice. The
stand-in's `delay` carries a call out and answers it late. The client's timeout is cut to
one second so that each timeout costs one real second; the app's clock is moved by hand.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.faults.observe import (
    ManualClock,
    assert_one_card_each,
    assert_outbox_empty,
    top_level,
    unsent,
)
from tests.support.slack import message_text
from tests.support.workspace import ANA, LEAD, Workspace, mention

TIMEOUT = 1
LATE = 2.5  # seconds: the answer comes after the client gave up


@pytest.fixture(autouse=True)
def impatient(ws: Workspace) -> None:
    """The WebClient gives up after a second (30 by default)."""
    ws.chorus.client.timeout = TIMEOUT


def test_a_card_slack_posted_although_the_answer_timed_out_is_not_posted_twice(
    ws: Workspace, clock: ManualClock
) -> None:
    standin = ws.standin
    standin.delay("chat.postMessage", LATE)

    ws.receive(mention())  # the post times out, but Slack has the card

    [row] = unsent(ws)
    assert row.last_error is not None and row.last_error.startswith("unreachable")
    [landed] = top_level(standin)
    clock.advance(2)  # the first retry's backoff
    assert ws.deliver() == 1

    assert_one_card_each(ws)
    assert ws.card(1)["ts"] == landed["ts"], "the card Slack had is the card"
    assert standin.methods()[-3:] == ["chat.postMessage", "conversations.history", "chat.update"]
    assert len(standin.calls_to("chat.postMessage")) == 1
    ws.slack.click(ws.card(1), "Claim", ANA)
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))
    assert_one_card_each(ws)


def test_a_review_slack_posted_although_the_answer_timed_out_is_not_posted_twice(
    ws: Workspace, clock: ManualClock
) -> None:
    standin = ws.standin
    ws.receive(mention())
    ws.slack.command("/claim", "1", ANA)
    standin.delay("chat.postMessage", LATE)
    ws.slack.command("/draft", "1", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "We're on it!"}, ANA)
    assert ws.deliver() == 0  # the review's post times out, but Slack has it

    card = ws.card(1)
    [landed] = standin.thread(card["channel"], card["ts"])
    clock.advance(2)
    assert ws.deliver() == 1

    assert standin.thread(card["channel"], card["ts"]) == [{**landed, "edited": True}]
    assert ws.review_message(1)["ts"] == landed["ts"]
    assert "conversations.replies" in standin.methods()
    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    assert f"approved by <@{LEAD}>" in message_text(ws.card(1))
    assert len(standin.thread(card["channel"], card["ts"])) == 1


def test_a_card_that_never_reached_slack_is_posted_once_after_the_look(
    ws: Workspace, clock: ManualClock
) -> None:
    standin = ws.standin
    for handler in ws.chorus.client.retry_handlers:  # slack_sdk's own retry, without its wait
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.0)
    standin.stop()
    ws.receive(mention())  # refused: it may as well have been a timeout, so it is marked
    standin.start()

    clock.advance(2)
    assert ws.deliver() == 1

    assert standin.methods()[-2:] == ["conversations.history", "chat.postMessage"]
    assert_one_card_each(ws)
    assert_outbox_empty(ws)


def test_without_the_history_scope_the_card_is_posted_again_and_the_admin_told(
    ws: Workspace, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    standin = ws.standin
    standin.delay("chat.postMessage", LATE)
    standin.fail("conversations.history", "missing_scope")
    ws.receive(mention())

    clock.advance(2)
    with caplog.at_level(logging.WARNING, logger="chorus.outbox"):
        assert ws.deliver() == 1

    assert "channels:history" in caplog.text, "the admin learns which scope to add"
    assert len(top_level(standin)) == 2, "without the scope, the old behaviour: posted again"
    assert_outbox_empty(ws)


def test_a_click_whose_card_update_times_out_is_saved_told_and_the_card_repaired(
    ws: Workspace, clock: ManualClock
) -> None:
    standin = ws.standin
    ws.receive(mention())
    standin.delay("chat.update", LATE)

    ws.slack.click(ws.card(1), "Claim", ANA)

    assert standin.ephemerals(ANA)[-1]["text"] == "You claimed #1. Draft a reply when ready."
    [repair] = unsent(ws)
    assert (repair.kind, repair.mention_id) == ("card_update", 1)
    assert ws.deliver() == 1
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1))
    assert_one_card_each(ws)
    assert_outbox_empty(ws)
