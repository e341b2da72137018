"""Delivery bookkeeping over a caller-owned session: the outbox, webhook deliveries and
Slack events already seen. Functions add and flush, never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import OutboxRow, SlackEventRow, WebhookDeliveryRow


def add_outbox(
    session: Session, kind: str, channel: str, now: datetime, **fields: Any
) -> OutboxRow:
    """Queue a message for Slack in the same transaction as the data it shows."""
    row = OutboxRow(kind=kind, channel=channel, created_at=now, next_attempt_at=now, **fields)
    session.add(row)
    return row


def due_outbox(session: Session, now: datetime, limit: int = 50) -> Sequence[OutboxRow]:
    """Return unsent messages whose time has come, oldest first."""
    query = (
        select(OutboxRow)
        .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def take_outbox(
    session: Session, now: datetime, until: datetime, skip_channels: Collection[str] = ()
) -> OutboxRow | None:
    """Take the oldest due row for sending until `until`, or None when nothing is due.

    On PostgreSQL the row is locked with FOR UPDATE SKIP LOCKED, so workers in other
    processes pass over it instead of waiting; its next_attempt_at moves to `until`, so once
    the caller commits nobody else takes it while Slack answers. SQLite has one writer at a
    time (sessions begin IMMEDIATE), which gives the same guarantee.
    """
    query = (
        select(OutboxRow)
        .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
        .order_by(OutboxRow.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip_channels:
        query = query.where(OutboxRow.channel.not_in(list(skip_channels)))
    row = session.scalars(query).first()
    if row is not None:
        row.next_attempt_at = until
        session.flush()
    return row


def pending_outbox(session: Session) -> Sequence[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.sent_at.is_(None)).order_by(OutboxRow.id)
    return session.scalars(query).all()


def remember_webhook(
    session: Session, webhook_id: str, now: datetime, accepted: int, duplicates: int
) -> bool:
    """Record a webhook-id; False when it was already recorded (a retry or replay)."""
    if session.get(WebhookDeliveryRow, webhook_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                WebhookDeliveryRow(
                    webhook_id=webhook_id, received_at=now, accepted=accepted, duplicates=duplicates
                )
            )
    except IntegrityError:
        return False
    return True


def seen_webhook(session: Session, webhook_id: str) -> WebhookDeliveryRow | None:
    return session.get(WebhookDeliveryRow, webhook_id)


def remember_slack_event(session: Session, event_id: str, now: datetime) -> bool:
    """Record a Slack event_id; False when Slack already delivered it (a retry)."""
    if session.get(SlackEventRow, event_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SlackEventRow(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True


def outbox_depth(session: Session) -> tuple[int, datetime | None]:
    """How many messages wait for Slack, and since when the oldest has waited."""
    query = select(func.count(), func.min(OutboxRow.created_at)).where(OutboxRow.sent_at.is_(None))
    count, oldest = session.execute(query).one()
    return int(count), oldest
