"""How Chorus words times: 'just now', '3 minutes ago', '2 hours 5 minutes'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.clock import ago, duration

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "wording"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(seconds=119), "1 minute ago"),
        (timedelta(minutes=2), "2 minutes ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=2, minutes=5), "2 hours 5 minutes ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=3, hours=4), "3 days 4 hours ago"),
    ],
)
def test_ago(elapsed: timedelta, wording: str) -> None:
    assert ago(NOW - elapsed, NOW) == wording


def test_ago_says_just_now_when_the_clocks_disagree() -> None:
    assert ago(NOW + timedelta(seconds=5), NOW) == "just now"


@pytest.mark.parametrize(
    ("span", "wording"),
    [
        (timedelta(0), "under a minute"),
        (timedelta(seconds=59), "under a minute"),
        (timedelta(seconds=60), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2, minutes=5), "2 hours 5 minutes"),
        (timedelta(hours=23, minutes=59), "23 hours 59 minutes"),
        (timedelta(days=1, hours=1), "1 day 1 hour"),
        (timedelta(days=3), "3 days"),
        (timedelta(seconds=-30), "under a minute"),
    ],
)
def test_duration(span: timedelta, wording: str) -> None:
    assert duration(span) == wording
