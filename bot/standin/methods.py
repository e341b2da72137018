"""The Web API methods the stand-in answers, with Slack's response shapes.

Each method takes the workspace and the decoded arguments and returns the response body
without "ok"; it raises `SlackError` for an {"ok": false, "error": ...} answer.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.standin.args import required_arg, text_arg
from bot.standin.files import FILE_METHODS
from bot.standin.reading import HISTORY_METHODS, wire_message
from bot.standin.state import BOT_ID, Call, Failure, Json, SlackError, Workspace, dm_channel
from bot.standin.view_methods import VIEW_METHODS

WORKSPACE_URL = "https://chorus-test.slack.com/"
CREATED = 1_700_000_000

Method = Callable[[Workspace, Json], Json]


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, JSON body, extra headers; `raw` bytes are sent instead."""

    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


def _content(args: Json) -> Json:
    """The message fields of a post or update, validated as Slack does."""
    if "blocks" in args and not isinstance(args["blocks"], list):
        raise SlackError("invalid_blocks")
    if "attachments" in args and not isinstance(args["attachments"], list):
        raise SlackError("invalid_attachments")
    keys = ("text", "blocks", "attachments", "metadata")
    fields = {key: args[key] for key in keys if key in args}
    if not (text_arg(args, "text") or fields.get("blocks") or fields.get("attachments")):
        raise SlackError("no_text")
    return fields


