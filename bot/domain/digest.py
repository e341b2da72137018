"""The weekly digest's maths: which replies to celebrate, who to thank, how customers were
served. Pure: the read model hands in the week's facts, the views turn the result into words.

The digest celebrates; it never ranks people or counts what one person did. People appear in
alphabetical order, replies by how customers responded to them (the score), and a quiet week
gets a warm word instead of silence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from bot.domain.business_time import BusinessHours
from bot.domain.weeks import Week

COMPANY = "company"  # the scope of the company-wide digest; department keys are the others
BEST_REPLIES = {"department": 3, COMPANY: 5}


@dataclass(frozen=True)
class Wait:
    """A mention received during the week, and what became of it."""

    received_at: datetime
    answered_at: datetime | None  # when its reply went live
    dismissed: bool
    sla_minutes: int | None  # its department's, in working minutes


@dataclass(frozen=True)
class Win:
    """A reply that went live during the week."""

    mention_id: int
    department_key: str | None
    network: str
    customer: str
    customer_text: str
    reply_text: str
    url: str
    posted_at: datetime
    drafted_by: str
    approved_by: str | None
    score: float
    shares: int = 0
    quotes: int = 0
    replies: int = 0
    clicks: int = 0
    likes: int = 0
    complaint: bool = False  # the customer came to us unhappy
    warm_words: str | None = None  # what they said back, when it was thanks or kind
    department: str | None = None  # the department's name, for the company digest


@dataclass(frozen=True)
class Advocate:
    """A customer the team marked as an advocate this week."""

    customer: str
    network: str
    marked_by: str


@dataclass(frozen=True)
class ShippedIdea:
    """A colleague's post idea that went live this week."""

    title: str
    author: str
    url: str | None


@dataclass(frozen=True)
class Served:
    """How the week's customers were served."""

    received: int
    answered: int
    median_first_answer: timedelta | None
    within_sla: int
    measured: int  # mentions the SLA can judge: answered, or open past their SLA
    open_now: int
    oldest_open: datetime | None

    @property
    def sla_share(self) -> float | None:
        return self.within_sla / self.measured if self.measured else None


@dataclass(frozen=True)
class Day:
    day: date
    received: int
    answered: int
    engagement: float


@dataclass(frozen=True)
class Digest:
    scope: str  # a department key, or COMPANY
    title: str
    week: Week
    best: tuple[Win, ...]
    turned_around: tuple[Win, ...]
    first_timers: tuple[str, ...]
    people: tuple[str, ...]  # everyone who drafted or approved a live reply, alphabetical
    advocates: tuple[Advocate, ...]
    served: Served
    days: tuple[Day, ...]
    sla_minutes: int | None  # the department's; None for the company or without an SLA
    ideas_shipped: tuple[ShippedIdea, ...] = ()

    @property
    def quiet(self) -> bool:
        """Nothing came in and nothing went out: a week for a kind word, not for figures."""
        return (
            self.served.received == 0
            and not self.best
            and not self.advocates
            and not self.ideas_shipped
        )


@dataclass(frozen=True)
class WeekFacts:
    """Everything the read model found for one scope and week."""

    scope: str
    title: str
    week: Week
    waits: Sequence[Wait]
    wins: Sequence[Win]
    answered_at: Sequence[datetime]  # every first answer that went live during the week
    first_replies: Sequence[str]  # authors whose first ever live reply was this week
    advocates: Sequence[Advocate]
    open_now: int
    oldest_open: datetime | None
    sla_minutes: int | None = None
    ideas_shipped: Sequence[ShippedIdea] = ()


def build_digest(facts: WeekFacts, hours: BusinessHours, now: datetime) -> Digest:
    """Turn a week's facts into the digest."""
    wins = sorted(facts.wins, key=lambda w: (-w.score, w.posted_at, w.mention_id))
    limit = BEST_REPLIES[COMPANY if facts.scope == COMPANY else "department"]
    return Digest(
        scope=facts.scope,
        title=facts.title,
        week=facts.week,
        best=tuple(wins[:limit]),
        turned_around=tuple(w for w in wins if w.complaint and w.warm_words),
        first_timers=tuple(sorted(set(facts.first_replies))),
        people=people_behind(wins),
        advocates=tuple(sorted(facts.advocates, key=lambda a: a.customer.casefold())),
        served=served(facts, hours, now),
        days=daily(facts, hours.zone),
        sla_minutes=facts.sla_minutes,
        ideas_shipped=tuple(facts.ideas_shipped),
    )


def people_behind(wins: Iterable[Win]) -> tuple[str, ...]:
    """Return who drafted or approved the week's live replies, alphabetically by user id."""
    found = {w.drafted_by for w in wins} | {w.approved_by for w in wins if w.approved_by}
    return tuple(sorted(found))


def served(facts: WeekFacts, hours: BusinessHours, now: datetime) -> Served:
    """Median time to a first answer and the share answered within the SLA (working time)."""
    answered = [w for w in facts.waits if w.answered_at is not None]
    waited = [(w.answered_at - w.received_at).total_seconds() for w in answered if w.answered_at]
    judged = [verdict for w in facts.waits if (verdict := within_sla(w, hours, now)) is not None]
    return Served(
        received=len(facts.waits),
        answered=len(answered),
        median_first_answer=timedelta(seconds=median(waited)) if waited else None,
        within_sla=sum(judged),
        measured=len(judged),
        open_now=facts.open_now,
        oldest_open=facts.oldest_open,
    )


def within_sla(wait: Wait, hours: BusinessHours, now: datetime) -> bool | None:
    """True when answered within the SLA, False when answered late or still waiting past it,
    None when the SLA cannot judge it (no SLA, dismissed, or still inside its time)."""
    if not wait.sla_minutes or (wait.dismissed and wait.answered_at is None):
        return None
    until = wait.answered_at or now
    in_time = hours.minutes_between(wait.received_at, until) <= wait.sla_minutes
    if wait.answered_at is None and in_time:
        return None
    return in_time


def daily(facts: WeekFacts, zone: ZoneInfo) -> tuple[Day, ...]:
    """Mentions received, first answers and engagement for each day of the week."""
    received = Counter(w.received_at.astimezone(zone).date() for w in facts.waits)
    answered = Counter(at.astimezone(zone).date() for at in facts.answered_at)
    engagement: dict[date, float] = defaultdict(float)
    for win in facts.wins:
        engagement[win.posted_at.astimezone(zone).date()] += win.score
    return tuple(
        Day(day, received[day], answered[day], round(engagement[day], 1))
        for day in facts.week.days()
    )
