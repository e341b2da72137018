"""Routing: which department answers a mention, and why.

Ordered rules come first (first match wins), then department keywords, then the catch-all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bot.domain.model import Department


@dataclass(frozen=True)
class RouteDecision:
    department_key: str
    reason: str
    rule: str | None = None


@dataclass(frozen=True)
class Facts:
    """What routing may look at in a mention."""

    text: str
    network: str = "other"
    language: str | None = None
    intent: str | None = None
    sentiment: float | None = None
    followers: int | None = None
    author: str | None = None


@dataclass(frozen=True)
class RouteRule:
    """One `[[routes]]` rule. Every condition given must hold; a list holds when any item does."""

    department_key: str
    name: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    sentiment_min: float | None = None
    sentiment_max: float | None = None
    min_followers: int | None = None
    authors: tuple[str, ...] = ()

    def explain(self, facts: Facts) -> str | None:
        """Return what matched, in words, or None when the rule does not apply."""
        checks = [
            _any_keyword(self.keywords, facts.text),
            _any_pattern(self.patterns, facts.text),
            _member(self.networks, facts.network, "network"),
            _member(self.languages, facts.language, "language"),
            _member(self.intents, facts.intent, "intent"),
            _member(tuple(a.lower() for a in self.authors), (facts.author or "").lower(), "author"),
            _at_least(self.sentiment_min, facts.sentiment, "sentiment"),
            _at_most(self.sentiment_max, facts.sentiment, "sentiment"),
            _at_least(self.min_followers, facts.followers, "followers"),
        ]
        if any(check is False for check in checks):
            return None
        return ", ".join(check for check in checks if isinstance(check, str))


Check = str | bool | None  # words when it matched, False when it failed, None when not asked


def _any_keyword(keywords: tuple[str, ...], text: str) -> Check:
    if not keywords:
        return None
    found = next((k for k in keywords if _keyword_pattern(k).search(text)), None)
    return f"keyword “{found}”" if found else False


def _any_pattern(patterns: tuple[str, ...], text: str) -> Check:
    if not patterns:
        return None
    found = next((p for p in patterns if _compiled(p).search(text)), None)
    return f"pattern /{found}/" if found else False


def _member(allowed: tuple[str, ...], value: str | None, label: str) -> Check:
    if not allowed:
        return None
    return f"{label} {value}" if value is not None and value in allowed else False


def _at_least(bound: float | None, value: float | None, label: str) -> Check:
    if bound is None:
        return None
    return f"{label} {value:g} ≥ {bound:g}" if value is not None and value >= bound else False


def _at_most(bound: float | None, value: float | None, label: str) -> Check:
    if bound is None:
        return None
    return f"{label} {value:g} ≤ {bound:g}" if value is not None and value <= bound else False


@cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words only: "login" must not match "blogging". Lookarounds instead of \b so a
    # keyword that starts or ends with punctuation ("c++", "#acme") still matches.
    return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def matching_keyword(text: str, department: Department) -> str | None:
    """Return the first of the department's keywords found in `text` as a whole word."""
    for keyword in department.keywords:
        if _keyword_pattern(keyword).search(text):
            return keyword
    return None


def route(
    text: str | Facts, departments: Sequence[Department], rules: Sequence[RouteRule] = ()
) -> RouteDecision:
    """Rules in order, then the first department whose keyword the text has, then the default."""
    facts = text if isinstance(text, Facts) else Facts(text)
    for rule in rules:
        matched = rule.explain(facts)
        if matched is not None:
            return RouteDecision(rule.department_key, f"rule “{rule.name}”: {matched}", rule.name)
    for department in departments:
        keyword = matching_keyword(facts.text, department)
        if keyword is not None:
            return RouteDecision(department.key, f"matched keyword “{keyword}”")
    fallback = next((d for d in departments if d.default), departments[0])
    return RouteDecision(fallback.key, f"no keyword matched; {fallback.name} is the catch-all")
