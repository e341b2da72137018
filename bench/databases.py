"""Databases of the bench's own on a PostgreSQL server: one per measurement, dropped after.

`--database-url` names a server and a database the bench may connect to (e.g. one created
for it with `createdb chorus_bench -O chorus`). Nothing is written into that database: each
measurement gets a new sibling, `<name>_<part>`, created and dropped through a connection to
it, so the role needs CREATEDB (or to own the server, as in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def with_psycopg(url: str) -> str:
    """The URL with psycopg 3 as its driver (COPY, in the digest's loading, is psycopg 3's)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres(server_url: str, part: str) -> Iterator[str]:
    """A new, empty database `<name>_<part>` beside the one in `server_url`; dropped after."""
    server = make_url(with_psycopg(server_url))
    name = f"{server.database or 'chorus'}_{part}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_version(server_url: str) -> str:
    """The server's version, as it reports it (e.g. "15.18 (Debian 15.18-0+deb12u1)")."""
    engine = create_engine(with_psycopg(server_url))
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SHOW server_version")))
    finally:
        engine.dispose()
