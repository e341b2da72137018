"""The shapes of the fake Bluesky's answers: CIDs, TIDs, DIDs, rich-text facets, reply refs,
thread views, the PDS's validation of a post record, and XRPC errors."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_network import Reply, graphemes

POST = "app.bsky.feed.post"
FACET = "app.bsky.richtext.facet"
THREAD, NOT_FOUND = "app.bsky.feed.defs#threadViewPost", "app.bsky.feed.defs#notFoundPost"
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
CLOCK_ID = 7
MENTION = re.compile(r"(?<![\w@])@(?P<handle>[a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,})")
RKEY = re.compile(r"[a-zA-Z0-9_~.:-]{1,512}")
LINK = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]']")


def now() -> str:
    """The time as Bluesky writes it: ISO 8601 in UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cid(data: Any) -> str:
    """A CIDv1 (dag-cbor, sha-256) in base32 as the PDS prints them, hashed from the JSON."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest()
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def tid(micros: int) -> str:
    """A TID: microseconds since the epoch and a clock id, as 13 base32-sortable characters."""
    value = (micros << 10) | CLOCK_ID
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def did_for(handle: str) -> str:
    """A stable did:plc for a handle the fixtures don't have."""
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + "".join(TID_ALPHABET[b % 32] for b in digest[:24])


def error(name: str, message: str, status: int = 400) -> Reply:
    """An XRPC error answer."""
    return Reply(status, {"error": name, "message": message})


def strong_ref(post: dict[str, Any]) -> dict[str, str]:
    return {"uri": post["uri"], "cid": post["cid"]}


def reply_ref(parent: dict[str, Any]) -> dict[str, Any]:
    """record.reply for an answer to `parent` (a post view): the thread's root, and the parent."""
    root = parent.get("record", {}).get("reply", {}).get("root") or parent
    return {"root": strong_ref(root), "parent": strong_ref(parent)}


def parent_uri(post: dict[str, Any]) -> str | None:
    uri = post["record"].get("reply", {}).get("parent", {}).get("uri")
    return str(uri) if uri else None


def thread_view(
    posts: dict[str, dict[str, Any]], post: dict[str, Any], depth: int
) -> dict[str, Any]:
    """A thread view of `post` with its replies among `posts`, `depth` levels down."""
    node: dict[str, Any] = {"$type": THREAD, "post": copy.deepcopy(post)}
    if depth > 0:
        replies = [each for each in posts.values() if parent_uri(each) == post["uri"]]
        node["replies"] = [thread_view(posts, reply, depth - 1) for reply in replies]
    return node


def parent_view(
    posts: dict[str, dict[str, Any]], post: dict[str, Any], height: int
) -> dict[str, Any] | None:
    """The thread view of `post`'s parents, `height` levels up (notFoundPost where one is gone)."""
    uri = parent_uri(post)
    if uri is None or height <= 0:
        return None
    parent = posts.get(uri)
    if parent is None:
        return {"$type": NOT_FOUND, "uri": uri, "notFound": True}
    above = parent_view(posts, parent, height - 1)
    return {"$type": THREAD, "post": copy.deepcopy(parent), **({"parent": above} if above else {})}


def facets(text: str, handles: dict[str, str]) -> list[dict[str, Any]]:
    """The facets a client sends for `text`: links, and mentions of `handles` (handle -> DID)."""
    found: list[tuple[int, int, dict[str, Any]]] = []
    for match in MENTION.finditer(text):
        did = handles.get(match["handle"].lower())
        if did is not None:
            found.append((*match.span(), {"$type": f"{FACET}#mention", "did": did}))
    for match in LINK.finditer(text):
        found.append((*match.span(), {"$type": f"{FACET}#link", "uri": match[0]}))
    return [
        {
            "$type": FACET,
            "features": [feature],
            "index": {"byteStart": _bytes(text[:start]), "byteEnd": _bytes(text[:end])},  # UTF-8
        }
        for start, end, feature in sorted(found, key=lambda each: each[0])
    ]


def invalid_rkey(rkey: str) -> str | None:
    """Why the PDS refuses `rkey` as a record key (any collection), in its words; None if fine."""
    if not 1 <= len(rkey) <= 512:
        return "record key must be 1 to 512 characters"
    if rkey in (".", ".."):
        return 'record key can not be "." or ".."'
    return None if RKEY.fullmatch(rkey) else "record key syntax not valid (regex)"


def invalid(collection: str, record: dict[str, Any]) -> str | None:
    """Why the PDS refuses `record` for `collection`, in its words; None when it is valid."""
    if record.get("$type") != collection:
        return f"Invalid $type: expected {collection}, got {record.get('$type')}"
    if collection != POST:
        return None
    for name in ("text", "createdAt"):
        if not isinstance(record.get(name), str):
            return f'Invalid {POST} record: Record must have the property "{name}"'
    text = record["text"]
    if _bytes(text) > MAX_BYTES:
        return f"Invalid {POST} record: Record/text must not be longer than {MAX_BYTES} characters"
    if graphemes(text) > MAX_GRAPHEMES:
        return (
            f"Invalid {POST} record: Record/text must not be longer than {MAX_GRAPHEMES} graphemes"
        )
    return None


def _bytes(text: str) -> int:
    return len(text.encode())
