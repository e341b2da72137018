"""`/chorus help | customer HANDLE | sources | digest | role | trusted-lane | …`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.services.customers import customer_history
from bot.sources.health import source_health
from handlers.commands import CHORUS_HELP, usage
from handlers.context import services_of
from handlers.customer_view import build_customer_history
from handlers.digest_actions import handle_digest_command
from handlers.ideas import handle_idea_command
from handlers.ids import Command
from handlers.policy_actions import handle_guidelines_command
from handlers.role_command import handle_role_command, handle_trusted_lane_command, plain_word
from handlers.sources_view import build_health_message
from handlers.stats_command import handle_stats_command


def handle_chorus_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    words = command.get("text", "").split()
    verb = words[0].lower() if words else ""
    if verb == "customer" and len(words) == 2:
        ack()
        services, handle = services_of(context), plain_word(words[1])
        text, blocks = build_customer_history(
            handle, customer_history(services, handle), services.clock()
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    if verb == "idea":
        handle_idea_command(ack, command, context)
        return
    if verb == "guidelines" and len(words) == 1:
        handle_guidelines_command(ack, command, context, respond)
        return
    if verb == "digest":
        handle_digest_command(ack, command, context, respond)
        return
    if verb == "role":
        handle_role_command(ack, command, context, respond)
        return
    if verb == "trusted-lane":
        handle_trusted_lane_command(ack, command, context)
        return
    if verb == "stats":
        handle_stats_command(ack, command, context)
        return
    if verb == "sources" and len(words) == 1:
        services = services_of(context)
        text, blocks = build_health_message(source_health(services), services.clock())
        ack(response_type="ephemeral", text=text, blocks=blocks)
        return
    usage(ack, CHORUS_HELP, "" if verb in ("", "help") else " ".join(words))


def register(app: App) -> None:
    app.command(Command.CHORUS)(handle_chorus_command)
