"""Webhook mappings: another tool's JSON turned into mention objects, without code."""

from __future__ import annotations

from typing import Any

from bot.listening_config import WebhookMapping
from bot.services.ingest import FieldError

MISSING = object()


def read_path(data: Any, path: str) -> Any:
    """Follow a dotted path ("user.screen_name", "media.0.url") into JSON; MISSING if absent."""
    current = data
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def map_payload(
    mapping: WebhookMapping, payload: Any
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Return mention objects built from the payload, or errors naming the missing fields."""
    items = [payload]
    if mapping.items:
        found = read_path(payload, mapping.items)
        if not isinstance(found, list):
            return [], [FieldError(mapping.items, "the mapping's `items` path is not a list here")]
        items = found
    mentions, errors = [], []
    for index, item in enumerate(items):
        mention, missing = _map_item(mapping, item)
        where = f"items[{index}]" if mapping.items else "body"
        errors += [
            FieldError(f"{where}.{path}", f"missing: the mapping reads it for `{field}`")
            for field, path in missing
        ]
        mentions.append(mention)
    return mentions, errors


def _map_item(mapping: WebhookMapping, item: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    mention: dict[str, Any] = {"source": mapping.name}
    if mapping.network is not None:
        mention["network"] = mapping.network.value
    missing = []
    for field, path in mapping.fields.items():
        value = read_path(item, path)
        if value is MISSING or value is None:
            if field in ("external_id", "text", "network"):
                missing.append((field, path))
            continue
        _put(mention, field, value)
    return mention, missing


def _put(mention: dict[str, Any], field: str, value: Any) -> None:
    """Set `author.handle`-style fields as nested objects."""
    head, _, rest = field.partition(".")
    if rest:
        mention.setdefault(head, {})[rest] = value
    else:
        mention[head] = value
