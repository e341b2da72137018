"""Publish an approved reply through its network's connector: once, whatever happens.

A click starts an attempt under a lease; the attempt calls the network outside any
transaction, with the job's key (so the network itself refuses a second post), then records
the outcome. An attempt cut short by a restart is picked up again when its lease runs out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import workflow
from bot.domain.engagement import snapshot_schedule
from bot.domain.errors import WorkflowError
from bot.domain.ideas import IDEA_SOURCE
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Network
from bot.publishing.base import Connector, Failure, Published, PublishError, ReplyTarget, new_key
from bot.services.core import Effects, Services, load_draft, load_mention, run_move
from bot.services.ideas import ship_if_idea
from bot.services.workflow import finish_move, wake_if_queued
from storage import delivery, repo
from storage import publishing as store
from storage.mapping import apply_draft, to_draft, to_mention
from storage.models import DraftRow, MentionRow, PublicationRow, PublishJobRow

log = logging.getLogger("chorus.publish")

LEASE = timedelta(minutes=2)  # longer than any connector's timeouts added up
UNEXPECTED = (
    "Something unexpected went wrong while publishing; nothing was lost. Try again, and tell "
    "an admin if it happens again."
)


def target_of(session: Session, row: MentionRow) -> ReplyTarget:
    """The customer's post, as a connector needs it."""
    customer = repo.get_customer(session, row.customer_id)
    return ReplyTarget(
        Network(row.network), row.external_id, row.url, customer.handle if customer else None
    )


def connector_for(services: Services, session: Session, row: MentionRow) -> Connector | None:
    """The connector that can answer this mention, if Chorus has one."""
    if row.source == IDEA_SOURCE:
        return None  # a new post, not a reply: connectors only answer customers' posts
    connector = services.connectors.get(Network(row.network))
    if connector is None or not connector.can_reply_to(target_of(session, row)):
        return None
    return connector


def publish(services: Services, draft_id: int, user_id: str) -> Effects:
    """Publish the approved draft now, on behalf of the person who clicked."""
    job_id = _start(services, draft_id, user_id)
    return _attempt(services, job_id, background=False)


def resume_interrupted(services: Services) -> int:
    """Finish attempts a stopped process left half done; return how many were resumed."""
    now = services.clock()
    with services.sessions() as session:
        jobs = [job.id for job in store.interrupted_jobs(session, now)]
    resumed = 0
    for job_id in jobs:
        with services.sessions() as session:
            taken = store.start_attempt(session, job_id, now, now + LEASE)
            session.commit()
        if taken:
            _attempt(services, job_id, background=True)
            resumed += 1
    return resumed


def _start(services: Services, draft_id: int, user_id: str) -> int:
    for attempt in range(2):
        try:
            return _take_job(services, draft_id, user_id)
        except IntegrityError:
            if attempt:
                raise
            # Two clicks created the job at once: the second now finds the first's.
    raise AssertionError("unreachable")


def _take_job(services: Services, draft_id: int, user_id: str) -> int:
    now = services.clock()
    with services.sessions() as session:
        draft_row, mention_row = _load(session, draft_id)
        mention = to_mention(mention_row)
        actor = services.actor(user_id, session)
        workflow.check_can_publish(mention, to_draft(draft_row), actor, now)
        if connector_for(services, session, mention_row) is None:
            name = NETWORK_NAMES[mention.network]
            raise WorkflowError(
                f"Chorus can't post to {name} for you: post the reply there, then use "
                "Mark as posted."
            )
        job = store.get_job(session, draft_id) or store.add_job(
            session, _new_job(draft_row, mention_row, user_id, now)
        )
        job.requested_by = user_id  # the latest click speaks for the reply
        if not store.start_attempt(session, job.id, now, now + LEASE):
            raise WorkflowError(
                "Chorus is publishing this reply right now; the thread will say when it is live."
            )
        session.commit()
        return job.id


def _new_job(draft: DraftRow, mention: MentionRow, user_id: str, now: datetime) -> PublishJobRow:
    return PublishJobRow(
        draft_id=draft.id,
        mention_id=mention.id,
        network=mention.network,
        key=new_key(now),
        status="pending",
        requested_by=user_id,
        requested_at=now,
        attempts=0,
    )


def _load(session: Session, draft_id: int) -> tuple[DraftRow, MentionRow]:
    draft_row = load_draft(session, draft_id)
    return draft_row, load_mention(session, draft_row.mention_id)


def public_text(draft: DraftRow) -> str:
    """What goes out: the approved words, with short links when links are tracked."""
    if draft.tracked_text:
        return draft.tracked_text
    return draft.final_text if draft.final_text is not None else draft.text


