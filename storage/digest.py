"""The digest's read model: a week's facts for one department or the whole company.

A handful of indexed queries, each reading one week's rows (or one aggregate), so a digest
costs the same on a young workspace and on one with a million mentions. Read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.domain.classification import Intent
from bot.domain.digest import COMPANY, Advocate, ShippedIdea, Wait, Win
from bot.domain.ideas import IDEA_SOURCE
from bot.domain.model import OPEN_STATES, State
from storage.ideas import shipped_during
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


def _from_customers() -> Any:
    """Mentions from customers, not posts the team is writing from its own ideas."""
    return or_(MentionRow.source.is_(None), MentionRow.source != IDEA_SOURCE)


def waits(
    session: Session, scope: str, start: datetime, end: datetime, slas: Mapping[str, int | None]
) -> list[Wait]:
    """Every mention received during the week, with when it was answered."""
    query = select(
        MentionRow.received_at, MentionRow.posted_at, MentionRow.state, MentionRow.department_key
    ).where(
        MentionRow.received_at >= start,
        MentionRow.received_at < end,
        _from_customers(),
    )
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


# Only the columns a Win shows: whole ORM rows cost more than the query on a busy week.
WIN_COLUMNS = (
    PublicationRow.id,
    PublicationRow.url,
    PublicationRow.posted_at,
    PublicationRow.text,
    PublicationRow.score,
    PublicationRow.shares,
    PublicationRow.quotes,
    PublicationRow.replies,
    PublicationRow.clicks,
    PublicationRow.likes,
    MentionRow.id,
    MentionRow.department_key,
    MentionRow.network,
    MentionRow.text,
    MentionRow.intent,
    MentionRow.sentiment,
    MentionRow.source,
    DraftRow.author,
    DraftRow.reviewer,
    func.coalesce(DraftRow.final_text, DraftRow.text),
    func.coalesce(CustomerRow.name, CustomerRow.handle),
)


def wins(session: Session, scope: str, start: datetime, end: datetime) -> list[Win]:
    """The replies (and posts) that went live during the week, with the people behind them."""
    query = (
        select(*WIN_COLUMNS)
        .join(MentionRow, MentionRow.id == PublicationRow.mention_id)
        .join(DraftRow, DraftRow.id == PublicationRow.draft_id)
        .outerjoin(CustomerRow, CustomerRow.id == MentionRow.customer_id)
        .where(PublicationRow.posted_at >= start, PublicationRow.posted_at < end)
    )
    rows = session.execute(_in_scope(query, scope)).all()
    warm = warm_words(session, [row[0] for row in rows])
    return [_win(row, warm.get(row[0])) for row in rows]


def _win(row: Any, warm: str | None) -> Win:
    (publication_id, url, posted_at, text, score, shares, quotes, replies, clicks, likes,
     mention_id, department, network, said, intent, sentiment, source,
     author, reviewer, drafted, customer) = row  # fmt: skip
    complaint = intent == Intent.COMPLAINT.value or (
        sentiment is not None and sentiment < COMPLAINING
    )
    post = source == IDEA_SOURCE
    return Win(
        mention_id=mention_id,
        department_key=department,
        network=network,
        customer="A post idea" if post else customer or "A customer",
        customer_text=said,
        reply_text=text or drafted,
        url=url,
        posted_at=posted_at,
        drafted_by=author,
        approved_by=reviewer,
        score=score,
        shares=shares,
        quotes=quotes,
        replies=replies,
        clicks=clicks,
        likes=likes,
        complaint=complaint and not post,
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
    earlier_draft, earlier = aliased(DraftRow), aliased(PublicationRow)
    # Correlated and stopping at the first hit: most people answered before, and one earlier
    # reply is enough to know it (measured by bench/digest.py on 100,000 replies).
    answered_before = (
        select(earlier_draft.id)
        .join(earlier, earlier.draft_id == earlier_draft.id)
        .where(earlier_draft.author == DraftRow.author, earlier.posted_at < start)
        .exists()
    )
    found: set[str] = set()
    for chunk in chunks(sorted(set(authors))):
        query = (
            select(DraftRow.author)
            .distinct()
            .join(PublicationRow, PublicationRow.draft_id == DraftRow.id)
            .where(
                DraftRow.author.in_(chunk),
                PublicationRow.posted_at >= start,
                PublicationRow.posted_at < end,
                ~answered_before,
            )
        )
        found.update(session.scalars(query))
    return sorted(found)


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


def ideas_shipped(
    session: Session, scope: str, start: datetime, end: datetime
) -> list[ShippedIdea]:
    """Colleagues' post ideas whose post went live during the week."""
    department = None if scope == COMPANY else scope
    return [
        ShippedIdea(row.title, row.author, row.shipped_url)
        for row in shipped_during(session, department, start, end)
    ]


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
