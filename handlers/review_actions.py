"""Buttons on a draft in the mention's thread, and on the author's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.services import review
from handlers import card_actions
from handlers.card_actions import tell_clicker
from handlers.context import action_value, services_of, user_of
from handlers.effects import apply_effects
from handlers.ids import Action, Modal
from handlers.modals import (
    build_edit_approve_modal,
    build_mark_posted_modal,
    build_note_modal,
)


def handle_approve(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    effects = review.approve(services, action_value(body), user_of(body))
    apply_effects(effects, services, client, tell_clicker(body, context, respond))


def handle_edit_approve(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    draft_id = action_value(body)
    text = review.check_reviewer(services_of(context), draft_id, user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_edit_approve_modal(draft_id, text))


def handle_request_changes(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    _open_note_modal(Modal.REQUEST_CHANGES, body, context, client)


def handle_reject(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    _open_note_modal(Modal.REJECT, body, context, client)


def _open_note_modal(
    modal: Modal, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    draft_id = action_value(body)
    # Someone who may not review hears why now, before typing a note for nothing.
    text = review.check_reviewer(services_of(context), draft_id, user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_note_modal(modal, draft_id, text))


def handle_mark_posted(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    draft_id = action_value(body)
    text = review.check_can_post(services_of(context), draft_id, user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_mark_posted_modal(draft_id, text))


def register(app: App) -> None:
    app.action(Action.APPROVE)(handle_approve)
    app.action(Action.EDIT_APPROVE)(handle_edit_approve)
    app.action(Action.REQUEST_CHANGES)(handle_request_changes)
    app.action(Action.REJECT)(handle_reject)
    app.action(Action.MARK_POSTED)(handle_mark_posted)
    # Revise draft (in the author's DM) opens the same form as Draft reply on the card.
    app.action(Action.REVISE)(card_actions.handle_draft)
