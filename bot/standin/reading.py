"""Reading messages back as Slack returns them: their wire shape, conversations.history and
conversations.replies (newest first and oldest first, paged by cursor)."""

from bot.standin.records import APP_ID, BOT_ID, Json, SlackError, dm_channel
from bot.standin.state import Workspace

DEFAULT_LIMIT = 100
MAX_LIMIT = 999


def wire_message(ws: Workspace, message: Json, with_metadata: bool = False) -> Json:
    """A stored message as Slack returns it inside "message" or "messages"."""
    wire: Json = {
        "type": "message",
        "text": message["text"],
        "user": message["user"],
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": ws.team_id,
        "ts": message["ts"],
        "blocks": message["blocks"],
    }
    if message["attachments"]:
        wire["attachments"] = message["attachments"]
    if message["thread_ts"]:
        wire["thread_ts"] = message["thread_ts"]
    if message["edited"]:
        wire["edited"] = {"user": message["user"], "ts": message["ts"]}
    # Slack returns a message's metadata only to a reader who asks for it.
    if with_metadata and message.get("metadata"):
        wire["metadata"] = message["metadata"]
    return wire


def _flag(args: Json, key: str) -> bool:
    return str(args.get(key, "")).lower() in ("1", "true")


def _channel(args: Json) -> str:
    channel = args.get("channel")
    if not isinstance(channel, str) or not channel:
        raise SlackError("channel_not_found")
    return dm_channel(channel)


def _page(ws: Workspace, args: Json, channel: str, found: list[Json]) -> Json:
    """One page of `found`, from the cursor (an offset) on, `limit` long."""
    try:
        limit = min(max(int(args.get("limit") or DEFAULT_LIMIT), 1), MAX_LIMIT)
        start = int(args.get("cursor") or 0)
    except ValueError as error:
        raise SlackError("invalid_arguments") from error
    page = found[start : start + limit]
    more = start + limit < len(found)
    metadata = _flag(args, "include_all_metadata")
    return {
        "channel": channel,
        "messages": [wire_message(ws, m, metadata) for m in page],
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _between(args: Json, messages: list[Json]) -> list[Json]:
    """The messages inside the oldest/latest window (bounds excluded, as by default)."""
    oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
    return [m for m in messages if oldest < float(m["ts"]) < latest]


def conversations_history(ws: Workspace, args: Json) -> Json:
    """A channel's top-level messages, newest first."""
    channel = _channel(args)
    top = [m for m in ws.messages(channel) if m["thread_ts"] in (None, m["ts"])]
    return _page(ws, args, channel, list(reversed(_between(args, top))))


def conversations_replies(ws: Workspace, args: Json) -> Json:
    """A thread: its parent, then its replies, oldest first."""
    channel = _channel(args)
    ts = args.get("ts")
    parent = ws.find_message(channel, str(ts)) if ts else None
    if parent is None:
        raise SlackError("thread_not_found")
    thread = [m for m in ws.messages(channel) if m["ts"] == ts or m["thread_ts"] == ts]
    return _page(ws, args, channel, _between(args, thread))


HISTORY_METHODS = {
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
