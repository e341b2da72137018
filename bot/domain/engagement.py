"""How a published reply did: its engagement, its score, and when to measure it.

The score weighs what matters (shares, links, conversations) above applause, and it is a
property of a reply, never of a person: nothing here adds scores up by author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

# When results are read after publishing: early echo, the first day, the long tail.
SNAPSHOTS: tuple[tuple[str, timedelta], ...] = (
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("24h", timedelta(hours=24)),
    ("72h", timedelta(hours=72)),
    ("7d", timedelta(days=7)),
)

# VADER's compound score above which a customer's follow-up reads as positive.
POSITIVE_SENTIMENT = 0.3


# "Thanks" in the languages customers write in most; a complaint that ends in thanks is a win,
# and sentiment scores exist for English only.
THANKS = re.compile(
    r"(?<!\w)(thanks?|thank you|thx|ty|cheers|much appreciated|merci|danke|dankesch[öo]n|"
    r"gracias|grazie|obrigad[oa]|bedankt|dank je|tack|takk|kiitos|dzi[eę]kuj[eę]|спасибо|"
    r"teşekkürler|ありがとう|谢谢|감사합니다)(?!\w)",
    re.IGNORECASE,
)


# "Thanks for nothing" is not thanks, whatever the word counts say.
NOT_THANKS = re.compile(
    r"(?<!\w)(thanks? for nothing|no,? thanks?|thanks,? but no|merci pour rien|danke f[üu]r nichts)"
    r"(?!\w)",
    re.IGNORECASE,
)
# The follow-up a colleague reports ("they thanked us"), as opposed to the customer's own post.
REPORTED_ANSWER = "chorus:reported"


@dataclass(frozen=True)
class Engagement:
    likes: int = 0
    shares: int = 0
    quotes: int = 0
    replies: int = 0
    clicks: int = 0
    positive_follow_ups: int = 0


@dataclass(frozen=True)
class ScoreWeights:
    shares: float = 3
    quotes: float = 3
    replies: float = 2
    clicks: float = 2
    likes: float = 1
    positive_follow_up: float = 5


def score(engagement: Engagement, weights: ScoreWeights) -> float:
    """Return the reply's score: each kind of engagement times its weight."""
    return (
        engagement.shares * weights.shares
        + engagement.quotes * weights.quotes
        + engagement.replies * weights.replies
        + engagement.clicks * weights.clicks
        + engagement.likes * weights.likes
        + engagement.positive_follow_ups * weights.positive_follow_up
    )


def snapshot_schedule(published_at: datetime) -> list[tuple[str, datetime]]:
    """Return each snapshot's label and when it is due."""
    return [(label, published_at + offset) for label, offset in SNAPSHOTS]


def says_thanks(text: str) -> bool:
    """Tell whether the text thanks someone, in one of the common languages."""
    return THANKS.search(text) is not None


def is_positive_follow_up(text: str, sentiment: float | None) -> bool:
    """Tell whether the customer's answer is a success: thanks, or clearly positive words."""
    if NOT_THANKS.search(text) or (sentiment is not None and sentiment <= -POSITIVE_SENTIMENT):
        return False
    return says_thanks(text) or (sentiment is not None and sentiment >= POSITIVE_SENTIMENT)


def describe(engagement: Engagement) -> str:
    """Say the results in words, most meaningful first, leaving out what is zero."""
    parts = [
        (engagement.shares, "share", "shares"),
        (engagement.quotes, "quote", "quotes"),
        (engagement.replies, "reply", "replies"),
        (engagement.clicks, "link click", "link clicks"),
        (engagement.likes, "like", "likes"),
    ]
    words = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    if engagement.positive_follow_ups:
        words.append("the customer answered warmly")
    return ", ".join(words) if words else "no engagement yet"
