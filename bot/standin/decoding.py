"""Read a Web API request as Slack does: query and form or JSON body, JSON-string arguments."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from bot.standin.state import Json

JSON_ARGS = ("blocks", "attachments", "view", "metadata")


class BadRequest(Exception):
    """A request the stand-in cannot read: answered HTTP 400."""


def maybe_json(key: str, value: Any) -> Any:
    """Parse the JSON-string value of blocks, attachments, view and metadata."""
    if key not in JSON_ARGS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_body(content_type: str, body: bytes) -> Json:
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
        media = content_type.split(";")[0].strip().lower()
        if media == "application/json":
            data = json.loads(text)
        elif media in ("application/x-www-form-urlencoded", ""):
            data = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
        else:
            raise BadRequest("unsupported_content_type")
    except ValueError as error:
        raise BadRequest("invalid_body") from error
    if not isinstance(data, dict):
        raise BadRequest("invalid_body")
    return data


def decode_args(query: str, content_type: str, body: bytes) -> Json:
    """Query parameters merged with the form or JSON body (the body wins)."""
    args: Json = dict(parse_qsl(query, keep_blank_values=True))
    args.update(_decode_body(content_type, body))
    return {key: maybe_json(key, value) for key, value in args.items()}
