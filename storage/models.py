"""Typed SQLAlchemy models: the database is the truth, Slack messages are views of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, BigId, UTCDateTime
from storage.digest_models import DigestRow
from storage.home_models import HomeViewRow
from storage.ideas_models import IdeaRow
from storage.job_runs import JobRunRow
from storage.publishing_models import (
    FollowUpRow,
    PublicationRow,
    PublishJobRow,
    ShortLinkRow,
    SnapshotRow,
)

__all__ = [
    "Base",
    "BigId",
    "DigestRow",
    "HomeViewRow",
    "IdeaRow",
    "JobRunRow",
    "UTCDateTime",
    "FollowUpRow",
    "PublicationRow",
    "PublishJobRow",
    "ShortLinkRow",
    "SnapshotRow",
]


class DepartmentRow(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_minutes: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Trusted people may skip review here; chorus.toml decides until someone switches it in
    # Slack (then `trusted_lane_changed_by` is set and Slack's choice sticks).
    trusted_lane: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    trusted_lane_changed_by: Mapped[str | None] = mapped_column(String(32))
    trusted_lane_changed_at: Mapped[datetime | None]


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    first_seen_at: Mapped[datetime]


class RoleRow(Base):
    """A role: 'manager' (company-wide), 'lead' of or 'trusted' in one department.

    A removed role keeps its row (inactive), so chorus.toml never seeds it again."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("person_id", "role", "department_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Who decides this role: "chorus.toml" (until changed in Slack) or "slack".
    source: Mapped[str] = mapped_column(String(16), server_default="chorus.toml")


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
        # Covers "open mentions and the oldest wait" (the digest, /mentions) without the table.
        Index("ix_mentions_state_department", "state", "department_key", "received_at"),
        # The digest reads one week of mentions, for a department or for everyone.
        Index("ix_mentions_department_received", "department_key", "received_at"),
        Index("ix_mentions_received", "received_at"),
        # A card's customer history: how many before this one, and the latest.
        Index("ix_mentions_customer", "customer_id", "id"),
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
    __table_args__ = (
        UniqueConstraint("mention_id", "version"),
        Index("ix_drafts_author", "author"),  # whose first reply went live this week
    )
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
    # What the policy warned about when the draft was submitted (or edited and approved):
    # [{"kind": "link", "message": "…"}], shown to the reviewer; None when nothing.
    policy_warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class EventRow(Base):
    """The audit trail: who did what, when, and from which state to which."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_mention", "mention_id"),
        Index("ix_events_kind_at", "kind", "at"),  # e.g. the advocates marked this week
    )
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
