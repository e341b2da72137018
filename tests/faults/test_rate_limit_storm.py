"""A storm of 429s: Slack answers `ratelimited` with Retry-After from 1 to 30 seconds to a
burst of posts across six channels. The worker honours each Retry-After for its channel (the
stand-in's transcript, stamped with the frozen clock, shows no post to that channel before
its time), keeps posting to the other channels meanwhile, and every mention ends with
exactly one card. Time is frozen and moved a second at a time (freezegun moves both the
app's clock and the worker's pacing clock). SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC

import pytest
from freezegun import freeze_time

from bot.standin import Call, SlackStandIn
from tests.faults.observe import (
    START,
    assert_one_card_each,
    assert_outbox_empty,
    make_fault_workspace,
    unsent,
)
from tests.support.workspace import CONFIG_TOML, Workspace, mention

EXTRA_DEPARTMENTS = {
    "C0BILLING": ("billing", "invoice"),
    "C0PRODUCT": ("product", "roadmap"),
    "C0SECURITY": ("security", "password"),
}
STORM_TOML = CONFIG_TOML + "".join(
    f'\n[[departments]]\nkey = "{key}"\nname = "{key.title()}"\nchannel = "{channel}"\n'
    f'keywords = ["{word}"]\n'
    for channel, (key, word) in EXTRA_DEPARTMENTS.items()
)
TOPICS = {
    "C0SUPPORT": "Is the export broken",
    "C0SALES": "What is your pricing",
    "C0GENERAL": "Lovely app",
    "C0BILLING": "Where is my invoice",
    "C0PRODUCT": "What is on the roadmap",
    "C0SECURITY": "How do I reset my password",
}
CHANNELS = tuple(TOPICS)
PER_CHANNEL = 8
# The burst: 1..30 s in a fixed order; the first and the last get the longest wait.
BURST = [30, *random.Random(8).choices(range(1, 31), k=28), 30]


@pytest.fixture
def paced(database_url: str, own_standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus at Slack's real pace: at most one message a second in each channel."""
    workspace = make_fault_workspace(database_url, own_standin, STORM_TOML, pace=1.0)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def test_a_storm_of_429s_is_honoured_per_channel_and_ends_with_one_card_each(
    paced: Workspace,
) -> None:
    ws, standin = paced, paced.standin
    for seconds in BURST:
        standin.fail("chat.postMessage", "ratelimited", retry_after=seconds)

    with freeze_time(START) as frozen:
        standin.use_clock(lambda: frozen().replace(tzinfo=UTC).timestamp())
        ws.receive(
            *[
                mention(f"{channel}-{n}", text=f"{topic}? ({n})")
                for n in range(PER_CHANNEL)
                for channel, topic in TOPICS.items()
            ]
        )
        for _ in range(600):
            if not unsent(ws):
                break
            frozen.tick(1)
            ws.deliver()

    posts = standin.calls_to("chat.postMessage")
    assert len(posts) == len(BURST) + PER_CHANNEL * len(CHANNELS)
    assert_retry_after_honoured(posts)
    assert_others_flowed_while_the_last_refused_waited(posts)
    assert_one_card_each(ws, CHANNELS)
    assert_outbox_empty(ws)


def assert_retry_after_honoured(posts: list[Call]) -> None:
    """No post reaches a channel before the Retry-After its last 429 asked for, nor within a
    second of its previous post."""
    not_before: dict[str, float] = {}
    for index, call in enumerate(posts):
        channel = call.args["channel"]
        assert call.at >= not_before.get(channel, 0.0), (index, channel, call.at)
        wait = BURST[index] if index < len(BURST) else 1
        not_before[channel] = call.at + wait
    refused = {call.args["channel"] for call in posts[: len(BURST)]}
    assert len(refused) > 1, "the storm hit several channels"


def assert_others_flowed_while_the_last_refused_waited(posts: list[Call]) -> None:
    """Once Slack takes posts again, a channel still waiting out its 30 s holds up nobody."""
    last = posts[len(BURST) - 1]
    channel, until = last.args["channel"], last.at + BURST[-1]
    served = posts[len(BURST) :]  # the posts Slack took
    meanwhile = [c for c in served if last.at < c.at < until and c.args["channel"] != channel]
    assert len({c.args["channel"] for c in meanwhile}) >= 3, "other channels kept flowing"
    assert len(meanwhile) >= 10
    assert not [c for c in served if c.args["channel"] == channel and c.at < until]
