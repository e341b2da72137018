"""A whole Chorus built from a chorus.toml of the test's own (routes, webhook mappings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.config import parse_config
from bot.main import build
from bot.standin import SlackStandIn
from tests.support.slack import SlackDriver
from tests.support.workspace import CONFIG_TOML, Workspace, make_settings

EMEA_DEPARTMENT = """
[[departments]]
key = "emea"
name = "EMEA"
channel = "C0EMEA"
"""


@contextmanager
def workspace_with(
    extra_toml: str, database_url: str, standin: SlackStandIn
) -> Iterator[Workspace]:
    """Chorus on the sample configuration plus `extra_toml`, wired to the stand-in."""
    config = parse_config(CONFIG_TOML + extra_toml)
    chorus = build(
        make_settings(database_url, standin),
        config,
        process_before_response=True,
        channel_interval=0,
    )
    try:
        yield Workspace(chorus, standin, SlackDriver(chorus.app, standin))
    finally:
        chorus.services.sessions.kw["bind"].dispose()
