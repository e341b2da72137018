"""`/chorus stats [DEPT]`: how a department (or the company) is doing right now.

Team figures only: open mentions, the median time to a first answer this week (read as the
weekly digest reads it), drafts in review, and post ideas in the pipeline. Never a ranking
of people, never a count per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import COMPANY, build_digest
from bot.domain.model import State
from bot.domain.weeks import Week, week_at
from bot.services.core import Services
from bot.services.digest import Scope, scope_named, week_facts
from storage import repo
from storage.db import READ_ONLY
from storage.ideas import count_in_pipeline

EVERYONE = ("all", COMPANY)  # words that ask for the whole company


@dataclass(frozen=True)
class Stats:
    scope: Scope
    week: Week
    open_now: int
    oldest_open: datetime | None
    median_first_answer: timedelta | None
    answered: int  # mentions received this week with a live answer: the median's basis
    in_review: int
    ideas: int


def stats_for(services: Services, word: str | None, channel: str | None) -> Stats:
    """The figures for department `word`, else for the channel's department, else for the
    company; an unknown word raises a WorkflowError that lists the keys."""
    scope = _scope(services, word, channel)
    now = services.clock()
    week = week_at(now, ZoneInfo(services.config.timezone))
    department = None if scope.key == COMPANY else scope.key
    with services.sessions() as session:
        session.connection(execution_options={READ_ONLY: True})  # reads only: no write lock
        facts = week_facts(session, services, scope, week)
        in_review = repo.count_mentions(session, [State.IN_REVIEW.value], department)
        ideas = count_in_pipeline(session, department)
    served = build_digest(facts, services.config.working_hours(), now).served
    return Stats(
        scope=scope,
        week=week,
        open_now=served.open_now,
        oldest_open=served.oldest_open,
        median_first_answer=served.median_first_answer,
        answered=served.answered,
        in_review=in_review,
        ideas=ideas,
    )


def _scope(services: Services, word: str | None, channel: str | None) -> Scope:
    if word:
        return scope_named(services, COMPANY if word.lower() in EVERYONE else word.lower())
    here = next((d for d in services.config.department_list() if d.channel == channel), None)
    return scope_named(services, here.key if here else COMPANY)
