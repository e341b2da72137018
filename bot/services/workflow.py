"""Workflow use cases: claim, draft, review, post, dismiss and transfer a mention."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import workflow
from bot.domain.errors import WorkflowError
from bot.domain.ideas import IDEA_SOURCE
from bot.domain.limits import LengthRule
from bot.domain.model import Draft, Mention, Network, State
from bot.domain.trusted_lane import Lane
from bot.domain.workflow import Outcome
from bot.services import policy, spikes
from bot.services.core import Effects, Services, load_mention, record, run_move
from bot.services.trusted_lane import take_lane
from storage import delivery, repo
from storage.mapping import apply_mention, new_draft_row, to_mention
from storage.models import MentionRow

Decide = Callable[[Mention, Draft, datetime], Outcome]


def finish_move(
    session: Session, row: MentionRow, outcome: Outcome, actor: str, now: datetime, **detail: object
) -> None:
    apply_mention(row, outcome.mention)
    spikes.let_go(session, row, now, actor, card=outcome.after is not State.DISMISSED)
    repo.save_person(session, actor, now, None)
    record(session, outcome, actor, now, **detail)


def claim(services: Services, mention_id: int, user_id: str) -> Effects:
    """Claim a mention for the person who asked."""

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        outcome = workflow.claim(mention, services.actor(user_id, session), now)
        finish_move(session, row, outcome, user_id, now)
        return Effects(
            cards=(mention.id,), notice=f"You claimed #{mention.id}. Draft a reply when ready."
        )

    return run_move(services, mention_id, step)


def claim_next(services: Services, user_id: str, channel: str | None) -> Effects:
    """Claim the oldest unclaimed mention: of this channel's department, else of any."""
    department = next(
        (d.key for d in services.config.department_list() if d.channel == channel), None
    )
    with services.reading() as session:
        waiting = repo.list_mentions(
            session, [State.ROUTED.value], department_key=department, limit=1
        )
        mention_id = waiting[0].id if waiting else None
    if mention_id is None:
        where = "in this department" if department else "anywhere"
        raise WorkflowError(f"Nothing is waiting {where}: every mention has someone on it. 🎉")
    return claim(services, mention_id, user_id)


def unclaim(services: Services, mention_id: int, user_id: str) -> Effects:
    """Give a mention back to its department."""

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        outcome = workflow.unclaim(mention, services.actor(user_id, session), now)
        finish_move(session, row, outcome, user_id, now, previous=mention.claimed_by)
        return Effects(cards=(mention.id,), notice=f"#{mention.id} is back in the queue.")

    return run_move(services, mention_id, step)


@dataclass(frozen=True)
class DraftForm:
    """What the draft modal shows: the customer's post and the network's limit."""

    mention_id: int
    network: Network
    customer_text: str
    author: str | None
    rule: LengthRule
    initial_text: str
    next_version: int
    note: str | None
    is_post: bool = False  # a new post from an idea, not a reply to a customer


def start_draft(services: Services, mention_id: int, user_id: str) -> tuple[DraftForm, Effects]:
    """Prepare the draft modal; an unclaimed mention is claimed for the writer first."""

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        if mention.state is State.ROUTED:
            outcome = workflow.claim(mention, services.actor(user_id, session), now)
            finish_move(session, row, outcome, user_id, now)
            return Effects(cards=(mention.id,))
        if mention.state is not State.CLAIMED:
            raise WorkflowError(workflow.why_not(workflow.Move.SUBMIT_DRAFT, mention, now))
        if mention.claimed_by != user_id:
            raise WorkflowError(
                f"<@{mention.claimed_by}> claimed this mention, so they write its reply."
            )
        return Effects()

    effects = run_move(services, mention_id, step)
    return draft_form(services, mention_id, user_id), effects


def draft_form(services: Services, mention_id: int, writer: str | None = None) -> DraftForm:
    """What the draft modal shows; with the writer, their disclosure line ends the text."""
    with services.reading() as session:
        row = repo.get_mention(session, mention_id)
        assert row is not None
        last = repo.latest_draft(session, mention_id)
        customer = repo.get_customer(session, row.customer_id)
        network = Network(row.network)
        return DraftForm(
            mention_id=mention_id,
            network=network,
            customer_text=row.text,
            author=customer.name or customer.handle if customer else None,
            rule=services.lengths.rule(network),
            initial_text=policy.signed(services, writer, last.text if last else "")
            if writer
            else (last.text if last else ""),
            next_version=(last.version if last else 0) + 1,
            note=last.review_note if last else None,
            is_post=row.source == IDEA_SOURCE,
        )


