"""Count a reply's length the way each network does, with libraries that know the rules:
`regex` for Unicode grapheme clusters (what Bluesky and Mastodon count) and the official
twitter-text rules (v3 weights) for X."""

from __future__ import annotations

import regex

from bot.domain.limits import LengthRule, ReplyLengths, Unit, count_code_points, countable

GRAPHEME = regex.compile(r"\X")


def count_graphemes(rule: LengthRule, text: str) -> int:
    """Count user-perceived characters; each link as the rule's link length when it has one."""
    rest, links = countable(rule, text)
    return len(GRAPHEME.findall(rest)) + links


def count_weighted(rule: LengthRule, text: str) -> int:
    """Count X's weighted length: links 23, most emoji and CJK characters 2."""
    # Imported on first use: its URL and emoji tables cost memory a team without X never needs.
    from twitter_text import parse_tweet

    return int(parse_tweet(text).weightedLength)


def measure(rule: LengthRule, text: str) -> int:
    """Return the length of `text` under `rule`."""
    if rule.unit is Unit.GRAPHEMES:
        return count_graphemes(rule, text)
    if rule.unit is Unit.WEIGHTED:
        return count_weighted(rule, text)
    return count_code_points(rule, text)


def network_lengths() -> ReplyLengths:
    """The reply rules of every network, counted as the networks count."""
    return ReplyLengths(measure=measure)
