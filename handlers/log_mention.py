"""Message shortcut "Log as customer mention": a post seen elsewhere becomes a mention."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Network
from bot.services.ingest import InvalidMentions, ingest, parse_mentions
from handlers.context import services_of, user_of
from handlers.ids import Modal, Shortcut
from handlers.text import truncate

NETWORK, URL, AUTHOR, TEXT = "log_network", "log_url", "log_author", "log_text"
FIELD_BLOCKS = {
    "network": NETWORK,
    "url": URL,
    "author.handle": AUTHOR,
    "author": AUTHOR,
    "text": TEXT,
    "external_id": URL,
}


def build_log_modal(text: str, channel: str, ts: str) -> View:
    """Ask for the network, the post's link and its author; the text comes from the message."""
    options = [Option(value=n.value, label=NETWORK_NAMES[n]) for n in Network]
    blocks = [
        InputBlock(
            block_id=NETWORK,
            label="Network",
            element=StaticSelectElement(action_id=NETWORK, options=options),
        ),
        InputBlock(
            block_id=URL,
            label="Link to the customer's post",
            element=PlainTextInputElement(action_id=URL, placeholder="https://…"),
        ),
        InputBlock(
            block_id=AUTHOR,
            label="Customer's handle",
            element=PlainTextInputElement(action_id=AUTHOR, placeholder="@ana@social.example"),
        ),
        InputBlock(
            block_id=TEXT,
            label="What they wrote",
            element=PlainTextInputElement(
                action_id=TEXT, multiline=True, initial_value=truncate(text, 3000) or None
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=Modal.LOG_MENTION,
        title="Log customer mention",
        submit="Log it",
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps({"channel": channel, "ts": ts}),
    )


def read_log_modal(view: dict[str, Any], user: str) -> dict[str, Any]:
    """Turn the modal's answers into a mention object."""
    values = view["state"]["values"]

    def value(block: str) -> str:
        element = values.get(block, {}).get(block, {})
        if element.get("type") == "static_select":
            return str((element.get("selected_option") or {}).get("value") or "")
        return str(element.get("value") or "").strip()

    url = value(URL)
    return {
        "network": value(NETWORK) or None,
        "external_id": url or None,
        "url": url or None,
        "text": value(TEXT),
        "author": {"handle": value(AUTHOR)} if value(AUTHOR) else None,
        "source": f"slack:{user}",
    }


SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def plain_text(mrkdwn: str) -> str:
    """The words of a Slack message: links as their URL, &amp; &lt; &gt; as & < >."""
    text = SLACK_LINK.sub(lambda m: m.group(1), mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def handle_log_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
    ack()
    message = shortcut.get("message", {})
    view = build_log_modal(
        plain_text(message.get("text", "")), shortcut["channel"]["id"], message.get("ts", "")
    )
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)


def handle_log_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = services_of(context)
    try:
        [mention] = parse_mentions([read_log_modal(view, user_of(body))], prefix="")
    except InvalidMentions as invalid:
        errors = {FIELD_BLOCKS.get(e.field, TEXT): e.message for e in invalid.errors}
        ack(response_action="errors", errors=errors)
        return
    result = ingest(services, [mention], via="slack")
    ack(response_action="update", view=_logged_view(result.mention_ids))


def _logged_view(ids: tuple[int, ...]) -> View:
    if not ids:
        text = "Chorus already has this post, so nothing new was logged. Thank you!"
    else:
        text = (
            f"Logged as mention #{ids[0]}. Its card is on its way to the right channel. Thank you!"
        )
    return View(
        type="modal",
        title="Log customer mention",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def register(app: App) -> None:
    app.shortcut(Shortcut.LOG_MENTION)(handle_log_shortcut)
    app.view(Modal.LOG_MENTION)(handle_log_submission)
