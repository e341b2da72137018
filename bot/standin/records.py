"""The stand-in's shared vocabulary: ids, recorded calls, scripted failures, errors."""

from dataclasses import dataclass, field
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
    # When it arrived, by the stand-in's clock (time.time unless a test gave it another);
    # not compared, so a test can still write down the call it expects.
    at: float = field(default=0.0, compare=False)


@dataclass
class Failure:
    """A scripted failure for the next `remaining` calls to one method."""

    error: str
    retry_after: int | None
    status: int
    remaining: int


@dataclass
class Delay:
    """A scripted slow answer: the next `remaining` calls to one method are carried out, then
    answered only after `seconds` (as Slack may do the work and answer too late)."""

    seconds: float
    remaining: int


def dm_channel(channel: str) -> str:
    """Slack accepts a user id as a channel: the message lands in the DM "D" + user id."""
    return "D" + channel if channel[:1] in ("U", "W") else channel
