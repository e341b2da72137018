"""The weekly digest's job: Monday 09:00 in the workspace's zone whatever the clocks do,
kept in the database, run once after a restart that slept through it, and never twice."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.cron import CronTrigger
from freezegun import freeze_time
from sqlalchemy import func, select

from bot import jobs
from bot.config import parse_config
from bot.domain.weeks import last_full_week
from bot.services.digest import send_missed_digests
from bot.sources.scheduler import DIGEST_JOB, SourceScheduler
from bot.standin import SlackStandIn
from storage.models import DigestRow
from tests.support.workspace import CONFIG_TOML, Workspace, make_workspace, mention

PARIS = ZoneInfo("Europe/Paris")


def scheduler_for(ws: Workspace) -> SourceScheduler:
    return SourceScheduler(ws.chorus.services, [])


def digests(ws: Workspace) -> int:
    with ws.chorus.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(DigestRow)) or 0)


def fire_times(trigger: CronTrigger, start: datetime, n: int) -> list[datetime]:
    times, previous = [], None
    now = start
    for _ in range(n):
        moment = trigger.get_next_fire_time(previous, now)
        assert moment is not None
        times.append(moment.astimezone(UTC))
        previous, now = moment, moment + timedelta(seconds=1)
    return times


def stored_trigger(ws: Workspace) -> CronTrigger:
    scheduler = scheduler_for(ws)
    scheduler.start()
    try:
        job = scheduler.scheduler.get_job(DIGEST_JOB)
        assert job is not None
        assert isinstance(job.trigger, CronTrigger)
        return job.trigger
    finally:
        scheduler.shutdown(wait=False)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Summer time ends on Sunday 25 October 2026: 09:00 is 07:00 UTC, then 08:00 UTC.
        (datetime(2026, 10, 14, tzinfo=UTC), ["2026-10-19 07:00", "2026-10-26 08:00"]),
        # It starts on Sunday 29 March 2026: 09:00 is 08:00 UTC, then 07:00 UTC.
        (datetime(2026, 3, 18, tzinfo=UTC), ["2026-03-23 08:00", "2026-03-30 07:00"]),
    ],
)
def test_the_digest_is_due_monday_at_nine_local_across_a_clock_change(
    workspace: Workspace, start: datetime, expected: list[str]
) -> None:
    trigger = stored_trigger(workspace)
    assert [f"{t:%Y-%m-%d %H:%M}" for t in fire_times(trigger, start, 2)] == expected


def test_the_schedule_follows_chorus_toml(sqlite_url: str, standin: SlackStandIn) -> None:
    friday = CONFIG_TOML + '\n[digest]\nday = "fri"\nat = "16:30"\n'
    ws = make_workspace(sqlite_url, standin, friday)
    trigger = stored_trigger(ws)
    [due] = fire_times(trigger, datetime(2026, 11, 23, tzinfo=UTC), 1)
    assert due == datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # Friday 16:30 in Paris

    off = make_workspace(sqlite_url, standin, CONFIG_TOML + "\n[digest]\nenabled = false\n")
    scheduler = scheduler_for(off)
    scheduler.start()
    try:
        assert DIGEST_JOB not in scheduler.job_ids()
    finally:
        scheduler.shutdown(wait=False)


def test_a_bad_digest_setting_is_named_with_what_to_write() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="digest.day"):
        parse_config(CONFIG_TOML + '\n[digest]\nday = "monday"\n')
    with pytest.raises(ConfigError, match="digest.at"):
        parse_config(CONFIG_TOML + '\n[digest]\nat = "nine"\n')


def test_a_week_of_minutes_sends_each_digest_once_even_across_a_restart(
    workspace: Workspace,
) -> None:
    """Time moves through a week; the job runs when due, again after a restart, and again
    by mistake: each department still hears once."""
    ws = workspace
    trigger = stored_trigger(ws)
    jobs.bind(ws.chorus.services, {})
    monday = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # the first Monday after the change
    [due] = fire_times(trigger, monday - timedelta(days=6), 1)
    assert due == monday
    for moment in (due, due + timedelta(minutes=1), due + timedelta(days=1)):
        with freeze_time(moment):
            jobs.weekly_digest()
            ws.deliver()
    assert digests(ws) == 4
    restarted = make_workspace(ws.chorus.settings.chorus_database_url, ws.standin)
    jobs.bind(restarted.chorus.services, {})
    with freeze_time(due + timedelta(hours=3)):
        jobs.weekly_digest()
    assert digests(restarted) == 4
    headers = [m for m in ws.standin.messages("C0SUPPORT") if m["blocks"][0]["type"] == "header"]
    assert len(headers) == 1 and "19–25 October 2026" in headers[0]["text"]


def test_a_digest_missed_while_chorus_was_down_goes_out_when_it_is_back(
    workspace: Workspace,
) -> None:
    ws = workspace
    first = scheduler_for(ws)
    first.start()
    first.shutdown(wait=True)
    # Chorus was down over Monday 09:00: the stored job's run is two hours overdue.
    store = SQLAlchemyJobStore(engine=ws.chorus.services.sessions.kw["bind"])
    store.start(first.scheduler, "default")
    job = store.lookup_job(DIGEST_JOB)
    assert job is not None
    job.next_run_time = datetime.now(PARIS) - timedelta(hours=2)
    store.update_job(job)

    again = scheduler_for(ws)
    again.start()
    try:
        for _ in range(100):  # the scheduler's thread runs the late job at once
            if digests(ws) == 4:
                break
            time.sleep(0.1)
    finally:
        again.shutdown(wait=True)
    assert digests(ws) == 4
    week = last_full_week(datetime.now(UTC), PARIS)
    with ws.chorus.services.sessions() as session:
        assert set(session.scalars(select(DigestRow.week))) == {week.label}
    job_next = stored_trigger(ws).get_next_fire_time(None, datetime.now(PARIS))
    assert job_next is not None and job_next.weekday() == 0 and job_next.hour == 9


@pytest.mark.parametrize(
    ("moment", "sent"),
    [
        (datetime(2026, 11, 23, 7, 59, tzinfo=UTC), 0),  # Monday 08:59 in Paris: not yet
        (datetime(2026, 11, 23, 8, 1, tzinfo=UTC), 4),  # its own run was lost: sent now
        (datetime(2026, 11, 24, 8, 1, tzinfo=UTC), 0),  # a day later: the week has moved on
    ],
)
def test_a_run_lost_at_shutdown_is_caught_up_within_the_day(
    workspace: Workspace, moment: datetime, sent: int
) -> None:
    with freeze_time(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)):
        workspace.receive(mention())  # Chorus was in use during the week
    with freeze_time(moment):
        assert send_missed_digests(workspace.chorus.services) == sent
        assert send_missed_digests(workspace.chorus.services) == 0


def test_a_chorus_installed_after_the_week_does_not_catch_up_quiet_digests(
    workspace: Workspace,
) -> None:
    with freeze_time(datetime(2026, 11, 23, 10, 0, tzinfo=UTC)):
        workspace.receive(mention())  # the first mention ever, on Monday after 09:00
        assert send_missed_digests(workspace.chorus.services) == 0
