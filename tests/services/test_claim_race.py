"""Many people act on one mention at the same moment: exactly one of them wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.domain.errors import WorkflowError
from bot.services import review, workflow
from storage import repo
from tests.support.slack import message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, Workspace, mention

PEOPLE = [f"U0STAFF{i}" for i in range(8)]


@dataclass
class Race:
    """What each runner of a race got: a result, or the exception it raised."""

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)


def race(runners: dict[str, Callable[[], Any]]) -> Race:
    """Start every runner at the same moment, in its own thread, and wait for all of them."""
    start = threading.Barrier(len(runners))
    outcome = Race()

    def run(name: str, action: Callable[[], Any]) -> None:
        start.wait()
        try:
            outcome.results[name] = action()
        except Exception as error:  # noqa: BLE001 - the race records what each runner got
            outcome.errors[name] = error

    threads = [threading.Thread(target=run, args=item) for item in runners.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def claimed_by(ws: Workspace, mention_id: int) -> str | None:
    with ws.chorus.services.sessions() as session:
        row = repo.get_mention(session, mention_id)
        assert row is not None
        return row.claimed_by


def events_of(ws: Workspace, mention_id: int, *kinds: str) -> list[Any]:
    with ws.chorus.services.sessions() as session:
        return [e for e in repo.list_events(session, mention_id) if e.kind in kinds]


def test_eight_people_claim_at_once_and_exactly_one_gets_it(any_workspace: Workspace) -> None:
    ws = any_workspace
    ws.receive(mention())
    services = ws.chorus.services

    outcome = race({user: (lambda user=user: workflow.claim(services, 1, user)) for user in PEOPLE})

    [winner] = outcome.results
    assert set(outcome.errors) == set(PEOPLE) - {winner}
    for loser, error in outcome.errors.items():
        assert isinstance(error, WorkflowError), f"{loser} got {error!r}"
        assert f"<@{winner}> already claimed this" in str(error)
    assert claimed_by(ws, 1) == winner
    [claim] = events_of(ws, 1, "claim")
    assert claim.actor == winner


def test_two_clicks_on_claim_at_once_in_slack_one_wins(any_workspace: Workspace) -> None:
    ws = any_workspace
    ws.receive(mention())
    card = ws.card(1)

    outcome = race(
        {user: (lambda user=user: ws.slack.click(card, "Claim", user)) for user in (ANA, BEN)}
    )

    assert outcome.errors == {}
    winner = claimed_by(ws, 1)
    assert winner in (ANA, BEN)
    [loser] = {ANA, BEN} - {winner}
    assert outcome.results[winner].status == 200
    told_loser = [e["text"] for e in ws.standin.ephemerals(loser)]
    assert any(f"<@{winner}> already claimed this" in said for said in told_loser), told_loser
    assert any("You claimed #1" in e["text"] for e in ws.standin.ephemerals(winner))
    assert f"Claimed by <@{winner}>" in message_text(ws.card(1))
    assert len(events_of(ws, 1, "claim")) == 1


def test_approve_and_request_changes_at_once_record_one_decision(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    ws.receive(mention())
    services = ws.chorus.services
    workflow.claim(services, 1, ANA)
    workflow.submit_draft(services, 1, ANA, "Hi Ana! We're on it.")
    with services.sessions() as session:
        [draft] = repo.list_drafts(session, 1)

    outcome = race(
        {
            MANAGER: lambda: review.approve(services, draft.id, MANAGER),
            LEAD: lambda: review.request_changes(services, draft.id, LEAD, "Add the status link"),
        }
    )

    [winner] = outcome.results
    [error] = outcome.errors.values()
    assert isinstance(error, WorkflowError), repr(error)
    [decision] = events_of(ws, 1, "approve", "request_changes")
    assert decision.actor == winner
    with services.sessions() as session:
        row, reviewed = repo.get_mention(session, 1), repo.get_draft(session, draft.id)
        assert row is not None and reviewed is not None
        assert reviewed.reviewer == winner
        if winner == MANAGER:
            assert (decision.kind, row.state, reviewed.status) == (
                "approve",
                "approved",
                "approved",
            )
        else:
            assert decision.kind == "request_changes"
            assert row.state == "claimed" and reviewed.review_note == "Add the status link"
