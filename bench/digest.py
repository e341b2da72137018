"""The weekly digest on a big workspace: how long one department's digest and the company's
take on SQLite and PostgreSQL, beside the same figures computed by one hand-written SQL query
in the same run. Target: under 1 second each.

Run (from the repository root):
    python -m bench.digest [--mentions 1000000] [--replies 100000]
        [--postgres-url URL] [--sqlite-path FILE] [--keep]
Quick run: python -m bench.digest --mentions 20000 --replies 2000

The database is built through the real migrations, then bulk-loaded (a year of mentions
before Monday 2026-11-23 08:00 UTC, their drafts, live replies, follow-ups and audit events)
from a fixed seed, so two runs load the same rows. PostgreSQL runs when --postgres-url or
CHORUS_TEST_POSTGRES_URL is set, in a database of its own (chorus_bench) created on that
server and dropped at the end unless --keep. Prints figures; asserts nothing. Everything stays
on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, bindparam, create_engine, insert, text, update
from sqlalchemy import Table as SqlTable
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.config import WorkspaceConfig, parse_config
from bot.digest_chart import chart_png
from bot.domain.digest import COMPANY, Digest, build_digest
from bot.domain.engagement import ScoreWeights
from bot.domain.weeks import Week, last_full_week
from bot.services.core import Services
from bot.services.digest import Scope, compute_digest, scope_named, week_facts
from bot.services.workspace import sync_workspace
from handlers.digest_view import build_digest_message
from storage import digest as read
from storage.base import UTCDateTime
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import (
    CustomerRow,
    DraftRow,
    EventRow,
    FollowUpRow,
    MentionRow,
    PublicationRow,
)

T = TypeVar("T")

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday: the digest looks back on 2026-W47
SPAN = timedelta(weeks=52)
START = NOW - SPAN
SEED = 47
BATCH = 10_000
REPEAT = 3
BENCH_DATABASE = "chorus_bench"

CONFIG_TOML = """
timezone = "Europe/Paris"
managers = ["U0MANAGER1", "U0MANAGER2"]
company_channel = "C0SOCIAL"

[[departments]]
key = "support"
name = "Customer Support"
channel = "C0SUPPORT"
leads = ["U0LEADSUP1", "U0LEADSUP2"]
keywords = ["refund", "broken", "login", "crash"]
sla_minutes = 60

[[departments]]
key = "billing"
name = "Billing"
channel = "C0BILLING"
leads = ["U0LEADBIL"]
keywords = ["invoice", "billing", "charged"]
sla_minutes = 120

[[departments]]
key = "sales"
name = "Sales"
channel = "C0SALES"
leads = ["U0LEADSAL"]
keywords = ["pricing", "discount", "plan"]

[[departments]]
key = "product"
name = "Product"
channel = "C0PRODUCT"
leads = ["U0LEADPRO"]
keywords = ["feature", "roadmap", "dashboard"]

