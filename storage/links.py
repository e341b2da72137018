"""Short links over a caller-owned session: functions add, update and flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ShortLinkRow


def add_short_link(
    session: Session, draft_id: int, target_url: str, code: str, now: datetime
) -> ShortLinkRow | None:
    """Store a short link; None when its code is taken or the draft already has the link."""
    row = ShortLinkRow(code=code, draft_id=draft_id, target_url=target_url, created_at=now)
    try:
        # A savepoint, so a clash undoes only this row and not the caller's transaction.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def short_links_of_draft(session: Session, draft_id: int) -> Sequence[ShortLinkRow]:
    query = select(ShortLinkRow).where(ShortLinkRow.draft_id == draft_id)
    return session.scalars(query.order_by(ShortLinkRow.created_at, ShortLinkRow.code)).all()


def get_short_link(session: Session, code: str) -> ShortLinkRow | None:
    return session.get(ShortLinkRow, code)


def count_click(session: Session, code: str, now: datetime) -> str | None:
    """Add one click to a short link and return where it leads; None for an unknown code."""
    # One UPDATE adds the click in the database: concurrent clicks never overwrite each other.
    counted = (
        update(ShortLinkRow)
        .where(ShortLinkRow.code == code)
        .values(clicks=ShortLinkRow.clicks + 1, last_click_at=now)
        .returning(ShortLinkRow.target_url)
        .execution_options(synchronize_session=False)
    )
    target: str | None = session.execute(counted).scalar_one_or_none()
    return target


def clicks_of_draft(session: Session, draft_id: int) -> int:
    """Return the clicks on all the short links of a draft's reply."""
    total = select(func.coalesce(func.sum(ShortLinkRow.clicks), 0)).where(
        ShortLinkRow.draft_id == draft_id
    )
    return int(session.scalar(total) or 0)
