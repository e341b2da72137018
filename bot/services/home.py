"""What a person's App Home shows, read from the database in one session.

Which departments' queues a person sees: a manager sees every department; a lead sees the
departments they lead; anyone else sees the departments of the mentions they claimed or
drafted for in the last 30 days, or every department when they have not worked on any yet.
This week's wins come from the same departments (the whole company for a manager or a
newcomer), read as the weekly digest reads them, for the week so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain.digest import COMPANY, Win, build_digest
from bot.domain.ideas import Idea
from bot.domain.model import Actor, Department, State
from bot.domain.policy import Guidelines
from bot.domain.weeks import Week, week_at
from bot.services.core import Services
from bot.services.digest import Scope, week_facts
from bot.services.policy import policy_of, suggested_line
from bot.services.views import Card, Review, load_card, load_review
from storage import digest as digest_read
from storage import home as store
from storage import repo
from storage.db import READ_ONLY
from storage.ideas import ideas_by, to_idea

SHOWN = 10  # items read per section; the view fits what it can into Slack's 100 blocks
RECENT = timedelta(days=30)
WINS = 5
T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """The first items of a section, and how many there are in all."""

    items: tuple[T, ...]
    total: int


@dataclass(frozen=True)
class Queue:
    """A department's open mentions and the oldest wait."""

    department: Department
    open: int
    oldest_open_at: datetime | None
    waiting: int  # open and nobody on it yet
    next_up: Card | None  # what `/claim next` would take there


@dataclass(frozen=True)
class Wins:
    """The week so far: its best live replies, and the people behind every live reply."""

    week: Week
    best: tuple[Win, ...]
    people: tuple[str, ...]  # alphabetical: a thank-you, never a ranking
    live: int


@dataclass(frozen=True)
class HomeData:
    user_id: str
    now: datetime
    actor: Actor
    lead_of: tuple[Department, ...]
    claimed: Listing[Card]
    reviews: Listing[Review] | None  # None: the person reviews no department
    ideas: Listing[Idea]
    queue_basis: str  # "manager", "lead", "recent" or "all": why these departments
    queues: Listing[Queue]
    wins: Wins
    guidelines: Guidelines
    notice: str | None = None


def home_for(services: Services, user_id: str, notice: str | None = None) -> HomeData:
    """Read everything the person's Home shows."""
    with services.sessions() as session:
        # Only reads: SQLite's write lock stays free for the people clicking meanwhile.
        session.connection(execution_options={READ_ONLY: True})
        return load_home(session, services, user_id, notice)


def open_home(services: Services, user_id: str) -> HomeData:
    """Record that the person opened their Home, and read what it shows."""
    with services.sessions() as session:
        store.remember_home(session, user_id, services.clock())
        session.commit()
    return home_for(services, user_id)


def load_home(
    session: Session, services: Services, user_id: str, notice: str | None = None
) -> HomeData:
    """Read the Home within the caller's session (the outbox renders inside its own)."""
    now = services.clock()
    actor = services.actor(user_id, session)
    basis, keys = _departments(session, services, actor, now)
    departments = [d for d in services.config.department_list() if d.key in keys]
    return HomeData(
        user_id=user_id,
        now=now,
        actor=actor,
        lead_of=tuple(d for d in services.config.department_list() if actor.leads(d.key)),
        claimed=_claimed(session, services, user_id),
        reviews=_reviews(session, services, actor),
        ideas=_ideas(session, user_id),
        queue_basis=basis,
        queues=Listing(
            tuple(_queue(session, services, d) for d in departments[:SHOWN]), len(departments)
        ),
        wins=_wins(session, services, basis, keys, now),
        guidelines=_guidelines(session, services, actor),
        notice=notice,
    )


def _guidelines(session: Session, services: Services, actor: Actor) -> Guidelines:
    """What `/chorus guidelines` shows this person, read within the caller's session:
    policy.guidelines opens a session of its own, which inside the outbox worker's (it holds
    SQLite's write lock) would wait for ever."""
    lanes = [d for d in repo.list_departments(session) if d.active and d.trusted_lane]
    return Guidelines(
        policy_of(services),
        suggested_line(services, actor.user_id),
        trusted_lanes=tuple(d.name for d in lanes),
        trusted_in=tuple(d.name for d in lanes if actor.is_trusted_in(d.key)),
    )


def _departments(
    session: Session, services: Services, actor: Actor, now: datetime
) -> tuple[str, set[str]]:
    every = {d.key for d in services.config.department_list()}
    if actor.is_manager:
        return "manager", every
    if actor.lead_of:
        return "lead", set(actor.lead_of) & every
    recent = store.recent_departments(session, actor.user_id, now - RECENT) & every
    return ("recent", recent) if recent else ("all", every)


def _claimed(session: Session, services: Services, user_id: str) -> Listing[Card]:
    rows, total = store.claimed_by(session, user_id, SHOWN)
    return Listing(tuple(load_card(session, services, row.id) for row in rows), total)


def _reviews(session: Session, services: Services, actor: Actor) -> Listing[Review] | None:
    if not (actor.is_manager or actor.lead_of):
        return None
    departments = None if actor.is_manager else actor.lead_of
    ids, total = store.drafts_to_review(session, departments, actor.user_id, SHOWN)
    return Listing(tuple(load_review(session, services, i) for i in ids), total)


def _ideas(session: Session, user_id: str) -> Listing[Idea]:
    rows = ideas_by(session, user_id)
    return Listing(tuple(to_idea(row) for row in rows[:SHOWN]), len(rows))


def _queue(session: Session, services: Services, department: Department) -> Queue:
    count, oldest = digest_read.still_open(session, department.key)
    routed = [State.ROUTED.value]
    first = repo.list_mentions(session, routed, department_key=department.key, limit=1)
    return Queue(
        department=department,
        open=count,
        oldest_open_at=oldest,
        waiting=repo.count_mentions(session, routed, department.key),
        next_up=load_card(session, services, first[0].id) if first else None,
    )


def _wins(session: Session, services: Services, basis: str, keys: set[str], now: datetime) -> Wins:
    """The week so far, read as the digest reads it, for the person's departments."""
    zone = ZoneInfo(services.config.timezone)
    week = week_at(now, zone)
    if basis in ("manager", "all"):
        scopes = [Scope(COMPANY, "The whole company", None)]
    else:
        scopes = [Scope(d.key, d.name, None) for d in services.config.department_list()]
        scopes = [s for s in scopes if s.key in keys]
    hours = services.config.working_hours()
    digests = [build_digest(week_facts(session, services, s, week), hours, now) for s in scopes]
    best = sorted(
        {w.mention_id: w for d in digests for w in d.best}.values(),
        key=lambda w: (-w.score, w.posted_at, w.mention_id),
    )
    people = sorted({p for d in digests for p in d.people})
    live = sum(day.answered for d in digests for day in d.days)
    return Wins(week, tuple(best[:WINS]), tuple(people), live)
