"""How long a reply may be on each network, and what counts as a link we accept.

Networks count differently: Bluesky counts what people see as characters (graphemes), Mastodon
too but with every link as 23, and X weighs characters (most emoji and CJK count twice, links
23). The domain holds the rules; the counting itself is passed in (`Measure`), so the shell
can use a library that knows Unicode's segmentation and X's weights.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import urlsplit

from bot.domain.errors import WorkflowError
from bot.domain.model import Network

LINK = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# "@ana@social.example": Mastodon counts only "@ana", so replying to far servers costs nothing.
MENTION_DOMAIN = re.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")


class Unit(StrEnum):
    CODE_POINTS = "code_points"
    GRAPHEMES = "graphemes"
    WEIGHTED = "weighted"


@dataclass(frozen=True)
class LengthRule:
    limit: int
    unit: Unit = Unit.CODE_POINTS
    # Every link counts as this many characters, however long it is.
    link_length: int | None = None
    # A mention's server ("@ana@social.example") is not counted.
    local_mentions: bool = False

    def describe(self) -> str:
        """Say the rule in the words people use ("characters"), with what counts oddly."""
        notes = []
        if self.unit is Unit.WEIGHTED:
            notes.append("links count as 23, most emoji and CJK characters as 2")
        elif self.link_length:
            notes.append(f"each link counts as {self.link_length}")
        if self.unit is Unit.GRAPHEMES:
            notes.append("an emoji as 1" if notes else "an emoji counts as 1")
        return f"{self.limit:,} characters" + (f" ({', '.join(notes)})" if notes else "")


REPLY_RULES: dict[Network, LengthRule] = {
    Network.X: LengthRule(280, Unit.WEIGHTED, 23),
    Network.MASTODON: LengthRule(500, Unit.GRAPHEMES, 23, local_mentions=True),
    Network.BLUESKY: LengthRule(300, Unit.GRAPHEMES),
    Network.LINKEDIN: LengthRule(1250),
    Network.FACEBOOK: LengthRule(8000),
    Network.INSTAGRAM: LengthRule(2200),
    Network.YOUTUBE: LengthRule(10000),
    Network.REDDIT: LengthRule(10000),
    Network.BLOG: LengthRule(5000),
    Network.REVIEW: LengthRule(5000),
    Network.OTHER: LengthRule(5000),
}

# Networks whose rule is the network's own, not a setting.
FIXED_RULES = frozenset({Network.X, Network.MASTODON, Network.BLUESKY})

NETWORK_NAMES: dict[Network, str] = {
    Network.X: "X",
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.LINKEDIN: "LinkedIn",
    Network.FACEBOOK: "Facebook",
    Network.INSTAGRAM: "Instagram",
    Network.YOUTUBE: "YouTube",
    Network.REDDIT: "Reddit",
    Network.BLOG: "Blog",
    Network.REVIEW: "Review site",
    Network.OTHER: "Other",
}

Measure = Callable[[LengthRule, str], int]


def countable(rule: LengthRule, text: str) -> tuple[str, int]:
    """Return the text that counts character by character, and what its links add."""
    if rule.local_mentions:
        text = MENTION_DOMAIN.sub(r"\1", text)
    if rule.link_length is None:
        return text, 0
    return LINK.sub("", text), rule.link_length * len(LINK.findall(text))


def count_code_points(rule: LengthRule, text: str) -> int:
    """Count code points, each link as the rule's link length: the fallback measure."""
    rest, links = countable(rule, text)
    return len(rest) + links


@dataclass(frozen=True)
class ReplyLengths:
    """The length rule of every network, and the measure that applies them."""

    rules: Mapping[Network, LengthRule] = field(default_factory=lambda: dict(REPLY_RULES))
    measure: Measure = count_code_points

    def with_limits(self, limits: Mapping[Network, int]) -> ReplyLengths:
        """Return these rules with other limits for the networks that allow a setting."""
        rules = dict(self.rules)
        for network, limit in limits.items():
            if network not in FIXED_RULES:
                rules[network] = replace(rules[network], limit=limit)
        return ReplyLengths(rules, self.measure)

    def rule(self, network: Network) -> LengthRule:
        return self.rules[network]

    def length(self, network: Network, text: str) -> int:
        """Return the reply's length as `network` counts it."""
        return self.measure(self.rules[network], text)

    def fits(self, network: Network, text: str) -> bool:
        return self.length(network, text.strip()) <= self.rules[network].limit

    def check(self, network: Network, text: str) -> str:
        """Return the reply stripped of outer blank space, or raise with what to fix."""
        reply = text.strip()
        if not reply:
            raise WorkflowError("A reply can't be empty: write what the customer should read.")
        rule, length = self.rules[network], self.length(network, reply)
        if length > rule.limit:
            raise WorkflowError(
                f"{NETWORK_NAMES[network]} replies can be at most {rule.describe()}; "
                f"this one has {length:,}. Shorten it by {length - rule.limit:,}."
            )
        return reply


DEFAULT_LENGTHS = ReplyLengths()


def is_http_url(value: str) -> bool:
    """Tell whether `value` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()
