"""Nobody's customer is forgotten: reminders for mentions nobody has claimed in time.

Run every minute by the scheduler (job `reminders:sla`). Counts working time only
(`[business_hours]`), sends each stage once (the `reminders` table), and stops as soon as
someone claims, transfers or dismisses the mention.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.ideas import IDEA_SOURCE
from bot.domain.model import State
from bot.domain.reminders import Stage, due_stage, skipped_by
from bot.domain.roles import Role
from bot.services.core import Services
from storage import delivery, roles
from storage import reminders as store
from storage.mapping import to_mention
from storage.models import MentionRow

BATCH = 500


def send_due_reminders(services: Services) -> int:
    """Queue every reminder whose time has come; return how many stages were sent."""
    now, hours = services.clock(), services.config.working_hours()
    sent = 0
    with services.sessions() as session:
        rows = store.waiting_with_cards(session, [State.ROUTED.value], BATCH)
        done = store.sent_stages(session, [row.id for row in rows])
        for row in rows:
            if row.source == IDEA_SOURCE:
                continue  # a post idea has no customer waiting for it
            department = services.config.department(row.department_key)
            sla = department.sla_minutes if department else None
            stage = due_stage(to_mention(row), sla, hours, now, done.get(row.id, frozenset()))
            if stage is not None and store.add_reminder(session, row.id, stage.value, now):
                for earlier in skipped_by(stage):
                    store.add_reminder(session, row.id, earlier.value, now)
                _queue(
                    services, session, row, stage, now, hours.minutes_between(row.received_at, now)
                )
                sent += 1
        session.commit()
    if sent:
        services.wake_outbox()
    return sent


def _queue(
    services: Services,
    session: Session,
    row: MentionRow,
    stage: Stage,
    now: datetime,
    waited: float,
) -> None:
    payload = {"stage": stage.value, "waited_minutes": round(waited)}
    if stage is Stage.THREAD:
        channel = row.card_channel or ""
        delivery.add_outbox(session, "reminder", channel, now, mention_id=row.id, payload=payload)
        return
    held = roles.roster(session)
    leads = held.holders(Role.LEAD, row.department_key) if row.department_key else []
    # A department without leads escalates to the managers at once.
    people = leads if stage is Stage.LEADS and leads else held.managers()
    for person in people:
        delivery.add_outbox(session, "reminder", person, now, mention_id=row.id, payload=payload)
