"""`/chorus customer HANDLE`: a customer's history, with links and how each was answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.clock import ago
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Network
from bot.services.customers import History, Story
from handlers.text import escape, link, truncate, user

OUTCOMES = {
    "routed": "waiting for someone to claim it",
    "claimed": "being answered",
    "in_review": "reply in review",
    "approved": "reply approved, not yet posted",
    "dismissed": "dismissed",
}
MAX_STORIES = 20


def build_customer_history(
    handle: str, histories: list[History], now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """Return the ephemeral reply for /chorus customer."""
    if not histories:
        # The words typed after /chorus customer come back in mrkdwn: escaped, like a handle.
        return (
            f"No customer “{escape(truncate(handle, 60))}” yet. Try the handle as it appears "
            "on a card.",
            [],
        )
    blocks: list[Block] = []
    for history in histories[:5]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_heading(history))))
        shown = history.stories[-MAX_STORIES:]
        lines = [_story(story, now) for story in shown]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000))))
        if len(history.stories) > len(shown):
            more = f"Showing the latest {len(shown)} of {len(history.stories)} mentions."
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    total = sum(len(h.stories) for h in histories)
    noun = "mention" if total == 1 else "mentions"
    return f"{escape(handle)}: {total} {noun}", [b.to_dict() for b in blocks[:50]]


def _heading(history: History) -> str:
    network = NETWORK_NAMES.get(Network(history.network), history.network)
    parts = [f"*{escape(history.handle)}* on {network}"]
    if history.name:
        parts.append(escape(history.name))
    if history.followers is not None:
        parts.append(f"{history.followers:,} followers")
    parts.append(f"{len(history.stories)} mention{'s' if len(history.stories) != 1 else ''}")
    if history.is_advocate:
        parts.append("advocate :star:")
    return " · ".join(parts)


def _story(story: Story, now: datetime) -> str:
    excerpt = escape(truncate(" ".join(story.text.split()), 90))
    head = f"• {link(story.url, f'#{story.mention_id}')} {ago(story.received_at, now)}"
    if story.intent:
        head += f" · {story.intent}"
    if story.state == "published":
        outcome = f"answered by {user(story.answered_by)}: {link(story.answer_url, 'our reply')}"
    else:
        outcome = OUTCOMES.get(story.state, story.state)
    return f"{head} — “{excerpt}” → {outcome}"
