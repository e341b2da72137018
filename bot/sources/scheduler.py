"""The scheduler: every source on its own interval (once at start-up, then every
`every_minutes`), and Chorus's periodic jobs, in the time zone of chorus.toml.

Jobs live in Chorus's database (APScheduler's SQLAlchemy job store, table
`apscheduler_jobs`) under explicit ids, and name their work (`bot.jobs:poll`) rather than
hold objects, so a restart finds them again: a run missed while Chorus was down happens once
when it is back (coalesced), never twice, and never not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot import jobs
from bot.services.core import Services
from bot.sources.base import Source

log = logging.getLogger("chorus.sources")

SOURCE_PREFIX = "source:"
DIGEST_JOB = "digest:weekly"
# Late is better than skipped, and runs missed while the process slept collapse into one.
ONCE_AND_LATE = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def job_id(name: str) -> str:
    """The scheduler job of the source called `name`."""
    return f"{SOURCE_PREFIX}{name}"


class SourceScheduler:
    """One interval job per source; a slow source never delays another (each job runs in
    the scheduler's thread pool, and one poll of a source at a time)."""

    def __init__(self, services: Services, sources: Sequence[Source]) -> None:
        self.services = services
        self.sources = {source.config.name: source for source in sources}
        self.zone = ZoneInfo(services.config.timezone)
        store = SQLAlchemyJobStore(engine=services.sessions.kw["bind"])
        self.scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=self.zone)

    def start(self) -> None:
        """Put every job in the store (each source due at once, so it polls at start-up),
        drop the jobs of sources no longer configured, and start."""
        jobs.bind(self.services, self.sources)
        self.scheduler.start(paused=True)  # the store is open; nothing runs yet
        now = datetime.now(self.zone)
        for name, source in self.sources.items():
            self._add(job_id(name), "bot.jobs:poll", name, source.config.every_minutes, now)
        for name in jobs.EVERY_MINUTE:
            self._add(name, "bot.jobs:every_minute", name, 1, None)
        self._schedule_digest()
        for job in self.scheduler.get_jobs():
            name = job.id.removeprefix(SOURCE_PREFIX)
            if job.id.startswith(SOURCE_PREFIX) and name not in self.sources:
                self.scheduler.remove_job(job.id)
                log.info("source %s is no longer configured: its job is removed", name)
        self.scheduler.resume()
        if self.sources:
            log.info("polling %d source(s): %s", len(self.sources), ", ".join(self.sources))

    def _add(
        self, ident: str, work: str, name: str, minutes: float, first: datetime | None
    ) -> None:
        extra: dict[str, Any] = {"next_run_time": first} if first else {}
        existing = self.scheduler.get_job(ident)
        if existing is not None and first is None:
            # Keep its next run: replacing it would push a due run a minute further.
            self.scheduler.modify_job(ident, func=work, args=[name])
            return
        self.scheduler.add_job(
            work,
            trigger="interval",
            args=[name],
            minutes=minutes,
            id=ident,
            name=f"poll {name}" if ident.startswith(SOURCE_PREFIX) else name,
            replace_existing=True,
            **ONCE_AND_LATE,
            **extra,
        )

    def _schedule_digest(self) -> None:
        """The weekly digest at `[digest]` day and time, in the workspace's time zone (the
        cron trigger keeps 09:00 local across daylight-saving changes)."""
        settings = self.services.config.digest
        existing = self.scheduler.get_job(DIGEST_JOB)
        if not settings.enabled:
            if existing is not None:
                self.scheduler.remove_job(DIGEST_JOB)
            return
        trigger = CronTrigger(**settings.cron(), timezone=self.zone)
        if existing is not None and _same_schedule(existing.trigger, trigger):
            # Keep its next run: a digest missed while Chorus was down still goes out.
            self.scheduler.modify_job(DIGEST_JOB, func="bot.jobs:weekly_digest")
            return
        self.scheduler.add_job(
            "bot.jobs:weekly_digest",
            trigger=trigger,
            id=DIGEST_JOB,
            name="weekly digest",
            replace_existing=True,
            **ONCE_AND_LATE,
        )

    def run(self, name: str) -> object:
        """Poll one source now, as its job does."""
        return jobs.poll(name)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    def shutdown(self, wait: bool = True) -> None:
        """Stop scheduling; with `wait`, let polls under way finish first."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)


def _same_schedule(current: object, wanted: CronTrigger) -> bool:
    return (
        isinstance(current, CronTrigger)
        and str(current) == str(wanted)
        and str(current.timezone) == str(wanted.timezone)
    )
