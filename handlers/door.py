"""Acknowledgements decided at the door, before any work is queued.

Slack waits at most 3 s for an acknowledgement, and people notice anything past a blink.
Bolt calls a listener's `ack()` on its listener pool, so under load a click's acknowledgement
waited for a free thread behind other people's claims (136 ms at p99 in `python -m bench`).
`ChorusApp.dispatch` answers these requests in the request's own thread instead:

- a button click always gets an empty 200: Slack reads nothing else from it;
- a slash command with a door gets what its door says: the usage, for words the command
  doesn't know, or an empty 200, and the work then answers through `response_url`.

The listener still runs on the pool and still calls `ack()`; a second call changes nothing.
Requests whose acknowledgement carries the work's result (view submissions with errors,
`/chorus` answers) keep Bolt's own path. Every request's ack is a `KeptAck`, so a listener
that fails after the answer cannot change what Slack gets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import Ack, BoltResponse

from bot.services.core import Services

# Reads a slash command's payload; returns the usage to show instead, or None to go on.
UsageCheck = Callable[[Services, dict[str, Any]], str | None]


def answer_at_door(
    body: dict[str, Any], doors: Mapping[str, UsageCheck], services: Services
) -> dict[str, Any] | None:
    """The acknowledgement's arguments, or None when the listener must decide it."""
    if body.get("type") == "block_actions":
        return {}
    check = doors.get(str(body.get("command")))
    if check is None:
        return None
    return door_answer(check(services, body))


def door_answer(problem: str | None) -> dict[str, Any]:
    """The acknowledgement's arguments: the usage, only to the person, or nothing."""
    return {} if problem is None else {"response_type": "ephemeral", "text": problem}


class KeptAck(Ack):
    """A request's ack that keeps the answer it was given, for Slack.

    Bolt's runner shares the answer with the listener's thread. When a listener fails after
    acknowledging, that thread sets 500 on the answer, then resets it to None; Bolt's own
    thread, if it has not returned yet, sends the 500, or waits 3 s for another answer and
    calls the request unhandled (404). `given` is a copy of the latest answer given, which
    nobody changes, and a reset to None is ignored.
    """

    given: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._answer

    @response.setter
    def response(self, answer: BoltResponse | None) -> None:
        if answer is None:
            if self.given is None:
                self._answer = None
            return
        self._answer = answer
        headers: dict[str, str | Sequence[str]] = {
            name: list(values) for name, values in answer.headers.items()
        }
        self.given = BoltResponse(status=answer.status, body=answer.body, headers=headers)
