"""Post ideas from Slack: `/chorus idea`, the global shortcut "Pitch a post idea", the
message shortcut "Pitch as post idea", the pitch modal, and Approve / Decline on the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.domain.errors import WorkflowError
from bot.services import ideas
from handlers.card_actions import ephemeral
from handlers.context import action_value, services_of, user_of
from handlers.effects import apply_effects
from handlers.ideas_view import (
    FIELD_BLOCKS,
    build_decline_modal,
    build_pitch_modal,
    read_decline,
    read_pitch,
)
from handlers.ids import Action, Modal, Shortcut
from handlers.ids import Block as BlockId
from handlers.log_mention import plain_text


def handle_idea_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """`/chorus idea`: the pitch modal, for the channel's department."""
    ack()
    services = services_of(context)
    channel = command.get("channel_id")
    department = next(
        (d.key for d in services.config.department_list() if d.channel == channel), None
    )
    modal = build_pitch_modal(services.config.department_list(), department)
    context.client.views_open(trigger_id=command["trigger_id"], view=modal)


def handle_pitch_shortcut(
    ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    departments = services_of(context).config.department_list()
    client.views_open(trigger_id=shortcut["trigger_id"], view=build_pitch_modal(departments, None))


def handle_pitch_from_message(
    ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Pitch a post from a message: its words start the pitch, its link comes along."""
    ack()
    services = services_of(context)
    message, channel = shortcut.get("message", {}), shortcut["channel"]["id"]
    department = next(
        (d.key for d in services.config.department_list() if d.channel == channel), None
    )
    modal = build_pitch_modal(
        services.config.department_list(),
        department,
        pitch=plain_text(message.get("text", "")),
        link=_permalink(client, channel, message.get("ts", "")),
    )
    client.views_open(trigger_id=shortcut["trigger_id"], view=modal)


def _permalink(client: WebClient, channel: str, ts: str) -> str:
    # A link back to the conversation is a nicety: without it the pitch still opens.
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink") or "")
    except SlackApiError:
        return ""


def handle_pitch_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    try:
        effects = ideas.pitch_idea(services, user_of(body), read_pitch(view))
    except ideas.PitchProblems as problems:
        errors = {str(FIELD_BLOCKS[field]): text for field, text in problems.problems.items()}
        ack(response_action="errors", errors=errors)
        return
    except WorkflowError as refusal:
        ack(response_action="errors", errors={BlockId.IDEA_TITLE: str(refusal)[:2000]})
        return
    ack(response_action="update", view=_thanks(effects.notice or "Thanks!"))


def _thanks(text: str) -> View:
    said = SectionBlock(text=MarkdownTextObject(text=text))
    return View(type="modal", title="Pitch a post idea", close="Done", blocks=[said])


def handle_approve_idea(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    services = services_of(context)
    effects = ideas.decide(services, action_value(body), user_of(body), approve=True)
    apply_effects(effects, services, client, ephemeral(respond))


def handle_decline_idea(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    services = services_of(context)
    idea = ideas.check_decider(services, action_value(body), user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=build_decline_modal(idea))


def handle_decline_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    services = services_of(context)
    idea_id, reason = read_decline(view)
    try:
        ideas.decide(services, idea_id, user_of(body), approve=False, reason=reason)
    except WorkflowError as refusal:
        ack(response_action="errors", errors={BlockId.NOTE: str(refusal)[:2000]})
        return
    ack()


def register(app: App) -> None:
    app.shortcut(Shortcut.PITCH_IDEA)(handle_pitch_shortcut)
    app.shortcut(Shortcut.PITCH_FROM_MESSAGE)(handle_pitch_from_message)
    app.view(Modal.IDEA)(handle_pitch_submission)
    app.view(Modal.DECLINE_IDEA)(handle_decline_submission)
    app.action(Action.APPROVE_IDEA)(handle_approve_idea)
    app.action(Action.DECLINE_IDEA)(handle_decline_idea)
