"""A strict reader of what Chorus sends Slack: every mrkdwn text must be inert.

Slack acts on three things in mrkdwn (and in a message's `text` fallback): `<…>` sequences
(`<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^…>`, `<url|label>`, `<!date^…>`), and the
entities `&amp;` `&lt;` `&gt;` that stand for the characters which would start them. Chorus
writes a few sequences on purpose: its own dates, the people and channels of the workspace,
and links it built from validated http(s) URLs. `problems` finds every other sequence,
every stray `<` or `>` that could pair up into one, every `&` that is not one of those three
entities, and Block Kit's size limits broken; it walks all of a payload's JSON, so no block
type, field, accessory or option can hide a text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tests.support.workspace import ANA, BEN, LEAD, MANAGER, OTHER_LEAD

PEOPLE = {ANA, BEN, LEAD, MANAGER, OTHER_LEAD, "U0TRUSTED", "U0NEWCOMER"}
CHANNELS = {"C0SUPPORT", "C0SALES", "C0GENERAL", "C0SOCIAL"}
# Where the tests' posts, authors and live replies are: the links Chorus has reason to draw.
# Any other link target is a customer's, and must have been escaped.
LINKS = ("https://social.example/", "https://reddit.example/")

CHORUS_DATE = re.compile(r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>|]*>")
SEQUENCE = re.compile(r"<[^<>]*>")
HTTP_LINK = re.compile(r"<(https?://[^\s<>|]+)(?:\|([^<>]*))?>")
QUOTE = re.compile(r"^>", re.MULTILINE)
BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
# Characters that turn text around or hide it: an author name with U+202E can make the
# rest of a card's line read backwards.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

LIMITS = {"section": 3000, "header": 150, "button": 75, "context": 3000}


def allowed(sequence: str, links: tuple[str, ...] = LINKS) -> bool:
    """Whether a `<…>` sequence is one Chorus writes on purpose; `links` are the targets
    (prefixes) it may link to."""
    if CHORUS_DATE.fullmatch(sequence):
        return True
    if re.fullmatch(r"<@[UW][A-Z0-9]+>", sequence):
        return sequence[2:-1] in PEOPLE
    if re.fullmatch(r"<#C[A-Z0-9]+>", sequence):
        return sequence[2:-1] in CHANNELS
    link = HTTP_LINK.fullmatch(sequence)
    if link is None or not link.group(1).startswith(links):
        return False
    return not BARE_AMPERSAND.search(link.group(2) or "") and not BIDI_CONTROLS.search(sequence)


def mrkdwn_problems(text: str, links: tuple[str, ...] = LINKS) -> list[str]:
    """What in one mrkdwn text Slack would act on, or could show misleadingly."""
    found = [f"live sequence {s!r}" for s in SEQUENCE.findall(text) if not allowed(s, links)]
    # A ">" that starts a line is mrkdwn's quote, which Chorus writes itself.
    rest = QUOTE.sub("", SEQUENCE.sub("", text))
    found += ["stray < or >"] if "<" in rest or ">" in rest else []
    found += ["& that is no entity"] if BARE_AMPERSAND.search(rest) else []
    found += ["bidirectional control character"] if BIDI_CONTROLS.search(text) else []
    return found


def text_objects(payload: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Block Kit text object anywhere in `payload`, with its JSON path."""
    if isinstance(payload, dict):
        if payload.get("type") in ("mrkdwn", "plain_text") and isinstance(payload.get("text"), str):
            yield where, payload
        for key, value in payload.items():
            yield from text_objects(value, f"{where}.{key}")
    elif isinstance(payload, list):
        for n, value in enumerate(payload):
            yield from text_objects(value, f"{where}[{n}]")


def block_problems(blocks: list[dict[str, Any]], links: tuple[str, ...] = LINKS) -> list[str]:
    """Every mrkdwn text's problems, and Block Kit limits broken, in a list of blocks."""
    found = [
        f"{where}: {problem}"
        for where, obj in text_objects(blocks)
        if obj["type"] == "mrkdwn"
        for problem in mrkdwn_problems(obj["text"], links)
    ]
    for n, block in enumerate(blocks):
        found += [f"[{n}]: {p}" for p in _limit_problems(block)]
    return found


def _limit_problems(block: dict[str, Any]) -> Iterator[str]:
    kind = block.get("type")
    text = block.get("text") if kind in ("section", "header") else None
    if isinstance(text, dict) and len(text["text"]) > LIMITS[str(kind)]:
        yield f"{kind} text longer than {LIMITS[str(kind)]}"
    if kind == "context":
        for element in block.get("elements", []):
            if len(element.get("text", "")) > LIMITS["context"]:
                yield f"context text longer than {LIMITS['context']}"
    buttons = [*block.get("elements", []), block.get("accessory") or {}]
    for button in (b for b in buttons if b.get("type") == "button"):
        if len(button["text"]["text"]) > LIMITS["button"]:
            yield "button label longer than 75"
        if not str(button.get("url", "https://")).startswith(("https://", "http://")):
            yield f"button url {button['url']!r} is not http(s)"


def call_problems(method: str, args: dict[str, Any], links: tuple[str, ...] = LINKS) -> list[str]:
    """What is wrong in one Web API call or response_url post Chorus made."""
    found: list[str] = []
    if isinstance(args.get("text"), str) and method != "views.open":
        found += [f"text: {p}" for p in mrkdwn_problems(args["text"], links)]
    blocks = _json(args.get("blocks"))
    if blocks:
        found += block_problems(blocks, links)
        if len(blocks) > 50:
            found.append(f"{len(blocks)} blocks in a message (Slack allows 50)")
    view = _json(args.get("view"))
    if view:
        found += [f"view{p}" for p in block_problems(view.get("blocks", []), links)]
        found += [f"view title: {t}" for t in _title_problems(view)]
    if args.get("link_names") not in (None, False, "false", "0", 0):
        found.append("asks Slack to link names")
    return found


def _title_problems(view: dict[str, Any]) -> Iterator[str]:
    for key in ("title", "submit", "close"):
        if isinstance(view.get(key), dict) and len(view[key]["text"]) > 24:
            yield f"{key} longer than 24"
    limit = 100
    if len(view.get("blocks", [])) > limit:
        yield f"{len(view['blocks'])} blocks in a view (Slack allows {limit})"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
