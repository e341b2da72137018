"""The outbox when Slack misbehaves: nothing is lost, nothing is posted twice.

The stand-in is told to fail; the worker runs one round at a time (`deliver()`). Waiting for a
retry is a real `time.sleep` (no freezegun here: the worker paces with the real clock).
Runs on SQLite, and on PostgreSQL when CHORUS_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.model import State
from bot.services import views
from bot.standin import SlackStandIn
from storage.models import OutboxRow
from tests.support.slack import message_text
from tests.support.workspace import (
    ANA,
    BEN,
    Workspace,
    make_workspace,
    mention,
)

SUPPORT = "Is the export broken for anyone else?"  # routed to Support ("broken")
SALES = "Any discount for schools?"  # Sales ("discount")
GENERAL = "Lovely app, thank you"  # General (the default)


def outbox(ws: Workspace) -> list[OutboxRow]:
    """Every outbox row, oldest first, as the database holds it now."""
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def cards_in(ws: Workspace, channel: str) -> list[dict[str, Any]]:
    return [m for m in ws.standin.messages(channel) if not m["thread_ts"]]


def assert_about(moment: datetime, expected: datetime) -> None:
    assert abs(moment - expected) < timedelta(seconds=0.5), (moment, expected)


# -- a card that could not be posted is kept and posted once later ------------------------


def test_a_rate_limited_card_waits_as_slack_asks_then_is_posted_once(
    any_workspace: Workspace,
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "ratelimited", retry_after=1)

    before = datetime.now(UTC)
    ws.receive(mention())  # the first round meets the 429

    assert cards_in(ws, "C0SUPPORT") == []
    [row] = outbox(ws)
    assert row.sent_at is None and row.attempts == 1 and row.last_error == "ratelimited"
    assert_about(row.next_attempt_at, before + timedelta(seconds=1))
    assert ws.deliver() == 0, "not before Retry-After"

    time.sleep(1.1)
    assert ws.deliver() == 1

    [card] = cards_in(ws, "C0SUPPORT")
    assert SUPPORT in message_text(card)
    assert len(standin.calls_to("chat.postMessage")) == 2
    [row] = outbox(ws)
    assert row.sent_at is not None and row.ts == card["ts"] and row.last_error is None
    assert ws.card(1)["ts"] == card["ts"]
    assert ws.deliver() == 0 and len(cards_in(ws, "C0SUPPORT")) == 1


def test_a_server_error_is_retried_after_a_backoff(any_workspace: Workspace) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "internal_error", status=500)

    before = datetime.now(UTC)
    ws.receive(mention())
    after = datetime.now(UTC)

    assert cards_in(ws, "C0SUPPORT") == []
    [row] = outbox(ws)
    assert row.sent_at is None and row.attempts == 1 and row.last_error == "internal_error"
    # Two seconds after the failure, which happened while the mention was received.
    assert before + timedelta(seconds=2) <= row.next_attempt_at <= after + timedelta(seconds=2)
    assert ws.deliver() == 0

    time.sleep(2.1)
    assert ws.deliver() == 1

    assert len(cards_in(ws, "C0SUPPORT")) == 1
    assert len(standin.calls_to("chat.postMessage")) == 2


def test_a_channel_without_the_bot_keeps_the_card_and_tells_the_admin(
    any_workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "not_in_channel")

    with caplog.at_level(logging.ERROR, logger="chorus.outbox"):
        ws.receive(mention())

    [row] = outbox(ws)
    assert row.sent_at is None and row.attempts == 1 and row.last_error == "not_in_channel"
    assert "C0SUPPORT" in caplog.text and "/invite @Chorus" in caplog.text
    assert ws.chorus.worker.halted is None

    time.sleep(2.1)  # the bot was invited meanwhile; the retry goes through
    assert ws.deliver() == 1
    assert len(cards_in(ws, "C0SUPPORT")) == 1


def test_a_refused_token_halts_the_worker_and_keeps_every_message(
    any_workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "invalid_auth")

    with caplog.at_level(logging.ERROR, logger="chorus.outbox"):
        ws.receive(mention("1", text=SUPPORT), mention("2", text=SALES))

    assert ws.chorus.worker.halted == "invalid_auth"
    assert "SLACK_BOT_TOKEN" in caplog.text
    assert len(standin.calls_to("chat.postMessage")) == 1, "it stops at the first refusal"
    rows = outbox(ws)
    assert [r.sent_at for r in rows] == [None, None]
    assert rows[0].last_error == "invalid_auth"
    assert ws.deliver() == 0
    assert len(standin.calls_to("chat.postMessage")) == 1, "a halted worker calls nobody"


# -- a failed chat.update loses nothing -----------------------------------------------


def test_a_failed_card_update_keeps_the_claim_and_the_next_change_repairs_the_card(
    any_workspace: Workspace,
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    ws.receive(mention())
    standin.fail("chat.update", "internal_error")

    ws.slack.click(ws.card(1), "Claim", ANA)

    mention_now = views.card(ws.chorus.services, 1).mention
    assert mention_now.state is State.CLAIMED and mention_now.claimed_by == ANA
    stale = ws.card(1)
    assert "Waiting for someone to claim it" in message_text(stale), "Slack missed the update"
    assert standin.ephemerals(ANA)[-1]["text"] == "You claimed #1. Draft a reply when ready."

    # The stale card still offers Claim: the database, not the card, decides.
    ws.slack.click(stale, "Claim", BEN)
    assert standin.ephemerals(BEN)[-1]["text"].startswith(f"<@{ANA}> already claimed this")

    # Ana's next change re-renders the card from the database, in place.
    ws.slack.click(stale, "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "We're on it!"}, ANA)
    card = ws.card(1)
    assert card["ts"] == stale["ts"] and card["edited"]
    assert f"Draft v1 by <@{ANA}> is in review" in message_text(card)


def test_a_failed_card_update_is_repaired_by_an_unclaim(any_workspace: Workspace) -> None:
    ws, standin = any_workspace, any_workspace.standin
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", ANA)
    claimed_card = ws.card(1)
    standin.fail("chat.update", "internal_error")

    ws.slack.click(claimed_card, "Unclaim", ANA)
    assert f"Claimed by <@{ANA}>" in message_text(ws.card(1)), "Slack missed the update"
    assert views.card(ws.chorus.services, 1).mention.state is State.ROUTED

    ws.slack.command("/claim", "1", BEN)

    assert f"Claimed by <@{BEN}>" in message_text(ws.card(1))


# -- a review message waits for its card ------------------------------------------------


def test_a_review_waits_for_its_card_then_lands_in_the_cards_thread(
    any_workspace: Workspace,
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "ratelimited", retry_after=1)
    ws.receive(mention())  # the card is held back by the 429
    ws.slack.command("/claim", "1", ANA)
    ws.slack.command("/draft", "1", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "We're on it!"}, ANA)

    assert ws.deliver() == 0, "a review never goes out before its card"
    assert standin.messages("C0SUPPORT") == []
    card_row, review_row = outbox(ws)
    assert (card_row.kind, review_row.kind) == ("mention_card", "review")
    assert card_row.sent_at is None and review_row.sent_at is None

    time.sleep(2.1)
    assert ws.deliver() == 2  # the card, showing the truth of now, then its review
    [card] = cards_in(ws, "C0SUPPORT")
    assert f"Draft v1 by <@{ANA}> is in review" in message_text(card)
    [review] = standin.thread("C0SUPPORT", card["ts"])
    assert "Draft v1" in message_text(review) and "We're on it!" in message_text(review)
    assert ws.review_message(1)["ts"] == review["ts"]
    assert len(standin.calls_to("chat.postMessage")) == 3


def test_a_review_queued_behind_a_held_card_goes_out_in_the_same_round(
    any_workspace: Workspace,
) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "ratelimited", retry_after=1)
    ws.receive(mention())
    ws.slack.command("/draft", "1", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "We're on it!"}, ANA)

    time.sleep(1.1)
    assert ws.deliver() == 2

    [card] = cards_in(ws, "C0SUPPORT")
    [review] = standin.thread("C0SUPPORT", card["ts"])
    assert "We're on it!" in message_text(review)


# -- pacing is per channel ----------------------------------------------------------------


def test_one_rate_limited_channel_does_not_hold_up_the_others(any_workspace: Workspace) -> None:
    ws, standin = any_workspace, any_workspace.standin
    standin.fail("chat.postMessage", "ratelimited", retry_after=1)

    # A batch's cards are queued channel by channel, in channel order: General's goes first.
    ws.receive(mention("1", text=SUPPORT), mention("2", text=SALES), mention("3", text=GENERAL))

    assert cards_in(ws, "C0GENERAL") == []
    assert len(cards_in(ws, "C0SALES")) == 1 and len(cards_in(ws, "C0SUPPORT")) == 1
    assert [r.last_error for r in outbox(ws)] == ["ratelimited", None, None]

    time.sleep(1.1)
    assert ws.deliver() == 1
    assert [len(cards_in(ws, c)) for c in ("C0SUPPORT", "C0SALES", "C0GENERAL")] == [1, 1, 1]


@pytest.fixture
def paced_workspace(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus with Slack's real pace: one message per channel per second."""
    ws = make_workspace(database_url, standin, channel_interval=1.0)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def test_a_busy_channel_is_paced_while_other_channels_are_served(
    paced_workspace: Workspace,
) -> None:
    ws = paced_workspace

    ws.receive(mention("1", text=SUPPORT), mention("2", text=SUPPORT), mention("3", text=SALES))

    assert len(cards_in(ws, "C0SUPPORT")) == 1, "one card a second in a channel"
    assert len(cards_in(ws, "C0SALES")) == 1, "another channel is not held up"
    # Queued channel by channel: Sales's card, then Support's two.
    assert [r.sent_at is not None for r in outbox(ws)] == [True, True, False]

    time.sleep(1.1)
    assert ws.deliver() == 1
    assert [m["text"][:2] for m in cards_in(ws, "C0SUPPORT")] == ["#1", "#2"]


def test_a_review_queued_before_its_card_keeps_to_the_channels_pace(
    paced_workspace: Workspace,
) -> None:
    ws, standin = paced_workspace, paced_workspace.standin
    standin.fail("chat.postMessage", "ratelimited", retry_after=1)
    ws.receive(mention())
    ws.slack.command("/draft", "1", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "We're on it!"}, ANA)

    time.sleep(1.1)
    assert ws.deliver() == 1, "the card goes out; its review waits a second, as Slack asks"
    assert [r.channel for r in outbox(ws)] == ["C0SUPPORT", "C0SUPPORT"]

    time.sleep(1.1)
    assert ws.deliver() == 1
    [card] = cards_in(ws, "C0SUPPORT")
    assert len(standin.thread("C0SUPPORT", card["ts"])) == 1
