"""Clicks and slash commands are acknowledged at the door, before their work gets a thread.

These run Chorus as it serves HTTP (`process_before_response=False`): Bolt answers Slack, and
the listener runs on the listener pool afterwards.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

import pytest

from bot.services import views
from bot.standin import SlackStandIn
from handlers.app import LISTENER_THREADS, ChorusApp
from handlers.commands import CLAIM_USAGE
from handlers.door import answer_at_door
from handlers.ids import Command
from tests.support.processes import wait_for
from tests.support.workspace import Workspace, make_workspace, mention

ANA, BEN = "U0ANA", "U0BEN"


@pytest.fixture
def serving(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    ws = make_workspace(database_url, standin, process_before_response=False)
    yield ws
    ws.chorus.app.finish_listeners()
    ws.chorus.services.sessions.kw["bind"].dispose()


@contextmanager
def every_listener_thread_busy(app: ChorusApp) -> Iterator[None]:
    """Hold every thread of the listener pool, as a crowd of claims in progress would."""
    release, holding = threading.Event(), threading.Semaphore(0)

    def hold() -> None:
        holding.release()
        release.wait(30)

    for _ in range(LISTENER_THREADS):
        app.executor.submit(hold)
    for _ in range(LISTENER_THREADS):
        assert holding.acquire(timeout=10), "the listener pool did not start"
    try:
        yield
    finally:
        release.set()


def claimed_by(ws: Workspace, mention_id: int) -> str | None:
    return views.card(ws.chorus.services, mention_id).mention.claimed_by


def test_a_click_is_acknowledged_while_every_listener_thread_is_busy(serving: Workspace) -> None:
    ws = serving
    ws.receive(mention())
    with every_listener_thread_busy(ws.chorus.app):
        answer = ws.slack.click(ws.card(1), "Claim", ANA)
        assert (answer.status, answer.body) == (200, "")
        assert claimed_by(ws, 1) is None  # answered before the work began
    wait_for("Ana's claim", lambda: claimed_by(ws, 1) == ANA, 10)
    wait_for("Ana's confirmation", lambda: ws.standin.ephemerals(ANA), 10)


def test_a_slash_command_is_answered_at_the_door(serving: Workspace) -> None:
    ws = serving
    ws.receive(mention())
    with every_listener_thread_busy(ws.chorus.app):
        wrong = ws.slack.command(Command.CLAIM, "everything", ANA)
        assert wrong.status == 200
        said = json.loads(wrong.body)
        assert said["response_type"] == "ephemeral"
        assert said["text"].startswith("I don't know “everything”. " + CLAIM_USAGE[:30])
        right = ws.slack.command(Command.CLAIM, "#1", ANA)
        assert (right.status, right.body) == (200, "")
    wait_for("Ana's claim", lambda: claimed_by(ws, 1) == ANA, 10)


class Inline(Executor):
    """Runs each listener before `submit` returns: the listener then finishes, or fails,
    before Bolt's runner has returned its answer, the order that is otherwise a race."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


def test_a_refusal_after_the_door_never_turns_the_answer_into_a_500(serving: Workspace) -> None:
    ws = serving
    ws.receive(mention())
    card = ws.card(1)
    ws.slack.click(card, "Claim", ANA)
    wait_for("Ana's claim", lambda: claimed_by(ws, 1) == ANA, 10)
    # When a listener raises (here: "already claimed") before Bolt's runner has returned,
    # the runner drops the answer, waits 3 s for another, then calls the request unhandled
    # (404). Slack must still see the door's 200, at once.
    ws.chorus.app._listener_runner.listener_executor = Inline()
    answer = ws.slack.click(card, "Claim", BEN)
    assert (answer.status, answer.body) == (200, "")
    wait_for("Ben is told", lambda: ws.standin.ephemerals(BEN), 10)
    assert "already claimed" in ws.standin.ephemerals(BEN)[-1]["text"]


def test_bolts_own_refusals_are_not_hidden_by_the_door(serving: Workspace) -> None:
    ws = serving
    ws.receive(mention())
    card = ws.card(1)
    for block in card["blocks"]:
        for element in block.get("elements", []):
            element["action_id"] = "no_such_action"
    answer = ws.slack.click(card, "Claim", ANA)
    assert answer.status == 404


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ({"type": "block_actions", "actions": [{"action_id": "x"}]}, {}),
        ({"command": Command.CLAIM, "text": "42"}, {}),
        ({"command": Command.CLAIM, "text": "next"}, {}),
        ({"command": Command.CLAIM, "text": ""}, {}),
        ({"command": Command.DRAFT, "text": "#42"}, {}),
        ({"command": Command.MENTIONS, "text": "mine"}, {}),
        ({"type": "view_submission"}, None),  # its answer carries the form's errors
        ({"command": Command.CHORUS, "text": "stats"}, None),  # its answer is the work
    ],
)
def test_which_requests_are_answered_at_the_door(
    workspace: Workspace, body: dict[str, Any], answer: dict[str, Any] | None
) -> None:
    app = workspace.chorus.app
    assert answer_at_door(body, app.doors, workspace.chorus.services) == answer


@pytest.mark.parametrize(
    ("command", "text", "usage"),
    [
        (Command.CLAIM, "help", "*/claim* — take"),
        (Command.CLAIM, "forty", "I don't know “forty”"),
        (Command.DRAFT, "soon", "*/draft* — write a reply"),
        (Command.MENTIONS, "nobody", "keys: "),
    ],
)
def test_a_door_answers_words_it_does_not_know_with_the_usage(
    workspace: Workspace, command: str, text: str, usage: str
) -> None:
    app = workspace.chorus.app
    found = answer_at_door({"command": command, "text": text}, app.doors, workspace.chorus.services)
    assert found is not None and found["response_type"] == "ephemeral"
    assert usage in found["text"]


def test_a_listener_failing_after_its_own_answer_leaves_that_answer(serving: Workspace) -> None:
    # A form's listener decides its answer itself (not at the door), then fails. Bolt's
    # runner resets the answer it shares with the listener's thread: without a kept answer,
    # Slack would wait 3 s and get a 404.
    app = serving.chorus.app

    @app.view("doomed_form")
    def doomed(ack: Any) -> None:
        ack(response_action="clear")
        raise RuntimeError("the listener fails after answering")

    app._listener_runner.listener_executor = Inline()
    form = {"id": "V0DOOMED", "type": "modal", "callback_id": "doomed_form"}
    answer = serving.slack.submit(form, {}, ANA)
    assert (answer.status, json.loads(answer.body)) == (200, {"response_action": "clear"})
