"""`chorus import` killed with SIGKILL half-way through 5,000 mentions, then run again.

The real command runs in a subprocess on a JSON Lines file of 5,000 mentions. Once some (not
all) are stored it is killed without warning; run again, it stores the rest, and a third run
adds nothing. Every stored mention came with its queued card and its audit events (a batch is
stored whole or not at all), and once the outbox is delivered every mention has exactly one
card in Slack, each event once. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.services.outbox import OutboxWorker
from bot.standin import SlackStandIn
from handlers.outbox_render import outbox_renderer
from storage.models import EventRow, MentionRow, OutboxRow
from tests.faults.observe import (
    assert_one_card_each,
    assert_outbox_empty,
    make_fault_workspace,
)
from tests.support.processes import wait_for
from tests.support.slack import SIGNING_SECRET
from tests.support.workspace import CONFIG_TOML, Workspace, mention

COUNT = 5_000
TEXTS = ("Is the export broken? ({n})", "Any discount for schools? ({n})", "Lovely app ({n})")
# Every card gets its own message: no spike summary standing in for a storm of cards.
IMPORT_TOML = CONFIG_TOML + "\n[spike]\nthreshold = 100000\n"
WORKERS = 4


def write_mentions(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(COUNT):
            author = {"handle": f"@c{n}@social.example", "name": f"Customer {n}"}
            item = mention(f"m{n}", text=TEXTS[n % 3].format(n=n), author=author)
            out.write(json.dumps(item) + "\n")


def start_import(
    folder: Path, file: Path, database_url: str, standin: SlackStandIn, output: int | None = None
) -> subprocess.Popen[str]:
    """The real `chorus import FILE`, installed beside this Python, in its own process."""
    env = {
        **os.environ,
        "CHORUS_DATABASE_URL": database_url,
        "CHORUS_CONFIG": str(folder / "chorus.toml"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.url,
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "chorus"), "import", str(file)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE if output is None else output,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_import(folder: Path, file: Path, database_url: str, standin: SlackStandIn) -> str:
    process = start_import(folder, file, database_url, standin)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


def counts(session: Session) -> tuple[int, int, Counter[str]]:
    """Mentions stored, cards queued, and their audit events by kind."""
    mentions = session.scalar(select(func.count()).select_from(MentionRow)) or 0
    cards = session.scalar(
        select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "mention_card")
    )
    about_mentions = select(EventRow.kind, func.count()).where(EventRow.mention_id.is_not(None))
    kinds = Counter(dict(session.execute(about_mentions.group_by(EventRow.kind)).all()))
    return mentions, cards or 0, kinds


def test_a_killed_import_run_again_stores_each_mention_once_with_one_card(
    database_url: str, own_standin: SlackStandIn, tmp_path: Path
) -> None:
    (tmp_path / "chorus.toml").write_text(IMPORT_TOML, encoding="utf-8")
    file = tmp_path / "mentions.jsonl"
    write_mentions(file)
    engine = create_engine(database_url)

    def stored() -> int:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(MentionRow)) or 0

    first = start_import(tmp_path, file, database_url, own_standin, subprocess.DEVNULL)
    try:
        wait_for(
            "the first batch of the import", lambda: stored() > 0 or first.poll() is not None, 120
        )
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    with Session(engine) as session:
        kept, queued, kinds = counts(session)
    assert 0 < kept < COUNT, "killed half-way"
    assert queued == kinds["received"] == kinds["route"] == kept, "a batch is stored whole"

    again = run_import(tmp_path, file, database_url, own_standin)
    assert f"Imported {COUNT - kept}, duplicates {kept}, rejected 0." in again
    assert f"Imported 0, duplicates {COUNT}, rejected 0." in run_import(
        tmp_path, file, database_url, own_standin
    )

    with Session(engine) as session:
        assert counts(session) == (COUNT, COUNT, Counter(received=COUNT, route=COUNT))
        per_mention = Counter(
            session.scalars(select(EventRow.mention_id).where(EventRow.kind == "received"))
        )
    assert set(per_mention.values()) == {1}
    engine.dispose()

    ws = make_fault_workspace(database_url, own_standin, IMPORT_TOML)
    deliver_with_workers(ws, 1 if database_url.startswith("sqlite") else WORKERS)
    assert_one_card_each(ws)
    assert_outbox_empty(ws)
    ws.chorus.services.sessions.kw["bind"].dispose()


def deliver_with_workers(ws: Workspace, count: int) -> None:
    """Deliver the whole outbox with `count` workers at once, as `count` processes would
    (PostgreSQL hands each row to one of them: SELECT … FOR UPDATE SKIP LOCKED)."""
    chorus = ws.chorus
    workers = [chorus.worker] + [
        OutboxWorker(chorus.services, chorus.client, outbox_renderer(chorus.services), 0)
        for _ in range(count - 1)
    ]
    with ThreadPoolExecutor(count) as pool:
        while sum(pool.map(lambda worker: worker.run_pending(), workers)):
            pass
