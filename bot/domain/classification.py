"""What a mention is (question, complaint, praise) and how soon it needs an answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    QUESTION = "question"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    OTHER = "other"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


QUESTION_START = re.compile(
    r"^\s*(how|why|what|when|where|who|which|can|could|does|do|is|are|will|should|anyone)\b",
    re.IGNORECASE,
)
COMPLAINT_WORDS = re.compile(
    r"(?<!\w)(broken|bug|crash\w*|not working|doesn'?t work|won'?t work|refund|worst|terrible|"
    r"awful|useless|disappointed|unacceptable|failed|failing|error|outage|down again|scam)(?!\w)",
    re.IGNORECASE,
)
PRAISE_WORDS = re.compile(
    r"(?<!\w)(love|loving|thanks|thank you|great|awesome|amazing|brilliant|kudos|best|fantastic|"
    r"well done|impressed)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Assessment:
    intent: Intent
    priority: Priority
    reason: str


def intent_of(text: str, sentiment: float) -> Intent:
    """Guess what the customer wants from the words and the sentiment (-1 … 1)."""
    asks = "?" in text or bool(QUESTION_START.match(text))
    if asks and sentiment > -0.6:
        return Intent.QUESTION
    if sentiment <= -0.3 or (COMPLAINT_WORDS.search(text) and sentiment < 0.3):
        return Intent.COMPLAINT
    if sentiment >= 0.5 or (PRAISE_WORDS.search(text) and sentiment > 0.1):
        return Intent.PRAISE
    return Intent.QUESTION if asks else Intent.OTHER


def urgent_term(text: str, terms: Sequence[str]) -> str | None:
    """Return the first configured urgent term the text contains, as whole words."""
    for term in terms:
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE):
            return term
    return None


def assess(
    text: str,
    sentiment: float,
    *,
    followers: int | None,
    is_advocate: bool,
    urgent_terms: Sequence[str],
    high_reach: int,
) -> Assessment:
    """Decide intent and priority, with the reason a person reads on the card."""
    intent = intent_of(text, sentiment)
    term = urgent_term(text, urgent_terms)
    reach = (followers or 0) >= high_reach
    if term is not None:
        return Assessment(intent, Priority.URGENT, f"mentions “{term}”")
    if intent is Intent.COMPLAINT and (reach or sentiment <= -0.75):
        why = (
            f"complaint from an account with {followers:,} followers"
            if reach
            else "angry complaint"
        )
        return Assessment(intent, Priority.URGENT, why)
    if intent is Intent.COMPLAINT:
        return Assessment(intent, Priority.HIGH, "complaint")
    if is_advocate or reach:
        who = "an advocate" if is_advocate else f"an account with {followers:,} followers"
        return Assessment(intent, Priority.HIGH, f"from {who}")
    if intent is Intent.QUESTION:
        return Assessment(intent, Priority.NORMAL, "question")
    return Assessment(
        intent, Priority.LOW if intent is Intent.OTHER else Priority.NORMAL, intent.value
    )
