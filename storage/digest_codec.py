"""A digest as JSON and back: stored with the row, so what was sent can be read again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.digest import Advocate, Day, Digest, Served, ShippedIdea, Win
from bot.domain.weeks import parse_week


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """Return the digest as plain JSON values."""
    data: dict[str, Any] = _plain(asdict(digest))
    data["week"] = digest.week.label
    return data


def digest_from_json(data: dict[str, Any]) -> Digest:
    """Rebuild a digest stored by `digest_to_json`."""
    served = dict(data["served"])
    first = served["median_first_answer"]
    served["median_first_answer"] = None if first is None else timedelta(seconds=first)
    served["oldest_open"] = _moment(served["oldest_open"])
    return Digest(
        scope=data["scope"],
        title=data["title"],
        week=parse_week(data["week"]),
        best=tuple(_win(w) for w in data["best"]),
        turned_around=tuple(_win(w) for w in data["turned_around"]),
        first_timers=tuple(data["first_timers"]),
        people=tuple(data["people"]),
        advocates=tuple(Advocate(**a) for a in data["advocates"]),
        served=Served(**served),
        days=tuple(Day(date.fromisoformat(d["day"]), *_day_counts(d)) for d in data["days"]),
        sla_minutes=data.get("sla_minutes"),
        ideas_shipped=tuple(ShippedIdea(**i) for i in data.get("ideas_shipped", [])),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def _win(data: dict[str, Any]) -> Win:
    return Win(**{**data, "posted_at": datetime.fromisoformat(data["posted_at"])})


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day_counts(data: dict[str, Any]) -> tuple[int, int, float]:
    return int(data["received"]), int(data["answered"]), float(data["engagement"])
