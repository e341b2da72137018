"""What Chorus understood about a mention and its author, as one context line on the card."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import ago
from bot.services.views import Card, Customer

PRIORITY_BADGES = {
    "urgent": ":rotating_light: *Urgent*",
    "high": ":small_orange_diamond: *High priority*",
}
INTENT_WORDS = {
    "question": "Question",
    "complaint": "Complaint",
    "praise": "Praise",
    "other": "Other",
}
PAST_INTENT = {"question": "asked a question", "complaint": "complained", "praise": "praised us"}


def priority_badge(card: Card) -> str | None:
    return PRIORITY_BADGES.get(card.priority or "")


def insight_line(card: Card, now: datetime) -> str | None:
    """Say what Chorus understood: intent, mood, priority, and who the author is to us."""
    parts = []
    if card.intent:
        parts.append(INTENT_WORDS.get(card.intent, card.intent))
    if card.sentiment is not None:
        parts.append(f"{_mood(card.sentiment)} ({card.sentiment:+.2f})")
    if card.priority:
        parts.append(f"priority {card.priority}")
    if card.customer:
        # "Last 12 days ago" is measured from this mention, so a later re-render keeps it.
        parts.append(customer_line(card.customer, card.mention.received_at))
    return " · ".join(parts) or None


def customer_line(customer: Customer, now: datetime) -> str:
    """The customer's history in a few words."""
    if customer.ordinal == 1:
        history = "first mention"
    else:
        history = f"{_ordinal(customer.ordinal)} mention"
        if customer.previous_at is not None:
            history += f", last {ago(customer.previous_at, now)}"
        if customer.previous_intent in PAST_INTENT:
            history += f" ({PAST_INTENT[customer.previous_intent]})"
    return history + (" · advocate :star:" if customer.is_advocate else "")


def _mood(sentiment: float) -> str:
    if sentiment >= 0.05:
        return "positive"
    if sentiment <= -0.05:
        return "negative"
    return "neutral"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
