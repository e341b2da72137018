"""Routing: which department answers a mention, and the reason people see."""

from __future__ import annotations

import pytest

from bot.domain.model import Department
from bot.domain.routing import matching_keyword, route

SUPPORT = Department(
    key="support",
    name="Support",
    channel="C_SUPPORT",
    keywords=("login", "log", "password", "c++"),
)
BILLING = Department(
    key="billing",
    name="Billing",
    channel="C_BILLING",
    keywords=("invoice", "refund", "password"),
)
GENERAL = Department(key="general", name="General", channel="C_GENERAL", default=True)

DEPARTMENTS = (SUPPORT, BILLING, GENERAL)


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("LOGIN broken", "login"),
        ("my Login is broken", "login"),
        ("login.", "login"),
        ("(login)", "login"),
        ("I love C++!", "c++"),
        ("c++ compiler crashes", "c++"),
    ],
)
def test_keywords_match_whole_words_in_any_case(text: str, keyword: str) -> None:
    assert matching_keyword(text, SUPPORT) == keyword


@pytest.mark.parametrize("text", ["blogging about you", "catalogue", "logins", "abc++ library"])
def test_keywords_do_not_match_inside_other_words(text: str) -> None:
    assert matching_keyword(text, Department("d", "D", "C", keywords=("log", "c++"))) is None


def test_blogging_does_not_route_on_log() -> None:
    decision = route("I am blogging about your product", DEPARTMENTS)

    assert decision.department_key == "general"


def test_a_keyword_sends_the_mention_to_its_department() -> None:
    decision = route("Where is my REFUND?", DEPARTMENTS)

    assert decision.department_key == "billing"


def test_the_first_department_in_order_wins() -> None:
    # Support and Billing both list "password"; Billing's "invoice" even comes first in the
    # text, yet the department listed first in the configuration takes the mention.
    text = "invoice page asks for my password"

    assert route(text, DEPARTMENTS).department_key == "support"
    assert route(text, (BILLING, SUPPORT, GENERAL)).department_key == "billing"


def test_the_reason_names_the_keyword_matched() -> None:
    decision = route("LOGIN broken again", DEPARTMENTS)

    assert decision.reason == "matched keyword “login”"


def test_the_default_department_catches_the_rest() -> None:
    decision = route("Nice weather today", DEPARTMENTS)

    assert decision.department_key == "general"
    assert "General" in decision.reason
    assert "catch-all" in decision.reason


def test_the_default_department_need_not_come_first() -> None:
    decision = route("Nice weather today", (SUPPORT, GENERAL, BILLING))

    assert decision.department_key == "general"


def test_without_a_default_the_first_department_catches_the_rest() -> None:
    decision = route("Nice weather today", (BILLING, SUPPORT))

    assert decision.department_key == "billing"
    assert "Billing" in decision.reason