def auth_test(ws: Workspace, args: Json) -> Json:
    return {
        "url": WORKSPACE_URL,
        "team": "Chorus Test",
        "user": "chorus",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def chat_post_message(ws: Workspace, args: Json) -> Json:
    channel = required_arg(args, "channel", "channel_not_found")
    fields = _content(args)
    thread_ts = text_arg(args, "thread_ts")
    message = ws.post_message(channel, {**fields, "thread_ts": thread_ts})
    return {
        "channel": message["channel"],
        "ts": message["ts"],
        "message": wire_message(ws, message),
    }


def chat_update(ws: Workspace, args: Json) -> Json:
    channel = required_arg(args, "channel", "channel_not_found")
    ts = required_arg(args, "ts", "message_not_found")
    message = ws.update_message(channel, ts, _content(args))
    return {
        "channel": message["channel"],
        "ts": message["ts"],
        "text": message["text"],
        "message": wire_message(ws, message),
    }


def chat_post_ephemeral(ws: Workspace, args: Json) -> Json:
    channel = dm_channel(required_arg(args, "channel", "channel_not_found"))
    user = required_arg(args, "user", "user_not_in_channel")
    fields = _content(args)
    ts = ws.next_ts()
    ws.add_ephemeral(
        {
            "source": "chat.postEphemeral",
            "channel": channel,
            "user": user,
            "text": fields.get("text") or "",
            "blocks": fields.get("blocks") or [],
            "thread_ts": text_arg(args, "thread_ts"),
            "message_ts": ts,
        }
    )
    return {"message_ts": ts}


def chat_delete(ws: Workspace, args: Json) -> Json:
    channel = required_arg(args, "channel", "channel_not_found")
    ts = required_arg(args, "ts", "message_not_found")
    ws.delete_message(channel, ts)
    return {"channel": dm_channel(channel), "ts": ts}


def chat_get_permalink(ws: Workspace, args: Json) -> Json:
    channel = dm_channel(required_arg(args, "channel", "channel_not_found"))
    ts = required_arg(args, "message_ts", "message_not_found")
    link = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
    message = ws.find_message(channel, ts)
    if message is not None and message["thread_ts"]:
        link += f"?thread_ts={message['thread_ts']}&cid={channel}"
    return {"channel": channel, "permalink": link}


def users_info(ws: Workspace, args: Json) -> Json:
    return {"user": ws.user(required_arg(args, "user", "user_not_found"))}


def conversations_open(ws: Workspace, args: Json) -> Json:
    channel = text_arg(args, "channel")
    if channel is not None:
        return {"channel": {"id": channel}}
    users = [u.strip() for u in required_arg(args, "users", "users_list_not_supplied").split(",")]
    if len(users) == 1:
        return {"channel": {"id": dm_channel(users[0])}}
    return {"channel": {"id": "G" + "".join(sorted(users))}}


def conversations_info(ws: Workspace, args: Json) -> Json:
    channel = dm_channel(required_arg(args, "channel", "channel_not_found"))
    if channel.startswith("D"):
        im = {"id": channel, "created": CREATED, "is_im": True, "is_org_shared": False}
        return {"channel": {**im, "user": channel[1:], "is_user_deleted": False}}
    name = ws.channel_name(channel)
    return {
        "channel": {
            "id": channel,
            "name": name,
            "name_normalized": name,
            "created": CREATED,
            "creator": ws.bot_user_id,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": False,
            "is_archived": False,
            "is_general": False,
            "is_member": True,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
    }


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    **VIEW_METHODS,
    "users.info": users_info,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    **FILE_METHODS,
    **HISTORY_METHODS,
}


def failure_reply(failure: Failure) -> Reply:
    """The answer a scripted failure calls for."""
    body: Json = {"ok": False, "error": failure.error}
    if failure.error == "ratelimited":
        retry_after = failure.retry_after if failure.retry_after is not None else 1
        return Reply(429, body, {"Retry-After": str(retry_after)})
    return Reply(failure.status, body)


def _scripted(ws: Workspace, method: str, args: Json, token: str | None) -> Reply | None:
    """Record one request; the failure it must answer with, if one is scripted."""
    ws.record(Call(method=method, args=args, token=token))
    failure = ws.take_failure(method)
    return failure_reply(failure) if failure is not None else None


def call_api(ws: Workspace, method: str, args: Json, token: str | None) -> Reply:
    """Record one Web API call and answer it (late, when a delay is scripted)."""
    reply = _answer(ws, method, args, token)
    delay = ws.take_delay(method)
    if delay > 0:
        time.sleep(delay)  # the work is done; only the answer is late, as a timeout meets it
    return reply


def _answer(ws: Workspace, method: str, args: Json, token: str | None) -> Reply:
    scripted = _scripted(ws, method, args, token)
    if scripted is not None:
        return scripted
    outage = ws.outage()
    if outage is not None:
        return failure_reply(outage)
    handler = METHODS.get(method)
    if handler is None:
        return Reply(200, {"ok": False, "error": "unknown_method"})
    if not token:
        return Reply(200, {"ok": False, "error": "not_authed"})
    try:
        return Reply(200, {"ok": True, **handler(ws, args)})
    except SlackError as error:
        return Reply(200, {"ok": False, "error": error.error})


def _respond(ws: Workspace, key: str, body: Json) -> None:
    """Apply a response_url post: ephemeral (the default), in_channel, or a deletion."""
    if body.get("delete_original") in (True, "true", "1"):
        return
    channel, user = ws.responder(key)
    blocks = body.get("blocks") if isinstance(body.get("blocks"), list) else []
    text = text_arg(body, "text") or ""
    if body.get("response_type") == "in_channel":
        if channel is not None:
            ws.post_message(channel, {"text": text, "blocks": blocks})
        return
    entry = {"source": "response_url", "key": key, "channel": channel, "user": user}
    replace = body.get("replace_original") in (True, "true", "1")
    ws.add_ephemeral({**entry, "text": text, "blocks": blocks, "replace_original": replace})


def call_response_url(ws: Workspace, key: str, body: Json) -> Reply:
    """Record one POST to a response_url and answer it as Slack does."""
    scripted = _scripted(ws, "response_url", {**body, "key": key}, None)
    if scripted is not None:
        return scripted
    _respond(ws, key, body)
    return Reply(200, {"ok": True})


def call_upload(ws: Workspace, file_id: str, data: bytes) -> Reply:
    """Record one POST of a file's bytes to its upload_url and answer as Slack does."""
    scripted = _scripted(ws, "upload_url", {"file_id": file_id, "length": len(data)}, None)
    if scripted is not None:
        return scripted
    try:
        size = ws.receive_upload(file_id, data)
    except SlackError as error:
        status = 404 if error.error == "file_not_found" else 400
        return Reply(status, {"ok": False, "error": error.error})
    return Reply(200, {}, {"Content-Type": "text/plain; charset=utf-8"}, f"OK - {size}".encode())


def file_download(ws: Workspace, file_id: str) -> Reply:
    """A shared file's bytes, for its url_private (no token: a page's <img> sends none)."""
    try:
        data, headers = ws.file_content(file_id)
    except SlackError as error:
        return Reply(404, {"ok": False, "error": error.error})
    return Reply(200, {}, headers, data)
