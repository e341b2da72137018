"""The stand-in's shared vocabulary: ids, recorded calls, scripted failures, errors."""

from dataclasses import dataclass
from typing import Any

APP_ID = "A0CHORUS"
BOT_ID = "B0CHORUS"
TS_EPOCH = 1_700_000_000
MAX_VIEW_STACK = 3

Json = dict[str, Any]


class SlackError(Exception):
    """A Web API error: answered as HTTP 200 {"ok": false, "error": error}."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Call:
    """One request the stand-in received, in the order received."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    """A scripted failure for the next `remaining` calls to one method."""

    error: str
    retry_after: int | None
    status: int
    remaining: int


def dm_channel(channel: str) -> str:
    """Slack accepts a user id as a channel: the message lands in the DM "D" + user id."""
    return "D" + channel if channel[:1] in ("U", "W") else channel
