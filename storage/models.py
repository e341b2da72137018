"""Typed SQLAlchemy models: the database is the truth, Slack messages are views of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Store timestamps in UTC and always hand back timezone-aware datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Chorus stores timezone-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite keeps no offset; what we stored was UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT on PostgreSQL, but INTEGER on SQLite so primary keys stay rowid aliases.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class DepartmentRow(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_minutes: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    first_seen_at: Mapped[datetime]


class RoleRow(Base):
    """A role from chorus.toml: 'manager' (company-wide) or 'lead' of one department."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("person_id", "role", "department_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE")
    )


class CustomerRow(Base):
    """A customer (the author of mentions), known as a person across their posts."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("network", "handle"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    network: Mapped[str] = mapped_column(String(16))
    handle: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    followers: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    is_advocate: Mapped[bool] = mapped_column(Boolean, default=False)
    advocate_marked_by: Mapped[str | None] = mapped_column(String(32))
    advocate_marked_at: Mapped[datetime | None]


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("network", "external_id"),
        Index("ix_mentions_state_department", "state", "department_key"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    network: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(100))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    posted_on_network_at: Mapped[datetime | None]
    received_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    department_key: Mapped[str | None] = mapped_column(ForeignKey("departments.key"))
    route_reason: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    dismissed_by: Mapped[str | None] = mapped_column(String(32))
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    posted_url: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None]
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    # The same post seen through another source: matched on this as well as the id.
    canonical_url: Mapped[str | None] = mapped_column(Text, index=True)
    sentiment: Mapped[float | None] = mapped_column(Float)
    intent: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(16))
    route_rule: Mapped[str | None] = mapped_column(String(100))
    # Held in a spike summary instead of a card of its own, until released.
    spike_id: Mapped[int | None] = mapped_column(ForeignKey("spikes.id"), index=True)
    # Optimistic concurrency: two people moving one mention at once, exactly one wins.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class SpikeRow(Base):
    """A storm of mentions for one channel, shown as one summary instead of a flood."""

    __tablename__ = "spikes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    opened_at: Mapped[datetime]
    last_mention_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    summary_ts: Mapped[str | None] = mapped_column(String(32))


class SourceStateRow(Base):
    """Where a polled source stands: its cursor and its health."""

    __tablename__ = "source_states"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    brought_in: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None]


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("mention_id", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    final_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]
    reviewer: Mapped[str | None] = mapped_column(String(32))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    review_channel: Mapped[str | None] = mapped_column(String(32))
    review_ts: Mapped[str | None] = mapped_column(String(32))
    # The approved text with its links turned into Chorus short links (when tracking is on).
    tracked_text: Mapped[str | None] = mapped_column(Text)


class PublicationRow(Base):
    """A reply that is live on its network, with its latest measured results and score."""

    __tablename__ = "publications"
    __table_args__ = (
        Index("ix_publications_posted_at", "posted_at"),
        UniqueConstraint("draft_id", name="uq_publications_draft_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    # "manual" (marked as posted) or the connector's network ("mastodon", "bluesky").
    method: Mapped[str] = mapped_column(String(16))
    posted_by: Mapped[str] = mapped_column(String(32))
    posted_at: Mapped[datetime]
    network: Mapped[str | None] = mapped_column(String(16))
    # Our reply's id on the network (Mastodon status id, Bluesky at:// URI), when we posted it.
    external_id: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    quotes: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    positive_follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    measured_at: Mapped[datetime | None]


class PublishJobRow(Base):
    """One request to publish an approved draft through a connector.

    Its key goes to the network with every attempt (Mastodon's Idempotency-Key, Bluesky's
    record key), so a double click, a retried request or a restart never posts twice."""

    __tablename__ = "publish_jobs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), unique=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    # pending → running → done, or failed (waiting for someone to click Retry).
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]


class SnapshotRow(Base):
    """A reply's results at one moment: scheduled (1h … 7d) or reported (manual, webhook)."""

    __tablename__ = "engagement_snapshots"
    __table_args__ = (Index("ix_snapshots_due", "taken_at", "due_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    taken_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    likes: Mapped[int | None] = mapped_column(Integer)
    shares: Mapped[int | None] = mapped_column(Integer)
    quotes: Mapped[int | None] = mapped_column(Integer)
    replies: Mapped[int | None] = mapped_column(Integer)
    clicks: Mapped[int | None] = mapped_column(Integer)
    positive_follow_ups: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class FollowUpRow(Base):
    """The customer's own answer after our reply, with its sentiment."""

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("publication_id", "external_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sentiment: Mapped[float | None] = mapped_column(Float)
    positive: Mapped[bool] = mapped_column(Boolean, default=False)
    posted_at: Mapped[datetime | None]
    found_at: Mapped[datetime]


class ShortLinkRow(Base):
    """A link in a reply, served by Chorus as /r/CODE so it can count clicks.

    Only the count is kept: nothing about who clicked (no address, no browser)."""

    __tablename__ = "short_links"
    __table_args__ = (UniqueConstraint("draft_id", "target_url"),)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    target_url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    last_click_at: Mapped[datetime | None]


class EventRow(Base):
    """The audit trail: who did what, when, and from which state to which."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_mention", "mention_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxRow(Base):
    """A message that must reach Slack, written with the data and posted by the worker."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    ts: Mapped[str | None] = mapped_column(String(32))


class WebhookDeliveryRow(Base):
    """A `webhook-id` already accepted, so a sender's retry is a duplicate, not new work."""

    __tablename__ = "webhook_deliveries"
    webhook_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime]
    accepted: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)


class SlackEventRow(Base):
    """A Slack `event_id` already handled: Slack retries must never act twice."""

    __tablename__ = "slack_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]


class ReminderRow(Base):
    """A reminder stage already sent for a mention: each stage goes out once."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("mention_id", "stage"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(24))
    sent_at: Mapped[datetime]


class SchedulerJobRow(Base):
    """APScheduler's job store, in Chorus's database: scheduled jobs outlive a restart.

    The shape is APScheduler's own (SQLAlchemyJobStore); Chorus only creates it."""

    __tablename__ = "apscheduler_jobs"
    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float, index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
