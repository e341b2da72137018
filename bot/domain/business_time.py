"""Business hours: how long a customer has waited in working time, and when a wait reaches
a given length. Times are counted in the workspace's time zone, so a reminder due "after 60
working minutes" is right across a daylight-saving change, a weekend or a holiday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 400  # a wait longer than this is long enough; stop counting
# Within one day's window, times share the zone's tzinfo and subtract as wall-clock times;
# that is exact because clocks change at night (02:00–03:00), outside any working window.


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    opens: time = time(9)
    closes: time = time(18)
    days: frozenset[int] = frozenset(range(5))  # Monday is 0
    quiet_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("business hours must close after they open, on the same day")

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """Return when `day` opens and closes (aware, in UTC offsets of that day), if it does."""
        if day.weekday() not in self.days or day in self.quiet_days:
            return None
        opens = datetime.combine(day, self.opens, tzinfo=self.zone)
        closes = datetime.combine(day, self.closes, tzinfo=self.zone)
        return opens, closes

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Return the working minutes from `start` to `end` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if day > last:
                break
            hours = self.window(day)
            if hours is not None:
                overlap = min(hours[1], end) - max(hours[0], start)
                total += max(overlap, timedelta())
            day += timedelta(days=1)
        return total.total_seconds() / 60

    def after(self, start: datetime, minutes: float) -> datetime:
        """Return the moment `minutes` working minutes after `start`."""
        left = timedelta(minutes=minutes)
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            hours = self.window(day)
            if hours is not None:
                begin = max(hours[0], start)
                available = hours[1] - begin
                if available > timedelta() and left <= available:
                    return begin + left
                left -= max(available, timedelta())
            day += timedelta(days=1)
        return start + timedelta(days=MAX_DAYS)

    def is_open(self, at: datetime) -> bool:
        hours = self.window(at.astimezone(self.zone).date())
        return hours is not None and hours[0] <= at < hours[1]
