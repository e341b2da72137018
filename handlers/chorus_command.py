"""`/chorus help | customer HANDLE | sources | digest`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.services.customers import customer_history
from bot.sources.health import source_health
from handlers.commands import CHORUS_HELP, usage
from handlers.context import services_of
from handlers.customer_view import build_customer_history
from handlers.digest_actions import handle_digest_command
from handlers.ids import Command
from handlers.sources_view import build_health_message


def handle_chorus_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    words = command.get("text", "").split()
    verb = words[0].lower() if words else ""
    if verb == "customer" and len(words) == 2:
        ack()
        services = services_of(context)
        text, blocks = build_customer_history(
            words[1], customer_history(services, words[1]), services.clock()
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    if verb == "digest":
        handle_digest_command(ack, command, context, respond)
        return
    if verb == "sources" and len(words) == 1:
        services = services_of(context)
        text, blocks = build_health_message(source_health(services), services.clock())
        ack(response_type="ephemeral", text=text, blocks=blocks)
        return
    usage(ack, CHORUS_HELP, "" if verb in ("", "help") else " ".join(words))


def register(app: App) -> None:
    app.command(Command.CHORUS)(handle_chorus_command)
