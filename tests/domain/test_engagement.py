"""A reply's score follows the configured weights; snapshots follow the publishing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.engagement import (
    Engagement,
    ScoreWeights,
    describe,
    is_positive_follow_up,
    score,
    snapshot_schedule,
)

DEFAULT = ScoreWeights()


@pytest.mark.parametrize(
    ("engagement", "expected"),
    [
        (Engagement(), 0),
        (Engagement(likes=10), 10),
        (Engagement(shares=2, quotes=1), 9),
        (Engagement(replies=3, clicks=4), 14),
        (Engagement(positive_follow_ups=1), 5),
        (Engagement(likes=1, shares=1, quotes=1, replies=1, clicks=1, positive_follow_ups=1), 16),
    ],
)
def test_the_default_weights_favour_shares_links_and_conversations(
    engagement: Engagement, expected: float
) -> None:
    assert score(engagement, DEFAULT) == expected


def test_one_share_outweighs_two_likes() -> None:
    assert score(Engagement(shares=1), DEFAULT) > score(Engagement(likes=2), DEFAULT)


def test_the_score_follows_configured_weights() -> None:
    weights = ScoreWeights(shares=10, quotes=0, replies=0, clicks=1, likes=0, positive_follow_up=0)

    assert score(Engagement(shares=2, clicks=3, likes=50, replies=9), weights) == 23


def test_snapshots_are_due_an_hour_six_hours_a_day_three_days_and_a_week_later() -> None:
    published = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    schedule = snapshot_schedule(published)

    assert [label for label, _ in schedule] == ["1h", "6h", "24h", "72h", "7d"]
    assert [due - published for _, due in schedule] == [
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=7),
    ]


@pytest.mark.parametrize(
    ("text", "sentiment", "positive"),
    [
        ("Works now, thanks!", 0.49, True),
        ("thx 🙏", None, True),
        ("Merci beaucoup, c'est réglé", None, True),
        ("Danke, jetzt geht es wieder", None, True),
        ("¡Gracias por la ayuda!", None, True),
        ("That was quick, you folks are great", 0.62, True),
        ("Still broken.", -0.48, False),
        ("Thanks for nothing, useless support", -0.6, False),
        ("Thanks for nothing, terrible support.", 0.49, False),  # VADER is fooled; we are not
        ("No thanks, I'll switch to another tool", 0.4, False),
        ("ok", 0.3 - 0.01, False),
        ("Sigue sin funcionar", None, False),
    ],
)
def test_a_follow_up_is_a_success_when_the_customer_thanks_us_or_is_clearly_happy(
    text: str, sentiment: float | None, positive: bool
) -> None:
    assert is_positive_follow_up(text, sentiment) is positive


def test_results_read_as_words_with_what_matters_first() -> None:
    said = describe(Engagement(likes=3, shares=1, clicks=2, positive_follow_ups=1))

    assert said == "1 share, 2 link clicks, 3 likes, the customer answered warmly"
    assert describe(Engagement()) == "no engagement yet"
