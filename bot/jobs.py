"""Scheduled jobs, by name. The job store keeps a job's name and arguments, never objects,
so the jobs a stopped process left in the database run again after a restart; `bind` hands
them this process's services and sources."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from bot import logs
from bot.services.claim_reminders import send_claim_reminders
from bot.services.core import Services
from bot.services.digest import send_missed_digests, send_weekly_digests
from bot.services.engagement import take_due_snapshots
from bot.services.publish import resume_interrupted
from bot.services.reminders import send_due_reminders
from bot.services.spikes import close_quiet_spikes
from bot.sources.base import Source
from bot.sources.runner import PollOutcome, poll_source
from storage.job_lock import exclusive
from storage.job_runs import ran_within, record_run

log = logging.getLogger("chorus.jobs")

EVERY_MINUTE: dict[str, Callable[[Services], object]] = {
    # A spike that went quiet says so on its summary even when no new mention arrives.
    "spikes:close-quiet": close_quiet_spikes,
    # Results are read 1 h, 6 h, 24 h, 72 h and 7 days after publishing.
    "engagement:snapshots": take_due_snapshots,
    # An attempt to publish cut short by a restart is finished (never posted twice).
    "publishing:resume": resume_interrupted,
    # A customer nobody has claimed past the SLA: the thread, then leads, then managers.
    "reminders:sla": send_due_reminders,
    # A claim with no draft: the claimer, then back to the queue; a draft waiting: reviewers.
    "reminders:claims": send_claim_reminders,
    # The weekly digest, if its own run was lost to a shutdown at that moment (sent once).
    "digest:catch-up": send_missed_digests,
}

# A run finished this recently by any process is not made again (half the interval: a
# run that is merely late is still made).
EVERY_MINUTE_GAP = timedelta(seconds=30)
DIGEST_GAP = timedelta(hours=1)

_bound: dict[str, Any] = {}


def bind(services: Services, sources: Mapping[str, Source]) -> None:
    """Give the jobs of this process the services and sources they work with."""
    _bound.update(services=services, sources=dict(sources))


def poll(name: str) -> PollOutcome | None:
    """Poll one source; failures are already in its health, so only a bug (say, the database
    being down) is logged here, and the job stays scheduled."""
    source = _bound.get("sources", {}).get(name)
    if source is None:
        log.warning("source %s is no longer in chorus.toml; its job will be removed", name)
        return None
    try:
        gap = timedelta(minutes=source.config.every_minutes / 2)
        with _alone(f"source:{name}", gap) as mine:
            return poll_source(_bound["services"], source) if mine else None
    except Exception:  # noqa: BLE001 - the next run may well succeed
        log.exception("source %s: the poll could not be recorded", name)
        return None


def every_minute(name: str) -> None:
    """Run one of the periodic jobs; a failure is logged and the next minute tries again."""
    try:
        with _alone(name, EVERY_MINUTE_GAP) as mine:
            if mine:
                EVERY_MINUTE[name](_bound["services"])
    except Exception:  # noqa: BLE001 - the job stays scheduled
        log.exception("scheduled job %s failed; it runs again in a minute", name)


def weekly_digest() -> None:
    """Send last week's digests (each scope once a week, however often this runs)."""
    try:
        with _alone("digest:weekly", DIGEST_GAP) as mine:
            if mine:
                send_weekly_digests(_bound["services"])
    except Exception:  # noqa: BLE001 - the job stays scheduled; a rerun sends what is missing
        log.exception("the weekly digest failed; run it again with the same job")


@contextmanager
def _alone(job: str, gap: timedelta) -> Iterator[bool]:
    """Run a job once, in one process, when several share PostgreSQL and its schedule.

    Yields whether this process should run it: it holds the job's advisory lock and no
    process finished the job less than `gap` ago. A run that raises is not recorded, so the
    next wake-up tries again."""
    services: Services = _bound["services"]
    with logs.context(job=job), exclusive(services.sessions.kw["bind"], job) as locked:
        if not locked or _ran_within(services, job, gap):
            yield False
            return
        yield True
        with services.sessions() as session:
            record_run(session, job, services.clock())
            session.commit()


def _ran_within(services: Services, job: str, gap: timedelta) -> bool:
    with services.sessions() as session:
        return ran_within(session, job, services.clock(), gap)
