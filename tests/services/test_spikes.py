"""Calm in a spike: a storm of mentions for one channel reaches it as a few cards and one
summary; urgent ones still get cards; nothing is lost; the spike ends when it goes quiet.

Chorus runs with a spike threshold of 5 (tests/support/spike_workspace.py). Mentions arrive
through the signed webhook and the outbox delivers them to the Slack stand-in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.services import spikes
from bot.services.core import Services
from bot.services.spike_summary import spike_summary, top_terms
from bot.standin import SlackStandIn
from storage import repo
from storage.models import MentionRow
from tests.support.slack import button_labels, message_text
from tests.support.spike_workspace import (
    SUPPORT,
    THRESHOLD,
    lost,
    make_spike_workspace,
    mentions,
    pending,
    posts_to,
    spikes_of,
    storm,
    summary_message,
)
from tests.support.workspace import ANA, BEN, Workspace, mention


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_spike_workspace(database_url, standin)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def header(message: dict[str, object]) -> str:
    blocks = message["blocks"]
    assert isinstance(blocks, list) and blocks[0]["type"] == "header"
    return str(blocks[0]["text"]["text"])


# -- a storm ----------------------------------------------------------------------------


def test_fifty_mentions_at_once_reach_the_channel_as_five_cards_and_one_summary(
    ws: Workspace,
) -> None:
    reply = ws.receive(*storm(50))

    assert reply == {"accepted": 50, "duplicates": 0}
    assert len(posts_to(ws, SUPPORT)) == THRESHOLD + 1
    summary = summary_message(ws)
    assert header(summary) == "Spike: 45 mentions in under a minute"
    assert "*45 waiting* here instead of flooding the channel" in message_text(summary)
    assert "Urgent ones get their own cards" in message_text(summary)
    assert "Also claimable with `/mentions`" in message_text(summary)
    assert button_labels(summary) == ["Show next 10"]
    assert [m.id for m in mentions(ws) if m.card_ts] == [1, 2, 3, 4, 5]
    assert lost(ws) == [], "every mention has a card or waits in the summary"


def test_a_steady_trickle_never_makes_a_spike(ws: Workspace) -> None:
    for n in range(1, 13):
        ws.receive(*storm(1, start=n))

    assert len(posts_to(ws, SUPPORT)) == 12
    assert spikes_of(ws) == []
    assert all(m.card_ts for m in mentions(ws))


def test_a_storm_in_support_leaves_sales_cards_alone(ws: Workspace) -> None:
    ws.receive(*storm(20), mention("p1", text="Any discount for schools?"))

    [sales_card] = posts_to(ws, "C0SALES")
    assert "discount for schools" in sales_card["text"]
    assert [s.channel for s in spikes_of(ws)] == [SUPPORT]


def test_the_summary_tells_how_many_what_they_say_and_how_they_feel(ws: Workspace) -> None:
    lovely = [
        mention(f"p{n}", text=f"The new login page is lovely, great work (p{n})") for n in (1, 2, 3)
    ]
    plain = [
        mention(f"n{n}", text=f"My login email changed to the new domain (n{n})") for n in (1, 2)
    ]

    ws.receive(*storm(5), *lovely, *plain, *storm(4, start=6))

    text = message_text(summary_message(ws))
    assert header(summary_message(ws)) == "Spike: 9 mentions in under a minute"
    assert "3 positive · :neutral_face: 2 neutral · :disappointed: 4 negative" in text
    assert "*Top terms:* `login` · `broken` · `export` · `great` · `lovely`" in text


def test_top_terms_leave_out_short_and_common_words() -> None:
    texts = ["Where is my refund? This is the third time", "refund REFUND please, this again"]

    assert top_terms(texts) == ("refund", "please", "third", "time")


# -- urgent ones ------------------------------------------------------------------------


NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def routed(session: Session, n: int, priority: str) -> MentionRow:
    """A routed Support mention with its priority already set, as classification leaves it."""
    row = MentionRow(
        network="mastodon",
        external_id=f"u{n}",
        text=f"Is the export broken? (u{n})",
        received_at=NOW,
        state="routed",
        department_key="support",
        priority=priority,
    )
    return repo.add_mention(session, row)


def test_once_enough_cards_wait_only_urgent_mentions_get_cards(ws: Workspace) -> None:
    services = ws.chorus.services
    priorities = ["normal"] * THRESHOLD + ["low", "urgent", "high", "urgent", "normal"]
    with services.sessions() as session:
        for n, priority in enumerate(priorities, start=1):
            row = routed(session, n, priority)
            spikes.card_or_hold(session, row, SUPPORT, services.config.spike, services.clock())
        session.commit()

    carded = [r.mention_id for r in pending(ws, "mention_card")]
    assert carded == [1, 2, 3, 4, 5, 7, 9]
    assert [m.id for m in mentions(ws) if m.spike_id == 1] == [6, 8, 10]
    assert len(pending(ws, "spike_summary")) == 1
    with services.sessions() as session:
        summary = spike_summary(session, 1)
    assert (summary.total, summary.held, summary.urgent, summary.released) == (5, 3, 2, 0)


def test_an_angry_storm_gets_only_its_share_of_urgent_cards(ws: Workspace) -> None:
    """Past `threshold` urgent cards in one spike, urgent ones wait too, first in line."""
    services = ws.chorus.services
    priorities = ["normal"] * THRESHOLD + ["normal"] + ["urgent"] * (THRESHOLD + 3)
    with services.sessions() as session:
        for n, priority in enumerate(priorities, start=1):
            row = routed(session, n, priority)
            spikes.card_or_hold(session, row, SUPPORT, services.config.spike, services.clock())
        session.commit()
    ws.deliver()

    assert len(posts_to(ws, SUPPORT)) == THRESHOLD + THRESHOLD + 1
    text = message_text(summary_message(ws))
    assert "Urgent ones get their own cards (5 so far). 3 more urgent wait here" in text
    spikes.release_next(services, 1, 3, ANA)
    assert [m.priority for m in mentions(ws) if m.spike_id == 1] == ["normal"]


def test_show_next_takes_the_most_pressing_held_mentions_first(ws: Workspace) -> None:
    services = ws.chorus.services
    priorities = ["normal"] * THRESHOLD + ["low", "normal", "high"]
    with services.sessions() as session:
        for n, priority in enumerate(priorities, start=1):
            row = routed(session, n, priority)
            spikes.card_or_hold(session, row, SUPPORT, services.config.spike, services.clock())
        session.commit()

    effects = spikes.release_next(services, 1, 2, ANA)

    assert (
        effects.notice
        == "2 more cards are on their way. 1 still held: Show next again, or `/mentions`."
    )
    assert [m.id for m in mentions(ws) if m.spike_id == 1] == [6], "the low one waits longest"
    assert [r.mention_id for r in pending(ws, "mention_card")][-2:] == [8, 7]


def test_urgent_posts_in_a_storm_get_their_own_cards(ws: Workspace) -> None:
    lawyer = [
        mention(f"l{n}", text=f"My lawyer will hear about this broken login (l{n})") for n in (1, 2)
    ]

    ws.receive(*storm(10), lawyer[0], *storm(10, start=11), lawyer[1])

    urgent = [m for m in mentions(ws) if m.external_id.startswith("l")]
    assert [m.priority for m in urgent] == ["urgent", "urgent"]
    assert all(m.card_ts for m in urgent)
    assert len(posts_to(ws, SUPPORT)) == THRESHOLD + 2 + 1
    assert "Urgent ones get their own cards (2 so far)" in message_text(summary_message(ws))
    assert header(summary_message(ws)) == "Spike: 17 mentions in under a minute"


# -- as it goes on, and when it ends ----------------------------------------------------


def test_summary_updates_are_coalesced_and_at_most_one_every_five_seconds(ws: Workspace) -> None:
    with freeze_time("2026-11-20 10:00:00+00:00") as clock:
        ws.receive(*storm(20))
        clock.tick(1)
        for n in (21, 22, 23):  # the frozen clock would give them one webhook-id: name them
            ws.receive(*storm(1, start=n), webhook_id=f"msg_late_{n}")

        assert len(pending(ws, "spike_update")) == 1
        assert ws.standin.calls_to("chat.update") == []

        clock.tick(5)
        ws.deliver()

    [edit] = ws.standin.calls_to("chat.update")
    assert edit.args["ts"] == spikes_of(ws)[0].summary_ts
    assert "*18 waiting*" in message_text(summary_message(ws))


def test_a_spike_ends_after_ten_quiet_minutes_and_the_next_mention_gets_a_card(
    ws: Workspace,
) -> None:
    with freeze_time("2026-11-20 10:00:00+00:00") as clock:
        ws.receive(*storm(20))
        clock.move_to("2026-11-20 10:09:00+00:00")
        ws.receive(*storm(1, start=21))  # the queue is empty, but the spike goes on
        clock.move_to("2026-11-20 10:18:00+00:00")
        ws.receive(*storm(1, start=22))  # nine quiet minutes: still the same spike
        clock.move_to("2026-11-20 10:28:30+00:00")
        ws.receive(*storm(1, start=23))

    by_id = {m.external_id: m for m in mentions(ws)}
    assert by_id["s21"].spike_id == by_id["s22"].spike_id == 1
    assert by_id["s23"].spike_id is None and by_id["s23"].card_ts
    [spike] = spikes_of(ws)
    assert spike.closed_at == datetime(2026, 11, 20, 10, 28, tzinfo=UTC)
    summary = summary_message(ws)
    assert header(summary) == "Spike: 17 mentions in 18 minutes"
    assert "Over: new mentions get their own cards again." in message_text(summary)


def test_the_scheduled_check_closes_a_quiet_spike_without_waiting_for_a_mention(
    ws: Workspace,
) -> None:
    with freeze_time("2026-11-20 10:00:00+00:00") as clock:
        ws.receive(*storm(20))
        assert spikes.close_quiet_spikes(ws.chorus.services) == 0
        clock.move_to("2026-11-20 10:10:01+00:00")

        assert spikes.close_quiet_spikes(ws.chorus.services) == 1
        ws.deliver()

    assert "Over: new mentions get their own cards again." in message_text(summary_message(ws))
    assert button_labels(summary_message(ws)) == ["Show next 10"], "held ones stay claimable"


# -- held mentions stay claimable -------------------------------------------------------


def test_held_mentions_are_listed_by_mentions(ws: Workspace) -> None:
    ws.receive(*storm(20))

    ws.slack.command("/mentions", "support", BEN)

    answer = ws.standin.ephemerals(BEN)[-1]
    assert answer["text"] == "Open mentions in Customer Support (20)"
    assert "*#6*" in str(answer["blocks"]), "#6 waits in the summary, not as a card"


def test_claiming_a_held_mention_gives_it_its_card_and_updates_the_summary(
    ws: Workspace,
) -> None:
    ws.receive(*storm(20))

    ws.slack.command("/claim", "12", ANA)
    ws.deliver()

    assert f"Claimed by <@{ANA}>" in message_text(ws.card(12))
    text = message_text(summary_message(ws))
    assert "*14 waiting*" in text and "1 shown as cards so far" in text
    assert lost(ws) == []


def test_nothing_is_lost_while_slack_rate_limits_the_channel(ws: Workspace) -> None:
    with freeze_time("2026-11-20 10:00:00+00:00") as clock:
        ws.standin.fail("chat.postMessage", "ratelimited", retry_after=1, times=1)
        ws.receive(*storm(30))

        assert ws.standin.messages(SUPPORT) == []
        assert lost(ws) == [], "cards on their way or held: none dropped"

        clock.tick(2)  # Slack's Retry-After has passed
        ws.deliver()

    assert len(ws.standin.messages(SUPPORT)) == THRESHOLD + 1
    assert "*25 waiting*" in message_text(summary_message(ws))
    assert lost(ws) == []


# -- several processes ------------------------------------------------------------------


def test_two_processes_in_a_storm_open_one_spike_for_the_channel(
    ws: Workspace, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time")
    services, config = ws.chorus.services, ws.chorus.services.config.spike
    with services.sessions() as session:
        for n in range(1, THRESHOLD + 1):
            spikes.card_or_hold(session, routed(session, n, "normal"), SUPPORT, config, NOW)
        session.commit()

    def second_process() -> None:
        with services.sessions() as session:
            row = routed(session, THRESHOLD + 2, "normal")
            spikes.card_or_hold(session, row, SUPPORT, config, NOW)
            session.commit()

    with services.sessions() as first:
        spikes.card_or_hold(first, routed(first, THRESHOLD + 1, "normal"), SUPPORT, config, NOW)
        other = threading.Thread(target=second_process)
        other.start()
        wait_until_blocked_on_the_spike_lock(services)
        first.commit()
    other.join()

    assert [s.id for s in spikes_of(ws)] == [1]
    assert [m.spike_id for m in mentions(ws)][THRESHOLD:] == [1, 1]


def wait_until_blocked_on_the_spike_lock(services: Services) -> None:
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    for _ in range(500):
        with services.sessions() as session:
            if session.scalar(waiting):
                return
        time.sleep(0.01)
    raise AssertionError("the second process never waited for the first one's spike")
