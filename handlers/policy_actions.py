"""The policy in Slack: a reply checked as it is typed, and `/chorus guidelines`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.services import policy, workflow
from bot.services.core import Services
from handlers.context import services_of, user_of
from handlers.guidelines_view import build_guidelines_message
from handlers.ids import Block, Modal
from handlers.modals import build_draft_modal, build_edit_approve_modal, metadata


def handle_reply_typed(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    view = body["view"]
    text = str(body["actions"][0].get("value") or "")
    rechecked = _rechecked(services_of(context), view, user_of(body), text)
    if rechecked is None:
        return
    try:
        # The hash makes Slack refuse this update if a later keystroke already changed the
        # modal: an older check must never overwrite a newer one.
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=rechecked)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise


def _rechecked(services: Services, view: dict[str, Any], user: str, text: str) -> View | None:
    """The same modal, with what the policy says of the text now in the reply box."""
    meta = metadata(view)
    if view.get("callback_id") == Modal.DRAFT:
        report = policy.check(services, user, text) if text.strip() else None
        # The text typed so far is also the initial value, should Slack not keep it.
        form = replace(workflow.draft_form(services, int(meta["mention_id"])), initial_text=text)
        return build_draft_modal(form, meta.get("channel"), report)
    if view.get("callback_id") == Modal.EDIT_APPROVE:
        draft_id = int(meta["draft_id"])
        author = policy.draft_author(services, draft_id)
        report = policy.check(services, author, text) if text.strip() else None
        return build_edit_approve_modal(draft_id, text, report)
    return None


def handle_guidelines_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()  # a first profile lookup may take a moment
    services = services_of(context)
    text, blocks = build_guidelines_message(policy.guidelines(services, command["user_id"]))
    respond(text=text, blocks=[b.to_dict() for b in blocks], response_type="ephemeral")


def register(app: App) -> None:
    # The reply box of the draft and Edit & approve modals sends its text as it is typed.
    app.action(Block.REPLY)(handle_reply_typed)
