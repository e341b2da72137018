"""Review use cases: approve, edit & approve, request changes, reject, mark as posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import workflow
from bot.domain.errors import WorkflowError
from bot.domain.model import DraftStatus, Mention
from bot.domain.policy import PolicyReport
from bot.publishing.base import Published
from bot.services import policy
from bot.services.core import Effects, Services, load_draft, load_mention, run_move
from bot.services.publish import public_text, record_publication
from bot.services.short_links import track_links
from bot.services.workflow import Decide, finish_move, wake_if_queued
from storage import delivery, repo
from storage import publishing as store
from storage.mapping import apply_draft, to_draft, to_mention
from storage.models import MentionRow


def mention_of_draft(services: Services, draft_id: int) -> int:
    with services.sessions() as session:
        return load_draft(session, draft_id).mention_id


def _dry_run(services: Services, draft_id: int, move: Decide) -> str:
    """Try a move on a draft without saving it; return the text it would post."""
    with services.sessions() as session:
        draft_row = load_draft(session, draft_id)
        mention_row = load_mention(session, draft_row.mention_id)
        draft = to_draft(draft_row)
        move(to_mention(mention_row), draft, services.clock())
        return draft.text_to_post


def check_reviewer(services: Services, draft_id: int, user_id: str) -> str:
    """Raise NotAllowed unless the person may review this draft now; return its text."""
    actor = services.actor(user_id)
    return _dry_run(services, draft_id, lambda m, d, now: workflow.approve(m, d, actor, now))


def check_can_post(services: Services, draft_id: int, user_id: str) -> str:
    """Raise unless the person may mark this approved draft as posted; return its text."""
    actor = services.actor(user_id)
    probe = "https://chorus.invalid/probe"
    return _dry_run(
        services, draft_id, lambda m, d, now: workflow.mark_posted(m, d, actor, probe, now)
    )


def _review(
    services: Services,
    draft_id: int,
    user_id: str,
    decide: Decide,
    checked: PolicyReport | None = None,
) -> Effects:
    mention_id = mention_of_draft(services, draft_id)

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        draft_row = repo.get_draft(session, draft_id)
        assert draft_row is not None
        outcome = decide(mention, to_draft(draft_row), now)
        assert outcome.draft is not None
        apply_draft(draft_row, outcome.draft)
        if checked is not None:  # an edit: the reviewer saw what the policy says of it
            draft_row.policy_warnings = policy.warnings_record(checked)
        if outcome.draft.status is DraftStatus.APPROVED:
            text = outcome.draft.text_to_post
            draft_row.tracked_text = track_links(
                session, services, draft_row, mention.network, text, now
            )
        finish_move(
            session,
            row,
            outcome,
            user_id,
            now,
            draft_version=draft_row.version,
            note=outcome.draft.review_note,
        )
        delivery.add_outbox(
            session,
            "dm",
            draft_row.author,
            now,
            mention_id=mention.id,
            draft_id=draft_id,
            payload={"decision": outcome.move.value},
        )
        return Effects(cards=(mention.id,), reviews=(draft_id,), queued=True)

    return wake_if_queued(services, run_move(services, mention_id, step))


def approve(services: Services, draft_id: int, user_id: str) -> Effects:
    """Approve a draft as written."""
    actor = services.actor(user_id)
    return _review(
        services, draft_id, user_id, lambda m, d, now: workflow.approve(m, d, actor, now)
    )


def edit_and_approve(services: Services, draft_id: int, user_id: str, text: str) -> Effects:
    """Approve a draft with the reviewer's edit; the edit meets the policy too, checked as
    the author's reply (it goes out under their disclosure line)."""
    actor = services.actor(user_id)
    checked = policy.check_for_submit(services, policy.draft_author(services, draft_id), text)
    return _review(
        services,
        draft_id,
        user_id,
        lambda m, d, now: workflow.edit_and_approve(m, d, actor, text, now, services.lengths),
        checked,
    )


def request_changes(services: Services, draft_id: int, user_id: str, note: str) -> Effects:
    """Send a draft back to its author with what to change."""
    actor = services.actor(user_id)
    return _review(
        services,
        draft_id,
        user_id,
        lambda m, d, now: workflow.request_changes(m, d, actor, note, now),
    )


def reject(services: Services, draft_id: int, user_id: str, note: str) -> Effects:
    """Turn a draft down, saying why."""
    actor = services.actor(user_id)
    return _review(
        services, draft_id, user_id, lambda m, d, now: workflow.reject(m, d, actor, note, now)
    )


def mark_posted(services: Services, draft_id: int, user_id: str, url: str) -> Effects:
    """Record that an approved reply went live at `url`, posted by hand."""
    mention_id = mention_of_draft(services, draft_id)

    def step(session: Session, row: MentionRow, mention: Mention, now: datetime) -> Effects:
        draft_row = repo.get_draft(session, draft_id)
        assert draft_row is not None
        _not_publishing(session, draft_id, now)
        outcome = workflow.mark_posted(
            mention, to_draft(draft_row), services.actor(user_id, session), url, now
        )
        assert outcome.draft is not None
        apply_draft(draft_row, outcome.draft)
        live = Published("", outcome.mention.posted_url or url)
        text = public_text(draft_row)
        record_publication(session, row, draft_row, user_id, now, live, text, method="manual")
        finish_move(session, row, outcome, user_id, now, url=outcome.mention.posted_url)
        return Effects(
            cards=(mention.id,),
            reviews=(draft_id,),
            notice=f"#{mention.id} is answered. Thank you!",
        )

    return run_move(services, mention_id, step)


def _not_publishing(session: Session, draft_id: int, now: datetime) -> None:
    job = store.get_job(session, draft_id)
    if (
        job is not None
        and job.status == store.RUNNING
        and job.lease_until
        and job.lease_until > now
    ):
        raise WorkflowError(
            "Chorus is publishing this reply right now; the thread will say when it is live."
        )