def submit_draft(services: Services, mention_id: int, user_id: str, text: str) -> Effects:
    """Put the writer's reply up for review in the mention's thread; a reply the policy
    blocks is refused (PolicyBlocked), and its warnings go with it to the reviewer."""
    report = policy.check_for_submit(services, user_id, text)

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        last = repo.latest_draft(session, mention.id)
        previous = last.version if last else 0
        actor = services.actor(user_id, session)
        outcome = workflow.submit_draft(mention, actor, text, previous, now, services.lengths)
        assert outcome.draft is not None
        draft_row = repo.add_draft(session, new_draft_row(outcome.draft))
        draft_row.policy_warnings = policy.warnings_record(report)
        finish_move(session, row, outcome, user_id, now, draft_version=draft_row.version)
        lane = take_lane(services, session, row, draft_row, actor, report, now)
        delivery.add_outbox(
            session,
            "review",
            # The card's channel, known before the card is posted, so pacing applies.
            row.card_channel or _channel_of(services, mention.department_key),
            now,
            mention_id=mention.id,
            draft_id=draft_row.id,
        )
        return Effects(
            cards=(mention.id,),
            queued=True,
            notice=_submitted(draft_row.version, mention.id, lane),
        )

    return wake_if_queued(services, run_move(services, mention_id, step))


def _submitted(version: int, mention_id: int, lane: Lane) -> str:
    if lane.skips_review:
        return f"Draft v{version} for #{mention_id} is approved (trusted lane): it can go out."
    why = f": {lane.why_not}" if lane.why_not else ""
    return f"Draft v{version} for #{mention_id} is in review{why}."


def _channel_of(services: Services, department_key: str | None) -> str:
    department = services.config.department(department_key)
    return department.channel if department else ""


def wake_if_queued(services: Services, effects: Effects) -> Effects:
    if effects.queued:
        services.wake_outbox()
    return effects


def check_can_dismiss(services: Services, mention_id: int, user_id: str) -> None:
    """Raise unless the person may dismiss this mention now."""
    with services.sessions() as session:
        mention = to_mention(load_mention(session, mention_id))
    workflow.dismiss(mention, services.actor(user_id), "probe", services.clock())


def dismiss(services: Services, mention_id: int, user_id: str, reason: str) -> Effects:
    """Close a mention without a reply, with a reason on record."""

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        outcome = workflow.dismiss(mention, services.actor(user_id, session), reason, now)
        finish_move(session, row, outcome, user_id, now, reason=outcome.mention.dismissed_reason)
        return Effects(cards=(mention.id,), notice=f"#{mention.id} dismissed.")

    return run_move(services, mention_id, step)


def transfer(services: Services, mention_id: int, user_id: str, department_key: str) -> Effects:
    """Move a mention to another department's channel: a fresh card there, a note here."""
    target = services.config.department(department_key)
    if target is None:
        raise WorkflowError(f"There is no department “{department_key}” in chorus.toml.")

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        outcome = workflow.transfer(mention, services.actor(user_id, session), target.key, now)
        old_channel, old_ts = row.card_channel, row.card_ts
        finish_move(
            session,
            row,
            outcome,
            user_id,
            now,
            from_department=mention.department_key,
            to_department=target.key,
        )
        if old_channel and old_ts:
            delivery.add_outbox(
                session,
                "retired_card",
                old_channel,
                now,
                mention_id=mention.id,
                payload={"ts": old_ts, "by": user_id, "to": target.name},
            )
        row.card_channel, row.card_ts = None, None
        delivery.add_outbox(session, "mention_card", target.channel, now, mention_id=mention.id)
        # The card is not in Slack yet (the outbox posts it); naming the mention lets the
        # App Homes it changed catch up.
        return Effects(
            cards=(mention.id,), queued=True, notice=f"#{mention.id} moved to {target.name}."
        )

    return wake_if_queued(services, run_move(services, mention_id, step))


def latest_claim(services: Services, user_id: str) -> int:
    """Return the mention the person claimed most recently and still has."""
    with services.sessions() as session:
        mine = repo.list_mentions(session, [State.CLAIMED.value], claimed_by=user_id, limit=500)
    if not mine:
        raise WorkflowError("You have no claimed mention. Use `/draft 42`, or `/claim next` first.")
    return max(mine, key=lambda row: (row.claimed_at or row.received_at, row.id)).id
