"""Reminders for a customer nobody has answered yet: kind words and a Claim button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.clock import duration
from bot.domain.limits import NETWORK_NAMES
from bot.domain.reminders import Stage
from bot.services.views import Card
from handlers.ids import Action
from handlers.text import SECTION_LIMIT, escape, truncate


def build_reminder(card: Card, payload: dict[str, Any]) -> tuple[str, list[Block]]:
    """The thread reminder, or the DM to leads and managers, for a mention still waiting."""
    stage = Stage(str(payload["stage"]))
    waited = duration(timedelta(minutes=int(payload.get("waited_minutes") or 0)))
    department = card.department
    sla = duration(timedelta(minutes=department.sla_minutes or 0)) if department else "its"
    name = escape(department.name) if department else "the department"
    network = NETWORK_NAMES[card.mention.network]
    who = escape(card.customer.name or card.customer.handle) if card.customer else "A customer"
    if stage is Stage.THREAD:
        said = (
            f":hourglass_flowing_sand: {who} has been waiting {waited} of working time, past "
            f"{name}'s answer time of {sla}. Could someone take it?"
        )
    else:
        where = f" in <#{card.channel}>" if card.channel else ""
        said = (
            f":hourglass_flowing_sand: #{card.mention.id}{where}: {who} on {network} has been "
            f"waiting {waited} of working time ({name} aims for {sla}) and nobody has it yet. "
            "Could you find someone, or take it yourself?"
        )
    claim = ButtonElement(
        text="Claim", action_id=Action.CLAIM, value=str(card.mention.id), style="primary"
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(said, SECTION_LIMIT))),
        ActionsBlock(elements=[claim]),
    ]
    return truncate(f"#{card.mention.id} is waiting for an answer ({waited})", 300), blocks
