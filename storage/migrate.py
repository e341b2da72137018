"""Alembic migrations, run from code: `chorus db upgrade`, and before `chorus run` serves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from storage.job_lock import advisory_lock

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK = "chorus-migrate"


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (the newest by default)."""
    with _one_migration_at_a_time(url):
        command.upgrade(alembic_config(url), revision)


@contextmanager
def _one_migration_at_a_time(url: str) -> Iterator[None]:
    """Several `chorus run` processes may start at once on one PostgreSQL: an advisory lock
    lets one migrate while the others wait, then find nothing left to do. SQLite serves one
    process."""
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with advisory_lock(engine, LOCK, wait=True):
            yield
    finally:
        engine.dispose()
