"""Acknowledgement latency of Claim and /claim: Chorus (`chorus run`) beside a bare Bolt app.

Both servers run at the same time, each in its own process, served the same way (waitress,
8 threads, Bolt's WSGI adapter); the Slack stand-in runs in a third. Chorus first takes in
real mentions over its signed webhook and posts their cards to the stand-in; then 20 people
claim them, a round at a time (see bench.claim_plan and bench.load). After a warm-up on both
servers, the measured rounds go in blocks: Claim on Chorus and on bare Bolt, then /claim on
both, the order flipping every block, so that a change in the machine's load weighs on both.
Before the bare app's turn, Chorus finishes what it does after acknowledging (updating
cards, answering people, App Homes), so neither pays for the other's work.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from bench import claim_plan
from bench.claim_plan import Card, Pools, Rounds
from bench.ingest import post as post_webhook
from bench.load import Latencies, run_rounds
from bench.servers import (
    SIGNING_SECRET,
    Memory,
    Server,
    StandInProcess,
    start_bare_bolt,
    start_chorus,
)
from bot.config import parse_config
from bot.services import views
from bot.services.core import Services
from handlers.cards import build_card
from storage.db import make_engine, make_session_factory
from storage.models import EventRow, MentionRow, OutboxRow

BLOCK = 5  # measured rounds per block
THINK = (0.5, 1.5)  # seconds between one person's requests, at their own pace
SETTLE_TIMEOUT = 300  # seconds; generous, for a loaded machine


@dataclass(frozen=True)
class Pair:
    """One kind of request, timed on both servers."""

    chorus: Latencies
    bare: Latencies


@dataclass(frozen=True)
class ClaimCheck:
    """What the database and the stand-in say the clicks did."""

    expected: int  # mentions the rounds should leave claimed
    claimed: int  # mentions claimed, each by the right person
    claim_events: int  # audit events of a claim: one per claimed mention
    requests: int  # requests Chorus acknowledged
    answered: int  # answers people were shown (one per request)

    @property
    def ok(self) -> bool:
        return self.claimed == self.expected == self.claim_events and self.answered == self.requests


@dataclass(frozen=True)
class Shape:
    """How the 20 people send: at their own pace (`think` seconds between requests), or all
    at once, a round at a time."""

    name: str
    rounds: int
    think: tuple[float, float] | None


def shapes(rounds: int) -> tuple[Shape, Shape]:
    return (
        Shape("steady", rounds, THINK),
        Shape("burst", rounds, None),
    )


@dataclass(frozen=True)
class LatencyRun:
    database: str
    people: int
    # (shape, kind) -> timings; kinds: "click" (the Claim button), "command" (/claim)
    pairs: dict[tuple[str, str], Pair]
    chorus_memory: Memory
    bare_memory: Memory
    check: ClaimCheck
    slack_calls: dict[str, int]


@contextmanager
def processes(folder: Path, database_url: str) -> Iterator[tuple[StandInProcess, Server, Server]]:
    """The stand-in, `chorus run` and the bare Bolt app; stopped whatever happens."""
    config = folder / "chorus.toml"
    config.write_text(claim_plan.workspace_toml())
    standin = StandInProcess()
    started: list[Server] = []
    try:
        started.append(start_chorus(folder, database_url, standin.url, config))
        started.append(start_bare_bolt(folder, standin.url))
        yield standin, started[0], started[1]
    finally:
        for server in started:
            server.stop()
        standin.stop()


def run_latency(
    label: str, database_url: str | None, rounds: int, warmup: int, say: Callable[[str], None]
) -> LatencyRun:
    """Measure both servers on `database_url` (default: a new SQLite file). The servers'
    logs stay in the run's folder when something fails."""
    folder = Path(tempfile.mkdtemp(prefix="chorus-bench-latency-"))
    url = database_url or f"sqlite:///{folder / 'chorus.db'}"
    say(f"{label}: servers' logs in {folder}")
    with processes(folder, url) as (standin, chorus, bare):
        engine = make_engine(url)
        try:
            run = measure(label, engine, (standin, chorus, bare), rounds, warmup, say)
        finally:
            engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return run


def measure(
    label: str,
    engine: Engine,
    servers: tuple[StandInProcess, Server, Server],
    rounds: int,
    warmup: int,
    say: Callable[[str], None],
) -> LatencyRun:
    """Take in the mentions, then the warm-up, then each pace's rounds on both servers."""
    standin, chorus, bare = servers
    total = warmup + 2 * rounds
    items = claim_plan.mentions_for(total)
    ingest_over_http(chorus.port, items)
    # The outbox posts about a card a second to each of the 21 channels.
    posting = SETTLE_TIMEOUT + len(items) / 5
    wait_for(lambda: cards_posted(engine) >= len(items), "every card posted", posting)
    pools = load_pools(engine, claim_plan.workspace_toml())
    plan = claim_plan.plan_rounds(pools, total, standin.base)
    say(f"{label}: {len(items)} cards in Slack; {warmup} warm-up rounds, then {rounds} per pace")
    runner = Runner(standin, chorus, bare, engine)
    runner.run(plan, Shape("warm-up", warmup, None), range(warmup))
    first = warmup
    for shape in shapes(rounds):
        runner.run(plan, shape, range(first, first + shape.rounds))
        first += shape.rounds
    runner.settle()
    # Every mention the rounds reach for is claimed once: the plan uses them all.
    answered = standin.summary()["ephemerals"]
    return LatencyRun(
        database=label,
        people=claim_plan.USERS,
        pairs=runner.pairs(),
        chorus_memory=chorus.memory(),
        bare_memory=bare.memory(),
        check=claim_check(engine, len(items), runner.sent_to_chorus, answered),
        slack_calls=standin.summary()["calls"],
    )


