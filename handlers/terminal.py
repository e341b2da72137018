"""Block Kit as terminal text, so `chorus digest --preview` shows what Slack will show."""

from __future__ import annotations

import re
from typing import Any

DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
USER = re.compile(r"<@([A-Z0-9]+)>")
CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")


def blocks_as_text(blocks: list[dict[str, Any]]) -> str:
    """Return the blocks as plain lines: headers underlined, buttons in brackets."""
    lines: list[str] = []
    for block in blocks:
        lines += _block_lines(block)
    return "\n".join(lines).rstrip() + "\n"


def _block_lines(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _plain(block["text"]["text"])
        return ["", title, "=" * len(title)]
    if kind == "divider":
        return ["", "—" * 40]
    if kind == "section":
        return ["", _plain(block["text"]["text"])]
    if kind == "context":
        return ["  " + " ".join(_plain(e.get("text", "")) for e in block["elements"])]
    if kind == "actions":
        return ["  " + "  ".join(f"[{_plain(e['text']['text'])}]" for e in block["elements"])]
    return []


def _plain(text: str) -> str:
    """mrkdwn as a person reads it: @user, #channel, "label (url)", and no entities."""
    text = DATE.sub(r"\1", text)
    text = LINK.sub(r"\2 (\1)", text)
    text = USER.sub(r"@\1", text)
    text = CHANNEL.sub(r"#\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
