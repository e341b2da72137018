"""What every publishing connector offers, and the errors it explains to people."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.domain.engagement import Engagement
from bot.domain.model import Network


@dataclass(frozen=True)
class ReplyTarget:
    """The customer's post our reply answers."""

    network: Network
    external_id: str
    url: str | None
    author_handle: str | None


@dataclass(frozen=True)
class Published:
    """Our reply, live: its id on the network and the link people open."""

    external_id: str
    url: str


@dataclass(frozen=True)
class FollowUp:
    """Something the customer wrote under our reply."""

    external_id: str
    url: str | None
    text: str
    posted_at: datetime | None


@dataclass(frozen=True)
class Reading:
    """Our reply's results as the network reports them."""

    engagement: Engagement
    follow_ups: tuple[FollowUp, ...] = ()


class Failure(StrEnum):
    CREDENTIALS = "credentials"  # expired or wrong token: an admin must act
    RATE_LIMITED = "rate_limited"  # try again after a while
    REJECTED = "rejected"  # the network refused this reply (too long, …): edit it
    GONE = "gone"  # the customer's post (or ours) was deleted
    UNAVAILABLE = "unavailable"  # server error, timeout, unreachable: try again


class PublishError(Exception):
    """A network refused or failed; the message says what happened and what to do."""

    def __init__(self, kind: Failure, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return str(self.args[0])


class Connector(Protocol):
    network: Network

    def can_reply_to(self, target: ReplyTarget) -> bool:
        """Tell whether this connector knows how to answer that post."""

    def publish(self, target: ReplyTarget, text: str, key: str, retry: bool) -> Published:
        """Post `text` as a reply to `target`, at most once per `key`; raise PublishError."""

    def read(self, published: Published, customer: str | None) -> Reading:
        """Read our reply's engagement and the customer's answers under it."""


TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def new_key(now: datetime | None = None) -> str:
    """Return a fresh publish key: a 13-character TID, which Bluesky takes as a record key
    and Mastodon as an Idempotency-Key, so one key serves every network."""
    micros = int((now.timestamp() if now else time.time()) * 1_000_000)
    value = (micros << 10) | secrets.randbelow(1024)
    value &= (1 << 63) - 1  # a TID's top bit is always 0
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def wait_words(wait: float | None) -> str:
    """Say when a retry makes sense, after a network asked us to wait."""
    if wait is None:
        return "try again in a few minutes"
    if wait < 90:
        return f"try again in {max(1, round(wait))} seconds"
    return f"try again in about {round(wait / 60)} minutes"
