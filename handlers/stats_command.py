"""`/chorus stats [DEPT]`, dispatched from handlers/chorus_command.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.errors import WorkflowError
from bot.services.stats import stats_for
from handlers.context import services_of
from handlers.stats_view import build_stats

STATS_USAGE = (
    "*/chorus stats* — how a department is doing now: open mentions, median time to a first "
    "answer this week, drafts in review, post ideas in the pipeline.\n"
    "• `/chorus stats` for this channel's department (the whole company elsewhere)\n"
    "• `/chorus stats KEY` for one department, `/chorus stats all` for the company"
)


def handle_stats_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    words = command.get("text", "").split()[1:]
    if len(words) > 1 or words == ["help"]:
        ack(response_type="ephemeral", text=STATS_USAGE)
        return
    services = services_of(context)
    try:
        stats = stats_for(services, words[0] if words else None, command.get("channel_id"))
    except WorkflowError as unknown:
        ack(response_type="ephemeral", text=str(unknown))
        return
    text, blocks = build_stats(stats, services.clock())
    ack(response_type="ephemeral", text=text, blocks=[b.to_dict() for b in blocks])
