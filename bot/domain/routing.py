"""Routing: which department answers a mention, and why."""

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


@cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words only: "login" must not match "blogging". Lookarounds instead of \b so a
    # keyword that starts or ends with punctuation ("c++", "#acme") still matches.
    return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE)


def matching_keyword(text: str, department: Department) -> str | None:
    """Return the first of the department's keywords found in `text` as a whole word."""
    for keyword in department.keywords:
        if _keyword_pattern(keyword).search(text):
            return keyword
    return None


def route(text: str, departments: Sequence[Department]) -> RouteDecision:
    """Pick the first department (in configuration order) whose keyword the text contains."""
    for department in departments:
        keyword = matching_keyword(text, department)
        if keyword is not None:
            return RouteDecision(department.key, f"matched keyword “{keyword}”")
    fallback = next((d for d in departments if d.default), departments[0])
    return RouteDecision(fallback.key, f"no keyword matched; {fallback.name} is the catch-all")
