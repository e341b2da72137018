"""The working-time part of chorus.toml: business hours and quiet days, and how long work
may wait in someone's hands before a reminder."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bot.domain.business_time import BusinessHours
from bot.domain.claim_reminders import ClaimTimes

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


Minutes = Annotated[int, Field(ge=0)]


class RemindersConfig(BaseModel):
    """`[reminders]`: working minutes before a claim or a draft in review gets a nudge."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    claimed_nudge_minutes: Minutes = 120
    release_claim_minutes: Minutes = 480
    review_nudge_minutes: Minutes = 60

    @field_validator("release_claim_minutes")
    @classmethod
    def _release_after_nudge(cls, value: int, info: ValidationInfo) -> int:
        # The key named in the error is this one, so the message points at its line.
        nudge = info.data.get("claimed_nudge_minutes") or 0
        if value and nudge and value <= nudge:
            raise ValueError(
                f"must be more than claimed_nudge_minutes ({nudge}), so that the claimer "
                "hears a nudge before the claim goes back to the queue; 0 turns either off"
            )
        return value

    def times(self) -> ClaimTimes:
        return ClaimTimes(
            self.claimed_nudge_minutes, self.release_claim_minutes, self.review_nudge_minutes
        )
