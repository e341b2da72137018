"""Fixtures: the Slack stand-in, real databases (SQLite; PostgreSQL when configured), Chorus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standin import SlackStandIn
from tests.support import databases
from tests.support.workspace import Workspace, make_workspace


@pytest.fixture(scope="session")
def standin_server() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def standin(standin_server: SlackStandIn) -> SlackStandIn:
    standin_server.reset()
    return standin_server


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return databases.fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str | None]:
    if not databases.POSTGRES_URL:
        yield None
        return
    yield from databases.postgres_database()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, sqlite_url: str, postgres_session_url: str | None
) -> str:
    """A migrated, empty database: every storage and service test runs on both."""
    if request.param == "sqlite":
        return sqlite_url
    if postgres_session_url is None:
        pytest.skip("set CHORUS_TEST_POSTGRES_URL to run the PostgreSQL tests")
    databases.truncate_postgres(postgres_session_url)
    return postgres_session_url


@pytest.fixture
def workspace(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    ws = make_workspace(sqlite_url, standin)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


@pytest.fixture
def any_workspace(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """A workspace on SQLite and on PostgreSQL."""
    ws = make_workspace(database_url, standin)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()
