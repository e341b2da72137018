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
    key = {"name": NAMESPACE + job}
    with engine.connect() as connection:
        mine = bool(connection.scalar(text("SELECT pg_try_advisory_lock(hashtext(:name))"), key))
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield mine
        finally:
            if mine:
                connection.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), key)
                connection.commit()
