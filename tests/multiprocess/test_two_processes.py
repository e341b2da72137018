"""Two `chorus run` processes share one PostgreSQL, as behind a load balancer: webhooks and
clicks reach either; every card, reminder and digest goes to Slack exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.standin import SlackStandIn
from storage.digest_models import DigestRow
from storage.models import EventRow, MentionRow, OutboxRow, ReminderRow
from tests.support.databases import POSTGRES_URL, postgres_database
from tests.support.processes import ChorusProcess, HttpSlack, start_chorus, wait_for
from tests.support.slack import message_text
from tests.support.workspace import ANA, BEN, CONFIG_TOML, make_workspace, mention

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="several processes need PostgreSQL: set CHORUS_TEST_POSTGRES_URL"
)

PARIS = ZoneInfo("Europe/Paris")
TEXTS = ["My refund is broken", "What is your pricing?", "Hello there"]
CONTESTED = 8


def config_due_now() -> str:
    """The test workspace, answering all week round, with the digest due a moment ago (the
    catch-up job then sends last week's digests within a minute of start-up)."""
    due = max(datetime.now(PARIS) - timedelta(minutes=2), datetime.now(PARIS).replace(hour=0))
    every_day = '["mon", "tue", "wed", "thu", "fri", "sat", "sun"]'
    return (
        CONFIG_TOML
        + f'\n[business_hours]\nopens = "00:00"\ncloses = "23:59"\ndays = {every_day}\n'
        + f'\n[digest]\nday = "{due:%a}"\nat = "{due:%H:%M}"\n'.lower()
    )


@pytest.fixture
def shared_database() -> Iterator[str]:
    yield from postgres_database()


@pytest.fixture
def two_processes(
    shared_database: str, standin: SlackStandIn, tmp_path: Path
) -> Iterator[tuple[ChorusProcess, ChorusProcess]]:
    config = tmp_path / "chorus.toml"
    config.write_text(config_due_now(), encoding="utf-8")
    seed_last_week(shared_database, standin, config.read_text(encoding="utf-8"))
    first = start_chorus(tmp_path, shared_database, standin, config)
    second = start_chorus(tmp_path, shared_database, standin, config)
    try:
        yield first, second
    finally:
        codes = [chorus.stop() for chorus in (first, second)]
    for chorus, code in zip((first, second), codes, strict=True):
        assert code == 0, chorus.output()
        assert "Traceback" not in chorus.output(), chorus.output()


def seed_last_week(url: str, standin: SlackStandIn, config: str) -> None:
    """One customer from last week nobody answered: its SLA reminders are due, and the
    digest has a week to tell about."""
    ws = make_workspace(url, standin, config)
    with freeze_time(datetime.now(UTC) - timedelta(days=8)):
        ws.receive(mention("seed", text="My login is broken since Monday"))
    ws.chorus.services.sessions.kw["bind"].dispose()


def test_two_processes_share_the_work_and_send_nothing_twice(
    two_processes: tuple[ChorusProcess, ChorusProcess], shared_database: str, standin: SlackStandIn
) -> None:
    first, second = two_processes
    engine = create_engine(shared_database)
    try:
        send_mentions_to_both(first, second)
        wait_for("a card for every mention", lambda: cards_posted(engine) == 25)
        contested = claim_at_once(first, second, standin, engine)
        wait_for("the outbox to empty", lambda: unsent(engine) == 0, 90)
        wait_for("four digests", lambda: digests_sent(engine) == 4, 120)
        wait_for("the SLA reminders", lambda: reminders_sent(engine) >= 3, 120)
        wait_for("the outbox to empty again", lambda: unsent(engine) == 0, 90)

        with Session(engine) as session:
            assert_one_card_per_mention(session, standin)
            assert_each_claim_has_one_winner(session, standin, contested)
        assert_nothing_posted_twice(standin)
        for channel in ("C0SUPPORT", "C0SALES", "C0GENERAL", "C0SOCIAL"):
            digests = [m for m in standin.messages(channel) if is_digest(m)]
            assert len(digests) == 1, f"{channel}: {len(digests)} digests"
    finally:
        engine.dispose()


def send_mentions_to_both(first: ChorusProcess, second: ChorusProcess) -> None:
    """24 new mentions, half through each process; six of them sent to both at once (two
    listening tools reporting the same post), which must still make one card."""
    replies: list[tuple[int, str]] = []

    def send(number: int) -> None:
        body = mention(f"two-{number}", text=f"{TEXTS[number % 3]} (#{number})")
        targets = [first, second] if number < 6 else [(first, second)[number % 2]]
        for target in targets:
            replies.append(target.send_mentions(body, f"msg_two_{number}_{target.port}"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in replies] == [202] * 30, replies


def claim_at_once(
    first: ChorusProcess, second: ChorusProcess, standin: SlackStandIn, engine: object
) -> list[int]:
    """Ana (through one process) and Ben (through the other) click Claim on the same card at
    the same moment, on several cards."""
    with Session(engine) as session:  # type: ignore[call-overload]
        rows = session.scalars(
            select(MentionRow).where(MentionRow.external_id.like("two-%")).order_by(MentionRow.id)
        ).all()[:CONTESTED]
        cards = [(row.id, standin.message(row.card_channel, row.card_ts)) for row in rows]
    start = threading.Barrier(2 * len(cards))
    people = [(HttpSlack(first, standin), ANA), (HttpSlack(second, standin), BEN)]

    def click(slack: HttpSlack, card: dict[str, object], user: str) -> None:
        start.wait()
        status, _ = slack.click(card, "Claim", user)
        assert status == 200

    threads = [
        threading.Thread(target=click, args=(slack, card, user))
        for _, card in cards
        for slack, user in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [mention_id for mention_id, _ in cards]
    wait_for("every contested claim decided", lambda: claims(engine, ids) == len(ids))
    return ids


def assert_one_card_per_mention(session: Session, standin: SlackStandIn) -> None:
    rows = session.scalars(select(MentionRow)).all()
    assert len(rows) == 25, "one mention per post, even when two tools sent it"
    for row in rows:
        top_level = [
            m
            for m in standin.messages(row.card_channel or "")
            if not m["thread_ts"] and m["text"].startswith(f"#{row.id} ")
        ]
        assert [m["ts"] for m in top_level] == [row.card_ts], f"mention #{row.id}"


def assert_each_claim_has_one_winner(
    session: Session, standin: SlackStandIn, contested: list[int]
) -> None:
    for mention_id in contested:
        row = session.get(MentionRow, mention_id)
        assert row is not None and row.claimed_by in (ANA, BEN)
        events = session.scalars(
            select(EventRow).where(EventRow.mention_id == mention_id, EventRow.kind == "claim")
        ).all()
        assert [e.actor for e in events] == [row.claimed_by]
        card = standin.message(row.card_channel or "", row.card_ts or "")
        wait_for(
            f"card #{mention_id} to show its claim",
            lambda card=card, row=row: (
                f"Claimed by <@{row.claimed_by}>"
                in message_text(standin.message(row.card_channel or "", card["ts"]))
            ),
        )
        loser = BEN if row.claimed_by == ANA else ANA
        told = [e["text"] for e in standin.ephemerals(loser)]
        assert any(f"<@{row.claimed_by}> already claimed this" in t for t in told), told


def assert_nothing_posted_twice(standin: SlackStandIn) -> None:
    posts = Counter(
        (c.args.get("channel"), c.args.get("thread_ts"), c.args.get("text"))
        for c in standin.calls_to("chat.postMessage")
    )
    twice = {post: n for post, n in posts.items() if n > 1}
    assert twice == {}, twice


def is_digest(message: dict[str, object]) -> bool:
    blocks = message.get("blocks") or []
    return bool(blocks) and blocks[0].get("type") == "header"  # type: ignore[index,union-attr]


def _count(engine: object, query: object) -> int:
    with Session(engine) as session:  # type: ignore[call-overload]
        return int(session.scalar(query) or 0)


def cards_posted(engine: object) -> int:
    return _count(
        engine, select(func.count()).select_from(MentionRow).where(MentionRow.card_ts.is_not(None))
    )


def unsent(engine: object) -> int:
    return _count(
        engine, select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
    )


def digests_sent(engine: object) -> int:
    return _count(
        engine, select(func.count()).select_from(DigestRow).where(DigestRow.posted_ts.is_not(None))
    )


def reminders_sent(engine: object) -> int:
    return _count(engine, select(func.count()).select_from(ReminderRow))


def claims(engine: object, ids: list[int]) -> int:
    return _count(
        engine,
        select(func.count())
        .select_from(EventRow)
        .where(EventRow.mention_id.in_(ids), EventRow.kind == "claim"),
    )
