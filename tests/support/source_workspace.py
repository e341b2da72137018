"""A workspace whose chorus.toml declares feeds, for the source scheduler and health tests."""

from __future__ import annotations

from bot.config import parse_config
from bot.main import build
from bot.standin import SlackStandIn
from tests.support.slack import SlackDriver
from tests.support.workspace import CONFIG_TOML, Workspace, make_settings


def rss_table(name: str, url: str, every_minutes: float = 5, backfill_hours: float = 24) -> str:
    """One `[[sources]]` table for an RSS feed."""
    return (
        f'\n[[sources]]\nname = "{name}"\nkind = "rss"\nurl = "{url}"\n'
        f"every_minutes = {every_minutes}\nbackfill_hours = {backfill_hours}\n"
        "timeout_seconds = 0.5\n"
    )


def workspace_with_sources(database_url: str, standin: SlackStandIn, *tables: str) -> Workspace:
    """Chorus wired like the `workspace` fixture, with these source tables added."""
    chorus = build(
        make_settings(database_url, standin),
        parse_config(CONFIG_TOML + "".join(tables)),
        process_before_response=True,
        channel_interval=0,
    )
    return Workspace(chorus, standin, SlackDriver(chorus.app, standin))
