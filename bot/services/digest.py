"""The weekly digest: each department's week, and the company's, stored once and sent.

`send_weekly_digests` runs from the scheduler (job `digest:weekly`, Monday 09:00 by default)
and looks back on the last full week. A digest row is unique per scope and week, so a second
run (a restart, another process, a retried job) finds it and sends nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.digest import COMPANY, Digest, WeekFacts, build_digest
from bot.domain.errors import WorkflowError
from bot.domain.weeks import Week, last_full_week, week_at
from bot.services.core import Services
from storage import delivery
from storage import digest as read
from storage.digest_codec import digest_to_json
from storage.models import DigestRow

log = logging.getLogger("chorus.digest")
CATCH_UP = timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """Who a digest is for: a department, or the whole company."""

    key: str
    title: str
    channel: str | None
    sla_minutes: int | None = None


def scopes(services: Services) -> list[Scope]:
    """Every department, then the company (when `company_channel` is set)."""
    found = [
        Scope(d.key, d.name, d.channel, d.sla_minutes) for d in services.config.department_list()
    ]
    return [*found, Scope(COMPANY, "The whole company", services.config.company_channel)]


def scope_named(services: Services, key: str | None) -> Scope:
    """The department with this key, or the company for None / "company"."""
    wanted = key or COMPANY
    for scope in scopes(services):
        if scope.key == wanted:
            return scope
    keys = ", ".join(s.key for s in scopes(services))
    raise WorkflowError(f"There is no department “{wanted}”. Choose one of: {keys}.")


def compute_digest(services: Services, scope: Scope, week: Week) -> Digest:
    """Read the week's facts and build the digest (nothing is stored or sent)."""
    with services.sessions() as session:
        facts = week_facts(session, services, scope, week)
    return build_digest(facts, services.config.working_hours(), services.clock())


def week_facts(session: Session, services: Services, scope: Scope, week: Week) -> WeekFacts:
    """Everything the digest says about one scope and week, from the database."""
    start, end = week.bounds(ZoneInfo(services.config.timezone))
    departments = services.config.department_list()
    slas = {d.key: d.sla_minutes for d in departments}
    names = {d.key: d.name for d in departments}
    wins = [
        replace(win, department=names.get(win.department_key or ""))
        for win in read.wins(session, scope.key, start, end)
    ]
    open_now, oldest = read.still_open(session, scope.key)
    return WeekFacts(
        scope=scope.key,
        title=scope.title,
        week=week,
        waits=read.waits(session, scope.key, start, end, slas),
        wins=wins,
        answered_at=read.answers_during(session, scope.key, start, end),
        first_replies=read.first_replies(session, [w.drafted_by for w in wins], start, end),
        advocates=read.advocates(session, scope.key, start, end),
        open_now=open_now,
        oldest_open=oldest,
        sla_minutes=scope.sla_minutes,
        ideas_shipped=read.ideas_shipped(session, scope.key, start, end),
    )


def send_weekly_digests(services: Services, week: Week | None = None) -> int:
    """Store and queue the digest of every scope that has none yet for the week; return
    how many were queued. A scope whose digest fails is logged; the others still go."""
    now = services.clock()
    week = week or last_full_week(now, ZoneInfo(services.config.timezone))
    queued = 0
    for scope in scopes(services):
        if not scope.channel:
            continue
        try:
            queued += _queue_digest(services, scope, week, now)
        except Exception:  # noqa: BLE001 - one department's failure must not silence the rest
            log.exception("the %s digest for %s could not be prepared", scope.key, week.label)
    if queued:
        services.wake_outbox()
    return queued


def send_missed_digests(services: Services) -> int:
    """Send the week's digests when their time has passed in the last day and they are not
    out yet. The cron job sends them; this covers a run lost to a shutdown at that very
    moment (APScheduler counts a run it could not hand to its stopped executor as done)."""
    settings = services.config.digest
    if not settings.enabled:
        return 0
    now, zone = services.clock(), ZoneInfo(services.config.timezone)
    due = settings.due(week_at(now, zone), zone)
    if not due <= now < due + CATCH_UP:
        return 0
    week = last_full_week(now, zone)
    with services.sessions() as session:
        # A Chorus installed since has no week to tell about: no catch-up of quiet digests.
        if not read.any_mention_before(session, week.bounds(zone)[1]):
            return 0
    return send_weekly_digests(services, week)


def _queue_digest(services: Services, scope: Scope, week: Week, now: datetime) -> int:
    assert scope.channel is not None
    with services.sessions() as session:
        if read.get_digest(session, scope.key, week.label) is not None:
            return 0  # already sent: exactly one a week
        digest = build_digest(
            week_facts(session, services, scope, week), services.config.working_hours(), now
        )
        row = DigestRow(
            scope=scope.key,
            week=week.label,
            channel=scope.channel,
            created_at=now,
            content=digest_to_json(digest),
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            return 0  # another process stored it a moment ago
        payload = {"digest_id": row.id}
        delivery.add_outbox(session, "digest", scope.channel, now, payload=payload)
        if not digest.quiet:
            delivery.add_outbox(session, "digest_chart", scope.channel, now, payload=payload)
        session.commit()
    log.info("digest %s for %s queued to %s", week.label, scope.key, scope.channel)
    return 1
