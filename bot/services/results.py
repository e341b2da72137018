"""Results people and tools report: numbers read off a network, and how the customer answered.

Chorus reads Mastodon and Bluesky itself; for every other network the team types what the
network shows (Update results), or a tool posts it to `POST /webhooks/engagement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.engagement import REPORTED_ANSWER, Engagement
from bot.domain.errors import WorkflowError
from bot.domain.model import Network
from bot.publishing.base import FollowUp
from bot.services.core import Services
from bot.services.engagement import (
    add_follow_up,
    engagement_of,
    fill_snapshot,
    measure,
    refresh_card,
)
from storage import delivery, repo
from storage import publishing as store
from storage.models import PublicationRow, SnapshotRow

REPORTED = ("likes", "shares", "quotes", "replies", "clicks")


@dataclass(frozen=True)
class Report:
    """Numbers someone read off the network (all optional), and how the customer answered."""

    likes: int | None = None
    shares: int | None = None
    quotes: int | None = None
    replies: int | None = None
    clicks: int | None = None
    follow_up: FollowUp | None = None
    # "thanks" / "unhappy" when a person says how the customer answered, without a post.
    customer_answer: str | None = None


def report(
    services: Services, publication_id: int, report: Report, source: str, user_id: str | None
) -> PublicationRow:
    """Record numbers read off the network by a person."""
    now = services.clock()
    with services.sessions() as session:
        publication = store.get_publication(session, publication_id)
        if publication is None:
            raise WorkflowError("That reply is not published yet: there is nothing to measure.")
        _apply_report(services, session, publication, report, source, user_id, now)
        session.commit()
    services.wake_outbox()
    return publication


@dataclass(frozen=True)
class Reported:
    """What the engagement webhook did with a request."""

    updated: int = 0
    unknown: tuple[int, ...] = ()  # positions of items naming no published reply
    replayed: bool = False


def report_from_tool(
    services: Services, items: list[tuple[str | int, Report]], webhook_id: str
) -> Reported:
    """Record a tool's numbers, all or none: every item must name a published reply (by its
    live link or its mention's number), and a replayed delivery changes nothing."""
    now = services.clock()
    with services.sessions() as session:
        if delivery.seen_webhook(session, webhook_id):
            return Reported(replayed=True)
        found = [_locate(session, locator) for locator, _ in items]
        unknown = tuple(i for i, publication in enumerate(found) if publication is None)
        if unknown:
            return Reported(unknown=unknown)
        for publication, (_, numbers) in zip(found, items, strict=True):
            assert publication is not None
            _apply_report(services, session, publication, numbers, "webhook", None, now)
        if not delivery.remember_webhook(session, webhook_id, now, len(items), 0):
            # The same delivery, sent twice at once, was recorded by the other request.
            session.rollback()
            return Reported(replayed=True)
        session.commit()
    services.wake_outbox()
    return Reported(updated=len(items))


def _locate(session: Session, locator: str | int) -> PublicationRow | None:
    if isinstance(locator, int):
        return store.publication_of_mention(session, locator)
    url = locator.strip()
    return store.find_publication_by_url(session, url) or store.find_publication_by_url(
        session, url.rstrip("/") if url.endswith("/") else url + "/"
    )


def _apply_report(
    services: Services,
    session: Session,
    publication: PublicationRow,
    report: Report,
    source: str,
    user_id: str | None,
    now: datetime,
) -> None:
    for name in REPORTED:
        value = getattr(report, name)
        if value is not None:
            setattr(publication, name, value)
    _record_answer(services, session, publication, report, user_id, now)
    measure(services, session, publication, now)
    snapshot = SnapshotRow(publication_id=publication.id, label="update", due_at=now)
    snapshot.recorded_by = user_id
    fill_snapshot(snapshot, publication, now, source, None)
    session.add(snapshot)
    repo.add_event(
        session,
        "results",
        now,
        actor=user_id,
        mention_id=publication.mention_id,
        source=source,
        score=publication.score,
    )
    refresh_card(session, publication, now)


def _record_answer(
    services: Services,
    session: Session,
    publication: PublicationRow,
    report: Report,
    user_id: str | None,
    now: datetime,
) -> None:
    if report.follow_up is not None:
        add_follow_up(services, session, publication, report.follow_up, now)
    if report.customer_answer is None:
        return
    said = FollowUp(
        REPORTED_ANSWER, None, f"reported by <@{user_id}>" if user_id else "reported", now
    )
    for known in store.follow_ups_of(session, publication.id):
        if known.external_id == REPORTED_ANSWER:
            session.delete(known)
            session.flush()
    if report.customer_answer in ("thanks", "unhappy"):
        positive = report.customer_answer == "thanks"
        add_follow_up(services, session, publication, said, now, positive=positive)


@dataclass(frozen=True)
class ResultsForm:
    """What the Update results modal starts from."""

    publication_id: int
    mention_id: int
    network: Network
    engagement: Engagement
    customer_answer: str | None  # "thanks", "unhappy", or None when nobody said


def results_form(services: Services, mention_id: int) -> ResultsForm:
    """Load a published reply's current numbers, or explain why there are none."""
    with services.sessions() as session:
        publication = store.publication_of_mention(session, mention_id)
        if publication is None:
            raise WorkflowError(
                f"#{mention_id} has no published reply yet: results come once it is posted."
            )
        said = next(
            (
                f
                for f in store.follow_ups_of(session, publication.id)
                if f.external_id == REPORTED_ANSWER
            ),
            None,
        )
        answer = None if said is None else ("thanks" if said.positive else "unhappy")
        return ResultsForm(
            publication.id,
            mention_id,
            Network(publication.network or "other"),
            engagement_of(publication),
            answer,
        )
