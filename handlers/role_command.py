"""`/chorus role list|add|remove` and `/chorus trusted-lane on|off DEPT`.

/chorus is declared with `should_escape: true`, so Slack turns a picked @person into
`<@U123|ana>` and a picked #channel into `<#C123|support>`: ids, never guessed names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.errors import WorkflowError
from bot.domain.roles import Grant, parse_role
from bot.services.core import Services
from bot.services.roles import add_role, list_roles, remove_role, switch_trusted_lane
from bot.services.workflow import wake_if_queued
from handlers.commands import usage
from handlers.context import services_of
from handlers.roles_view import LANE_USAGE, ROLE_USAGE, build_lane_status, build_role_list

log = logging.getLogger("chorus.slack")

USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
LINKING_WORDS = {"of", "in", "for", "a", "an", "the", "as"}


def plain_word(word: str) -> str:
    """A word as the person typed it: Slack escapes `@ana` to `<@U123|ana>` when a colleague
    has that name, but `/chorus customer @ana` means the customer."""
    found = re.fullmatch(r"<([@#])[A-Z0-9]+\|([^>]+)>", word)
    return found.group(1) + found.group(2) if found else word


def read_user(word: str) -> str:
    """The Slack user id in an escaped mention (`<@U123|ana>`, `<@U123>`) or a bare id."""
    found = USER.match(word)
    if found is None:
        raise WorkflowError(
            f"I can't tell who “{word}” is: type @ and pick the person from Slack's list."
        )
    return found.group(1) or found.group(2)


def read_department(services: Services, word: str) -> str:
    """A department key as typed, or the department whose channel was picked (`#support`)."""
    found = CHANNEL.match(word)
    if found is None:
        return word.lower()
    channel = found.group(1)
    keys = [d.key for d in services.config.department_list() if d.channel == channel]
    if not keys:
        raise WorkflowError(f"{word} is not a department's channel: name the department instead.")
    return keys[0]


def read_grant(services: Services, words: list[str]) -> Grant:
    """`@person manager`, `@person lead DEPT`, `@person trusted in DEPT` as a Grant."""
    if len(words) < 2:
        raise WorkflowError("Say who and which role, for example `@ana lead support`.")
    person, role_word, *rest = words
    rest = [w for w in rest if w.lower() not in LINKING_WORDS]
    if len(rest) > 1:
        raise WorkflowError("One role at a time, please.")
    department = read_department(services, rest[0]) if rest else None
    return Grant(read_user(person), parse_role(role_word, department), department)


@dataclass(frozen=True)
class LaneRequest:
    department_key: str
    on: bool | None  # None: only show the lane


def read_lane_request(services: Services, words: list[str], channel: str | None) -> LaneRequest:
    """`on|off [DEPT]` or `[DEPT]`; DEPT defaults to the department of the channel."""
    switch = words[0].lower() if words and words[0].lower() in ("on", "off") else None
    rest = words[1:] if switch else words
    if len(rest) > 1:
        raise WorkflowError("Name one department.")
    if rest:
        return LaneRequest(read_department(services, rest[0]), _on(switch))
    here = [d.key for d in services.config.department_list() if d.channel == channel]
    if not here:
        raise WorkflowError("Say which department, or run this in the department's channel.")
    return LaneRequest(here[0], _on(switch))


def _on(switch: str | None) -> bool | None:
    return None if switch is None else switch == "on"


def workspace_admin(client: WebClient, user_id: str) -> Callable[[], bool]:
    """Ask Slack, when needed, whether the person is a workspace admin or owner."""

    def ask() -> bool:
        try:
            found = client.users_info(user=user_id).get("user") or {}
        except SlackApiError as error:
            code = str(error.response.get("error", ""))
            if code == "user_not_found":
                return False
            log.warning("users.info for %s failed: %s", user_id, code)
            raise WorkflowError(
                f"Chorus couldn't ask Slack whether you are a workspace admin (“{code}”). "
                "Try again in a moment."
            ) from None
        return bool(found.get("is_admin") or found.get("is_owner"))

    return ask


def handle_role_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    services, words = services_of(context), command.get("text", "").split()[1:]
    action = words[0].lower() if words else "list"
    if action == "list" and len(words) <= 2:
        return _list(ack, services, words[1] if len(words) == 2 else None)
    if action not in ("add", "remove"):
        return usage(ack, ROLE_USAGE, "" if action == "help" else " ".join(words))
    try:
        grant = read_grant(services, words[1:])
    except WorkflowError as problem:
        ack(response_type="ephemeral", text=f"{problem}\n\n{ROLE_USAGE}")
        return
    ack()  # asking Slack whether the person is an admin may take a moment
    change = add_role if action == "add" else remove_role
    user = command["user_id"]
    is_admin = workspace_admin(context.client, user)
    effects = wake_if_queued(services, change(services, user, grant, is_admin))
    respond(text=effects.notice or "", response_type="ephemeral")


def _list(ack: Ack, services: Services, word: str | None) -> None:
    try:
        department = read_department(services, word) if word else None
        text, blocks = build_role_list(list_roles(services, department))
    except WorkflowError as problem:
        ack(response_type="ephemeral", text=str(problem))
        return
    ack(response_type="ephemeral", text=text, blocks=[b.to_dict() for b in blocks])


def handle_trusted_lane_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    services, words = services_of(context), command.get("text", "").split()[1:]
    if words and words[0].lower() == "help":
        return usage(ack, LANE_USAGE, "")
    try:
        request = read_lane_request(services, words, command.get("channel_id"))
    except WorkflowError as problem:
        ack(response_type="ephemeral", text=f"{problem}\n\n{LANE_USAGE}")
        return
    try:
        answer = _lane(services, command["user_id"], request)
    except WorkflowError as problem:
        answer = str(problem)
    ack(response_type="ephemeral", text=answer)


def _lane(services: Services, user_id: str, request: LaneRequest) -> str:
    if request.on is None:
        [department] = list_roles(services, request.department_key).departments
        return build_lane_status(department)
    effects = switch_trusted_lane(services, user_id, request.department_key, request.on)
    return wake_if_queued(services, effects).notice or ""
