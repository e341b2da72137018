"""Fixtures of the fault suite: a stand-in of its own (a test may stop and restart it), and a
Chorus on SQLite and on PostgreSQL whose clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.standin import SlackStandIn
from tests.faults.observe import ManualClock, make_fault_workspace
from tests.support.workspace import Workspace


@pytest.fixture
def own_standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def ws(database_url: str, own_standin: SlackStandIn, clock: ManualClock) -> Iterator[Workspace]:
    """Chorus on its own stand-in, reading `clock`: minutes of outage pass in no time."""
    workspace = make_fault_workspace(database_url, own_standin)
    workspace.chorus.services.clock = clock
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()
