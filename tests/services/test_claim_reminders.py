"""Work in someone's hands: a claim with no draft nudges the claimer, then goes back to the
queue with a notice in the thread; a draft waiting for review nudges its reviewers. Working
time only; once per claim and per draft version; nothing once someone has acted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun import freeze_time

from bot.domain.model import DraftStatus, State
from bot.services import views
from bot.services.claim_reminders import send_claim_reminders
from storage import repo
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, Workspace, mention

CLAIMED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Paris
REVIEW_BUTTONS = ["Approve", "Edit & approve", "Request changes", "Reject"]


def working(ws: Workspace, start: datetime, minutes: float) -> datetime:
    """The moment `minutes` of working time after `start`."""
    return ws.chorus.services.config.working_hours().after(start, minutes)


def claimed(ws: Workspace, at: datetime = CLAIMED, text: str | None = None) -> None:
    with freeze_time(at - timedelta(minutes=5)):
        ws.receive(mention(text=text) if text else mention())
    with freeze_time(at):
        ws.slack.click(ws.card(1), "Claim", ANA)


def run(ws: Workspace, at: datetime) -> int:
    with freeze_time(at):
        sent = send_claim_reminders(ws.chorus.services)
        ws.deliver()
    return sent


def submit_draft(ws: Workspace, at: datetime, button_on: dict[str, Any] | None = None) -> None:
    with freeze_time(at):
        label = "Draft reply" if button_on is None else "Revise draft"
        ws.slack.click(button_on or ws.card(1), label, ANA)
        ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! We're on it."}, ANA)
        ws.deliver()


def review(ws: Workspace, at: datetime, label: str, draft_id: int = 1) -> None:
    with freeze_time(at):
        ws.slack.click(ws.review_message(draft_id), label, LEAD)
        if label != "Approve":
            ws.slack.submit(ws.open_view(), {"note": "Add the status page link."}, LEAD)
        ws.deliver()


def dms(ws: Workspace, user: str) -> list[dict[str, Any]]:
    return ws.standin.messages(f"D{user}")


def thread(ws: Workspace) -> list[dict[str, Any]]:
    card = ws.card(1)
    return ws.standin.thread(card["channel"], card["ts"])


def state(ws: Workspace) -> State:
    return views.card(ws.chorus.services, 1).mention.state


# --- Claims ---------------------------------------------------------------------------------


def test_the_claimer_is_nudged_once_then_the_claim_goes_back_to_the_queue(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    claimed(ws)

    assert run(ws, working(ws, CLAIMED, 119)) == 0
    assert run(ws, working(ws, CLAIMED, 120)) == 1
    [nudge] = dms(ws, ANA)
    assert (
        "You claimed #1 (Ana on Mastodon) 2 hours of working time ago; is a reply on its way?"
        in (message_text(nudge))
    )
    assert "after 8 hours of working time in all" in message_text(nudge)
    assert button_labels(nudge) == ["Draft reply", "Unclaim"]
    assert run(ws, working(ws, CLAIMED, 121)) == 0  # once per claim

    assert run(ws, working(ws, CLAIMED, 480)) == 1
    assert state(ws) is State.ROUTED
    card = ws.card(1)
    assert "Waiting for someone to claim it" in message_text(card)
    assert "Claim" in button_labels(card) and "Unclaim" not in button_labels(card)
    [notice] = thread(ws)
    assert "#1 went back to the queue after 8 hours of working time without a draft" in (
        message_text(notice)
    )
    assert "another colleague can pick it up" in message_text(notice)
    assert ANA not in message_text(notice), "no names in public"
    assert button_labels(notice) == ["Claim"]
    [_, told] = dms(ws, ANA)
    assert "went back to the queue" in message_text(told) and "claim it again" in message_text(told)
    assert run(ws, working(ws, CLAIMED, 600)) == 0

    with ws.chorus.services.sessions() as session:
        [event] = [e for e in repo.list_events(session, 1) if e.kind == "release"]
    assert (event.actor, event.from_state, event.to_state) == (None, "claimed", "routed")
    assert event.detail["previous"] == ANA


def test_nothing_for_the_claimer_once_a_draft_is_submitted(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    submit_draft(ws, working(ws, CLAIMED, 30))

    run(ws, working(ws, CLAIMED, 600))

    assert dms(ws, ANA) == []
    assert state(ws) is State.IN_REVIEW


def test_a_new_claim_restarts_the_clock(any_workspace: Workspace) -> None:
    ws = any_workspace
    claimed(ws)
    run(ws, working(ws, CLAIMED, 120))
    run(ws, working(ws, CLAIMED, 480))
    again = working(ws, CLAIMED, 490)
    with freeze_time(again):
        ws.slack.click(thread(ws)[0], "Claim", BEN)  # straight from the notice

    assert run(ws, working(ws, again, 119)) == 0
    assert run(ws, working(ws, again, 120)) == 1
    [nudge] = dms(ws, BEN)
    assert "You claimed #1" in message_text(nudge)
    assert run(ws, working(ws, again, 480)) == 1
    assert state(ws) is State.ROUTED
    assert len(thread(ws)) == 2


def test_a_draft_sent_back_brings_a_nudge_to_revise(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    submit_draft(ws, working(ws, CLAIMED, 30))
    sent_back = working(ws, CLAIMED, 40)
    review(ws, sent_back, "Request changes")

    assert run(ws, working(ws, sent_back, 119)) == 0
    assert run(ws, working(ws, sent_back, 120)) == 1
    nudge = dms(ws, ANA)[-1]
    assert "Your draft v1 for #1 (Ana on Mastodon) came back from review 2 hours" in (
        message_text(nudge)
    )
    assert button_labels(nudge) == ["Revise draft", "Unclaim"]


def test_unclaim_works_from_the_nudge(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    at = working(ws, CLAIMED, 120)
    run(ws, at)

    with freeze_time(at):
        ws.slack.click(dms(ws, ANA)[0], "Unclaim", ANA)

    assert state(ws) is State.ROUTED
    assert run(ws, working(ws, CLAIMED, 600)) == 0, "nothing left to release"


def test_a_nudge_queued_just_before_a_draft_is_dropped(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    at = working(ws, CLAIMED, 120)
    with freeze_time(at):
        assert send_claim_reminders(ws.chorus.services) == 1  # queued, not yet delivered
    submit_draft(ws, at)  # delivers the outbox

    assert dms(ws, ANA) == []


def test_a_claim_on_friday_evening_is_nudged_on_monday(workspace: Workspace) -> None:
    ws = workspace
    friday_1730 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    claimed(ws, friday_1730)

    assert run(ws, datetime(2026, 11, 30, 9, 29, tzinfo=UTC)) == 0  # Monday 10:29 in Paris
    assert run(ws, datetime(2026, 11, 30, 9, 30, tzinfo=UTC)) == 1  # 30 min Friday + 90 Monday
    assert len(dms(ws, ANA)) == 1


# --- Drafts waiting for review -----------------------------------------------------------------


def test_a_waiting_draft_nudges_the_leads_once_with_the_review_buttons(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    claimed(ws)
    submitted = working(ws, CLAIMED, 30)
    submit_draft(ws, submitted)

    assert run(ws, working(ws, submitted, 59)) == 0
    assert run(ws, working(ws, submitted, 60)) == 1
    [nudge] = dms(ws, LEAD)
    said = message_text(nudge)
    assert f"A reply to Ana on Mastodon by <@{ANA}> has waited 1 hour of working time" in said
    assert "in <#C0SUPPORT>" in said and "Hi Ana! We're on it." in said
    assert button_labels(nudge) == REVIEW_BUTTONS
    assert dms(ws, MANAGER) == [] and dms(ws, ANA) == []
    assert run(ws, working(ws, submitted, 300)) == 0

    with freeze_time(working(ws, submitted, 301)):
        ws.slack.click(nudge, "Approve", LEAD)  # straight from the DM
    assert views.review(ws.chorus.services, 1).draft.status is DraftStatus.APPROVED


def test_each_draft_version_gets_its_own_nudge_and_none_after_a_decision(
    workspace: Workspace,
) -> None:
    ws = workspace
    claimed(ws)
    v1 = working(ws, CLAIMED, 10)
    submit_draft(ws, v1)
    run(ws, working(ws, v1, 60))
    review(ws, working(ws, v1, 70), "Request changes")
    assert run(ws, working(ws, v1, 100)) == 0

    v2 = working(ws, v1, 80)
    submit_draft(ws, v2, button_on=dms(ws, ANA)[-1])  # the decision DM's Revise draft
    assert run(ws, working(ws, v2, 60)) == 1
    assert len(dms(ws, LEAD)) == 2
    assert "draft v2" in message_text(dms(ws, LEAD)[-1])

    review(ws, working(ws, v2, 65), "Approve", draft_id=2)
    assert run(ws, working(ws, v2, 600)) == 0
    assert len(dms(ws, LEAD)) == 2


def test_no_nudge_when_the_review_came_first(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    submitted = working(ws, CLAIMED, 10)
    submit_draft(ws, submitted)
    review(ws, working(ws, submitted, 30), "Approve")

    assert run(ws, working(ws, submitted, 600)) == 0
    assert dms(ws, LEAD) == []


def test_a_review_nudge_queued_just_before_the_decision_is_dropped(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws)
    submitted = working(ws, CLAIMED, 10)
    submit_draft(ws, submitted)
    at = working(ws, submitted, 60)
    with freeze_time(at):
        assert send_claim_reminders(ws.chorus.services) == 1  # queued, not yet delivered
    review(ws, at, "Approve")

    assert dms(ws, LEAD) == []


def test_a_department_without_leads_nudges_the_managers(workspace: Workspace) -> None:
    ws = workspace
    claimed(ws, text="Hello, a question about your company")  # to General, which has no lead
    submitted = working(ws, CLAIMED, 10)
    submit_draft(ws, submitted)

    assert run(ws, working(ws, submitted, 60)) == 1
    [nudge] = dms(ws, MANAGER)
    assert "in <#C0GENERAL>" in message_text(nudge)
    assert dms(ws, LEAD) == []