[[departments]]
key = "general"
name = "General"
channel = "C0GENERAL"
leads = ["U0LEADGEN"]
default = true
"""

SHARE = {"support": 0.38, "general": 0.22, "billing": 0.16, "sales": 0.14, "product": 0.10}
NETWORKS = ("x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "reddit", "review")
STAFF = 300
OPEN_STATES = ("routed", "claimed", "in_review", "approved")
WORDS = (
    "export login refund broken pricing discount love great slow app dashboard billing "
    "invoice support team update feature bug crash thanks question plan charged roadmap"
)
VOCABULARY = WORDS.split()
NAMES = ("Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Greta", "Hugo", "Inès", "Jonas")
WARM = ("Thanks so much, that fixed it!", "You folks are great 🙏", "Works now, merci!")
DISMISSED = ("spam", "not for us", "no answer needed", "duplicate")

# ---------------------------------------------------------------------------------------
# The data: a year of a busy workspace, drawn from one seeded random.Random.


@dataclass(frozen=True)
class Sizes:
    mentions: int
    replies: int

    @property
    def customers(self) -> int:
        return max(100, self.mentions // 5)

    @property
    def open(self) -> int:
        return min(300, max(20, self.mentions // 3000))


def busy(at: datetime) -> float:
    """How likely a customer writes at this moment: days more than nights and weekends."""
    if at.weekday() >= 5:
        return 0.25
    return 1.0 if 7 <= at.hour < 19 else 0.35


def arrivals(rnd: random.Random, count: int) -> list[datetime]:
    """When each mention arrived, in order: ids grow with time, as they do in Chorus."""
    seconds = int(SPAN.total_seconds())
    found: list[int] = []
    while len(found) < count:
        offset = rnd.randrange(seconds)
        if rnd.random() < busy(START + timedelta(seconds=offset)):
            found.append(offset)
    found.sort()
    return [START + timedelta(seconds=s) for s in found]


class Staff:
    """~300 people in five departments; a third were there all year, the rest joined since,
    so every week has people whose first live reply it is."""

    def __init__(self, rnd: random.Random, config: WorkspaceConfig) -> None:
        self.leads = {d.key: sorted(d.leads) for d in config.department_list()}
        self.managers = list(config.managers)
        self.pools: dict[str, tuple[list[datetime], list[str]]] = {}
        number = 0
        for key, share in SHARE.items():
            joined = []
            for _ in range(round(STAFF * share)):
                number += 1
                since = START if rnd.random() < 1 / 3 else START + SPAN * rnd.random()
                joined.append((since, f"U0STAFF{number:03d}"))
            joined.sort()
            self.pools[key] = ([s for s, _ in joined], [u for _, u in joined])

    def member(self, rnd: random.Random, department: str, at: datetime) -> str:
        """Someone of the department who had joined by `at`."""
        starts, people = self.pools[department]
        return people[rnd.randrange(max(1, bisect_right(starts, at)))]

    def reviewer(self, rnd: random.Random, department: str) -> str:
        return rnd.choice(self.leads[department] + self.managers)


@dataclass
class Rows:
    """One batch's rows, table by table, in the order foreign keys need."""

    mentions: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    publications: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> list[tuple[SqlTable, list[dict[str, Any]]]]:
        return [
            (table(MentionRow), self.mentions),
            (table(DraftRow), self.drafts),
            (table(PublicationRow), self.publications),
            (table(FollowUpRow), self.follow_ups),
            (table(EventRow), self.events),
        ]


def table(model: Any) -> SqlTable:
    return model.__table__  # type: ignore[no-any-return]


