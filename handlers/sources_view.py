"""`/chorus sources`: each source's health as Block Kit, from `bot.sources.health`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.sources.health import SourceHealth, ago
from handlers.text import SECTION_LIMIT, escape, truncate, when

MAX_SOURCES = 45  # a message holds 50 blocks: a title, the sources, a "more" note
ICONS = {"never polled": ":hourglass_flowing_sand:", "healthy": ":large_green_circle:"}
ERROR_LIMIT = 600


def build_health_message(
    rows: list[SourceHealth], now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the blocks of the sources' health."""
    failing = sum(1 for row in rows if row.failures)
    text = f"Sources: {len(rows)}, {failing} failing" if rows else "No sources yet."
    return text, build_health_blocks(rows, now)


def build_health_blocks(rows: list[SourceHealth], now: datetime) -> list[dict[str, Any]]:
    """A title, then one section per source: status, last success, last error, brought in."""
    if not rows:
        empty = "*No sources yet.* Add a `[[sources]]` table to chorus.toml (see the README)."
        return [SectionBlock(text=MarkdownTextObject(text=empty)).to_dict()]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*Sources* ({len(rows)})"))]
    blocks += [_source_section(row, now) for row in rows[:MAX_SOURCES]]
    if len(rows) > MAX_SOURCES:
        more = f"…and {len(rows) - MAX_SOURCES} more: run `chorus sources` to see them all."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return [block.to_dict() for block in blocks]


def _source_section(row: SourceHealth, now: datetime) -> SectionBlock:
    icon = ICONS.get(row.status, ":red_circle:")
    lines = [f"{icon} *{escape(row.name)}* · {escape(row.kind)} · {escape(row.status)}"]
    if row.last_polled_at is not None:
        success = when(row.last_success_at) if row.last_success_at else "never"
        lines.append(f"Last success: {success} · Brought in: *{row.brought_in}*")
    if row.last_error and row.last_error_at:
        error = escape(truncate(row.last_error, ERROR_LIMIT))
        lines.append(f"Last error, {when(row.last_error_at)}: {error}")
    if row.next_poll_at is not None:
        lines.append(f"Next poll: {ago(row.next_poll_at, now)}")
    return SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), SECTION_LIMIT)))
