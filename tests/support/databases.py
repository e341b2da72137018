"""Real databases for tests: a migrated SQLite file per test, and PostgreSQL when configured."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.migrate import upgrade
from storage.models import Base

POSTGRES_URL = os.environ.get("CHORUS_TEST_POSTGRES_URL")


def sqlite_template(folder: Path) -> Path:
    """Migrate one SQLite file; tests copy it instead of migrating again."""
    template = folder / "template.db"
    upgrade(f"sqlite:///{template}")
    return template


def fresh_sqlite(template: Path, folder: Path) -> str:
    target = folder / f"chorus-{uuid.uuid4().hex[:8]}.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def postgres_database() -> Iterator[str]:
    """Create a throwaway PostgreSQL database, migrated, and drop it afterwards."""
    assert POSTGRES_URL
    admin_url = make_url(POSTGRES_URL)
    name = f"chorus_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
