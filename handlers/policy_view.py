"""What the policy says of a reply, under the reply input and on the reviewer's message."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.domain.policy import Finding, PolicyReport
from handlers.ids import Block as BlockId
from handlers.text import CONTEXT_LIMIT, escape, truncate

GUIDELINES_HINT = ":book: Guidelines: type `/chorus guidelines` to read what replies may say."
CLEAN = ":white_check_mark: Nothing to fix: the reply follows the guidelines."


def finding_line(finding: Finding) -> str:
    icon = ":no_entry:" if finding.blocking else ":warning:"
    return f"{icon} {escape(finding.message)}"


def build_findings_blocks(report: PolicyReport | None) -> list[Block]:
    """The findings in plain words (blocking first), then where the guidelines are."""
    blocks: list[Block] = []
    if report is not None:
        ordered = [*report.blocking, *report.warnings]
        said = "\n".join(finding_line(f) for f in ordered) if ordered else CLEAN
        blocks.append(
            ContextBlock(
                block_id=BlockId.POLICY_FINDINGS,
                elements=[MarkdownTextObject(text=truncate(said, CONTEXT_LIMIT))],
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=GUIDELINES_HINT)]))
    return blocks


def build_warning_lines(warnings: Sequence[str]) -> list[Block]:
    """The policy's warnings on a draft, for its reviewer: one ":warning:" line each."""
    if not warnings:
        return []
    lines = "\n".join(f":warning: {escape(w)}" for w in warnings)
    return [ContextBlock(elements=[MarkdownTextObject(text=truncate(lines, CONTEXT_LIMIT))])]
