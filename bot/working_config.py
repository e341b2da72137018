"""The working-time part of chorus.toml: business hours and quiet days, for reminders."""

from __future__ import annotations

from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

from bot.domain.business_time import BusinessHours

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BusinessHoursConfig(BaseModel):
    """`[business_hours]`: when the team answers; SLAs and reminders count only this time."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    opens: time = time(9)
    closes: time = time(18)
    days: list[Day] = ["mon", "tue", "wed", "thu", "fri"]
    quiet_days: list[date] = []

    @model_validator(mode="after")
    def _closes_after_opening(self) -> BusinessHoursConfig:
        if self.closes <= self.opens:
            raise ValueError("closes must be later than opens, on the same day (e.g. 09:00, 18:00)")
        return self

    def hours(self, timezone: str) -> BusinessHours:
        return BusinessHours(
            ZoneInfo(timezone),
            self.opens,
            self.closes,
            frozenset(DAYS.index(day) for day in self.days),
            frozenset(self.quiet_days),
        )
