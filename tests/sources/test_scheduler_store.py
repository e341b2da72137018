"""Scheduled jobs live in Chorus's database: a restart finds them, keeps them once, and drops
the job of a source taken out of chorus.toml."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot import jobs
from bot.sources.runner import build_sources
from bot.sources.scheduler import DIGEST_JOB, SourceScheduler
from bot.standin import SlackStandIn
from storage.models import SchedulerJobRow
from tests.support.source_workspace import rss_table, workspace_with_sources

FEED = "http://127.0.0.1:9/feed"  # never answers: these tests don't wait for polls


def start(database_url: str, standin: SlackStandIn, *names: str) -> SourceScheduler:
    tables = [rss_table(name, f"{FEED}/{name}", every_minutes=60) for name in names]
    ws = workspace_with_sources(database_url, standin, *tables)
    services = ws.chorus.services
    return SourceScheduler(services, build_sources(services.config, {}))


def stored_ids(scheduler: SourceScheduler) -> list[str]:
    with scheduler.services.sessions() as session:
        return sorted(session.scalars(select(SchedulerJobRow.id)))


def test_jobs_are_kept_in_the_database_and_a_restart_keeps_each_once(
    database_url: str, standin: SlackStandIn
) -> None:
    first = start(database_url, standin, "blog", "forum")
    first.start()
    first.shutdown(wait=False)
    expected = sorted([*jobs.EVERY_MINUTE, DIGEST_JOB, "source:blog", "source:forum"])
    assert {"reminders:sla", "reminders:claims", "digest:weekly"} <= set(expected)
    assert stored_ids(first) == expected

    again = SourceScheduler(first.services, list(first.sources.values()))
    again.start()
    try:
        assert again.job_ids() == expected
        assert stored_ids(again) == expected
    finally:
        again.shutdown(wait=False)
    with first.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SchedulerJobRow)) == len(expected)


def test_a_source_taken_out_of_chorus_toml_loses_its_job(
    database_url: str, standin: SlackStandIn
) -> None:
    first = start(database_url, standin, "blog", "forum")
    first.start()
    first.shutdown(wait=False)

    fewer = SourceScheduler(first.services, [first.sources["blog"]])
    fewer.start()
    try:
        assert "source:forum" not in fewer.job_ids()
        assert "source:blog" in fewer.job_ids()
    finally:
        fewer.shutdown(wait=False)


def test_jobs_run_in_the_workspace_time_zone_once_and_late_rather_than_never(
    database_url: str, standin: SlackStandIn
) -> None:
    scheduler = start(database_url, standin, "blog")
    scheduler.start()
    try:
        assert scheduler.scheduler.timezone == ZoneInfo("Europe/Paris")
        for job in scheduler.scheduler.get_jobs():
            assert job.coalesce is True
            assert job.misfire_grace_time is None
            assert job.max_instances == 1
    finally:
        scheduler.shutdown(wait=False)
