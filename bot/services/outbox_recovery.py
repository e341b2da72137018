"""Finding a post Slack made although its answer never came back.

A chat.postMessage that timed out, or whose connection dropped, may have been posted all the
same: posting the row again would show a second card. So every post carries its outbox row's
id in the message's metadata, a row whose attempt ended that way is marked, and before such a
row is posted again the channel (or the card's thread) is read for a message carrying its id.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.models import OutboxRow

log = logging.getLogger("chorus.outbox")

EVENT_TYPE = "chorus_outbox"
MAYBE_POSTED = "maybe_posted"  # the payload key that marks a row whose post may have landed
PAGE = 200
PAGES = 10  # the latest 2,000 messages: far more than a channel gets while a retry waits
# Without the history scopes (an install older than this check), Chorus cannot look, so it
# posts again, as it did before.
CANNOT_LOOK = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})


def post_metadata(row_id: int) -> dict[str, Any]:
    """The metadata every post carries, so the post can be found again."""
    return {"event_type": EVENT_TYPE, "event_payload": {"outbox_row": row_id}}


def mark_maybe_posted(row: OutboxRow) -> None:
    """Remember that this row's post may have landed (its answer never came)."""
    row.payload = {**(row.payload or {}), MAYBE_POSTED: True}


def may_have_posted(row: OutboxRow) -> bool:
    return bool((row.payload or {}).get(MAYBE_POSTED))


def find_earlier_post(
    client: WebClient, channel: str, thread_ts: str | None, row_id: int
) -> dict[str, Any] | None:
    """The {"ts", "channel"} of this row's earlier post, or None when Slack has none.

    Errors other than a missing scope propagate, so the worker retries as for a post. Only
    channels are read: a DM's history needs another scope, and a second DM is harmless."""
    if not channel.startswith(("C", "G")):
        return None
    cursor: str | None = None
    try:
        for _ in range(PAGES):
            page = _read(client, channel, thread_ts, cursor)
            for message in page.get("messages") or []:
                if _carries(message, row_id):
                    return {"ts": message["ts"], "channel": page.get("channel") or channel}
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code not in CANNOT_LOOK:
            raise
        log.warning(
            "Cannot look for an earlier post in %s (%s): add channels:history and "
            "groups:history to the app (manifest.yml); posting again",
            channel,
            code,
        )
    return None


def _read(client: WebClient, channel: str, thread_ts: str | None, cursor: str | None) -> Any:
    if thread_ts:
        return client.conversations_replies(
            channel=channel, ts=thread_ts, cursor=cursor, limit=PAGE, include_all_metadata=True
        )
    return client.conversations_history(
        channel=channel, cursor=cursor, limit=PAGE, include_all_metadata=True
    )


def _carries(message: dict[str, Any], row_id: int) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == EVENT_TYPE and payload.get("outbox_row") == row_id
