"""A customer nobody has claimed in time: a reminder in the thread at the SLA, the leads at
twice it, the managers at four times; in working time; each once; none after a claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun import freeze_time

from bot.services.reminders import send_due_reminders
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, LEAD, MANAGER, Workspace, mention

MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Paris; support's SLA is 60 min


def received(ws: Workspace, at: datetime) -> dict[str, Any]:
    with freeze_time(at):
        ws.receive(mention())
    return ws.card(1)


def run(ws: Workspace, at: datetime) -> int:
    with freeze_time(at):
        sent = send_due_reminders(ws.chorus.services)
        ws.deliver()
    return sent


def thread(ws: Workspace, card: dict[str, Any]) -> list[dict[str, Any]]:
    return ws.standin.thread(card["channel"], card["ts"])


def dms(ws: Workspace, user: str) -> list[dict[str, Any]]:
    return ws.standin.messages(f"D{user}")


def test_each_stage_comes_once_at_one_two_and_four_times_the_sla(workspace: Workspace) -> None:
    ws = workspace
    card = received(ws, MONDAY_10)

    assert run(ws, MONDAY_10 + timedelta(minutes=59)) == 0
    assert run(ws, MONDAY_10 + timedelta(minutes=60)) == 1
    [reminder] = thread(ws, card)
    assert "has been waiting 1 hour of working time" in message_text(reminder)
    assert "Customer Support's answer time of 1 hour" in message_text(reminder)
    assert button_labels(reminder) == ["Claim"]
    assert run(ws, MONDAY_10 + timedelta(minutes=61)) == 0  # once per stage

    assert run(ws, MONDAY_10 + timedelta(hours=2)) == 1
    [to_lead] = dms(ws, LEAD)
    assert "nobody has it yet" in message_text(to_lead)
    assert dms(ws, MANAGER) == []

    assert run(ws, MONDAY_10 + timedelta(hours=4)) == 1
    assert len(dms(ws, MANAGER)) == 1
    assert run(ws, MONDAY_10 + timedelta(hours=7)) == 0
    assert len(thread(ws, card)) == 1 and len(dms(ws, LEAD)) == 1


def test_reminders_stop_as_soon_as_someone_claims(workspace: Workspace) -> None:
    ws = workspace
    card = received(ws, MONDAY_10)
    run(ws, MONDAY_10 + timedelta(hours=1))

    with freeze_time(MONDAY_10 + timedelta(hours=1, minutes=5)):
        ws.slack.click(thread(ws, card)[0], "Claim", ANA)  # straight from the reminder

    assert run(ws, MONDAY_10 + timedelta(hours=5)) == 0
    assert dms(ws, LEAD) == [] and dms(ws, MANAGER) == []


def test_only_working_time_counts(workspace: Workspace) -> None:
    ws = workspace
    friday_1730 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    card = received(ws, friday_1730)

    assert run(ws, datetime(2026, 11, 30, 8, 29, tzinfo=UTC)) == 0  # Monday 09:29 in Paris
    assert run(ws, datetime(2026, 11, 30, 8, 30, tzinfo=UTC)) == 1  # 30 min Friday + 30 Monday
    assert len(thread(ws, card)) == 1


def test_after_a_long_outage_one_message_says_where_things_stand(workspace: Workspace) -> None:
    ws = workspace
    card = received(ws, MONDAY_10)

    assert run(ws, MONDAY_10 + timedelta(hours=5)) == 1

    assert thread(ws, card) == [] and dms(ws, LEAD) == []
    assert len(dms(ws, MANAGER)) == 1
    assert run(ws, MONDAY_10 + timedelta(hours=6)) == 0


def test_a_reminder_queued_before_a_claim_is_not_sent_after_it(workspace: Workspace) -> None:
    ws = workspace
    received(ws, MONDAY_10)
    with freeze_time(MONDAY_10 + timedelta(hours=1)):
        send_due_reminders(ws.chorus.services)  # queued, not yet delivered
        ws.slack.click(ws.card(1), "Claim", ANA)
        ws.deliver()

    card = ws.card(1)
    assert thread(ws, card) == []
