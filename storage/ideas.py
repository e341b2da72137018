"""Ideas over a caller-owned session: functions add, read and flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.ideas import Idea, IdeaStatus
from storage.models import IdeaRow, OutboxRow


def to_idea(row: IdeaRow) -> Idea:
    return Idea(
        id=row.id,
        title=row.title,
        pitch=row.pitch,
        department_key=row.department_key,
        author=row.author,
        created_at=row.created_at,
        network=row.network,
        link=row.link,
        status=IdeaStatus(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decline_reason=row.decline_reason,
        mention_id=row.mention_id,
        shipped_url=row.shipped_url,
        shipped_at=row.shipped_at,
    )


def apply_idea(row: IdeaRow, idea: Idea) -> None:
    """Copy what a decision or shipping changed onto the row."""
    row.status = idea.status.value
    row.decided_by, row.decided_at = idea.decided_by, idea.decided_at
    row.decline_reason = idea.decline_reason
    row.mention_id = idea.mention_id
    row.shipped_url, row.shipped_at = idea.shipped_url, idea.shipped_at


def get_idea(session: Session, idea_id: int) -> IdeaRow | None:
    return session.get(IdeaRow, idea_id)


def idea_of_mention(session: Session, mention_id: int) -> IdeaRow | None:
    """The idea a post (a mention with source "idea") was written for."""
    return session.scalars(select(IdeaRow).where(IdeaRow.mention_id == mention_id)).first()


def ideas_by(session: Session, author: str, limit: int = 50) -> Sequence[IdeaRow]:
    """Someone's ideas, newest first."""
    query = select(IdeaRow).where(IdeaRow.author == author)
    return session.scalars(query.order_by(IdeaRow.created_at.desc()).limit(limit)).all()


def count_in_pipeline(session: Session, department_key: str | None) -> int:
    """Ideas pitched or approved and not yet live."""
    query = (
        select(func.count())
        .select_from(IdeaRow)
        .where(IdeaRow.status.in_([IdeaStatus.PITCHED.value, IdeaStatus.APPROVED.value]))
    )
    if department_key:
        query = query.where(IdeaRow.department_key == department_key)
    return int(session.scalar(query) or 0)


def shipped_during(
    session: Session, department_key: str | None, start: datetime, end: datetime
) -> Sequence[IdeaRow]:
    """Ideas whose post went live during a period, oldest first."""
    query = select(IdeaRow).where(IdeaRow.shipped_at >= start, IdeaRow.shipped_at < end)
    if department_key:
        query = query.where(IdeaRow.department_key == department_key)
    return session.scalars(query.order_by(IdeaRow.shipped_at, IdeaRow.id)).all()


def remember_idea_card(session: Session, row: OutboxRow, channel: str) -> None:
    """Store where an idea's card landed, so decisions update it in place."""
    idea = session.get(IdeaRow, int(row.payload.get("idea_id") or 0))
    if idea is not None:
        idea.card_channel, idea.card_ts = channel, row.ts
