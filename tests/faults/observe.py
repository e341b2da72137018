"""What the fault suite looks at afterwards: cards in Slack, the outbox, the audit trail; and
a clock the test moves by hand."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.config import parse_config
from bot.main import build
from bot.standin import SlackStandIn
from storage.models import EventRow, MentionRow, OutboxRow
from tests.support.slack import SlackDriver
from tests.support.workspace import CONFIG_TOML, Workspace, make_settings

CHANNELS = ("C0SUPPORT", "C0SALES", "C0GENERAL")
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@dataclass
class ManualClock:
    """The app's clock (services.clock), moved only by the test: minutes pass in no time."""

    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def make_fault_workspace(
    database_url: str, standin: SlackStandIn, config_toml: str = CONFIG_TOML, pace: float = 0
) -> Workspace:
    """A Chorus on `database_url` and `standin`, posting at most one message a channel each
    `pace` seconds (Slack's own pace is 1)."""
    chorus = build(
        make_settings(database_url, standin),
        parse_config(config_toml),
        process_before_response=True,
        channel_interval=pace,
    )
    return Workspace(chorus, standin, SlackDriver(chorus.app, standin))


def mentions(ws: Workspace) -> list[MentionRow]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(MentionRow).order_by(MentionRow.id)))


def unsent(ws: Workspace) -> list[OutboxRow]:
    with ws.chorus.services.sessions() as session:
        query = select(OutboxRow).where(OutboxRow.sent_at.is_(None)).order_by(OutboxRow.id)
        return list(session.scalars(query))


def events(ws: Workspace, kind: str | None = None) -> Counter[tuple[int | None, str]]:
    """How many times each (mention, kind) is in the audit trail."""
    with ws.chorus.services.sessions() as session:
        query = select(EventRow.mention_id, EventRow.kind)
        if kind is not None:
            query = query.where(EventRow.kind == kind)
        return Counter((m, k) for m, k in session.execute(query))


def top_level(standin: SlackStandIn, channels: tuple[str, ...] = CHANNELS) -> list[dict[str, Any]]:
    """Every message at the top of these channels (cards, spike summaries), in post order."""
    return [m for c in channels for m in standin.messages(c) if not m["thread_ts"]]


def assert_one_card_each(ws: Workspace, channels: tuple[str, ...] = CHANNELS) -> None:
    """Every mention has exactly one card in Slack, the one its row points at, and there are
    no other top-level messages (no second card of anyone)."""
    rows = mentions(ws)
    cards = top_level(ws.standin, channels)
    where = {(m["channel"], m["ts"]) for m in cards}
    missing = [r.id for r in rows if (r.card_channel, r.card_ts) not in where]
    assert missing == [], f"mentions without their card in Slack: {missing[:20]}"
    assert len(cards) == len(rows), f"{len(cards)} cards in Slack for {len(rows)} mentions"
    heads = Counter(m["text"].split(" ", 1)[0] for m in cards)
    assert [h for h, n in heads.items() if n > 1] == [], "a mention has two cards"


def assert_outbox_empty(ws: Workspace) -> None:
    left = [(r.id, r.kind, r.last_error) for r in unsent(ws)]
    assert left == [], f"still waiting in the outbox: {left[:20]}"


def deliver_until_empty(ws: Workspace, clock: ManualClock, step: float, limit: float) -> float:
    """Deliver, moving the clock `step` seconds at a time, until the outbox is empty; return
    how long that took on the app's clock (at most `limit`)."""
    waited = 0.0
    ws.deliver()
    while unsent(ws):
        assert waited < limit, f"the outbox is not empty {limit}s on: {unsent(ws)[:5]}"
        clock.advance(step)
        waited += step
        ws.deliver()
    return waited


def errors_logged(records: list[logging.LogRecord]) -> list[str]:
    """Errors Chorus (or Bolt, for a listener that raised) logged: an exception that escaped
    shows here. slack_sdk logs each failed request itself; Chorus handles those."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.ERROR and not r.name.startswith("slack_sdk")
    ]
