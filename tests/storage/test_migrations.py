"""Migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base
from tests.support import databases

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if not databases.POSTGRES_URL:
        pytest.skip("set CHORUS_TEST_POSTGRES_URL to run the PostgreSQL tests")
    created = databases.postgres_database()
    url = next(created)
    # The helper hands the database over migrated; start again from an empty schema.
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    try:
        yield url
    finally:
        created.close()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def schema_diff(url: str) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_of_the_models(empty_database_url: str) -> None:
    assert table_names(empty_database_url) == set()

    upgrade(empty_database_url)

    assert table_names(empty_database_url) == MODEL_TABLES | {"alembic_version"}


def test_upgrading_twice_changes_nothing_and_keeps_the_data(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO departments (key, name, channel, is_default, active) "
                "VALUES ('support', 'Customer Support', 'C0SUPPORT', true, true)"
            )
        )
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()

    upgrade(empty_database_url)

    with engine.connect() as connection:
        assert connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).scalars().all() == [head]
        assert connection.execute(text("SELECT key FROM departments")).scalars().all() == [
            "support"
        ]
    engine.dispose()
    assert table_names(empty_database_url) == MODEL_TABLES | {"alembic_version"}


def test_the_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert schema_diff(empty_database_url) == []
