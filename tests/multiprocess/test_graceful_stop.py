"""`chorus run` stopped with SIGTERM while Slack is still being sent a backlog, then started
again: it exits cleanly, says what waits, and every card reaches Slack exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.standin import SlackStandIn
from storage.models import MentionRow, OutboxRow
from tests.support.processes import start_chorus, wait_for
from tests.support.workspace import CONFIG_TOML, mention

BACKLOG = 12  # cards for one channel: Slack's pace (one a second) makes them queue


def test_a_stop_mid_backlog_loses_nothing_and_a_restart_sends_each_card_once(
    database_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    config = tmp_path / "chorus.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    chorus = start_chorus(tmp_path, database_url, standin, config)
    batch = {
        "mentions": [mention(f"stop-{n}", text=f"Refund please (#{n})") for n in range(BACKLOG)]
    }
    status, reply = chorus.send_mentions(batch, "msg_stop_1")
    assert status == 202, reply
    wait_for("the first card", lambda: standin.messages("C0SUPPORT"), 30)

    assert chorus.stop() == 0, chorus.output()
    assert "Chorus is stopping" in chorus.output()
    assert "message(s) wait in the outbox for the next start" in chorus.output()
    assert "Traceback" not in chorus.output(), chorus.output()
    sent_before_restart = len(standin.messages("C0SUPPORT"))

    again = start_chorus(tmp_path, database_url, standin, config)
    try:
        wait_for("every card", lambda: len(standin.messages("C0SUPPORT")) == BACKLOG, 60)
    finally:
        assert again.stop() == 0, again.output()

    assert sent_before_restart < BACKLOG, "the stop came while cards were still queued"
    posted = Counter(m["text"].split(" ")[0] for m in standin.messages("C0SUPPORT"))
    assert sorted(posted.values()) == [1] * BACKLOG, posted
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            unsent = select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
            assert session.scalar(unsent) == 0
            cards = (
                select(func.count()).select_from(MentionRow).where(MentionRow.card_ts.is_not(None))
            )
            assert session.scalar(cards) == BACKLOG
    finally:
        engine.dispose()
