"""The digest's read model: a week's facts for one department or the whole company.

A handful of indexed queries, each reading one week's rows (or one aggregate), so a digest
costs the same on a young workspace and on one with a million mentions. Read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from bot.domain.classification import Intent
from bot.domain.digest import COMPANY, Advocate, Wait, Win
from bot.domain.model import OPEN_STATES, State
from storage.models import (
    CustomerRow,
    DigestRow,
    DraftRow,
    EventRow,
    FollowUpRow,
    MentionRow,
    OutboxRow,
    PublicationRow,
)
from storage.repo import chunks

COMPLAINING = -0.05  # VADER's compound score below which a post reads as negative
OPEN = [state.value for state in OPEN_STATES]


Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])


def _in_scope(query: Query, scope: str) -> Query:
    """Narrow a query over mentions to one department, unless it is the company's."""
    return query if scope == COMPANY else query.where(MentionRow.department_key == scope)


def waits(
    session: Session, scope: str, start: datetime, end: datetime, slas: Mapping[str, int | None]
) -> list[Wait]:
    """Every mention received during the week, with when it was answered."""
    query = select(
        MentionRow.received_at, MentionRow.posted_at, MentionRow.state, MentionRow.department_key
    ).where(MentionRow.received_at >= start, MentionRow.received_at < end)
    return [
        Wait(received, posted, state == State.DISMISSED.value, slas.get(department or ""))
        for received, posted, state, department in session.execute(_in_scope(query, scope))
    ]


def answers_during(session: Session, scope: str, start: datetime, end: datetime) -> list[datetime]:
    """When each reply that went live during the week went live."""
    query = (
        select(PublicationRow.posted_at)
        .join(MentionRow, MentionRow.id == PublicationRow.mention_id)
        .where(PublicationRow.posted_at >= start, PublicationRow.posted_at < end)
    )
    return list(session.scalars(_in_scope(query, scope)))


def wins(session: Session, scope: str, start: datetime, end: datetime) -> list[Win]:
    """The replies that went live during the week, with the customer and the people."""
    query = (
        select(PublicationRow, MentionRow, DraftRow, CustomerRow)
        .join(MentionRow, MentionRow.id == PublicationRow.mention_id)
        .join(DraftRow, DraftRow.id == PublicationRow.draft_id)
        .outerjoin(CustomerRow, CustomerRow.id == MentionRow.customer_id)
        .where(PublicationRow.posted_at >= start, PublicationRow.posted_at < end)
    )
    rows = session.execute(_in_scope(query, scope)).all()
    warm = warm_words(session, [publication.id for publication, *_ in rows])
    return [_win(*row, warm.get(row[0].id)) for row in rows]


def _win(
    publication: PublicationRow,
    mention: MentionRow,
    draft: DraftRow,
    customer: CustomerRow | None,
    warm: str | None,
) -> Win:
    complaint = mention.intent == Intent.COMPLAINT.value or (
        mention.sentiment is not None and mention.sentiment < COMPLAINING
    )
    return Win(
        mention_id=mention.id,
        department_key=mention.department_key,
        network=mention.network,
        customer=(customer.name or customer.handle) if customer else "A customer",
        customer_text=mention.text,
        reply_text=publication.text or draft.final_text or draft.text,
        url=publication.url,
        posted_at=publication.posted_at,
        drafted_by=draft.author,
        approved_by=draft.reviewer,
        score=publication.score,
        shares=publication.shares,
        quotes=publication.quotes,
        replies=publication.replies,
        clicks=publication.clicks,
        likes=publication.likes,
        complaint=complaint,
        warm_words=warm,
    )


def warm_words(session: Session, publication_ids: Sequence[int]) -> dict[int, str]:
    """The customer's first kind answer to each reply, where they gave one."""
    found: dict[int, str] = {}
    for chunk in chunks(list(publication_ids)):
        query = (
            select(FollowUpRow.publication_id, FollowUpRow.text)
            .where(FollowUpRow.publication_id.in_(chunk), FollowUpRow.positive.is_(True))
            .order_by(FollowUpRow.found_at, FollowUpRow.id)
        )
        for publication_id, text in session.execute(query):
            found.setdefault(publication_id, text)
    return found


def first_replies(
    session: Session, authors: Sequence[str], start: datetime, end: datetime
) -> list[str]:
    """The authors, among these, whose first live reply ever went out during the week."""
    found: list[str] = []
    for chunk in chunks(sorted(set(authors))):
        first = func.min(PublicationRow.posted_at)
        query = (
            select(DraftRow.author)
            .join(PublicationRow, PublicationRow.draft_id == DraftRow.id)
            .where(DraftRow.author.in_(chunk))
            .group_by(DraftRow.author)
            .having(and_(first >= start, first < end))
        )
        found.extend(session.scalars(query))
    return found


def advocates(session: Session, scope: str, start: datetime, end: datetime) -> list[Advocate]:
    """Customers marked as advocates during the week, from a mention in this scope."""
    query = (
        select(CustomerRow, EventRow.actor)
        .join(MentionRow, MentionRow.customer_id == CustomerRow.id)
        .join(EventRow, EventRow.mention_id == MentionRow.id)
        .where(EventRow.kind == "mark_advocate", EventRow.at >= start, EventRow.at < end)
    )
    seen: dict[int, Advocate] = {}
    for customer, actor in session.execute(_in_scope(query, scope)):
        name = customer.name or customer.handle
        seen.setdefault(customer.id, Advocate(name, customer.network, actor or ""))
    return list(seen.values())


def still_open(session: Session, scope: str) -> tuple[int, datetime | None]:
    """How many mentions are open now, and since when the oldest has waited."""
    query = select(func.count(), func.min(MentionRow.received_at)).where(MentionRow.state.in_(OPEN))
    count, oldest = session.execute(_in_scope(query, scope)).one()
    return int(count), oldest


def any_mention_before(session: Session, moment: datetime) -> bool:
    """Whether any mention arrived before `moment` (Chorus was in use by then)."""
    query = select(MentionRow.id).where(MentionRow.received_at < moment).limit(1)
    return session.scalar(query) is not None


def get_digest(session: Session, scope: str, week: str) -> DigestRow | None:
    query = select(DigestRow).where(DigestRow.scope == scope, DigestRow.week == week)
    return session.scalars(query).first()


def remember_digest(session: Session, row: OutboxRow) -> None:
    """Store where a digest, or its chart, landed in Slack."""
    digest = session.get(DigestRow, int(row.payload.get("digest_id") or 0))
    if digest is None:
        return
    if row.kind == "digest":
        digest.posted_ts = row.ts
    else:
        digest.chart_file_id = row.ts
