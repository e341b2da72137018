"""`/chorus digest` (this or another week's digest, only for you) and the digest's
**See open mentions** button."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, Respond

from bot.domain.digest import COMPANY
from bot.domain.errors import WorkflowError
from bot.domain.weeks import Week, last_full_week, parse_week, week_at
from bot.services.core import Services
from bot.services.digest import Scope, compute_digest, scope_named
from handlers.commands import build_mention_list
from handlers.context import services_of, user_of
from handlers.digest_view import build_digest_message
from handlers.ids import Action

DIGEST_USAGE = (
    "`/chorus digest [DEPT|company] [this|YYYY-Www]` shows a weekly digest, only to you.\n"
    "• `/chorus digest` — last week's, for this channel's department (else the company's)\n"
    "• `/chorus digest support this` — the week so far\n"
    "• `/chorus digest company 2026-W47` — a given ISO week\n"
    "The digest itself goes to each department's channel every week (see `[digest]`)."
)


def handle_digest_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    services = services_of(context)
    try:
        scope, week = _read_request(services, command)
    except (ValueError, WorkflowError) as problem:
        ack(response_type="ephemeral", text=f"{problem}\n{DIGEST_USAGE}")
        return
    ack()  # reading a week of data may take longer than Slack's three seconds
    text, blocks = build_digest_message(compute_digest(services, scope, week))
    respond(text=text, blocks=[b.to_dict() for b in blocks], response_type="ephemeral")


def _read_request(services: Services, command: dict[str, Any]) -> tuple[Scope, Week]:
    words = command.get("text", "").split()[1:]
    if len(words) > 2 or "help" in words:
        raise ValueError("Here is how to ask for a digest.")
    zone = ZoneInfo(services.config.timezone)
    week = last_full_week(services.clock(), zone)
    department = _department_of_channel(services, command.get("channel_id"))
    for word in words:
        if word.lower() == "this":
            week = week_at(services.clock(), zone)
        elif word[:1].isdigit():
            week = parse_week(word)
        else:
            department = word.lower()
    return scope_named(services, department), week


def _department_of_channel(services: Services, channel: str | None) -> str:
    found = (d.key for d in services.config.department_list() if d.channel == channel)
    return next(found, COMPANY)


def handle_see_open(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    services = services_of(context)
    scope = str(body["actions"][0]["value"])
    text, blocks = build_mention_list(
        services, "open" if scope == COMPANY else scope, user_of(body)
    )
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def register(app: App) -> None:
    app.action(Action.DIGEST_OPEN)(handle_see_open)
