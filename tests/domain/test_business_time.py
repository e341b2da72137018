"""Working time in the workspace's zone: weekends, holidays and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.business_time import BusinessHours

PARIS = ZoneInfo("Europe/Paris")
HOURS = BusinessHours(PARIS, quiet_days=frozenset({date(2026, 12, 25)}))


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (paris(2026, 11, 23, 10, 0), paris(2026, 11, 23, 11, 30), 90),  # a Monday morning
        (paris(2026, 11, 23, 17, 30), paris(2026, 11, 24, 9, 30), 60),  # overnight
        (paris(2026, 11, 27, 17, 0), paris(2026, 11, 30, 10, 0), 120),  # over a weekend
        (paris(2026, 11, 28, 12, 0), paris(2026, 11, 29, 12, 0), 0),  # Saturday to Sunday
        (paris(2026, 12, 24, 17, 0), paris(2026, 12, 28, 9, 0), 60),  # Christmas is quiet
        (paris(2026, 11, 23, 7, 0), paris(2026, 11, 23, 8, 0), 0),  # before opening
        (paris(2026, 11, 23, 12, 0), paris(2026, 11, 23, 11, 0), 0),  # end before start
    ],
)
def test_working_minutes_count_only_open_hours(
    start: datetime, end: datetime, minutes: float
) -> None:
    assert HOURS.minutes_between(start, end) == minutes


def test_a_day_of_the_spring_change_still_has_nine_working_hours() -> None:
    # Sunday 29 March 2026 the clocks go forward; Monday opens at 09:00 summer time (07:00 UTC).
    friday = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)  # 17:00 in Paris, winter time
    monday = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # 09:30 in Paris, summer time

    assert HOURS.minutes_between(friday, monday) == 90
    assert HOURS.after(friday, 90) == monday


def test_a_reminder_after_sixty_working_minutes_waits_for_monday_across_the_autumn_change() -> None:
    friday_evening = paris(2026, 10, 23, 17, 30)  # summer time; clocks go back on Sunday the 25th

    due = HOURS.after(friday_evening, 60)

    assert due == paris(2026, 10, 26, 9, 30)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 8, 30, tzinfo=UTC)  # winter time


def test_after_and_minutes_between_agree() -> None:
    start = paris(2026, 11, 20, 15, 12)
    for minutes in (1, 59, 60, 600, 2000):
        assert HOURS.minutes_between(start, HOURS.after(start, minutes)) == pytest.approx(minutes)


def test_is_open_follows_the_hours_and_the_calendar() -> None:
    assert HOURS.is_open(paris(2026, 11, 23, 9, 0))
    assert not HOURS.is_open(paris(2026, 11, 23, 18, 0))
    assert not HOURS.is_open(paris(2026, 11, 28, 11, 0))  # Saturday
    assert not HOURS.is_open(paris(2026, 12, 25, 11, 0))


def test_hours_that_close_before_they_open_are_refused() -> None:
    with pytest.raises(ValueError, match="close after they open"):
        BusinessHours(PARIS, opens=time(18), closes=time(9))
