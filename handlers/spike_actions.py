"""The spike summary's button: Show next 10 gives the next held mentions their own cards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.services import spikes
from handlers.card_actions import ephemeral
from handlers.context import action_value, services_of, user_of
from handlers.effects import apply_effects
from handlers.ids import Action


def handle_show_next(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    size = services.config.spike.show_next
    effects = spikes.release_next(services, action_value(body), size, user_of(body))
    # The cards and the summary's new count go out through the outbox, at the channel's pace.
    apply_effects(effects, services, client, ephemeral(respond))


def register(app: App) -> None:
    app.action(Action.SPIKE_SHOW_NEXT)(handle_show_next)
