"""`[digest]` in chorus.toml: when the weekly digest goes out."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.domain.weeks import Week

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class DigestConfig(BaseModel):
    """The weekly digest: to each department's channel and, with `company_channel`, one for
    the whole company. It looks back on the last full week (Monday to Sunday)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = True
    day: Weekday = "mon"
    at: time = time(9)  # in the workspace's `timezone`

    def cron(self) -> dict[str, str | int]:
        """The schedule as APScheduler's cron fields."""
        return {"day_of_week": self.day, "hour": self.at.hour, "minute": self.at.minute}

    def due(self, week: Week, zone: ZoneInfo) -> datetime:
        """When the digest is due during `week` (in UTC)."""
        day = week.monday + timedelta(days=get_args(Weekday).index(self.day))
        return datetime.combine(day, self.at, tzinfo=zone).astimezone(UTC)
