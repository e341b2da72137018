"""When a waiting customer needs a nudge: a reminder in the thread once the department's SLA
has passed in working time, the department's leads at twice the SLA, the managers at four
times. Each stage once; nothing once someone has claimed the mention. No names, no counts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.business_time import BusinessHours
from bot.domain.model import Mention, State


class Stage(StrEnum):
    THREAD = "sla_thread"
    LEADS = "sla_leads"
    MANAGERS = "sla_managers"


# How many SLAs of waiting bring each stage, in order.
STAGES: tuple[tuple[Stage, int], ...] = ((Stage.THREAD, 1), (Stage.LEADS, 2), (Stage.MANAGERS, 4))


def due_stage(
    mention: Mention,
    sla_minutes: int | None,
    hours: BusinessHours,
    now: datetime,
    sent: frozenset[str],
) -> Stage | None:
    """Return the stage to send now, if any: the furthest one reached and not yet sent
    (after a night or a restart, one message says where things stand, not three)."""
    if mention.state is not State.ROUTED or not sla_minutes:
        return None
    waited = hours.minutes_between(mention.received_at, now)
    reached = [stage for stage, times in STAGES if waited >= times * sla_minutes]
    if not reached or reached[-1].value in sent:
        return None
    return reached[-1]


def skipped_by(stage: Stage) -> list[Stage]:
    """The earlier stages a later one stands for, so they are not sent afterwards."""
    order = [s for s, _ in STAGES]
    return order[: order.index(stage)]