def _attempt(services: Services, job_id: int, background: bool) -> Effects:
    with services.sessions() as session:
        job = session.get(PublishJobRow, job_id)
        assert job is not None
        draft_row, mention_row = _load(session, job.draft_id)
        target, text = target_of(session, mention_row), public_text(draft_row)
        key, retry, network = job.key, job.attempts > 1, Network(job.network)
    connector = services.connectors.get(network)
    try:
        if connector is None:
            raise PublishError(
                Failure.CREDENTIALS,
                f"The {NETWORK_NAMES[network]} connector is no longer set up: an admin needs to "
                "set its credentials again.",
            )
        published = connector.publish(target, text, key, retry)
    except PublishError as error:
        return _failed(services, job_id, error, background)
    except Exception:  # noqa: BLE001 - a bug must not leave the draft stuck "publishing"
        log.exception("publishing draft %s failed unexpectedly", job.draft_id)
        return _failed(services, job_id, PublishError(Failure.UNAVAILABLE, UNEXPECTED), background)
    return _succeeded(services, job_id, published, text, background)


def _failed(services: Services, job_id: int, error: PublishError, background: bool) -> Effects:
    now = services.clock()
    with services.sessions() as session:
        job = session.get(PublishJobRow, job_id)
        assert job is not None
        job.status, job.last_error, job.lease_until = store.FAILED, error.message, None
        repo.add_event(
            session,
            "publish_failed",
            now,
            actor=job.requested_by,
            mention_id=job.mention_id,
            draft_id=job.draft_id,
            failure=error.kind.value,
            error=error.message,
        )
        row = load_mention(session, job.mention_id)
        payload = {"failure": error.kind.value, "error": error.message, "by": job.requested_by}
        _note(session, row, job, now, payload, background)
        session.commit()
        mention_id, draft_id = job.mention_id, job.draft_id
    log.warning("draft %s not published: %s", draft_id, error.message)
    effects = Effects(
        cards=(mention_id,),
        reviews=(draft_id,),
        notice=f"Not published: {error.message}",
        queued=True,
    )
    return wake_if_queued(services, effects)


def _succeeded(
    services: Services, job_id: int, published: Published, text: str, background: bool
) -> Effects:
    with services.sessions() as session:
        job = session.get(PublishJobRow, job_id)
        assert job is not None
        mention_id, draft_id, user_id = job.mention_id, job.draft_id, job.requested_by

    def step(session: Session, row: MentionRow, mention: object, now: datetime) -> Effects:
        job = session.get(PublishJobRow, job_id)
        draft_row = repo.get_draft(session, draft_id)
        assert job is not None and draft_row is not None
        actor = services.actor(user_id, session)
        outcome = workflow.publish(to_mention(row), to_draft(draft_row), actor, published.url, now)
        assert outcome.draft is not None
        apply_draft(draft_row, outcome.draft)
        record_publication(session, row, draft_row, user_id, now, published, text)
        job.status, job.finished_at, job.last_error, job.lease_until = store.DONE, now, None, None
        finish_move(session, row, outcome, user_id, now, url=published.url, via=job.network)
        _note(session, row, job, now, {"url": published.url, "by": user_id}, background)
        name = NETWORK_NAMES[Network(job.network)]
        return Effects(
            cards=(mention_id,),
            reviews=(draft_id,),
            queued=True,
            notice=f"Published on {name}: {published.url}",
        )

    return wake_if_queued(services, run_move(services, mention_id, step))


def record_publication(
    session: Session,
    row: MentionRow,
    draft: DraftRow,
    user_id: str,
    now: datetime,
    published: Published,
    text: str,
    method: str | None = None,
) -> PublicationRow:
    """Store the live reply and schedule its engagement snapshots."""
    publication = repo.add_publication(
        session,
        PublicationRow(
            mention_id=row.id,
            draft_id=draft.id,
            url=published.url,
            method=method or row.network,
            posted_by=user_id,
            posted_at=now,
            network=row.network,
            external_id=published.external_id or None,
            text=text,
        ),
    )
    store.schedule_snapshots(session, publication.id, snapshot_schedule(now))
    ship_if_idea(session, row.id, published.url, now)
    return publication


def _note(
    session: Session,
    row: MentionRow,
    job: PublishJobRow,
    now: datetime,
    payload: Mapping[str, object],
    background: bool,
) -> None:
    """Say in the mention's thread what happened; a background attempt also re-renders the
    card and the review message through the outbox (no click is waiting to do it)."""
    channel = row.card_channel or ""
    ids = {"mention_id": row.id, "draft_id": job.draft_id}
    delivery.add_outbox(session, "publish_note", channel, now, payload=dict(payload), **ids)
    if background:
        delivery.add_outbox(session, "card_update", channel, now, **ids)
        delivery.add_outbox(session, "review_update", channel, now, **ids)
