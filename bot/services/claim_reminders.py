"""Work waiting in someone's hands: a claim with no draft gets a DM to the claimer, and later
goes back to the queue with a notice in the thread; a draft waiting for review gets a DM to
its reviewers.

Run every minute by the scheduler (job `reminders:claims`). Counts working time only
(`[business_hours]`) against the minutes of `[reminders]`, sends each stage once per claim
and per draft version (the `reminders` table), and stops as soon as someone acts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import workflow
from bot.domain.claim_reminders import (
    ClaimStage,
    claim_clock,
    due_claim_stage,
    review_nudge_due,
    reviewers_to_nudge,
)
from bot.domain.model import Draft, Mention, State
from bot.domain.roles import Role
from bot.services.core import Services, record, run_move
from storage import delivery, repo, roles
from storage import reminders as store
from storage.mapping import apply_mention, to_draft, to_mention
from storage.models import DraftRow, MentionRow

BATCH = 500
CLAIM_KIND, REVIEW_KIND = "claim_reminder", "review_reminder"


def send_claim_reminders(services: Services) -> int:
    """Queue every claim and review reminder whose time has come and give back the claims
    left too long; return how many stages were sent."""
    now = services.clock()
    with services.sessions() as session:
        nudged, overdue = _nudge_claimers(services, session, now)
        nudged += _nudge_reviewers(services, session, now)
        session.commit()
    # Each release is a move of its own, so a click at the same moment only redoes that one.
    released = sum(release_claim(services, mention_id) for mention_id in overdue)
    if nudged or released:
        services.wake_outbox()
    return nudged + released


def _due(
    services: Services,
    mention: Mention,
    draft: Draft | None,
    now: datetime,
    sent: Mapping[str, datetime],
) -> ClaimStage | None:
    times, hours = services.config.reminders.times(), services.config.working_hours()
    return due_claim_stage(mention, draft, times, hours, now, sent)


def _nudge_claimers(services: Services, session: Session, now: datetime) -> tuple[int, list[int]]:
    """DM the claimers whose nudge is due; return how many, and the claims to release."""
    rows = store.waiting_with_cards(session, [State.CLAIMED.value], BATCH)
    ids = [row.id for row in rows]
    drafts, sent = store.latest_drafts(session, ids), store.sent_times(session, ids)
    nudged, overdue = 0, []
    for row in rows:
        mention, draft = to_mention(row), _draft(drafts.get(row.id))
        stage = _due(services, mention, draft, now, sent.get(row.id, {}))
        if stage is ClaimStage.CLAIM_RELEASE:
            overdue.append(row.id)
        elif stage is ClaimStage.CLAIM_NUDGE:
            nudged += _nudge_claimer(services, session, mention, draft, now)
    return nudged, overdue


def _draft(row: DraftRow | None) -> Draft | None:
    return to_draft(row) if row else None


def _nudge_claimer(
    services: Services, session: Session, mention: Mention, draft: Draft | None, now: datetime
) -> int:
    start = claim_clock(mention, draft)
    assert start is not None and mention.claimed_by is not None
    if not store.renew_reminder(session, mention.id, ClaimStage.CLAIM_NUDGE, now, start):
        return 0
    payload = {
        "stage": ClaimStage.CLAIM_NUDGE.value,
        "claimer": mention.claimed_by,
        # The renderer drops the DM when the clock restarted since (a new claim or draft).
        "since": start.isoformat(),
        "waited_minutes": _waited(services, start, now),
    }
    delivery.add_outbox(
        session, CLAIM_KIND, mention.claimed_by, now, mention_id=mention.id, payload=payload
    )
    return 1


def _waited(services: Services, start: datetime, now: datetime) -> int:
    return round(services.config.working_hours().minutes_between(start, now))


def release_claim(services: Services, mention_id: int) -> bool:
    """Give a claim left too long without a draft back to the queue, if it still is: the
    card shows it unclaimed, the thread and the claimer hear why. True when released."""

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> bool:
        draft = _draft(repo.latest_draft(session, mention.id))
        sent = store.sent_times(session, [mention.id]).get(mention.id, {})
        # Read again in this transaction: whoever acted since the batch was read wins.
        if _due(services, mention, draft, now, sent) is not ClaimStage.CLAIM_RELEASE:
            return False
        start = claim_clock(mention, draft)
        assert start is not None and mention.claimed_by is not None
        if not store.renew_reminder(session, mention.id, ClaimStage.CLAIM_RELEASE, now, start):
            return False
        outcome = workflow.release(mention, now)
        apply_mention(row, outcome.mention)
        record(session, outcome, None, now, previous=mention.claimed_by)
        _queue_release(session, row, mention.claimed_by, _waited(services, start, now), now)
        return True

    return run_move(services, mention_id, step)


def _queue_release(
    session: Session, row: MentionRow, claimer: str, waited: int, now: datetime
) -> None:
    channel = row.card_channel or ""
    payload = {
        "stage": ClaimStage.CLAIM_RELEASE.value,
        "claimer": claimer,
        "waited_minutes": waited,
    }
    delivery.add_outbox(session, "card_update", channel, now, mention_id=row.id)
    # The same payload twice: the renderer tells the thread notice from the DM by channel.
    for where in (channel, claimer):
        delivery.add_outbox(session, CLAIM_KIND, where, now, mention_id=row.id, payload=payload)


def _nudge_reviewers(services: Services, session: Session, now: datetime) -> int:
    """DM the reviewers of every draft that has waited long enough; return how many drafts."""
    pairs = store.drafts_in_review(session, BATCH)
    sent = store.sent_times(session, [mention.id for _, mention in pairs])
    times, hours = services.config.reminders.times(), services.config.working_hours()
    held = roles.roster(session)  # the reviewers are the roles held now, not chorus.toml's
    nudged = 0
    for draft_row, mention_row in pairs:
        mention, draft = to_mention(mention_row), to_draft(draft_row)
        if not review_nudge_due(mention, draft, times, hours, now, sent.get(mention.id, {})):
            continue
        stage = ClaimStage.REVIEW_NUDGE
        if not store.renew_reminder(session, mention.id, stage, now, draft.created_at):
            continue
        department = services.config.department(mention.department_key)
        if department is not None:
            leads = frozenset(held.holders(Role.LEAD, department.key))
            department = replace(department, leads=leads)
        payload = {"stage": stage.value, "waited_minutes": _waited(services, draft.created_at, now)}
        for person in reviewers_to_nudge(department, held.managers(), draft.author):
            delivery.add_outbox(
                session,
                REVIEW_KIND,
                person,
                now,
                mention_id=mention.id,
                draft_id=draft_row.id,
                payload=payload,
            )
        nudged += 1
    return nudged
