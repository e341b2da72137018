"""Measure published replies: scheduled snapshots, numbers people report, customers' answers.

A reply's latest results and score live on its publication (the card and the digest read
them there); every reading is also kept as a snapshot, so results can be seen over time.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import fields
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.engagement import Engagement, is_positive_follow_up, score
from bot.domain.model import Network
from bot.publishing.base import FollowUp, Published, PublishError, Reading
from bot.services.core import Services
from storage import delivery, repo
from storage import publishing as store
from storage.links import clicks_of_draft
from storage.models import FollowUpRow, PublicationRow, SnapshotRow

log = logging.getLogger("chorus.engagement")


def take_due_snapshots(services: Services, limit: int = 100) -> int:
    """Take every snapshot whose time has come; return how many were taken."""
    now = services.clock()
    with services.sessions() as session:
        due: dict[int, list[int]] = defaultdict(list)
        for snapshot in store.due_snapshots(session, now, limit):
            due[snapshot.publication_id].append(snapshot.id)
    for publication_id, snapshot_ids in due.items():
        _take(services, publication_id, snapshot_ids)
    return sum(len(ids) for ids in due.values())


def _take(services: Services, publication_id: int, snapshot_ids: list[int]) -> None:
    reading, error = _read(services, publication_id)
    now = services.clock()
    with services.sessions() as session:
        publication = store.get_publication(session, publication_id)
        if publication is None:
            return
        if reading is not None:
            _remember_reading(services, session, publication, reading, now)
        measure(services, session, publication, now)
        for snapshot_id in snapshot_ids:
            snapshot = session.get(SnapshotRow, snapshot_id)
            if snapshot is not None and snapshot.taken_at is None:
                fill_snapshot(snapshot, publication, now, "network" if reading else "chorus", error)
        refresh_card(session, publication, now)
        session.commit()


def _read(services: Services, publication_id: int) -> tuple[Reading | None, str | None]:
    """Ask the network for the reply's results, when Chorus posted it there itself."""
    with services.sessions() as session:
        publication = store.get_publication(session, publication_id)
        if publication is None or publication.method == "manual" or not publication.external_id:
            return None, None
        mention = repo.get_mention(session, publication.mention_id)
        customer = repo.get_customer(session, mention.customer_id) if mention else None
        network = Network(publication.network or publication.method)
        live = Published(publication.external_id, publication.url)
    connector = services.connectors.get(network)
    if connector is None:
        return None, f"no {network.value} connector is set up any more"
    try:
        return connector.read(live, customer.handle if customer else None), None
    except PublishError as error:
        log.warning("results of publication %s: %s", publication_id, error.message)
        return None, error.message


def _remember_reading(
    services: Services,
    session: Session,
    publication: PublicationRow,
    reading: Reading,
    now: datetime,
) -> None:
    numbers = reading.engagement
    publication.likes, publication.shares = numbers.likes, numbers.shares
    publication.quotes, publication.replies = numbers.quotes, numbers.replies
    for follow_up in reading.follow_ups:
        add_follow_up(services, session, publication, follow_up, now)


def add_follow_up(
    services: Services,
    session: Session,
    publication: PublicationRow,
    follow_up: FollowUp,
    now: datetime,
    positive: bool | None = None,
) -> bool:
    """Record the customer's answer once, with its sentiment; return whether it was new."""
    verdict = services.classifier().classify(
        follow_up.text, language=None, followers=None, is_advocate=False
    )
    row = FollowUpRow(
        publication_id=publication.id,
        external_id=follow_up.external_id,
        url=follow_up.url,
        text=follow_up.text,
        sentiment=verdict.sentiment,
        positive=is_positive_follow_up(follow_up.text, verdict.sentiment)
        if positive is None
        else positive,
        posted_at=follow_up.posted_at,
        found_at=now,
    )
    return store.add_follow_up(session, row)


def measure(
    services: Services, session: Session, publication: PublicationRow, now: datetime
) -> None:
    """Recount what Chorus knows itself (clicks, warm answers) and recompute the score."""
    counted = clicks_of_draft(session, publication.draft_id)
    publication.clicks = max(counted, publication.clicks or 0)
    follow_ups = store.follow_ups_of(session, publication.id)
    publication.positive_follow_ups = sum(1 for f in follow_ups if f.positive)
    publication.score = score(engagement_of(publication), services.weights)
    publication.measured_at = now


def engagement_of(publication: PublicationRow) -> Engagement:
    return Engagement(
        likes=publication.likes or 0,
        shares=publication.shares or 0,
        quotes=publication.quotes or 0,
        replies=publication.replies or 0,
        clicks=publication.clicks or 0,
        positive_follow_ups=publication.positive_follow_ups or 0,
    )


def fill_snapshot(
    snapshot: SnapshotRow,
    publication: PublicationRow,
    now: datetime,
    source: str,
    error: str | None,
) -> None:
    for field in fields(Engagement):
        setattr(snapshot, field.name, getattr(publication, field.name))
    snapshot.score, snapshot.taken_at, snapshot.source, snapshot.error = (
        publication.score,
        now,
        source,
        error,
    )


def refresh_card(session: Session, publication: PublicationRow, now: datetime) -> None:
    mention = repo.get_mention(session, publication.mention_id)
    if mention is not None and mention.card_channel and mention.card_ts:
        delivery.add_outbox(
            session, "card_update", mention.card_channel, now, mention_id=mention.id
        )
