"""Routing rules: ordered `[[routes]]`, first match wins, before department keywords.

Each condition is checked alone, then together (every condition given must hold), then the
order: rules, department keywords, the catch-all. The reason names the rule and what matched.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.model import Department
from bot.domain.routing import Facts, RouteRule, route

SUPPORT = Department(
    key="support", name="Customer Support", channel="C0SUPPORT", keywords=("refund", "login")
)
SALES = Department(key="sales", name="Sales", channel="C0SALES", keywords=("pricing",))
EMEA = Department(key="emea", name="EMEA", channel="C0EMEA")
GENERAL = Department(key="general", name="General", channel="C0GENERAL", default=True)
DEPARTMENTS = (SUPPORT, SALES, EMEA, GENERAL)

A_POST = Facts(
    text="My invoice for order #4521 is wrong",
    network="mastodon",
    language="en",
    intent="complaint",
    sentiment=-0.48,
    followers=1200,
    author="@ana@social.example",
)


def facts(**changes: object) -> Facts:
    """The post above with some facts changed."""
    return replace(A_POST, **changes)  # type: ignore[arg-type]


def rule(**conditions: object) -> RouteRule:
    return RouteRule(department_key="emea", name="test", **conditions)  # type: ignore[arg-type]


# -- each condition alone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "matched", "missed"),
    [
        pytest.param(
            {"keywords": ("invoice", "billing")},
            (A_POST, "keyword “invoice”"),
            facts(text="My invoices are wrong"),
            id="keywords, whole words",
        ),
        pytest.param(
            {"keywords": ("INVOICE",)},
            (A_POST, "keyword “INVOICE”"),
            facts(text="Nothing about money"),
            id="keywords, any case",
        ),
        pytest.param(
            {"patterns": (r"order #\d+",)},
            (A_POST, r"pattern /order #\d+/"),
            facts(text="My order is wrong"),
            id="patterns",
        ),
        pytest.param(
            {"patterns": (r"ORDER #\d+",)},
            (A_POST, r"pattern /ORDER #\d+/"),
            facts(text="My order #abc is wrong"),
            id="patterns, any case",
        ),
        pytest.param(
            {"networks": ("x", "mastodon")},
            (A_POST, "network mastodon"),
            facts(network="bluesky"),
            id="networks",
        ),
        pytest.param(
            {"languages": ("fr", "de")},
            (facts(language="fr"), "language fr"),
            A_POST,
            id="languages",
        ),
        pytest.param(
            {"languages": ("fr",)},
            (facts(language="fr"), "language fr"),
            facts(language=None),
            id="languages, unknown language",
        ),
        pytest.param(
            {"intents": ("complaint",)},
            (A_POST, "intent complaint"),
            facts(intent="praise"),
            id="intents",
        ),
        pytest.param(
            {"sentiment_min": 0.3},
            (facts(sentiment=0.5), "sentiment 0.5 ≥ 0.3"),
            A_POST,
            id="sentiment_min",
        ),
        pytest.param(
            {"sentiment_min": 0.3},
            (facts(sentiment=0.3), "sentiment 0.3 ≥ 0.3"),
            facts(sentiment=None),
            id="sentiment_min, bound included",
        ),
        pytest.param(
            {"sentiment_max": -0.5},
            (facts(sentiment=-0.6), "sentiment -0.6 ≤ -0.5"),
            A_POST,
            id="sentiment_max",
        ),
        pytest.param(
            {"min_followers": 10_000},
            (facts(followers=20_000), "followers 20000 ≥ 10000"),
            A_POST,
            id="min_followers",
        ),
        pytest.param(
            {"min_followers": 10_000},
            (facts(followers=10_000), "followers 10000 ≥ 10000"),
            facts(followers=None),
            id="min_followers, unknown reach",
        ),
        pytest.param(
            {"authors": ("@Ana@Social.Example", "@ben")},
            (A_POST, "author @ana@social.example"),
            facts(author="@carla@social.example"),
            id="authors, any case",
        ),
        pytest.param(
            {"authors": ("@ana@social.example",)},
            (facts(author="@ANA@SOCIAL.EXAMPLE"), "author @ana@social.example"),
            facts(author=None),
            id="authors, no author",
        ),
    ],
)
def test_each_condition_alone(
    conditions: dict[str, object], matched: tuple[Facts, str], missed: Facts
) -> None:
    the_rule = rule(**conditions)
    post, words = matched

    assert the_rule.explain(post) == words
    assert the_rule.explain(missed) is None


def test_every_condition_given_must_hold() -> None:
    french_complaints = rule(languages=("fr",), intents=("complaint",))

    assert french_complaints.explain(facts(language="fr")) == "language fr, intent complaint"
    assert french_complaints.explain(facts(language="fr", intent="praise")) is None
    assert french_complaints.explain(facts(language="en")) is None


def test_a_sentiment_range_holds_between_its_bounds() -> None:
    lukewarm = rule(sentiment_min=-0.2, sentiment_max=0.2)

    assert lukewarm.explain(facts(sentiment=0.0)) == "sentiment 0 ≥ -0.2, sentiment 0 ≤ 0.2"
    assert lukewarm.explain(facts(sentiment=0.5)) is None
    assert lukewarm.explain(facts(sentiment=-0.5)) is None


def test_all_conditions_together() -> None:
    everything = rule(
        keywords=("invoice",),
        patterns=(r"#\d{4}",),
        networks=("mastodon",),
        languages=("en",),
        intents=("complaint",),
        sentiment_min=-1.0,
        sentiment_max=0.0,
        min_followers=1000,
        authors=("@ana@social.example",),
    )

    assert everything.explain(A_POST) == (
        "keyword “invoice”, pattern /#\\d{4}/, network mastodon, language en, "
        "intent complaint, author @ana@social.example, sentiment -0.48 ≥ -1, "
        "sentiment -0.48 ≤ 0, followers 1200 ≥ 1000"
    )
    assert everything.explain(facts(followers=999)) is None


# -- order: rules, then department keywords, then the catch-all --------------------------

EMEA_RULE = RouteRule(department_key="emea", name="emea", languages=("fr", "de", "es"))
VIP_RULE = RouteRule(department_key="sales", name="big accounts", min_followers=10_000)


def test_a_matching_rule_routes_and_the_reason_names_it() -> None:
    decision = route(
        Facts("Mon remboursement n'est jamais arrivé", language="fr"), DEPARTMENTS, [EMEA_RULE]
    )

    assert decision.department_key == "emea"
    assert decision.reason == "rule “emea”: language fr"
    assert decision.rule == "emea"


def test_the_first_matching_rule_wins() -> None:
    french_and_famous = Facts("Bonjour", language="fr", followers=50_000)

    first = route(french_and_famous, DEPARTMENTS, [EMEA_RULE, VIP_RULE])
    other_order = route(french_and_famous, DEPARTMENTS, [VIP_RULE, EMEA_RULE])

    assert (first.department_key, first.rule) == ("emea", "emea")
    assert (other_order.department_key, other_order.rule) == ("sales", "big accounts")
    assert other_order.reason == "rule “big accounts”: followers 50000 ≥ 10000"


def test_a_rule_comes_before_department_keywords() -> None:
    decision = route(Facts("Où est mon refund ?", language="fr"), DEPARTMENTS, [EMEA_RULE])

    assert decision.department_key == "emea"


def test_without_a_matching_rule_department_keywords_still_route() -> None:
    decision = route(Facts("Where is my refund?", language="en"), DEPARTMENTS, [EMEA_RULE])

    assert decision.department_key == "support"
    assert decision.reason == "matched keyword “refund”"
    assert decision.rule is None


def test_without_rule_or_keyword_the_catch_all_answers() -> None:
    decision = route(Facts("Hello there", language="en"), DEPARTMENTS, [EMEA_RULE, VIP_RULE])

    assert decision.department_key == "general"
    assert decision.reason == "no keyword matched; General is the catch-all"
    assert decision.rule is None


def test_plain_text_routes_by_keywords_as_before() -> None:
    assert route("What is your pricing?", DEPARTMENTS).department_key == "sales"
    assert route("What is your pricing?", DEPARTMENTS, [EMEA_RULE]).department_key == "sales"