class World:
    """Draws the workspace's rows from one seed: customers, then mentions batch by batch."""

    def __init__(self, sizes: Sizes, config: WorkspaceConfig) -> None:
        self.rnd = rnd = random.Random(SEED)
        self.sizes, self.config = sizes, config
        self.staff = Staff(rnd, config)
        self.received = arrivals(rnd, sizes.mentions)
        ids = range(1, sizes.mentions + 1)
        recent = ids[-max(sizes.open * 3, sizes.mentions // 50) :]
        wanted = sizes.open - sizes.open // 10  # most still-open mentions are recent
        self.open = set(rnd.sample(recent, wanted)) | set(rnd.sample(ids, sizes.open // 10))
        rest = [i for i in ids if i not in self.open]
        self.published = set(rnd.sample(rest, min(sizes.replies, len(rest))))
        self.texts = [self.sentence(rnd.randint(6, 25)) for _ in range(2000)]
        self.advocates: dict[int, tuple[str, datetime]] = {}  # customer: by whom, when
        self.draft_id = self.publication_id = 0
        self.channels = {d.key: d.channel for d in config.department_list()}
        self.weights = ScoreWeights()

    def sentence(self, words: int) -> str:
        said = " ".join(self.rnd.choices(VOCABULARY, k=words)).capitalize()
        return said + self.rnd.choice("?!.")

    def customers(self, first: int, last: int) -> list[dict[str, Any]]:
        rnd = self.rnd
        return [
            {
                "id": i,
                "network": NETWORKS[i % len(NETWORKS)],
                "handle": f"@customer{i}",
                "name": f"{rnd.choice(NAMES)} {chr(65 + i % 26)}." if rnd.random() < 0.7 else None,
                "url": f"https://social.example/@customer{i}",
                "followers": int(rnd.paretovariate(1.2) * 40),
                "first_seen_at": START + SPAN * rnd.random() * 0.5,
                "last_seen_at": NOW - SPAN * rnd.random() * 0.5,
                "is_advocate": False,
            }
            for i in range(first, last + 1)
        ]

    def batch(self, first: int, last: int) -> Rows:
        rows = Rows()
        for mention_id in range(first, last + 1):
            self.add_mention(rows, mention_id, self.received[mention_id - 1])
        return rows

    def add_mention(self, rows: Rows, mention_id: int, received: datetime) -> None:
        rnd = self.rnd
        department = rnd.choices(list(SHARE), weights=list(SHARE.values()))[0]
        customer = 1 + int(self.sizes.customers * rnd.random() ** 2)  # some customers write often
        intent = rnd.choices(("question", "complaint", "praise", "other"), (40, 25, 15, 20))[0]
        mention = {
            "id": mention_id,
            "network": NETWORKS[customer % len(NETWORKS)],
            "external_id": str(mention_id),
            "url": f"https://social.example/@customer{customer}/{mention_id}",
            "text": rnd.choice(self.texts),
            "language": rnd.choice(("en", "en", "en", "fr", "de")),
            "source": rnd.choice(("octolens", "mastodon", "rss", "webhook")),
            "customer_id": customer,
            "posted_on_network_at": received - timedelta(seconds=rnd.randrange(30, 900)),
            "received_at": received,
            "department_key": department,
            "route_reason": f"keyword {rnd.choice(VOCABULARY)}",
            "card_channel": self.channels[department],
            "card_ts": f"{int(received.timestamp())}.{mention_id % 1_000_000:06d}",
            "sentiment": round(rnd.uniform(-1, -0.1) if intent == "complaint" else rnd.random(), 3),
            "intent": intent,
            "priority": rnd.choices(("urgent", "high", "normal", "low"), (2, 10, 70, 18))[0],
            "version": 3,
        }
        rows.mentions.append(mention)
        rows.events.append(event("route", received, None, mention_id, "new", "routed"))
        if mention_id in self.published:
            self.publish(rows, mention)
        elif mention_id in self.open:
            self.leave_open(rows, mention)
        else:
            self.dismiss(rows, mention)

    def publish(self, rows: Rows, mention: dict[str, Any]) -> None:
        """A reply went live minutes to days after the mention arrived."""
        rnd, received, mid = self.rnd, mention["received_at"], mention["id"]
        room = (NOW - received).total_seconds() - 60
        delay = timedelta(seconds=min(rnd.lognormvariate(8.9, 1.3), max(room, 120) * 0.9))
        claimed, posted = received + delay * 0.2, received + delay
        author = self.staff.member(rnd, mention["department_key"], claimed)
        url = f"https://social.example/@brand/{mid}"
        mention |= {"state": "published", "claimed_by": author, "claimed_at": claimed}
        mention |= {"posted_url": url, "posted_at": posted}
        draft = self.draft(
            mention, author, "posted", received + delay * 0.5, received + delay * 0.8
        )
        rows.drafts.append(draft)
        self.add_publication(rows, mention, draft, posted)
        rows.events += [
            event("claim", claimed, author, mid, "routed", "claimed"),
            event("submit_draft", draft["created_at"], author, mid, "claimed", "in_review"),
            event("approve", draft["reviewed_at"], draft["reviewer"], mid, "in_review", "approved"),
            event("publish", posted, author, mid, "approved", "published"),
        ]
        self.maybe_advocate(rows, mention, posted)

    def draft(
        self, mention: dict[str, Any], author: str, status: str, at: datetime, reviewed: datetime
    ) -> dict[str, Any]:
        self.draft_id += 1
        reviewer = self.staff.reviewer(self.rnd, mention["department_key"])
        return {
            "id": self.draft_id,
            "mention_id": mention["id"],
            "version": 1,
            "author": author,
            "text": f"Hi! Thanks for writing — {self.rnd.choice(self.texts)}",
            "status": status,
            "created_at": at,
            "reviewer": reviewer if status != "in_review" else None,
            "reviewed_at": reviewed if status != "in_review" else None,
            "review_channel": mention["card_channel"],
            "review_ts": f"{int(at.timestamp())}.{self.draft_id % 1_000_000:06d}",
        }

    def add_publication(
        self, rows: Rows, mention: dict[str, Any], draft: dict[str, Any], posted: datetime
    ) -> None:
        rnd, w = self.rnd, self.weights
        self.publication_id += 1
        kind = {
            name: int(rnd.expovariate(1 / mean))
            for name, mean in (("likes", 6), ("shares", 1), ("quotes", 0.3), ("replies", 1))
        }
        kind["clicks"] = int(rnd.expovariate(1 / 2))
        warm = rnd.random() < 0.08
        positive = warm and rnd.random() < 0.75
        score = (
            kind["shares"] * w.shares
            + kind["quotes"] * w.quotes
            + kind["replies"] * w.replies
            + kind["clicks"] * w.clicks
            + kind["likes"] * w.likes
            + positive * w.positive_follow_up
        )
        measured = min(posted + timedelta(days=7), NOW)
        rows.publications.append(
            {
                "id": self.publication_id,
                "mention_id": mention["id"],
                "draft_id": draft["id"],
                "url": mention["posted_url"],
                "method": rnd.choice(("manual", "mastodon", "bluesky")),
                "posted_by": draft["author"],
                "posted_at": posted,
                "network": mention["network"],
                "external_id": f"reply{mention['id']}",
                "text": draft["text"],
                **kind,
                "positive_follow_ups": int(positive),
                "score": float(score),
                "measured_at": measured,
            }
        )
        if warm:
            rows.follow_ups.append(self.follow_up(self.publication_id, posted, positive))

    def follow_up(self, publication_id: int, posted: datetime, positive: bool) -> dict[str, Any]:
        at = min(posted + timedelta(minutes=self.rnd.randrange(5, 3000)), NOW)
        return {
            "publication_id": publication_id,
            "external_id": f"followup{publication_id}",
            "url": f"https://social.example/followup/{publication_id}",
            "text": self.rnd.choice(WARM) if positive else "Still not working.",
            "sentiment": 0.8 if positive else -0.4,
            "positive": positive,
            "posted_at": at,
            "found_at": at,
        }

    def maybe_advocate(self, rows: Rows, mention: dict[str, Any], posted: datetime) -> None:
        """About one reply in fifty makes a fan, whom someone marks as an advocate (once)."""
        at = posted + timedelta(minutes=self.rnd.randrange(10, 2880))
        customer = mention["customer_id"]
        if self.rnd.random() >= 0.02 or at >= NOW or customer in self.advocates:
            return
        actor = mention["claimed_by"]
        self.advocates[customer] = (actor, at)
        rows.events.append(event("mark_advocate", at, actor, mention["id"], None, None))

    def leave_open(self, rows: Rows, mention: dict[str, Any]) -> None:
        """Still waiting: routed, or in someone's hands, or a draft waiting to be reviewed."""
        rnd, received, mid = self.rnd, mention["received_at"], mention["id"]
        state = rnd.choices(OPEN_STATES, (50, 25, 15, 10))[0]
        mention["state"] = state
        if state == "routed":
            return
        claimed = received + (NOW - received) * rnd.random() * 0.3
        author = self.staff.member(rnd, mention["department_key"], claimed)
        mention |= {"claimed_by": author, "claimed_at": claimed}
        rows.events.append(event("claim", claimed, author, mid, "routed", "claimed"))
        if state != "claimed":
            drafted = claimed + (NOW - claimed) * rnd.random() * 0.5
            reviewed = drafted + (NOW - drafted) * rnd.random() * 0.5
            draft = self.draft(mention, author, state, drafted, reviewed)
            rows.drafts.append(draft)
            rows.events.append(event("submit_draft", drafted, author, mid, "claimed", "in_review"))

    def dismiss(self, rows: Rows, mention: dict[str, Any]) -> None:
        rnd, received, mid = self.rnd, mention["received_at"], mention["id"]
        at = min(received + timedelta(minutes=rnd.randrange(1, 600)), NOW)
        who = self.staff.member(rnd, mention["department_key"], at)
        reason = rnd.choice(DISMISSED)
        mention |= {"state": "dismissed", "dismissed_by": who, "dismissed_reason": reason}
        if rnd.random() < 0.5:
            mention |= {"claimed_by": who, "claimed_at": received + (at - received) / 2}
            rows.events.append(event("claim", mention["claimed_at"], who, mid, "routed", "claimed"))
        rows.events.append(event("dismiss", at, who, mid, "routed", "dismissed", reason=reason))


def event(
    kind: str,
    at: datetime,
    actor: str | None,
    mention_id: int,
    before: str | None,
    after: str | None,
    **detail: str,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "kind": kind,
        "mention_id": mention_id,
        "from_state": before,
        "to_state": after,
        "detail": detail,
    }


# ---------------------------------------------------------------------------------------
# Loading: Core executemany on SQLite, COPY on PostgreSQL; one transaction per batch.

MENTION_COLUMNS = [c.name for c in table(MentionRow).columns]


def complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every mention every column (states fill different ones): one statement fits all."""
    return [{name: row.get(name) for name in MENTION_COLUMNS} for row in rows]


def write(engine: Engine, rows: list[tuple[SqlTable, list[dict[str, Any]]]]) -> None:
    """Insert one batch of rows, table by table, in one transaction."""
    with engine.begin() as connection:
        for target, batch in rows:
            if not batch:
                continue
            batch = complete(batch) if target.name == "mentions" else batch
            if engine.dialect.name == "postgresql":
                copy_rows(connection.connection.driver_connection, target, batch)
            else:
                connection.execute(insert(target), batch)


def copy_rows(dbapi: Any, target: SqlTable, batch: list[dict[str, Any]]) -> None:
    """COPY the rows in: PostgreSQL's fastest way in, several times executemany's pace."""
    columns = list(batch[0])
    names = ", ".join(columns)
    json_columns = {c.name for c in target.columns if c.type.__class__.__name__ == "JSON"}
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {target.name} ({names}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


@dataclass(frozen=True)
class Built:
    seconds: float
    counts: dict[str, int]


def build_database(url: str, config: WorkspaceConfig, sizes: Sizes, say: Console) -> Built:
    """Migrate, mirror the configuration, then load the year and analyse the tables."""
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    sync_workspace(Services(make_session_factory(engine), config, clock=lambda: NOW))
    world = World(sizes, config)
    for first in range(1, sizes.customers + 1, BATCH):
        last = min(first + BATCH - 1, sizes.customers)
        write(engine, [(table(CustomerRow), world.customers(first, last))])
    for first in range(1, sizes.mentions + 1, BATCH):
        last = min(first + BATCH - 1, sizes.mentions)
        write(engine, world.batch(first, last).tables())
        if last % 200_000 == 0:
            say.print(f"  loaded {last:,} mentions", style="dim")
    mark_advocates(engine, world.advocates)
    if engine.dialect.name == "postgresql":
        align_sequences(engine)
    analyse(engine)
    counts = count_rows(engine)
    engine.dispose()
    return Built(time.perf_counter() - started, counts)


def mark_advocates(engine: Engine, advocates: dict[int, tuple[str, datetime]]) -> None:
    """Customers marked during the year carry the mark, as mark_advocate leaves them."""
    statement = (
        update(table(CustomerRow))
        .where(table(CustomerRow).c.id == bindparam("customer"))
        .values(
            is_advocate=True, advocate_marked_by=bindparam("by"), advocate_marked_at=bindparam("at")
        )
    )
    rows = [{"customer": c, "by": by, "at": at} for c, (by, at) in advocates.items()]
    if rows:
        with engine.begin() as connection:
            connection.execute(statement, rows)


def align_sequences(engine: Engine) -> None:
    """Rows came in with their ids: move each sequence past them, so a kept database (--keep)
    takes new rows as Chorus writes them."""
    with engine.begin() as connection:
        for name in ("customers", "mentions", "drafts", "publications"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )


def analyse(engine: Engine) -> None:
    """Give the planner statistics (PostgreSQL: VACUUM too, for the visibility map that
    autovacuum keeps on a live database and index-only scans rely on)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def count_rows(engine: Engine) -> dict[str, int]:
    names = ("customers", "mentions", "drafts", "publications", "follow_ups", "events")
    with engine.connect() as connection:
        return {n: int(connection.scalar(text(f"SELECT count(*) FROM {n}")) or 0) for n in names}


# ---------------------------------------------------------------------------------------
# The same figures by hand: one SQL statement per scope.

SQLITE_MEDIAN = """
waited AS (
    SELECT (julianday(posted_at) - julianday(received_at)) * 86400.0 AS seconds
    FROM week WHERE posted_at IS NOT NULL
),
ranked AS (
    SELECT seconds, ROW_NUMBER() OVER (ORDER BY seconds) AS n, COUNT(*) OVER () AS total
    FROM waited
),
median AS (
    SELECT avg(seconds) AS seconds FROM ranked WHERE n IN ((total + 1) / 2, (total + 2) / 2)
)"""

POSTGRES_MEDIAN = """
median AS (
    SELECT percentile_cont(0.5) WITHIN GROUP (
        ORDER BY extract(epoch FROM posted_at - received_at)) AS seconds
    FROM week WHERE posted_at IS NOT NULL
)"""

FIGURES_SQL = """
WITH week AS (
    SELECT m.received_at, m.posted_at FROM mentions m
    WHERE m.received_at >= :start AND m.received_at < :end {scope}
),
served AS (SELECT count(*) AS received, count(posted_at) AS answered FROM week),
{median},
open_now AS (
    SELECT count(*) AS n FROM mentions m
    WHERE m.state IN ('new', 'routed', 'claimed', 'in_review', 'approved') {scope}
),
live AS (
    SELECT p.mention_id, p.score, p.posted_at, d.author
    FROM publications p
    JOIN mentions m ON m.id = p.mention_id
    JOIN drafts d ON d.id = p.draft_id
    WHERE p.posted_at >= :start AND p.posted_at < :end {scope}
),
best AS (
    SELECT mention_id, ROW_NUMBER() OVER (ORDER BY score DESC, posted_at, mention_id) AS place
    FROM live
),
first_timers AS (
    SELECT d.author FROM drafts d JOIN publications p ON p.draft_id = d.id
    WHERE d.author IN (SELECT author FROM live)
    GROUP BY d.author
    HAVING min(p.posted_at) >= :start AND min(p.posted_at) < :end
)
SELECT
    served.received,
    served.answered,
    (SELECT seconds FROM median) AS median_seconds,
    open_now.n AS open_now,
    (SELECT {concat}(CAST(place AS TEXT) || ':' || CAST(mention_id AS TEXT), ',')
     FROM best WHERE place <= :top) AS best,
    (SELECT {concat}(author, ',') FROM first_timers) AS first_timers
FROM served, open_now
"""


@dataclass(frozen=True)
class Figures:
    """What both sides compute: the digest's served figures, best replies and first-timers."""

    received: int
    answered: int
    median_seconds: float | None
    open_now: int
    best: tuple[int, ...]  # mention ids, best first
    first_timers: tuple[str, ...]


def figures_of(digest: Digest) -> Figures:
    served, median = digest.served, digest.served.median_first_answer
    return Figures(
        received=served.received,
        answered=served.answered,
        median_seconds=median.total_seconds() if median is not None else None,
        open_now=served.open_now,
        best=tuple(win.mention_id for win in digest.best),
        first_timers=digest.first_timers,
    )


def hand_written(engine: Engine, department: str | None, week: Week, zone: ZoneInfo) -> Figures:
    """The figures from one statement with CTEs (department None: the whole company)."""
    postgres = engine.dialect.name == "postgresql"
    sql = FIGURES_SQL.format(
        scope="AND m.department_key = :department" if department else "",
        median=POSTGRES_MEDIAN if postgres else SQLITE_MEDIAN,
        concat="string_agg" if postgres else "group_concat",
    )
    start, end = week.bounds(zone)
    statement = text(sql).bindparams(
        bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    )
    values: dict[str, Any] = {"start": start, "end": end, "top": 3 if department else 5}
    if department:
        values["department"] = department
    with engine.connect() as connection:
        row = connection.execute(statement, values).one()
    places = sorted((int(p), int(m)) for p, m in (b.split(":") for b in split(row.best)))
    return Figures(
        received=row.received,
        answered=row.answered,
        median_seconds=float(row.median_seconds) if row.median_seconds is not None else None,
        open_now=row.open_now,
        best=tuple(m for _, m in places),
        first_timers=tuple(sorted(split(row.first_timers))),
    )


def split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def differences(chorus: Figures, sql: Figures) -> list[str]:
    """Where the two disagree; medians agree within a millisecond (SQLite's julianday)."""
    found = []
    for name in Figures.__dataclass_fields__:
        mine, theirs = getattr(chorus, name), getattr(sql, name)
        if name == "median_seconds" and mine is not None and theirs is not None:
            same = abs(mine - theirs) < 0.001
        else:
            same = mine == theirs
        if not same:
            found.append(f"{name}: Chorus {mine}, SQL {theirs}")
    return found


# ---------------------------------------------------------------------------------------
# Measuring.


def timed(run: Callable[[], T]) -> tuple[float, float, T]:
    """The first run's seconds, the best of REPEAT more, and what the first returned."""
    started = time.perf_counter()
    result = run()
    first = time.perf_counter() - started
    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return first, best, result


@dataclass(frozen=True)
class Result:
    database: str
    scope: str
    first: float
    best: float
    sql: float
    disagree: list[str]
    render: float
    chart: float
    chart_first: float
    steps: dict[str, float]
    summary: str


def busiest(url: str, week: Week, zone: ZoneInfo) -> str:
    """The department that received the most mentions during the week (on an engine of its
    own, so the digest's first run still opens its first connection)."""
    start, end = week.bounds(zone)
    statement = text(
        "SELECT department_key FROM mentions WHERE received_at >= :start AND received_at < :end"
        " AND department_key IS NOT NULL GROUP BY department_key"
        " ORDER BY count(*) DESC, department_key LIMIT 1"
    ).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))
    engine = make_engine(url)
    with engine.connect() as connection:
        found = str(connection.scalar(statement, {"start": start, "end": end}))
    engine.dispose()
    return found


def measure(name: str, url: str, config: WorkspaceConfig) -> list[Result]:
    """Time both digests on a fresh engine, beside the hand-written query and the views."""
    zone = ZoneInfo(config.timezone)
    week = last_full_week(NOW, zone)
    department = busiest(url, week, zone)
    engine = make_engine(url)
    services = Services(make_session_factory(engine), config, clock=lambda: NOW)
    results = [
        measure_scope(name, engine, services, scope_named(services, key), week)
        for key in (department, COMPANY)
    ]
    engine.dispose()
    return results


def measure_scope(
    name: str, engine: Engine, services: Services, scope: Scope, week: Week
) -> Result:
    first, best, digest = timed(lambda: compute_digest(services, scope, week))
    department = None if scope.key == COMPANY else scope.key
    zone = ZoneInfo(services.config.timezone)
    _, sql, figures = timed(lambda: hand_written(engine, department, week, zone))
    _, render, _ = timed(lambda: build_digest_message(digest))
    chart_first, chart, _ = timed(lambda: chart_png(digest))
    return Result(
        database=name,
        scope=f"department ({department})" if department else "company",
        first=first,
        best=best,
        sql=sql,
        disagree=differences(figures_of(digest), figures),
        render=render,
        chart=chart,
        chart_first=chart_first,
        steps=steps(services, scope, week),
        summary=summary(digest),
    )


def steps(services: Services, scope: Scope, week: Week) -> dict[str, float]:
    """Best-of-3 time of each read-model query, and of the pure maths that follows."""
    start, end = week.bounds(ZoneInfo(services.config.timezone))
    slas = {d.key: d.sla_minutes for d in services.config.department_list()}
    with services.sessions() as session:
        facts = week_facts(session, services, scope, week)
    authors = [win.drafted_by for win in facts.wins]
    queries: dict[str, Callable[[Session], object]] = {
        "waits": lambda s: read.waits(s, scope.key, start, end, slas),
        "wins": lambda s: read.wins(s, scope.key, start, end),
        "answers_during": lambda s: read.answers_during(s, scope.key, start, end),
        "first_replies": lambda s: read.first_replies(s, authors, start, end),
        "advocates": lambda s: read.advocates(s, scope.key, start, end),
        "still_open": lambda s: read.still_open(s, scope.key),
    }
    took = {label: best_of(services, query) for label, query in queries.items()}
    hours = services.config.working_hours()
    took["build_digest (Python)"] = timed(lambda: build_digest(facts, hours, NOW))[1]
    return took


def best_of(services: Services, query: Callable[[Session], object]) -> float:
    """The best of REPEAT runs of one query, each in a session of its own."""

    def once() -> object:
        with services.sessions() as session:
            return query(session)

    return timed(once)[1]


def summary(digest: Digest) -> str:
    served = digest.served
    median = served.median_first_answer
    share = f"{served.sla_share:.0%}" if served.sla_share is not None else "no SLA"
    return (
        f"{served.received:,} received, {served.answered:,} answered, median first answer "
        f"{median_text(median)}, within SLA {share} of {served.measured:,}, "
        f"{served.open_now:,} open now; {sum(d.answered for d in digest.days):,} replies live, "
        f"{len(digest.best)} best, {len(digest.first_timers)} first-timers, "
        f"{len(digest.people)} people, {len(digest.advocates)} advocates"
    )


def median_text(median: timedelta | None) -> str:
    if median is None:
        return "none"
    minutes = int(median.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


# ---------------------------------------------------------------------------------------
# The databases, and the report.


@contextmanager
def postgres_database(server_url: str, keep: bool) -> Iterator[str]:
    """A database of the bench's own on the server; the tests' databases stay untouched."""
    server = make_url(server_url)
    if server.drivername == "postgresql":
        server = server.set(drivername="postgresql+psycopg")  # COPY is psycopg 3's
    admin_url = server.set(database="postgres") if server.database == BENCH_DATABASE else server
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
    try:
        yield server.set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept the PostgreSQL database {BENCH_DATABASE}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def sqlite_database(path: str | None, keep: bool) -> Iterator[str]:
    """A new SQLite file (a temporary one unless --sqlite-path), removed unless --keep."""
    if path and Path(path).exists():
        raise SystemExit(f"{path} already exists; remove it or choose another --sqlite-path")
    folder: Path | None = None
    if path:
        target = Path(path)
    else:
        folder = Path(tempfile.mkdtemp(prefix="chorus-bench-digest-"))
        target = folder / "digest.db"
    try:
        yield f"sqlite:///{target}"
    finally:
        if keep:
            print(f"kept the SQLite database {target}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class DatabaseRun:
    name: str
    built: Built
    results: list[Result]
    rss_loading: float  # MiB, the process's peak up to the end of loading
    rss_measuring: float | None  # MiB, the peak while measuring (Linux only)


def run(name: str, url: str, config: WorkspaceConfig, sizes: Sizes, say: Console) -> DatabaseRun:
    say.print(f"[bold]{name}[/]: loading {sizes.mentions:,} mentions, {sizes.replies:,} replies …")
    built = build_database(url, config, sizes, say)
    say.print(f"  built in {built.seconds:.1f} s; measuring …")
    loading = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracked = reset_peak_rss()
    results = measure(name, url, config)
    return DatabaseRun(name, built, results, loading, peak_rss() if tracked else None)


def reset_peak_rss() -> bool:
    # Linux resets the peak (VmHWM, and getrusage's with it) on "5", so the digests' own
    # peak is not hidden under the loading's.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss() -> float | None:
    with suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def console() -> Console:
    # Piped into a file or a CI log, rich would fold the table to 80 columns.
    return Console(width=None if sys.stdout.isatty() else 140)


def ms(seconds: float) -> str:
    style = "red" if seconds >= 1 else "green"
    return f"[{style}]{seconds * 1000:,.0f} ms[/]"


def report(runs: list[DatabaseRun], sizes: Sizes, say: Console) -> None:
    grid = Table(title=f"Weekly digest, 2026-W47, on {sizes.mentions:,} mentions")
    for column in ("database", "digest", "Chorus (first run)", "Chorus (best of 3)"):
        grid.add_column(column)
    grid.add_column("hand-written SQL (best of 3)")
    grid.add_column("figures agree?")
    for r in (result for run in runs for result in run.results):
        agree = "same" if not r.disagree else "[red]" + "; ".join(r.disagree) + "[/]"
        grid.add_row(r.database, r.scope, ms(r.first), ms(r.best), ms(r.sql), agree)
    say.print(grid)
    say.print("target: under 1 s each")
    for run in runs:
        report_run(run, say)
    for note in NOTES:
        say.print(f"note: {note}", style="dim")


def report_run(run: DatabaseRun, say: Console) -> None:
    counts = ", ".join(f"{n} {c:,}" for n, c in run.built.counts.items())
    say.print(f"[bold]{run.name}[/]: built in {run.built.seconds:.1f} s: {counts}")
    measuring = f"{run.rss_measuring:.0f} MiB" if run.rss_measuring else "not measured"
    say.print(
        f"  peak RSS: {run.rss_loading:.0f} MiB by the end of loading, "
        f"{measuring} while measuring the digests"
    )
    for r in run.results:
        say.print(f"  [bold]{r.scope}[/]: {r.summary}")
        parts = ", ".join(f"{label} {s * 1000:.1f}" for label, s in r.steps.items())
        say.print(f"    read model, ms (best of 3): {parts}")
        say.print(
            f"    views: build_digest_message {r.render * 1000:.1f} ms; chart_png (matplotlib) "
            f"{r.chart * 1000:.0f} ms, its first {r.chart_first * 1000:.0f} ms"
        )


NOTES = (
    "the SLA share is counted in working time (business hours, weekends, quiet days, DST) "
    "by Python, so the hand-written SQL cannot compute it and it is not compared",
    "first run: a new engine and an empty SQLAlchemy statement cache; the data itself is "
    "warm in the OS cache (SQLite) and shared buffers (PostgreSQL) from loading",
    "the hand-written SQL computes received, answered, median first answer, open now, the "
    "best replies (mention ids) and first-time authors; the digest also reads the wins' "
    "customers, drafts and follow-ups, the advocates and each day's counts",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=os.environ.get("CHORUS_TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite-path", help="where to build the SQLite file (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    sizes, config, say = Sizes(args.mentions, args.replies), parse_config(CONFIG_TOML), console()
    runs = []
    with sqlite_database(args.sqlite_path, args.keep) as url:
        runs.append(run("SQLite", url, config, sizes, say))
    if args.postgres_url:
        with postgres_database(args.postgres_url, args.keep) as url:
            runs.append(run("PostgreSQL", url, config, sizes, say))
    else:
        say.print("PostgreSQL skipped: pass --postgres-url or set CHORUS_TEST_POSTGRES_URL")
    report(runs, sizes, say)


if __name__ == "__main__":
    main()