class Runner:
    """Sends the plan's rounds in blocks to both servers and keeps the timings."""

    def __init__(
        self, standin: StandInProcess, chorus: Server, bare: Server, engine: Engine
    ) -> None:
        self.standin, self.chorus, self.bare, self.engine = standin, chorus, bare, engine
        self.sent_to_chorus = 0
        self.timed: dict[tuple[str, str, str], Latencies] = {}

    def pairs(self) -> dict[tuple[str, str], Pair]:
        return {
            (shape, kind): Pair(latencies, self.timed[shape, kind, "bare"])
            for (shape, kind, server), latencies in self.timed.items()
            if server == "chorus" and shape != "warm-up"
        }

    def run(self, plan: Rounds, shape: Shape, numbers: range) -> None:
        """The rounds in blocks of BLOCK: each kind on both servers, the order flipping."""
        for block, start in enumerate(range(numbers.start, numbers.stop, BLOCK)):
            chosen = range(start, min(start + BLOCK, numbers.stop))
            servers = ("chorus", "bare") if block % 2 == 0 else ("bare", "chorus")
            for kind, bodies in (("click", plan.clicks), ("command", plan.commands)):
                for server in servers:
                    self.send(shape, kind, server, [bodies[r] for r in chosen])

    def send(self, shape: Shape, kind: str, server: str, rounds: list[list[str]]) -> None:
        """At their own pace, the rounds go in one go; all at once, a round at a time, each
        on a Chorus that has finished the round before."""
        port = self.chorus.port if server == "chorus" else self.bare.port
        batches = [rounds] if shape.think else [[bodies] for bodies in rounds]
        for batch in batches:
            took = run_rounds(port, batch, SIGNING_SECRET, shape.think, seed=len(self.timed))
            key = (shape.name, kind, server)
            self.timed[key] = self.timed.get(key, Latencies(())) + took
            if server == "chorus":
                self.sent_to_chorus += sum(len(bodies) for bodies in batch)
                self.settle()

    def settle(self) -> None:
        """Wait until Chorus has answered everyone and its outbox is empty."""
        wait_for(
            lambda: (
                self.standin.summary()["ephemerals"] >= self.sent_to_chorus
                and outbox_waiting(self.engine) == 0
            ),
            "Chorus to finish its work after acknowledging",
        )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = SETTLE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)


def ingest_over_http(port: int, items: list[dict[str, Any]]) -> None:
    """Post the mentions to Chorus's signed webhook, 100 a request, in order."""
    for start in range(0, len(items), 100):
        body = json.dumps({"mentions": items[start : start + 100]})
        accepted = post_webhook(port, body)
        if accepted != len(items[start : start + 100]):
            raise RuntimeError(f"the webhook accepted {accepted} of a batch of 100")


def cards_posted(engine: Engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(MentionRow.card_ts.is_not(None))
        return int(connection.scalar(query) or 0)


def outbox_waiting(engine: Engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(OutboxRow.sent_at.is_(None))
        return int(connection.scalar(query) or 0)


def load_pools(engine: Engine, toml: str) -> Pools:
    """Every card as Slack shows it (rendered as Chorus renders it), by department."""
    services = Services(sessions=make_session_factory(engine), config=parse_config(toml))
    with engine.connect() as connection:
        rows = connection.execute(
            select(MentionRow.id, MentionRow.department_key).order_by(
                MentionRow.received_at, MentionRow.id
            )
        ).all()
    own: dict[int, list[Card]] = {}
    hot: list[Card] = []
    now = services.clock()
    for mention_id, department in rows:
        card = views.card(services, mention_id)
        assert card.channel and card.ts
        text, blocks = build_card(card, now)
        found = Card(mention_id, card.channel, card.ts, text, [b.to_dict() for b in blocks])
        if department == "hot":
            hot.append(found)
        else:
            own.setdefault(int(str(department).removeprefix("team")), []).append(found)
    return Pools(own, hot)


def claim_check(engine: Engine, expected: int, requests: int, answered: int) -> ClaimCheck:
    """Every mention claimed once, by its department's person (anyone's, when contested)."""
    with engine.connect() as connection:
        claimed = connection.execute(
            select(MentionRow.department_key, MentionRow.claimed_by).where(
                MentionRow.claimed_by.is_not(None)
            )
        ).all()
        events = connection.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.kind == "claim")
        )
    right = sum(
        1
        for department, person in claimed
        if department == "hot" or person == claim_plan.owner_of(str(department))
    )
    return ClaimCheck(expected, right, int(events or 0), requests, answered)
