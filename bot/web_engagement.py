"""POST /webhooks/engagement: results a tool reads off a network, for replies posted by hand.

Body: one result object or {"results": [...]}, each naming the reply by its live link
(`url`) or its mention's number (`mention_id`), with any of `likes`, `shares`, `quotes`,
`replies`, `clicks` (whole numbers) and an optional `follow_up` (the customer's answer:
`text`, and `id`, `url`, `created_at` when known).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeGuard

from bot.domain.limits import is_http_url
from bot.publishing.base import FollowUp
from bot.services.ingest import FieldError
from bot.services.results import REPORTED, Report
from bot.sources.social import moment

MAX_RESULTS = 1000
MOST = 1_000_000_000
MAX_ID = 2**63 - 1  # the largest mention number a database column holds
KNOWN = {"url", "mention_id", "follow_up", *REPORTED}
FOLLOW_UP_KNOWN = {"text", "id", "url", "created_at"}

Item = tuple[str | int, Report]


def parse_results(body: bytes) -> tuple[list[Item], list[FieldError], str]:
    """Return the reports in the body, or every problem with where it is, and the prefix of
    the items' fields ("results" for a batch, "" for one result object)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        return [], [FieldError("body", f"not valid JSON: {error}")], ""
    if isinstance(data, dict) and "results" in data:
        raw, prefix = data["results"], "results"
        if not isinstance(raw, list) or not raw or len(raw) > MAX_RESULTS:
            problem = f"must be a list of 1 to {MAX_RESULTS} result objects"
            return [], [FieldError("results", problem)], prefix
    elif isinstance(data, dict):
        raw, prefix = [data], ""
    else:
        return [], [FieldError("body", 'must be a result object or {"results": [...]}')], ""
    items: list[Item] = []
    errors: list[FieldError] = []
    for index, value in enumerate(raw):
        where = f"{prefix}[{index}]." if prefix else ""
        item = _item(value, where, errors)
        if item is not None:
            items.append(item)
    return items, errors, prefix


def locator_field(prefix: str, index: int, locator: str | int) -> str:
    """Where an item names its reply: `url` or `mention_id`, inside `results[i]` in a batch."""
    name = "mention_id" if isinstance(locator, int) else "url"
    return f"{prefix}[{index}].{name}" if prefix else name


def _item(value: Any, where: str, errors: list[FieldError]) -> Item | None:
    if not isinstance(value, dict):
        errors.append(FieldError(where.rstrip(".") or "body", "must be a result object"))
        return None
    before = len(errors)
    for name in sorted(set(value) - KNOWN):
        errors.append(
            FieldError(
                where + _shown(name), f"is not a known field; use {', '.join(sorted(KNOWN))}"
            )
        )
    locator = _locator(value, where, errors)
    numbers = {name: _count(value.get(name), where + name, errors) for name in REPORTED}
    follow_up = _follow_up(value.get("follow_up"), where + "follow_up", errors)
    if len(errors) > before or locator is None:
        return None
    report = Report(**numbers, follow_up=follow_up)  # type: ignore[arg-type]
    if all(v is None for v in numbers.values()) and follow_up is None:
        errors.append(
            FieldError(
                where.rstrip(".") or "body",
                "reports nothing: send at least one of " + ", ".join(REPORTED),
            )
        )
        return None
    return locator, report


def _locator(value: dict[str, Any], where: str, errors: list[FieldError]) -> str | int | None:
    url, mention_id = value.get("url"), value.get("mention_id")
    if url is None and mention_id is None:
        errors.append(
            FieldError(
                where + "url", "is required: the live link of our reply (or give mention_id)"
            )
        )
        return None
    if url is not None:
        if not _is_link(url):
            errors.append(FieldError(where + "url", "must be the http(s) link of our live reply"))
            return None
        return url
    if (
        not isinstance(mention_id, int)
        or isinstance(mention_id, bool)
        or not 0 < mention_id <= MAX_ID
    ):
        errors.append(FieldError(where + "mention_id", "must be the mention's number, like 42"))
        return None
    return mention_id


def _count(value: Any, field: str, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST:
        errors.append(FieldError(field, "must be a whole number of 0 or more"))
        return None
    return value


def _follow_up(value: Any, field: str, errors: list[FieldError]) -> FollowUp | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(FieldError(field, "must be an object: {text, id, url, created_at}"))
        return None
    unknown = sorted(set(value) - FOLLOW_UP_KNOWN)
    for name in unknown:
        known = ", ".join(sorted(FOLLOW_UP_KNOWN))
        errors.append(FieldError(f"{field}.{_shown(name)}", f"is not a known field; use {known}"))
    if unknown:
        return None
    text = value.get("text")
    if isinstance(text, str):
        text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    if not isinstance(text, str) or not text.strip():
        errors.append(FieldError(field + ".text", "is required: what the customer wrote"))
        return None
    ident = value.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
        errors.append(FieldError(field + ".id", "must be the answer's id on the network"))
        return None
    url = value.get("url")
    if url is not None and not _is_link(url):
        errors.append(FieldError(field + ".url", "must be an http(s) link"))
        return None
    posted = value.get("created_at")
    try:
        at: datetime | None = moment(posted) if isinstance(posted, str) else None
    except (ValueError, OverflowError, OSError):
        at = None  # digits moment cannot read ("²"), or epoch seconds past year 9999
    if posted is not None and at is None:
        errors.append(
            FieldError(field + ".created_at", "must be an ISO 8601 time, like 2026-11-20T10:00:00Z")
        )
        return None
    ident = str(ident if ident not in (None, "") else url or text.strip()).replace("\x00", "")
    ident = "tool:" + ident[:290]  # never mistaken for a colleague's report or a network id
    return FollowUp(ident, url, text.strip()[:5000], at)


def _is_link(value: Any) -> TypeGuard[str]:
    """An http(s) link without control characters (PostgreSQL text cannot hold NUL)."""
    return (
        isinstance(value, str)
        and is_http_url(value)
        and not any(ord(c) < 32 or ord(c) == 127 for c in value.strip())
    )


def _shown(name: str) -> str:
    """A field's name in an error: an empty one (JSON allows `"": 1`) shown as "" to be seen."""
    return name or '""'
