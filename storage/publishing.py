"""Publishing bookkeeping over a caller-owned session: publish jobs, publications, engagement
snapshots and customers' follow-ups. Functions add and flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.models import FollowUpRow, PublicationRow, PublishJobRow, SnapshotRow

RUNNING, FAILED, DONE = "running", "failed", "done"


def get_job(session: Session, draft_id: int) -> PublishJobRow | None:
    return session.scalars(select(PublishJobRow).where(PublishJobRow.draft_id == draft_id)).first()


def add_job(session: Session, row: PublishJobRow) -> PublishJobRow:
    session.add(row)
    session.flush()
    return row


def start_attempt(session: Session, job_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take the job for one attempt, unless another click or process holds it right now."""
    result = session.execute(
        update(PublishJobRow)
        .where(
            PublishJobRow.id == job_id,
            PublishJobRow.status != DONE,
            or_(
                PublishJobRow.status != RUNNING,
                PublishJobRow.lease_until.is_(None),
                PublishJobRow.lease_until < now,
            ),
        )
        .values(status=RUNNING, lease_until=lease_until, attempts=PublishJobRow.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def interrupted_jobs(session: Session, now: datetime) -> Sequence[PublishJobRow]:
    """Jobs whose attempt was cut short (the process stopped) and whose lease has run out."""
    query = select(PublishJobRow).where(
        PublishJobRow.status == RUNNING, PublishJobRow.lease_until < now
    )
    return session.scalars(query.order_by(PublishJobRow.id)).all()


def get_publication(session: Session, publication_id: int) -> PublicationRow | None:
    return session.get(PublicationRow, publication_id)


def publication_of_draft(session: Session, draft_id: int) -> PublicationRow | None:
    query = select(PublicationRow).where(PublicationRow.draft_id == draft_id)
    return session.scalars(query).first()


def publication_of_mention(session: Session, mention_id: int) -> PublicationRow | None:
    query = (
        select(PublicationRow)
        .where(PublicationRow.mention_id == mention_id)
        .order_by(PublicationRow.id.desc())
    )
    return session.scalars(query).first()


def find_publication_by_url(session: Session, url: str) -> PublicationRow | None:
    query = select(PublicationRow).where(PublicationRow.url == url).order_by(PublicationRow.id)
    return session.scalars(query).first()


def schedule_snapshots(
    session: Session, publication_id: int, due: Sequence[tuple[str, datetime]]
) -> None:
    for label, at in due:
        session.add(SnapshotRow(publication_id=publication_id, label=label, due_at=at))
    session.flush()


def due_snapshots(session: Session, now: datetime, limit: int = 100) -> Sequence[SnapshotRow]:
    query = (
        select(SnapshotRow)
        .where(SnapshotRow.taken_at.is_(None), SnapshotRow.due_at <= now)
        .order_by(SnapshotRow.due_at, SnapshotRow.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def snapshots_of(session: Session, publication_id: int) -> Sequence[SnapshotRow]:
    query = (
        select(SnapshotRow)
        .where(SnapshotRow.publication_id == publication_id)
        .order_by(SnapshotRow.due_at, SnapshotRow.id)
    )
    return session.scalars(query).all()


def follow_ups_of(session: Session, publication_id: int) -> Sequence[FollowUpRow]:
    query = (
        select(FollowUpRow)
        .where(FollowUpRow.publication_id == publication_id)
        .order_by(FollowUpRow.id)
    )
    return session.scalars(query).all()


def add_follow_up(session: Session, row: FollowUpRow) -> bool:
    """Record a follow-up once (the same post seen at the next snapshot is not new)."""
    known = session.scalars(
        select(FollowUpRow.id).where(
            FollowUpRow.publication_id == row.publication_id,
            FollowUpRow.external_id == row.external_id,
        )
    ).first()
    if known is not None:
        return False
    session.add(row)
    session.flush()
    return True
