"""One process at a time for each scheduled job, when several share a PostgreSQL database.

A session-level advisory lock named after the job (`pg_try_advisory_lock`): the process that
gets it runs the job, the others skip that run. Jobs are idempotent on their own (unique
rows for digests, reminders, snapshots), so the lock saves doubled work and doubled Slack
calls; it is not what keeps a message from going out twice. SQLite serves one process: no
lock is needed there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

NAMESPACE = "chorus-job:"


@contextmanager
def exclusive(engine: Engine, job: str) -> Iterator[bool]:
    """Hold the job's lock while the block runs; yield whether this process has it."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with advisory_lock(engine, NAMESPACE + job, wait=False) as mine:
        yield mine


@contextmanager
def advisory_lock(engine: Engine, name: str, *, wait: bool) -> Iterator[bool]:
    """A PostgreSQL session-level advisory lock named `name`, held while the block runs.

    With `wait`, block until it is free; without, yield False at once when another session
    holds it."""
    take = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
    key = {"name": name}
    with engine.connect() as connection:
        got = connection.scalar(text(f"SELECT {take}(hashtext(:name))"), key)
        mine = wait or bool(got)
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield mine
        finally:
            if mine:
                connection.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), key)
                connection.commit()
