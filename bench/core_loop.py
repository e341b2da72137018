"""Measure the core loop: webhook ingest over real HTTP, outbox delivery, and claims.

Run (from the repository root): python -m bench.core_loop [--mentions 2000] [--database-url URL]
Prints figures; asserts nothing. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from waitress.server import create_server

from bot.config import parse_config
from bot.main import build
from bot.services import workflow
from bot.standin import SlackStandIn
from storage.migrate import upgrade
from tests.support.workspace import CONFIG_TOML, make_settings, mention, sign_webhook


def post(port: int, body: str) -> float:
    headers = sign_webhook(body, f"bench_{time.time_ns()}_{threading.get_ident()}")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/mentions",
        data=body.encode(),
        headers=headers,
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
    return time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    with SlackStandIn() as standin:
        chorus = build(make_settings(url, standin), parse_config(CONFIG_TOML), channel_interval=0)
        server = create_server(chorus.web, host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        port = server.effective_port  # type: ignore[union-attr]
        print(f"database: {url.split('://')[0]}  mentions: {args.mentions}")
        single = [
            post(port, json.dumps(mention(f"s{i}", f"refund please {i}"))) for i in range(200)
        ]
        print(
            f"webhook, one mention a request: p50 {statistics.median(single) * 1000:.1f} ms, "
            f"p95 {percentile(single, 0.95) * 1000:.1f} ms"
        )
        bodies = [
            json.dumps(
                {"mentions": [mention(f"b{i}-{j}", f"login broken {j}") for j in range(args.batch)]}
            )
            for i in range(args.mentions // args.batch)
        ]
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda b: post(port, b), bodies))
        elapsed = time.perf_counter() - started
        print(
            f"webhook, batches of {args.batch} from 4 senders: "
            f"{len(bodies) * args.batch / elapsed:.0f} mentions/s"
        )
        started = time.perf_counter()
        sent = 0
        while n := chorus.worker.run_pending():
            sent += n
        elapsed = time.perf_counter() - started
        print(
            f"outbox delivery to the stand-in (pacing off): "
            f"{sent / elapsed:.0f} cards/s ({sent} cards)"
        )
        claims = []
        for mention_id in range(1, 201):
            t0 = time.perf_counter()
            workflow.claim(chorus.services, mention_id, "U0BENCH")
            claims.append(time.perf_counter() - t0)
        print(
            f"claim (service, no Slack): p50 {statistics.median(claims) * 1000:.2f} ms, "
            f"p95 {percentile(claims, 0.95) * 1000:.2f} ms"
        )
        print(
            "peak memory (RSS): "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        server.close()


if __name__ == "__main__":
    main()
