"""Poll every source on its own interval, in the background, once at start-up and then
every `every_minutes`.

The job store is APScheduler's memory store: the jobs are rebuilt from chorus.toml at
each start. The persistent SQLAlchemy job store (and running each job once across
several Chorus processes) comes with issue 6.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services.core import Services
from bot.services.engagement import take_due_snapshots
from bot.services.publish import resume_interrupted
from bot.services.spikes import close_quiet_spikes
from bot.sources.base import Source
from bot.sources.runner import PollOutcome, poll_source

log = logging.getLogger("chorus.sources")


def job_id(name: str) -> str:
    """The scheduler job of the source called `name`."""
    return f"source:{name}"


class SourceScheduler:
    """One interval job per source; a slow source never delays another (each job runs in
    the scheduler's thread pool, and one poll of a source at a time)."""

    def __init__(self, services: Services, sources: Sequence[Source]) -> None:
        self.services = services
        self.sources = {source.config.name: source for source in sources}
        self.zone = ZoneInfo(services.config.timezone)
        self.scheduler = BackgroundScheduler(timezone=self.zone)

    def start(self) -> None:
        """Add the jobs (each due at once, so every source polls at start-up) and start."""
        now = datetime.now(self.zone)
        for name, source in self.sources.items():
            self.scheduler.add_job(
                self.run,
                trigger="interval",
                args=[name],
                minutes=source.config.every_minutes,
                id=job_id(name),
                name=f"poll {name}",
                replace_existing=True,
                max_instances=1,  # a poll still running when the next is due is not doubled
                coalesce=True,  # runs missed while the process slept collapse into one
                misfire_grace_time=None,  # late is better than skipped
                next_run_time=now,
            )
        # A spike that went quiet says so on its summary even when no new mention arrives.
        self._every_minute("spikes:close-quiet", close_quiet_spikes)
        # Results are read 1 h, 6 h, 24 h, 72 h and 7 days after publishing.
        self._every_minute("engagement:snapshots", take_due_snapshots)
        # An attempt to publish cut short by a restart is finished (never posted twice).
        self._every_minute("publishing:resume", resume_interrupted)
        self.scheduler.start()
        if self.sources:
            log.info("polling %d source(s): %s", len(self.sources), ", ".join(self.sources))

    def _every_minute(self, job: str, work: Callable[[Services], object]) -> None:
        self.scheduler.add_job(
            _logged,
            trigger="interval",
            args=[job, work, self.services],
            minutes=1,
            id=job,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )

    def run(self, name: str) -> PollOutcome | None:
        """Poll one source; failures are already in its health, so only a bug (say, the
        database being down) is logged here, and the job stays scheduled."""
        try:
            return poll_source(self.services, self.sources[name])
        except Exception:  # noqa: BLE001 - the next run may well succeed
            log.exception("source %s: the poll could not be recorded", name)
            return None

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    def shutdown(self, wait: bool = True) -> None:
        """Stop scheduling; with `wait`, let polls under way finish first."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)


def _logged(job: str, work: Callable[[Services], object], services: Services) -> None:
    """Run a periodic job; a failure is logged and the next minute tries again."""
    try:
        work(services)
    except Exception:  # noqa: BLE001 - the job stays scheduled
        log.exception("scheduled job %s failed; it runs again in a minute", job)
