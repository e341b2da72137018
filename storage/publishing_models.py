"""The publishing tables: live replies and their results, publish jobs, short links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, BigId


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
