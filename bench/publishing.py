"""Measure publishing and measuring: Publish through the Mastodon connector (Chorus's own
overhead beside the fake server's), the snapshot job over many replies, and reply length
counting per network.

Run (from the repository root): python -m bench.publishing [--replies 300] [--database-url URL]
Prints figures; asserts nothing. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.config import parse_config
from bot.domain.model import Network
from bot.main import build
from bot.reply_length import network_lengths
from bot.services import publish, review, workflow
from bot.services.engagement import take_due_snapshots
from bot.standin import SlackStandIn
from storage.migrate import upgrade
from tests.support.fake_mastodon import FakeMastodon
from tests.support.workspace import ANA, CONFIG_TOML, LEAD, make_settings, mention


def approved_mentions(chorus: object, count: int) -> list[int]:
    """Receive, claim, draft and approve `count` replies; return their draft ids."""
    from bot.services.ingest import ingest, parse_mentions

    services = chorus.services  # type: ignore[attr-defined]
    items = [mention(str(100000 + i), text=f"Export broken again #{i}?") for i in range(count)]
    ingest(services, parse_mentions(items), webhook_id=None)
    for mention_id in range(1, count + 1):
        workflow.claim(services, mention_id, ANA)
        workflow.submit_draft(
            services, mention_id, ANA, f"Hi! Fixed, see https://acme.com/h/{mention_id}"
        )
        review.approve(services, mention_id, LEAD)
    return list(range(1, count + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    with SlackStandIn() as standin, FakeMastodon() as mastodon:
        for i in range(args.replies):
            mastodon.customer_status(id=str(100000 + i))
        settings = make_settings(
            url,
            standin,
            chorus_mastodon_base_url=mastodon.url,
            chorus_mastodon_access_token=mastodon.token,
            chorus_public_url="https://chorus.example.com",
        )
        chorus = build(settings, parse_config(CONFIG_TOML), channel_interval=0)
        drafts = approved_mentions(chorus, args.replies)
        took = []
        for draft_id in drafts:
            started = time.perf_counter()
            publish.publish(chorus.services, draft_id, ANA)
            took.append(time.perf_counter() - started)
        network = [r for r in mastodon.requests if r.path.startswith("/api/")]
        print(f"database: {url.split(':')[0]}  replies: {args.replies}")
        p50, worst = statistics.median(took) * 1000, max(took) * 1000
        print(
            f"publish (connector + fake Mastodon over HTTP): p50 {p50:.1f} ms, max {worst:.1f} ms;"
            f" {len(network) / len(drafts):.1f} network requests each;"
            f" posted {len(mastodon.posted)} (once each)"
        )
        later = chorus.services.clock() + timedelta(days=8)
        chorus.services.clock = lambda: later  # every snapshot is due
        started = time.perf_counter()
        taken = 0
        while batch := take_due_snapshots(chorus.services, limit=500):
            taken += batch
        elapsed = time.perf_counter() - started
        print(
            f"snapshots (read from the fake, scored, card queued): {taken} in {elapsed:.2f} s, "
            f"{taken / elapsed:.0f}/s"
        )
    lengths = network_lengths()
    text = "Hi Ana! 👋 It's fixed: https://help.acme.com/export — merci 🙏 " * 4
    for net in (Network.BLUESKY, Network.MASTODON, Network.X):
        started = time.perf_counter()
        for _ in range(2000):
            lengths.length(net, text)
        per = (time.perf_counter() - started) / 2000 * 1e6
        print(f"length of a {len(text)}-character reply on {net.value}: {per:.0f} µs")


if __name__ == "__main__":
    main()
