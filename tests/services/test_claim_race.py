"""Many people act on one mention at the same moment: exactly one of them wins."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.domain.errors import WorkflowError
from bot.services import review, workflow
from bot.standin import SlackStandIn
from storage import repo
from tests.support.slack import message_text
from tests.support.workspace import (
    ANA,
    BEN,
    CONFIG_TOML,
    LEAD,
    MANAGER,
    Workspace,
    make_workspace,
    mention,
)

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


# -- a crowd: 50 claimers, 20 reviewers, through the real app -------------------------------

CROWD = [f"U0CROWD{i:02d}" for i in range(50)]
REVIEWERS = [f"U0REVIEW{i:02d}" for i in range(20)]


@pytest.fixture
def crowded(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """Support with twenty leads, so twenty people may review the same draft."""
    leads = ", ".join(f'"{user}"' for user in REVIEWERS)
    ws = make_workspace(database_url, standin, CONFIG_TOML.replace('"U0LEAD"', leads))
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def test_fifty_people_click_claim_at_once_one_wins_and_the_rest_are_told_who(
    crowded: Workspace,
) -> None:
    ws = crowded
    ws.receive(mention())
    card = ws.card(1)

    outcome = race(
        {user: (lambda user=user: ws.slack.click(card, "Claim", user)) for user in CROWD}
    )

    assert outcome.errors == {}
    assert {reply.status for reply in outcome.results.values()} == {200}
    winner = claimed_by(ws, 1)
    assert winner in CROWD
    for loser in set(CROWD) - {winner}:
        said = [e["text"] for e in ws.standin.ephemerals(loser)]
        assert said == [f"<@{winner}> already claimed this just now."], (loser, said)
    assert [e["text"] for e in ws.standin.ephemerals(winner)][0].startswith("You claimed #1.")
    assert [e.actor for e in events_of(ws, 1, "claim")] == [winner]
    ws.deliver()
    assert f"Claimed by <@{winner}>" in message_text(ws.card(1))


def test_twenty_reviewers_click_approve_at_once_one_decides_and_the_rest_are_told_who(
    crowded: Workspace,
) -> None:
    ws = crowded
    ws.receive(mention())
    workflow.claim(ws.chorus.services, 1, ANA)
    workflow.submit_draft(ws.chorus.services, 1, ANA, "Hi Ana! We're on it.")
    ws.deliver()
    review_message = ws.review_message(1)

    outcome = race(
        {
            user: (lambda user=user: ws.slack.click(review_message, "Approve", user))
            for user in REVIEWERS
        }
    )

    assert outcome.errors == {}
    [approval] = events_of(ws, 1, "approve", "edit_and_approve", "request_changes")
    winner = approval.actor
    assert winner in REVIEWERS
    for loser in set(REVIEWERS) - {winner}:
        said = [e["text"] for e in ws.standin.ephemerals(loser)]
        assert said == [f"<@{winner}> already approved draft v1."], (loser, said)
    with ws.chorus.services.sessions() as session:
        draft = repo.get_draft(session, 1)
        assert draft is not None and draft.reviewer == winner
