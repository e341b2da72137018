"""Scheduled jobs run in one process at a time on PostgreSQL: while another process holds a
job's advisory lock, this one skips the run; once it is free, the run happens, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import create_engine, func, select, text

from bot import jobs
from bot.standin import SlackStandIn
from storage.job_lock import NAMESPACE, exclusive
from storage.models import ReminderRow
from tests.support.workspace import Workspace, make_workspace, mention

MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Paris; support's SLA is 60 min


def reminders(ws: Workspace) -> int:
    with ws.chorus.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ReminderRow)) or 0)


def test_a_job_another_process_is_running_is_skipped_then_runs_once(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = make_workspace(database_url, standin)
    with freeze_time(MONDAY_10):
        ws.receive(mention())
    jobs.bind(ws.chorus.services, {})
    other_process = create_engine(database_url)
    try:
        with (
            exclusive(other_process, "reminders:sla") as held,
            freeze_time(MONDAY_10 + timedelta(hours=1)),
        ):
            assert held
            jobs.every_minute("reminders:sla")
            skipped = reminders(ws)
        with freeze_time(MONDAY_10 + timedelta(hours=1, minutes=1)):
            jobs.every_minute("reminders:sla")
            jobs.every_minute("reminders:sla")
    finally:
        other_process.dispose()
    on_postgres = ws.chorus.services.sessions.kw["bind"].dialect.name == "postgresql"
    assert skipped == (0 if on_postgres else 1)  # SQLite serves one process: no lock
    assert reminders(ws) == 1


def test_the_lock_is_released_after_the_run(database_url: str, standin: SlackStandIn) -> None:
    ws = make_workspace(database_url, standin)
    engine = ws.chorus.services.sessions.kw["bind"]
    with exclusive(engine, "digest:weekly") as first:
        assert first
    with exclusive(engine, "digest:weekly") as again:
        assert again
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            held = connection.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
            )
        assert held == 0, f"{NAMESPACE} locks left behind"
