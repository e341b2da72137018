"""The Show next 10 button on a spike summary, clicked through the real Bolt app: it posts
ten more cards through the outbox and edits the summary in place, until nothing is held."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.standin import SlackStandIn
from handlers.ids import Action
from storage import repo
from tests.support.slack import button_labels, message_text
from tests.support.spike_workspace import (
    SUPPORT,
    THRESHOLD,
    lost,
    make_spike_workspace,
    mentions,
    posts_to,
    storm,
    summary_message,
)
from tests.support.workspace import ANA, BEN, Workspace


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_spike_workspace(database_url, standin)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def show_next(ws: Workspace, user: str = ANA) -> None:
    response = ws.slack.click(summary_message(ws), "Show next 10", user)
    assert response.status == 200 and response.body == ""
    ws.deliver()


def test_show_next_posts_ten_more_cards_and_updates_the_summary_in_place(
    ws: Workspace,
) -> None:
    ws.receive(*storm(50))
    summary_ts = summary_message(ws)["ts"]

    show_next(ws)

    assert len(posts_to(ws, SUPPORT)) == THRESHOLD + 1 + 10
    assert [m.id for m in mentions(ws) if m.card_ts] == list(range(1, 16))
    [edit] = ws.standin.calls_to("chat.update")
    assert edit.args["ts"] == summary_ts
    summary = summary_message(ws)
    assert summary["edited"]
    assert "*35 waiting*" in message_text(summary)
    assert "10 shown as cards so far" in message_text(summary)
    told = ws.standin.ephemerals(ANA)[-1]["text"]
    assert told == "10 more cards are on their way. 35 still held: Show next again, or `/mentions`."


def test_who_showed_which_mentions_is_on_record(ws: Workspace) -> None:
    ws.receive(*storm(20))

    show_next(ws, BEN)

    with ws.chorus.services.sessions() as session:
        history = [(e.kind, e.actor, e.detail) for e in repo.list_events(session, 6)]
    assert history[-1] == ("spike_release", BEN, {"spike": 1})
    assert [m.spike_id for m in mentions(ws)][5:] == [None] * 10 + [1] * 5


def test_showing_every_held_mention_drains_the_spike(ws: Workspace) -> None:
    ws.receive(*storm(50))

    for _ in range(5):
        show_next(ws)

    assert all(m.card_ts for m in mentions(ws))
    assert len(posts_to(ws, SUPPORT)) == 50 + 1, "each mention once, and one summary"
    summary = summary_message(ws)
    assert "All 45 shown as cards: nothing is waiting." in message_text(summary)
    assert button_labels(summary) == [], "no Show next when nothing is held"
    assert lost(ws) == []


def test_a_stale_show_next_says_nothing_is_left(ws: Workspace) -> None:
    ws.receive(*storm(12))  # five cards, seven held
    old_summary = summary_message(ws)
    show_next(ws)

    ws.slack.click(old_summary, "Show next 10", BEN)

    told = ws.standin.ephemerals(BEN)[-1]["text"]
    assert told == "Nothing waits in this spike any more: every mention has a card."
    assert len(posts_to(ws, SUPPORT)) == 12 + 1


def test_the_button_carries_the_spike_and_its_size_comes_from_chorus_toml(
    ws: Workspace,
) -> None:
    ws.receive(*storm(8))

    [actions] = [b for b in summary_message(ws)["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert (button["action_id"], button["value"]) == (Action.SPIKE_SHOW_NEXT, "1")
    assert button["text"]["text"] == f"Show next {ws.chorus.services.config.spike.show_next}"
