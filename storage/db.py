"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL past one machine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage.postgres_text import register_text_without_nul


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for `url`, with the pragmas SQLite needs to be a good citizen."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _postgres_text_without_nul)
    return engine


def _postgres_text_without_nul(dbapi_connection: Any, _record: Any) -> None:
    # PostgreSQL text cannot hold NUL (SQLite can): a post, a handle or a typed word with one
    # would fail its whole request. Drop the character on the way in, as every string goes.
    register_text_without_nul(dbapi_connection)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _is_memory(dbapi_connection: Any) -> bool:
    cursor = dbapi_connection.cursor()
    rows = cursor.execute("PRAGMA database_list").fetchall()
    cursor.close()
    return any(row[2] in ("", ":memory:") for row in rows if row[1] == "main")


# An execution option for sessions that only read: they begin without the write lock, so
# one may open while another session of the same thread holds it (e.g. reading who is acting
# in the middle of a move) instead of waiting for it forever.
READ_ONLY = "chorus_read_only"


def _sqlite_begin_immediate(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    # Take the write lock at BEGIN: two writers then queue on busy_timeout instead of one
    # failing with "database is locked" when its read turns into a write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
