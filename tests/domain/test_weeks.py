"""ISO weeks in the workspace's zone: bounds across daylight-saving changes, parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.weeks import Week, last_full_week, parse_week, week_at

PARIS = ZoneInfo("Europe/Paris")


def test_a_week_runs_from_monday_midnight_to_monday_midnight_local() -> None:
    start, end = Week(2026, 47).bounds(PARIS)
    assert start == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert Week(2026, 47).days()[0] == date(2026, 11, 16)


@pytest.mark.parametrize(("week", "hours"), [(Week(2026, 13), 167), (Week(2026, 43), 169)])
def test_a_week_with_a_clock_change_has_the_hours_people_lived(week: Week, hours: int) -> None:
    start, end = week.bounds(PARIS)
    assert (end - start).total_seconds() / 3600 == hours


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Monday 09:00 in Paris looks back on the week that ended last night.
        (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "2026-W47"),
        # Sunday 23:30 UTC is already Monday in Paris.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "2026-W47"),
        (datetime(2026, 11, 22, 22, 30, tzinfo=UTC), "2026-W46"),
        # The first days of January can belong to the last ISO week of the year before.
        (datetime(2027, 1, 4, 9, 0, tzinfo=UTC), "2026-W53"),
    ],
)
def test_last_full_week(moment: datetime, expected: str) -> None:
    assert last_full_week(moment, PARIS).label == expected


def test_week_at_uses_the_local_calendar() -> None:
    assert week_at(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), PARIS).label == "2026-W48"


@pytest.mark.parametrize("text", ["2026-W47", "2026W47", "2026-w47", " 2026-W47 "])
def test_weeks_are_read_as_iso_writes_them(text: str) -> None:
    assert parse_week(text) == Week(2026, 47)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("47", "write it as YYYY-Www"),
        ("2026-11-16", "write it as YYYY-Www"),
        ("2026-W54", "2026 has weeks 1 to 53"),
        ("2025-W53", "2025 has weeks 1 to 52"),
        ("2026-W00", "there is no week 0"),
    ],
)
def test_a_wrong_week_says_how_to_write_one(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_week(text)


@pytest.mark.parametrize(
    ("week", "words"),
    [
        (Week(2026, 47), "16–22 November 2026"),
        (Week(2026, 49), "30 November – 6 December 2026"),
        (Week(2026, 53), "28 December 2026 – 3 January 2027"),
    ],
)
def test_a_week_in_words(week: Week, words: str) -> None:
    assert week.describe() == words
