"""When each scheduled job last ran, so a run already made by another process is skipped.

Every process keeps the same schedule (APScheduler's store is shared), so two processes may
wake for the same run at the same moment. The advisory lock (storage/job_lock.py) keeps
them from running it at the same time; this record keeps the second from running it again
right after the first finished. Functions flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base


class JobRunRow(Base):
    """The last finished run of one scheduled job (by its name, as in bot/jobs.py)."""

    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(200), primary_key=True)
    finished_at: Mapped[datetime]


def ran_within(session: Session, job: str, now: datetime, gap: timedelta) -> bool:
    """Whether the job finished a run less than `gap` before `now`."""
    row = session.get(JobRunRow, job)
    return row is not None and now - row.finished_at < gap


def record_run(session: Session, job: str, finished_at: datetime) -> None:
    row = session.get(JobRunRow, job)
    if row is None:
        session.add(JobRunRow(job=job, finished_at=finished_at))
    else:
        row.finished_at = finished_at
    session.flush()
