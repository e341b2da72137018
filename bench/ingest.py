"""Ingest throughput and memory, and how a spike reaches Slack.

Run (from the repository root): python -m bench.ingest [--mentions 20000] [--database-url URL]
Prints figures; asserts nothing. Everything stays on 127.0.0.1.

- import: `chorus import` of a JSON Lines file (validation, classification, routing,
  storage, audit, outbox included);
- webhook: signed batches of 100 over real HTTP from 4 senders;
- baseline: a plain SQLAlchemy bulk insert of the same rows into the same table;
- spike: mentions for one channel arriving for a while, the outbox worker posting to the
  Slack stand-in at Slack's real pace (one message a second per channel) with 429s thrown in.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from waitress.server import create_server

from bot.config import parse_config
from bot.main import Chorus, build
from bot.services.ingest import MentionIn, ingest
from bot.services.transfer_files import import_file
from bot.standin import SlackStandIn
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import MentionRow, OutboxRow
from tests.support.workspace import CONFIG_TOML, make_settings, mention, sign_webhook

VOCABULARY = (
    "export login refund broken pricing discount love great slow app dashboard billing "
    "invoice support team update feature bug crash thanks question"
)
WORDS = VOCABULARY.split()


def sample(i: int, prefix: str) -> dict[str, object]:
    rnd = random.Random(i)
    text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 30)))
    return mention(
        f"{prefix}{i}",
        text.capitalize() + rnd.choice(["?", "!", "."]),
        url=f"https://social.example/@u{i % 997}/{prefix}{i}",
        author={"handle": f"@u{i % 997}@social.example", "followers": rnd.randint(0, 50_000)},
    )


def fresh_database(folder: Path, name: str, url: str | None) -> str:
    target = url or f"sqlite:///{folder / name}"
    upgrade(target)
    return target


def bench_import(standin: SlackStandIn, folder: Path, count: int, url: str | None) -> float:
    chorus = build(
        make_settings(fresh_database(folder, "import.db", url), standin), parse_config(CONFIG_TOML)
    )
    path = folder / "mentions.jsonl"
    path.write_text("\n".join(json.dumps(sample(i, "imp")) for i in range(count)))
    started = time.perf_counter()
    summary = import_file(chorus.services, path, lambda n: None)
    elapsed = time.perf_counter() - started
    assert summary.imported == count, summary
    return count / elapsed


def bench_baseline(folder: Path, count: int, url: str | None) -> float:
    engine = make_engine(fresh_database(folder, "baseline.db", url))
    now = datetime.now(UTC)
    rows = [
        {
            "network": "mastodon",
            "external_id": f"base{i}",
            "text": str(sample(i, "b")["text"]),
            "url": f"https://social.example/b{i}",
            "received_at": now,
            "state": "routed",
            "department_key": None,
            "version": 1,
        }
        for i in range(count)
    ]
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, count, 1000):
            connection.execute(insert(MentionRow), rows[start : start + 1000])
    return count / (time.perf_counter() - started)


def post(port: int, body: str) -> int:
    headers = sign_webhook(body, f"bench_{time.time_ns()}_{threading.get_ident()}")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/mentions",
        data=body.encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return int(json.loads(response.read())["accepted"])


def bench_webhook(standin: SlackStandIn, folder: Path, count: int, url: str | None) -> float:
    chorus = build(
        make_settings(fresh_database(folder, "webhook.db", url), standin), parse_config(CONFIG_TOML)
    )
    server = create_server(chorus.web, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port  # type: ignore[union-attr]
    bodies = [
        json.dumps({"mentions": [sample(i * 100 + j, "web") for j in range(100)]})
        for i in range(count // 100)
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        accepted = sum(pool.map(lambda b: post(port, b), bodies))
    elapsed = time.perf_counter() - started
    server.close()
    assert accepted == len(bodies) * 100
    return accepted / elapsed


def bench_spike(
    standin: SlackStandIn, folder: Path, count: int, seconds: float, url: str | None
) -> dict[str, int]:
    """`count` mentions for one channel within `seconds`, the worker at Slack's real pace."""
    chorus = build(
        make_settings(fresh_database(folder, "spike.db", url), standin),
        parse_config(CONFIG_TOML),
        channel_interval=1.0,
    )
    standin.reset()
    standin.fail("chat.postMessage", "ratelimited", retry_after=2, times=3)
    chorus.worker.start()
    batches = max(1, count // 100)
    for i in range(batches):
        items = [
            MentionIn.model_validate(sample(i * 100 + j, "spk") | {"text": "refund please"})
            for j in range(100)
        ]
        ingest(chorus.services, items)
        time.sleep(seconds / batches)
    time.sleep(5)  # let the worker catch up with what is due
    chorus.worker.stop()
    return spike_figures(chorus, standin, "C0SUPPORT")


def spike_figures(chorus: Chorus, standin: SlackStandIn, channel: str) -> dict[str, int]:
    with chorus.services.sessions() as session:
        total = session.scalar(select(func.count()).select_from(MentionRow)) or 0
        carded = session.scalar(select(func.count()).where(MentionRow.card_ts.is_not(None))) or 0
        held = (
            session.scalar(
                select(func.count()).where(
                    MentionRow.spike_id.is_not(None), MentionRow.card_ts.is_(None)
                )
            )
            or 0
        )
        waiting = session.scalar(select(func.count()).where(OutboxRow.sent_at.is_(None))) or 0
        queued_cards = (
            session.scalar(
                select(func.count(func.distinct(OutboxRow.mention_id))).where(
                    OutboxRow.sent_at.is_(None), OutboxRow.kind == "mention_card"
                )
            )
            or 0
        )
        overdue_429 = (
            session.scalar(
                select(func.count()).where(
                    OutboxRow.sent_at.is_(None),
                    OutboxRow.last_error == "ratelimited",
                    OutboxRow.next_attempt_at < chorus.services.clock(),
                )
            )
            or 0
        )
    posts = [c for c in standin.calls_to("chat.postMessage") if c.args.get("channel") == channel]
    updates = [c for c in standin.calls_to("chat.update") if c.args.get("channel") == channel]
    return {
        "mentions": total,
        "messages to the channel": len(standin.messages(channel)),
        "posts tried": len(posts),
        "updates": len(updates),
        "with a card": carded,
        "held in a spike": held,
        "lost": total - carded - held - queued_cards,
        "messages still queued": waiting,
        "429s from Slack": 3,
        "429s unhandled (overdue retries)": overdue_429,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--spike", type=int, default=10_000, help="mentions in the spike")
    parser.add_argument("--spike-seconds", type=float, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chorus-bench-"))
    count, url = args.mentions, args.database_url
    with SlackStandIn() as standin:
        figure("baseline bulk insert", bench_baseline(folder, count, url), "mentions/s")
        figure("chorus import", bench_import(standin, folder, count, url), "mentions/s")
        figure(
            "webhook (100 a request, 4×)", bench_webhook(standin, folder, count, url), "mentions/s"
        )
    figure("peak memory (RSS)", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MiB")
    with SlackStandIn() as standin:
        spike = bench_spike(standin, folder, args.spike, args.spike_seconds, url)
    print(f"spike of {args.spike} mentions in {args.spike_seconds:.0f} s to one channel:")
    for label, value in spike.items():
        figure(f"  {label}", value, "")


def figure(label: str, value: float, unit: str) -> None:
    print(f"{label + ':':32} {value:8.0f} {unit}", flush=True)


if __name__ == "__main__":
    main()
