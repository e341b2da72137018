"""The Update results modal: numbers read off the network, and how the customer answered."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.limits import NETWORK_NAMES
from bot.services.results import Report, ResultsForm
from handlers.ids import Block as BlockId
from handlers.ids import Modal
from handlers.modals import field_value, modal_view

NUMBERS: list[tuple[BlockId, str, str]] = [
    (BlockId.SHARES, "shares", "Shares (reposts, boosts, retweets)"),
    (BlockId.QUOTES, "quotes", "Quotes"),
    (BlockId.REPLIES, "replies", "Replies"),
    (BlockId.CLICKS, "clicks", "Link clicks"),
    (BlockId.LIKES, "likes", "Likes"),
]
ANSWERS = {
    "none": "No answer yet",
    "thanks": "They thanked us, or were happy",
    "unhappy": "They are still unhappy",
}
MOST = 100_000_000


def build_results_modal(form: ResultsForm) -> View:
    """Ask for what the network shows now; every field starts at the last known number."""
    network = NETWORK_NAMES[form.network]
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"#{form.mention_id} · read these off {network}. Shares, link clicks "
                    "and conversations count most; Chorus adds the clicks on its own short links."
                )
            ]
        )
    ]
    for block, name, label in NUMBERS:
        current = getattr(form.engagement, name)
        element = PlainTextInputElement(
            action_id=block, initial_value=str(current), max_length=12, placeholder="0"
        )
        blocks.append(InputBlock(block_id=block, label=label, element=element, optional=True))
    options = [Option(value=k, label=v) for k, v in ANSWERS.items()]
    initial = next(o for o in options if o.value == (form.customer_answer or "none"))
    blocks.append(
        InputBlock(
            block_id=BlockId.ANSWER,
            label="How did the customer answer?",
            element=StaticSelectElement(
                action_id=BlockId.ANSWER, options=options, initial_option=initial
            ),
            optional=True,
        )
    )
    meta = {"publication_id": form.publication_id, "mention_id": form.mention_id}
    return modal_view(Modal.RESULTS, "Update results", "Save", blocks, meta)


def read_results(view: dict[str, Any]) -> tuple[Report, dict[str, str]]:
    """Return the report, and an error per field that is not a whole number."""
    numbers: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for block, name, label in NUMBERS:
        raw = field_value(view, block).strip().replace(",", "").replace(" ", "")
        if not raw:
            numbers[name] = None
        # ASCII only: "²" and other Unicode digits pass isdigit() but int() refuses them.
        elif raw.isascii() and raw.isdigit() and int(raw) <= MOST:
            numbers[name] = int(raw)
        else:
            numbers[name] = None
            errors[block] = f"{label} must be a whole number, like 12 (or leave it empty)."
    answer = field_value(view, BlockId.ANSWER) or None
    report = Report(
        likes=numbers["likes"],
        shares=numbers["shares"],
        quotes=numbers["quotes"],
        replies=numbers["replies"],
        clicks=numbers["clicks"],
        customer_answer=answer,
    )
    return report, errors
