"""`/chorus stats`: a department's (or the company's) figures, as an ephemeral message."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.clock import duration
from bot.services.stats import Stats
from handlers.text import escape


def build_stats(stats: Stats, now: datetime) -> tuple[str, list[Block]]:
    """Return the figures as a short message: team numbers, no ranking, no names."""
    title = f"*{escape(stats.scope.title)}* · week {stats.week.describe()}, so far"
    lines = [
        _open_line(stats, now),
        _median_line(stats),
        f"• Drafts in review: *{stats.in_review}*",
        f"• Post ideas in the pipeline (pitched or being written): *{stats.ideas}*",
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=title)),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Team figures, never per person. The week's story: `/chorus digest this`."
                )
            ]
        ),
    ]
    text = (
        f"{stats.scope.title}: {stats.open_now} open, {stats.in_review} in review, "
        f"{stats.ideas} ideas in the pipeline"
    )
    return escape(text), blocks


def _open_line(stats: Stats, now: datetime) -> str:
    if not stats.open_now:
        return "• Open mentions: *0*: every customer has an answer. :tada:"
    line = f"• Open mentions: *{stats.open_now}*"
    if stats.oldest_open:
        line += f", the oldest waiting for {duration(now - stats.oldest_open)}"
    return line


def _median_line(stats: Stats) -> str:
    if stats.median_first_answer is None:
        return "• Median time to a first answer this week: no answer is live yet"
    answers = "answer" if stats.answered == 1 else "answers"
    return (
        f"• Median time to a first answer this week: *{duration(stats.median_first_answer)}* "
        f"({stats.answered} {answers})"
    )
