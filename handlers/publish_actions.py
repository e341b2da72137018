"""Publish and Retry on an approved draft; Update results on a published card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.domain.errors import WorkflowError
from bot.services import publish, results
from handlers.card_actions import ephemeral
from handlers.context import action_value, services_of, user_of
from handlers.effects import apply_effects, refresh_card
from handlers.ids import Action, Modal
from handlers.modals import metadata
from handlers.results_modal import build_results_modal, read_results


def handle_publish(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    # Acknowledge before calling the network: it may take longer than Slack's 3 seconds.
    ack()
    services = services_of(context)
    effects = publish.publish(services, action_value(body), user_of(body))
    apply_effects(effects, services, client, ephemeral(respond))


def handle_update_results(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    form = results.results_form(services_of(context), action_value(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_results_modal(form))


def handle_results_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    report, errors = read_results(view)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    services, meta = services_of(context), metadata(view)
    try:
        results.report(services, int(meta["publication_id"]), report, "manual", user_of(body))
    except WorkflowError as refusal:
        ack(response_action="errors", errors={"shares": str(refusal)})
        return
    ack()
    refresh_card(services, client, int(meta["mention_id"]))


def register(app: App) -> None:
    app.action(Action.PUBLISH)(handle_publish)
    app.action(Action.RETRY_PUBLISH)(handle_publish)
    app.action(Action.UPDATE_RESULTS)(handle_update_results)
    app.view(Modal.RESULTS)(handle_results_submission)
