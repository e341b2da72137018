"""A Chorus whose spike threshold is 5, so a storm fits in a test, and storm helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.config import parse_config
from bot.main import build
from bot.standin import SlackStandIn
from handlers import spike_actions
from storage.models import MentionRow, OutboxRow, SpikeRow
from tests.support.slack import SlackDriver
from tests.support.workspace import CONFIG_TOML, Workspace, make_settings, mention

SUPPORT = "C0SUPPORT"
THRESHOLD = 5
SPIKE_TOML = CONFIG_TOML + f"\n[spike]\nthreshold = {THRESHOLD}\n"


def make_spike_workspace(database_url: str, standin: SlackStandIn) -> Workspace:
    chorus = build(
        make_settings(database_url, standin),
        parse_config(SPIKE_TOML),
        process_before_response=True,
        channel_interval=0,
    )
    # Until handlers/app.py lists the surface; a second registration is never reached.
    spike_actions.register(chorus.app)
    return Workspace(chorus, standin, SlackDriver(chorus.app, standin))


def storm(count: int, prefix: str = "s", start: int = 1) -> list[dict[str, Any]]:
    """`count` Support questions (keyword "broken"), none of them urgent."""
    return [
        mention(f"{prefix}{n}", text=f"Is the export broken for anyone else? ({prefix}{n})")
        for n in range(start, start + count)
    ]


def mentions(ws: Workspace) -> list[MentionRow]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(MentionRow).order_by(MentionRow.id)).all())


def spikes_of(ws: Workspace) -> list[SpikeRow]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(SpikeRow).order_by(SpikeRow.id)).all())


def pending(ws: Workspace, kind: str) -> list[OutboxRow]:
    with ws.chorus.services.sessions() as session:
        query = select(OutboxRow).where(OutboxRow.sent_at.is_(None), OutboxRow.kind == kind)
        return list(session.scalars(query).all())


def summary_message(ws: Workspace, spike_id: int = 1) -> dict[str, Any]:
    """The spike's summary as Slack shows it now."""
    spike = next(s for s in spikes_of(ws) if s.id == spike_id)
    assert spike.summary_ts, "the spike summary is not in Slack"
    return ws.standin.message(spike.channel, spike.summary_ts)


def posts_to(ws: Workspace, channel: str) -> list[dict[str, Any]]:
    """Every chat.postMessage Chorus made to the channel."""
    return [c.args for c in ws.standin.calls_to("chat.postMessage") if c.args["channel"] == channel]


def lost(ws: Workspace) -> list[int]:
    """Mentions with no card, no card on its way and no place in a spike (should be none)."""
    on_the_way = {row.mention_id for row in pending(ws, "mention_card")}
    return [
        m.id
        for m in mentions(ws)
        if m.card_ts is None and m.spike_id is None and m.id not in on_the_way
    ]
