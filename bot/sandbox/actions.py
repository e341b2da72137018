"""block_actions payloads: find the element a person used, and describe it as Slack does."""

from __future__ import annotations

import time
from collections.abc import Iterator

from bot.sandbox.interactions import APP_ID, TEAM, VERIFICATION_TOKEN, Json, Refused

BOT_ID = "B0CHORUS"
CHOICE_ELEMENTS = ("static_select", "overflow", "radio_buttons")


def _elements(blocks: list[Json]) -> Iterator[tuple[str, Json]]:
    """Every interactive element with its block id: in actions, accessories and inputs."""
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        kind = block.get("type")
        if kind == "actions":
            inner = block.get("elements") or []
        elif kind == "section":
            inner = [block["accessory"]] if block.get("accessory") else []
        elif kind == "input":
            inner = [block["element"]] if block.get("element") else []
        else:
            inner = []
        for element in inner:
            yield block_id, element


def find_element(blocks: list[Json], block_id: str | None, action_id: str) -> Json:
    """The element with this action id (in this block, when given), or Refused."""
    for found_block, element in _elements(blocks):
        if element.get("action_id") == action_id and block_id in (None, "", found_block):
            return {**element, "block_id": found_block}
    raise Refused(
        409,
        f"“{action_id}” is no longer on that message or view; it changed since the page "
        "showed it, so look again and retry",
    )


def _options(element: Json) -> Iterator[Json]:
    yield from element.get("options") or []
    for group in element.get("option_groups") or []:
        yield from group.get("options") or []


def _chosen(element: Json, selected: Json | None) -> Json:
    wanted = (selected or {}).get("value")
    for option in _options(element):
        if option.get("value") == wanted:
            return dict(option)
    raise Refused(400, f"choose one of the options of “{element.get('action_id')}”")


def action_object(element: Json, selected: Json | None) -> Json:
    """The entry of `actions` Slack sends for a click on `element` (or a choice in it)."""
    kind = str(element.get("type") or "button")
    action: Json = {
        "type": kind,
        "action_id": element["action_id"],
        "block_id": element["block_id"],
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        action["text"] = element.get("text")
        for key in ("value", "style"):
            if key in element:
                action[key] = element[key]
    elif kind in CHOICE_ELEMENTS:
        action["selected_option"] = _chosen(element, selected)
    elif selected is not None:
        action["selected_option"] = selected
    return action


def wire_message(message: Json, team_id: str) -> Json:
    """A stored message as Slack puts it in an interaction's `message`."""
    wire: Json = {
        "type": "message",
        "user": message.get("user"),
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": team_id,
        "ts": message["ts"],
        "text": message.get("text") or "",
        "blocks": message.get("blocks") or [],
    }
    if message.get("thread_ts"):
        wire["thread_ts"] = message["thread_ts"]
    if message.get("edited"):
        wire["edited"] = {"user": message.get("user"), "ts": message["ts"]}
    return wire


def _base(user: Json, trigger_id: str, action: Json) -> Json:
    return {
        "type": "block_actions",
        "user": user,
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }


def message_payload(
    user: Json,
    channel: Json,
    message: Json,
    action: Json,
    *,
    trigger_id: str,
    response_url: str,
    ephemeral: bool = False,
) -> Json:
    """A click on a message; an ephemeral one carries no `message`, as in Slack."""
    payload = _base(user, trigger_id, action)
    payload["container"] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel["id"],
        "is_ephemeral": ephemeral,
    }
    payload["channel"] = channel
    payload["state"] = {"values": {}}
    payload["response_url"] = response_url
    if not ephemeral:
        payload["message"] = wire_message(message, TEAM["id"])
    return payload


def view_payload(user: Json, view: Json, action: Json, *, trigger_id: str) -> Json:
    """A click inside a modal or the App Home."""
    payload = _base(user, trigger_id, action)
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload["view"] = view
    payload["state"] = view.get("state") or {"values": {}}
    return payload
