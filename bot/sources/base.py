"""What every polled source provides: new mentions since its cursor, and the next cursor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.listening_config import SourceConfig
from bot.services.ingest import MentionIn


@dataclass(frozen=True)
class Poll:
    """One poll's harvest: mentions oldest first, and the cursor to keep for next time."""

    mentions: list[MentionIn]
    cursor: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0  # items seen but left out (older than the backfill window, unreadable)


class SourceError(Exception):
    """A poll failed; the message is what the source's health shows people."""


class Source(Protocol):
    config: SourceConfig

    def poll(self, cursor: dict[str, Any], since: datetime) -> Poll:
        """Fetch what is new after `cursor`; on a first poll (empty cursor), skip items
        older than `since` (the backfill window) so a new feed never floods a channel."""
        ...
