"""What the page shows, read from the Slack stand-in: channels with threads, DMs, modals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.standin import SlackStandIn

Json = dict[str, Any]


@dataclass(frozen=True)
class Person:
    """Someone the page can act as."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class Channel:
    id: str
    name: str


def dm_of(user: str) -> str:
    """The stand-in keeps Chorus's DMs to user U… under channel "D" + U…."""
    return "D" + user


def _message(stored: Json) -> Json:
    return {
        "ts": stored["ts"],
        "text": stored.get("text") or "",
        "blocks": stored.get("blocks") or [],
        "user": stored.get("user"),
        "edited": bool(stored.get("edited")),
        "files": stored.get("files") or [],
        "replies": [],
    }


def threaded(stored: Sequence[Json]) -> list[Json]:
    """Top-level messages in post order, each with its thread replies nested under it."""
    tops: list[Json] = []
    by_ts: dict[str, Json] = {}
    for item in stored:
        parent = item.get("thread_ts")
        message = _message(item)
        if parent and parent != item["ts"] and parent in by_ts:
            by_ts[parent]["replies"].append(message)
        else:  # a reply whose parent is gone stays visible, at the top level
            tops.append(message)
            by_ts[item["ts"]] = message
    return tops


def ephemeral_ts(entry: Json, index: int) -> str:
    """An ephemeral's message ts; answers through a response_url get one by position."""
    return str(entry.get("message_ts") or f"ephemeral-{index}")


def ephemerals(standin: SlackStandIn, user: str) -> list[Json]:
    """What only `user` sees, oldest first."""
    return [
        {
            "text": entry.get("text") or "",
            "blocks": entry.get("blocks") or [],
            "at": index,
            "ts": ephemeral_ts(entry, index),
            "channel": entry.get("channel"),
        }
        for index, entry in enumerate(standin.ephemerals(user))
    ]


def snapshot(
    standin: SlackStandIn,
    people: Sequence[Person],
    channels: Sequence[Channel],
    user: str,
) -> Json:
    """The whole page for one person (without its version)."""
    return {
        "people": [{"id": p.id, "name": p.name, "role": p.role} for p in people],
        "channels": [
            {"id": c.id, "name": c.name, "messages": threaded(standin.messages(c.id))}
            for c in channels
        ],
        "dms": [
            {
                "id": dm_of(user),
                "name": "Chorus (DM)",
                "messages": threaded(standin.messages(dm_of(user))),
            }
        ],
        "views": standin.views(),
        "home": standin.home(user),
        "ephemerals": ephemerals(standin, user),
    }
