"""Repository functions over a session the caller owns: they add and flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import Session

from storage.models import (
    CustomerRow,
    DepartmentRow,
    DraftRow,
    EventRow,
    MentionRow,
    PersonRow,
    PublicationRow,
)


def get_mention(session: Session, mention_id: int) -> MentionRow | None:
    return session.get(MentionRow, mention_id)


def find_mention(session: Session, network: str, external_id: str) -> MentionRow | None:
    query = select(MentionRow).where(
        MentionRow.network == network, MentionRow.external_id == external_id
    )
    return session.scalars(query).first()


def known_mentions(
    session: Session, keys: set[tuple[str, str]], urls: set[str]
) -> tuple[set[tuple[str, str]], set[str]]:
    """Which (network, external_id) pairs and canonical URLs are already stored."""
    found_keys: set[tuple[str, str]] = set()
    found_urls: set[str] = set()
    for chunk in chunks(sorted(keys)):
        query = select(MentionRow.network, MentionRow.external_id).where(
            tuple_(MentionRow.network, MentionRow.external_id).in_(chunk)
        )
        found_keys.update((n, e) for n, e in session.execute(query))
    for url_chunk in chunks(sorted(urls)):
        by_url = select(MentionRow.canonical_url).where(MentionRow.canonical_url.in_(url_chunk))
        found_urls.update(u for u in session.scalars(by_url) if u)
    return found_keys, found_urls


def customers_by_handle(
    session: Session, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], CustomerRow]:
    """The customers with these (network, handle) pairs."""
    found: dict[tuple[str, str], CustomerRow] = {}
    for chunk in chunks(sorted(keys)):
        query = select(CustomerRow).where(
            tuple_(CustomerRow.network, CustomerRow.handle).in_(chunk)
        )
        found.update(((c.network, c.handle), c) for c in session.scalars(query))
    return found


def chunks(values: list[Any], size: int = 400) -> list[list[Any]]:
    """Split values for IN (...) lists that stay under every database's parameter limit."""
    return [values[i : i + size] for i in range(0, len(values), size)]


def add_mention(session: Session, row: MentionRow) -> MentionRow:
    session.add(row)
    session.flush()
    return row


# Most pressing first: urgent, high, normal (or not yet classified), low.
PRIORITY_ORDER = case(
    {"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=MentionRow.priority, else_=2
)


def list_mentions(
    session: Session,
    states: Iterable[str],
    *,
    department_key: str | None = None,
    claimed_by: str | None = None,
    limit: int = 20,
) -> Sequence[MentionRow]:
    """Return mentions in `states`, most pressing then oldest first, optionally of one
    department or person."""
    query = select(MentionRow).where(MentionRow.state.in_(list(states)))
    if department_key is not None:
        query = query.where(MentionRow.department_key == department_key)
    if claimed_by is not None:
        query = query.where(MentionRow.claimed_by == claimed_by)
    ordered = query.order_by(PRIORITY_ORDER, MentionRow.received_at, MentionRow.id)
    return session.scalars(ordered.limit(limit)).all()


def count_mentions(session: Session, states: Iterable[str], department_key: str | None) -> int:
    query = select(func.count()).select_from(MentionRow).where(MentionRow.state.in_(list(states)))
    if department_key is not None:
        query = query.where(MentionRow.department_key == department_key)
    return int(session.scalar(query) or 0)


def list_departments(session: Session) -> Sequence[DepartmentRow]:
    return session.scalars(select(DepartmentRow).order_by(DepartmentRow.id)).all()


def get_department(session: Session, key: str) -> DepartmentRow | None:
    return session.scalars(select(DepartmentRow).where(DepartmentRow.key == key)).first()


def get_customer(session: Session, customer_id: int | None) -> CustomerRow | None:
    return session.get(CustomerRow, customer_id) if customer_id is not None else None


def save_customer(
    session: Session, network: str, handle: str, now: datetime, **fields: Any
) -> CustomerRow:
    """Return the customer with this handle on this network, created or refreshed."""
    query = select(CustomerRow).where(CustomerRow.network == network, CustomerRow.handle == handle)
    row = session.scalars(query).first()
    if row is None:
        row = CustomerRow(network=network, handle=handle, first_seen_at=now, last_seen_at=now)
        session.add(row)
    row.last_seen_at = now
    for name, value in fields.items():
        if value is not None:
            setattr(row, name, value)
    session.flush()
    return row


def customer_mentions_before(
    session: Session, customer_id: int, mention_id: int
) -> tuple[int, MentionRow | None]:
    """How many mentions the customer made before this one, and the latest of them."""
    earlier = (MentionRow.customer_id == customer_id, MentionRow.id < mention_id)
    count = session.scalar(select(func.count()).select_from(MentionRow).where(*earlier)) or 0
    latest = select(MentionRow).where(*earlier).order_by(MentionRow.id.desc()).limit(1)
    return int(count), session.scalars(latest).first()


def customer_mentions(session: Session, customer_id: int) -> Sequence[MentionRow]:
    query = select(MentionRow).where(MentionRow.customer_id == customer_id)
    return session.scalars(query.order_by(MentionRow.id)).all()


def find_customers(session: Session, handle: str) -> Sequence[CustomerRow]:
    """Customers with this handle on any network ("@ana" finds "@ana@social.example" too)."""
    wanted = handle.lower().lstrip("@")
    literal = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(CustomerRow).where(
        func.lower(CustomerRow.handle).in_([wanted, f"@{wanted}"])
        | func.lower(CustomerRow.handle).like(f"@{literal}@%", escape="\\")
    )
    return session.scalars(query.order_by(CustomerRow.id)).all()


def list_drafts(session: Session, mention_id: int) -> Sequence[DraftRow]:
    query = select(DraftRow).where(DraftRow.mention_id == mention_id).order_by(DraftRow.version)
    return session.scalars(query).all()


def latest_draft(session: Session, mention_id: int) -> DraftRow | None:
    query = (
        select(DraftRow)
        .where(DraftRow.mention_id == mention_id)
        .order_by(DraftRow.version.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def get_draft(session: Session, draft_id: int) -> DraftRow | None:
    return session.get(DraftRow, draft_id)


def add_draft(session: Session, row: DraftRow) -> DraftRow:
    session.add(row)
    session.flush()
    return row


def add_publication(session: Session, row: PublicationRow) -> PublicationRow:
    session.add(row)
    session.flush()
    return row


def add_event(
    session: Session,
    kind: str,
    at: datetime,
    *,
    actor: str | None = None,
    mention_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **detail: Any,
) -> EventRow:
    """Write one audit event: who did what, when, and from which state to which."""
    row = EventRow(
        kind=kind,
        at=at,
        actor=actor,
        mention_id=mention_id,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
    )
    session.add(row)
    return row


def list_events(session: Session, mention_id: int) -> Sequence[EventRow]:
    query = select(EventRow).where(EventRow.mention_id == mention_id).order_by(EventRow.id)
    return session.scalars(query).all()


def save_person(session: Session, slack_user_id: str, now: datetime, name: str | None) -> PersonRow:
    """Return the person with this Slack id, created when first seen, name kept fresh."""
    query = select(PersonRow).where(PersonRow.slack_user_id == slack_user_id)
    row = session.scalars(query).first()
    if row is None:
        row = PersonRow(slack_user_id=slack_user_id, first_seen_at=now, name=name)
        session.add(row)
        session.flush()
    elif name and row.name != name:
        row.name = name
    return row
