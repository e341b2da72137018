"""Storing a batch of new mentions: classify, route, save, audit and queue cards.

The fast path reads what is already known for the whole batch in a few queries and writes
the new rows together. When another process stored one of the same posts at the same
moment (a unique-key clash on PostgreSQL), the batch is redone one mention at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.classify import Classification, Classifier
from bot.domain import workflow
from bot.domain.model import Department, Mention
from bot.domain.routing import Facts, RouteRule, route
from bot.domain.urls import canonical_url
from bot.listening_config import SpikeConfig
from bot.services import spikes
from storage import repo
from storage.models import CustomerRow, EventRow, MentionRow

if TYPE_CHECKING:
    from bot.services.ingest import MentionIn


@dataclass(frozen=True)
class Intake:
    """What every mention of one ingest call is weighed against."""

    departments: list[Department]
    rules: list[RouteRule]
    classifier: Classifier
    now: datetime
    via: str
    spike: SpikeConfig


def store_batch(session: Session, items: Sequence[MentionIn], intake: Intake) -> list[int]:
    """Store the mentions not already known; return the new mentions' ids."""
    try:
        with session.begin_nested():
            return _fast(session, items, intake)
    except IntegrityError:
        return [mid for item in items if (mid := _slow(session, item, intake))]


def _fast(session: Session, items: Sequence[MentionIn], intake: Intake) -> list[int]:
    fresh = _unknown(session, items)
    customers = _customers(session, fresh, intake.now)
    rows = [_new_row(item, _customer_of(item, customers), intake) for item in fresh]
    session.add_all(rows)
    session.flush()
    _audit_and_queue(session, fresh, rows, intake)
    return [row.id for row in rows]


def _slow(session: Session, item: MentionIn, intake: Intake) -> int | None:
    try:
        with session.begin_nested():
            ids = _fast(session, [item], intake)
    except IntegrityError:
        return None  # the same post arrived at the same moment through another request
    return ids[0] if ids else None


def _unknown(session: Session, items: Sequence[MentionIn]) -> list[MentionIn]:
    """The items that are neither stored already nor repeated earlier in the batch."""
    keys = {(i.network.value, i.external_id) for i in items}
    urls = {u for i in items if (u := _canonical(i))}
    seen_keys, seen_urls = repo.known_mentions(session, keys, urls)
    fresh = []
    for item in items:
        key, url = (item.network.value, item.external_id), _canonical(item)
        if key in seen_keys or (url is not None and url in seen_urls):
            continue
        seen_keys.add(key)
        if url is not None:
            seen_urls.add(url)
        fresh.append(item)
    return fresh


def _canonical(item: MentionIn) -> str | None:
    return canonical_url(item.url) if item.url else None


def _customer_of(
    item: MentionIn, customers: dict[tuple[str, str], CustomerRow]
) -> CustomerRow | None:
    key = _author_key(item)
    return customers.get(key) if key else None


def _author_key(item: MentionIn) -> tuple[str, str] | None:
    return (item.network.value, item.author.handle) if item.author else None


def _customers(
    session: Session, items: Sequence[MentionIn], now: datetime
) -> dict[tuple[str, str], CustomerRow]:
    """The batch's authors, created when new, their name, link and reach kept fresh."""
    keys = {k for item in items if (k := _author_key(item))}
    found = repo.customers_by_handle(session, keys)
    for item in items:
        key = _author_key(item)
        if key is None or item.author is None:
            continue
        row = found.get(key)
        if row is None:
            row = CustomerRow(network=key[0], handle=key[1], first_seen_at=now, is_advocate=False)
            session.add(row)
            found[key] = row
        row.last_seen_at = now
        author = item.author
        row.name = author.name or row.name
        row.url = author.url or row.url
        row.followers = author.followers if author.followers is not None else row.followers
    session.flush()
    return found


def _new_row(item: MentionIn, customer: CustomerRow | None, intake: Intake) -> MentionRow:
    verdict = intake.classifier.classify(
        item.text,
        language=item.language,
        followers=customer.followers if customer else None,
        is_advocate=bool(customer and customer.is_advocate),
    )
    decision = route(_facts(item, verdict, customer), intake.departments, intake.rules)
    placeholder = Mention(0, item.network, item.external_id, item.text, intake.now)
    routed = workflow.route(placeholder, decision.department_key, decision.reason, intake.now)
    return MentionRow(
        network=item.network.value,
        external_id=item.external_id,
        url=item.url,
        canonical_url=_canonical(item),
        text=item.text,
        source=item.source,
        customer_id=customer.id if customer else None,
        posted_on_network_at=item.created_at,
        received_at=intake.now,
        state=routed.mention.state.value,
        department_key=routed.mention.department_key,
        route_reason=routed.mention.route_reason,
        route_rule=decision.rule,
        language=verdict.language,
        sentiment=verdict.sentiment,
        intent=verdict.intent.value,
        priority=verdict.priority.value,
    )


def _facts(item: MentionIn, verdict: Classification, customer: CustomerRow | None) -> Facts:
    return Facts(
        text=item.text,
        network=item.network.value,
        language=verdict.language,
        intent=verdict.intent.value,
        sentiment=verdict.sentiment,
        followers=customer.followers if customer else None,
        author=customer.handle if customer else None,
    )


def _audit_and_queue(
    session: Session, items: Sequence[MentionIn], rows: Sequence[MentionRow], intake: Intake
) -> None:
    """Audit each arrival and its routing, and queue each card for its department's channel.

    Plain multi-row INSERTs: these rows are written once and never loaded in this session.
    """
    if not rows:
        return
    channels = {d.key: d.channel for d in intake.departments}
    events = []
    for item, row in zip(items, rows, strict=True):
        events.append(
            _event(
                row, "received", intake.now, None, "new", {"via": intake.via, "source": item.source}
            )
        )
        events.append(
            _event(
                row,
                "route",
                intake.now,
                "new",
                row.state,
                {
                    "department": row.department_key,
                    "reason": row.route_reason,
                    "intent": row.intent,
                    "priority": row.priority,
                },
            )
        )
    session.execute(insert(EventRow), events)
    spikes.queue_cards(session, rows, channels, intake.spike, intake.now)


def _event(
    row: MentionRow,
    kind: str,
    now: datetime,
    before: str | None,
    after: str,
    detail: dict[str, object],
) -> dict[str, object]:
    return {
        "kind": kind,
        "at": now,
        "actor": None,
        "mention_id": row.id,
        "from_state": before,
        "to_state": after,
        "detail": detail,
    }
