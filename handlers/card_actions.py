"""Buttons on a mention card: Claim, Draft reply, Unclaim, Transfer, Dismiss, Open post."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.services import customers, views, workflow
from bot.services.home_refresh import tell_on_home
from handlers.context import action_value, channel_of, services_of, user_of
from handlers.effects import apply_effects
from handlers.home import is_home_click
from handlers.ids import Action
from handlers.modals import build_dismiss_modal, build_draft_modal, build_transfer_modal


def ephemeral(respond: Respond) -> Any:
    return lambda text: respond(text=text, response_type="ephemeral", replace_original=False)


def tell_clicker(body: dict[str, Any], context: BoltContext, respond: Respond) -> Any:
    """Answer the person who clicked where they clicked: beside the message, or at the top
    of their App Home, which has no response URL for an ephemeral answer."""
    if is_home_click(body):
        services, user = services_of(context), user_of(body)
        return lambda text: tell_on_home(services, user, text)
    return ephemeral(respond)


def handle_claim(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    effects = workflow.claim(services, action_value(body), user_of(body))
    apply_effects(effects, services, client, tell_clicker(body, context, respond))


def handle_draft(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    services = services_of(context)
    form, effects = workflow.start_draft(services, action_value(body), user_of(body))
    # Open the modal first: the trigger_id expires three seconds after the click.
    client.views_open(trigger_id=body["trigger_id"], view=build_draft_modal(form, channel_of(body)))
    apply_effects(effects, services, client, None)


def handle_unclaim(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    effects = workflow.unclaim(services, action_value(body), user_of(body))
    apply_effects(effects, services, client, tell_clicker(body, context, respond))


def handle_transfer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    services = services_of(context)
    card = views.card(services, action_value(body))
    departments = services.config.department_list()
    view = build_transfer_modal(card.mention.id, departments, card.mention.department_key)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_dismiss(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    services = services_of(context)
    mention_id = action_value(body)
    workflow.check_can_dismiss(services, mention_id, user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_dismiss_modal(mention_id))


def handle_mark_advocate(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    effects = customers.mark_advocate(services, action_value(body), user_of(body))
    apply_effects(effects, services, client, tell_clicker(body, context, respond))


def handle_open_post(ack: Ack) -> None:
    # A link button still sends an action; Slack wants it acknowledged.
    ack()


def register(app: App) -> None:
    app.action(Action.CLAIM)(handle_claim)
    app.action(Action.DRAFT)(handle_draft)
    app.action(Action.UNCLAIM)(handle_unclaim)
    app.action(Action.TRANSFER)(handle_transfer)
    app.action(Action.DISMISS)(handle_dismiss)
    app.action(Action.OPEN_POST)(handle_open_post)
    app.action(Action.MARK_ADVOCATE)(handle_mark_advocate)
