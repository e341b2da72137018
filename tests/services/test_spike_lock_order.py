"""Concurrent batches during spikes in several channels: no deadlock, nothing lost.

Found by the benchmark (`python -m bench` on PostgreSQL): two webhook batches, each with
mentions for channels that were both in a spike, updated the channels' spike rows in
opposite orders and PostgreSQL broke the deadlock by failing one of them, a 500 to the
listening tool. Spikes are now touched in one order (by channel), so batches queue instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.services.ingest import MentionIn, ingest
from bot.standin import SlackStandIn
from tests.support.spike_workspace import lost, make_spike_workspace, mentions, spikes_of
from tests.support.workspace import Workspace, mention

ROUNDS = 25
TEXTS = {
    "support": "Is the export broken for anyone else?",
    "sales": "Any discount for a team of ten?",
    "general": "Hello there, just saying hi.",
}


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_spike_workspace(database_url, standin)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def batch(order: list[str], tag: str) -> list[MentionIn]:
    return [
        # Authors of their own: batches that share a customer queue on its row first.
        MentionIn.model_validate(
            mention(
                f"{tag}-{i}",
                f"{TEXTS[key]} ({tag}-{i})",
                author={"handle": f"@{tag}-{i}@social.example", "followers": 10},
            )
        )
        for i, key in enumerate(order)
    ]


def test_opposite_batches_in_three_spikes_all_go_in(ws: Workspace) -> None:
    services = ws.chorus.services
    warm = [key for key in TEXTS for _ in range(8)]  # past the threshold of 5 in each channel
    ingest(services, batch(warm, "warm"))
    assert len(spikes_of(ws)) == 3
    forward, backward = list(TEXTS), list(reversed(TEXTS))
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def sender(order: list[str], name: str) -> None:
        for n in range(ROUNDS):
            barrier.wait(timeout=60)
            try:
                ingest(services, batch(order, f"{name}{n}"))
            except BaseException as error:  # noqa: BLE001 - asserted on below
                failures.append(error)

    threads = [
        threading.Thread(target=sender, args=(forward, "f")),
        threading.Thread(target=sender, args=(backward, "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures[0]
    assert len(mentions(ws)) == 24 + 2 * ROUNDS * 3
    assert lost(ws) == []
