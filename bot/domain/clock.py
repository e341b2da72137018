"""Human wording of times and durations."""

from __future__ import annotations

from datetime import datetime, timedelta


def ago(then: datetime, now: datetime) -> str:
    """Return 'just now', '3 minutes ago', '2 hours ago' or '4 days ago'."""
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return "just now"
    return f"{duration(now - then)} ago"


def duration(span: timedelta) -> str:
    """Return a short human duration: '1 minute', '3 hours 5 minutes', '2 days'."""
    minutes = max(0, int(span.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(mins, 'minute')}" if mins else "")
    return _plural(max(mins, 1), "minute") if span.total_seconds() >= 60 else "under a minute"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
