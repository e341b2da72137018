"""ISO weeks in the workspace's time zone: what "last week" means for a Monday digest.

A week runs from Monday 00:00 to the next Monday 00:00 local time, so a week that crosses a
daylight-saving change is 167 or 169 hours long, and its days are the days people lived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK_FORMAT = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    def __post_init__(self) -> None:
        last = date(self.year, 12, 28).isocalendar().week  # 28 December is always in the last
        if not 1 <= self.number <= last:
            raise ValueError(f"{self.year} has weeks 1 to {last}; there is no week {self.number}")

    @property
    def label(self) -> str:
        """Return the week as ISO 8601 writes it, e.g. "2026-W47"."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def days(self) -> list[date]:
        """Return the seven days, Monday first."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return when the week starts and ends in `zone` (end excluded), in UTC: moments in
        one zoneinfo zone subtract as wall-clock times, which would hide the clock change."""
        start = datetime.combine(self.monday, time(), tzinfo=zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def previous(self) -> Week:
        return week_of(self.monday - timedelta(days=7))

    def describe(self) -> str:
        """Return the week in words: "16–22 November 2026"."""
        first, last = self.monday, self.monday + timedelta(days=6)
        if first.month == last.month:
            return f"{first.day}–{last.day} {last:%B %Y}"
        if first.year == last.year:
            return f"{first.day} {first:%B} – {last.day} {last:%B %Y}"
        return f"{first.day} {first:%B %Y} – {last.day} {last:%B %Y}"


def week_of(day: date) -> Week:
    """Return the ISO week a day belongs to."""
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def week_at(moment: datetime, zone: ZoneInfo) -> Week:
    """Return the week a moment falls in, as people in `zone` see their calendar."""
    return week_of(moment.astimezone(zone).date())


def last_full_week(moment: datetime, zone: ZoneInfo) -> Week:
    """Return the last week that has ended by `moment`: what Monday's digest looks back on."""
    return week_at(moment, zone).previous()


def parse_week(text: str) -> Week:
    """Read "2026-W47" (or "2026W47"); raise ValueError saying how to write it."""
    found = WEEK_FORMAT.match(text.strip())
    if not found:
        raise ValueError(f"“{text}” is not a week; write it as YYYY-Www, for example 2026-W47")
    return Week(int(found.group(1)), int(found.group(2)))
