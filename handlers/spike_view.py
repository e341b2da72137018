"""The spike summary: one calm message in place of a flood of cards, updated as it goes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy.orm import Session

from bot.domain.clock import duration
from bot.services.core import Services
from bot.services.outbox import NotReady, Obsolete, Outgoing
from bot.services.spike_summary import SUMMARY, UPDATE, SpikeSummary, spike_summary
from bot.services.spikes import quiet_span
from handlers.ids import Action
from handlers.text import SECTION_LIMIT, escape, truncate, when
from storage.models import OutboxRow, SpikeRow

HEADER_LIMIT = 150


class SpikeBlock(StrEnum):
    ACTIONS = "spike_actions"


def build_spike_summary(summary: SpikeSummary, show_next: int = 10) -> tuple[str, list[Block]]:
    """Return the summary's fallback text and blocks."""
    blocks: list[Block] = [
        HeaderBlock(text=truncate(_headline(summary), HEADER_LIMIT)),
        _section(_waiting_line(summary)),
    ]
    if summary.held:
        blocks.append(_section(_feelings_line(summary)))
    if summary.held and summary.top_terms:
        terms = " · ".join(f"`{escape(term)}`" for term in summary.top_terms)
        blocks.append(_section(f"*Top terms:* {terms}"))
    blocks.append(_section(_urgent_line(summary)))
    blocks.append(_section(_state_line(summary)))
    if summary.held:
        button = ButtonElement(
            text=f"Show next {show_next}",
            action_id=Action.SPIKE_SHOW_NEXT,
            value=str(summary.spike_id),
            style="primary",
        )
        blocks.append(ActionsBlock(block_id=SpikeBlock.ACTIONS, elements=[button]))
    also = "Also claimable with `/mentions` and `/claim next`."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=also)]))
    fallback = f"{_headline(summary)}: {summary.held} waiting in one summary instead of cards."
    return fallback, blocks


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))


def _headline(summary: SpikeSummary) -> str:
    span = duration(summary.last_mention_at - summary.opened_at)
    return f"Spike: {summary.total} mentions in {span}"


def _waiting_line(summary: SpikeSummary) -> str:
    if not summary.held:
        return f":white_check_mark: All {summary.released} shown as cards: nothing is waiting."
    oldest = f", the oldest since {when(summary.oldest_waiting)}" if summary.oldest_waiting else ""
    shown = f" · {summary.released} shown as cards so far" if summary.released else ""
    return (
        f":hourglass: *{summary.held} waiting* here instead of flooding the channel{oldest}{shown}"
    )


def _feelings_line(summary: SpikeSummary) -> str:
    return (
        "*How they feel:* "
        f":slightly_smiling_face: {summary.positive} positive · "
        f":neutral_face: {summary.neutral} neutral · "
        f":disappointed: {summary.negative} negative"
    )


def _urgent_line(summary: SpikeSummary) -> str:
    so_far = f" ({summary.urgent} so far)" if summary.urgent else ""
    line = f":rotating_light: Urgent ones get their own cards{so_far}."
    if summary.urgent_waiting:
        line += f" {summary.urgent_waiting} more urgent wait here, first in line for Show next."
    return line


def _state_line(summary: SpikeSummary) -> str:
    if summary.is_open:
        return "Still going: new mentions for this channel join this summary until it goes quiet."
    return "Over: new mentions get their own cards again."


def render_spike(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    """Render a spike_summary (posted once) or a spike_update (edits it in place)."""
    spike = session.get(SpikeRow, int(row.payload.get("spike") or 0))
    if spike is None:
        raise Obsolete("the spike no longer exists")
    if row.kind == SUMMARY and spike.summary_ts:
        raise Obsolete("the spike summary is already posted")
    if row.kind == UPDATE and not spike.summary_ts:
        raise NotReady("the spike summary is not in Slack yet")
    config = services.config.spike
    summary = spike_summary(session, spike.id, services.clock(), quiet_span(config))
    text, blocks = build_spike_summary(summary, config.show_next)
    as_dicts: list[dict[str, Any]] = [b.to_dict() for b in blocks]
    update_ts = spike.summary_ts if row.kind == UPDATE else None
    return Outgoing(spike.channel, text, as_dicts, update_ts=update_ts)
