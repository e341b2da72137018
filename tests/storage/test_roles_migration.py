"""Migration 0008 keeps every role stored before it (all mirrored from chorus.toml) held,
and going back forgets only the removed roles: no department or role is lost on the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from tests.support import databases


@pytest.fixture(params=["sqlite", "postgres"])
def at_0007(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database migrated to 0007, holding a department, two people and their roles."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        created = None
    else:
        if not databases.POSTGRES_URL:
            pytest.skip("set CHORUS_TEST_POSTGRES_URL to run the PostgreSQL tests")
        created = databases.postgres_database()
        url = next(created)
        engine = make_engine(url)  # handed over migrated: start again from nothing
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url, "0007")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO departments (id, key, name, channel, is_default, active) "
            "VALUES (1, 'support', 'Customer Support', 'C0SUPPORT', true, true)",
            "INSERT INTO people (id, slack_user_id, first_seen_at) "
            "VALUES (1, 'U0LEAD', '2026-11-01 10:00:00+00'), "
            "(2, 'U0MANAGER', '2026-11-01 10:00:00+00')",
            "INSERT INTO roles (person_id, role, department_id) VALUES (1, 'lead', 1), "
            "(2, 'manager', NULL)",
        ):
            connection.execute(text(statement))
    yield engine
    engine.dispose()
    if created is not None:
        created.close()


def rows(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_roles_stored_before_0008_stay_held_and_lanes_start_closed(at_0007: Engine) -> None:
    url = at_0007.url.render_as_string(hide_password=False)

    upgrade(url, "0008")

    held = rows(at_0007, "SELECT role, active, source FROM roles ORDER BY id")
    assert [(role, bool(active), source) for role, active, source in held] == [
        ("lead", True, "chorus.toml"),
        ("manager", True, "chorus.toml"),
    ]
    [(lane, changed_by)] = rows(
        at_0007, "SELECT trusted_lane, trusted_lane_changed_by FROM departments"
    )
    assert (bool(lane), changed_by) == (False, None)


def test_going_back_keeps_the_departments_and_the_held_roles(at_0007: Engine) -> None:
    url = at_0007.url.render_as_string(hide_password=False)
    upgrade(url, "0008")
    with at_0007.begin() as connection:
        connection.execute(text("UPDATE roles SET active = false WHERE role = 'lead'"))

    command.downgrade(alembic_config(url), "0007")

    assert rows(at_0007, "SELECT key FROM departments") == [("support",)]
    assert rows(at_0007, "SELECT role FROM roles") == [("manager",)]
