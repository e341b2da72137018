"""The ideas table: post ideas, from the pitch to the live post."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, BigId


class IdeaRow(Base):
    """A post idea. Once approved, `mention_id` is the post being written (a mention with
    source "idea"), so it follows the same draft, review and publish path as a reply."""

    __tablename__ = "ideas"
    __table_args__ = (
        Index("ix_ideas_status_department", "status", "department_key"),
        Index("ix_ideas_author", "author"),
        Index("ix_ideas_shipped_at", "shipped_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    pitch: Mapped[str] = mapped_column(Text)
    department_key: Mapped[str] = mapped_column(ForeignKey("departments.key"))
    network: Mapped[str] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    mention_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentions.id", ondelete="SET NULL"), index=True
    )
    shipped_url: Mapped[str | None] = mapped_column(Text)
    shipped_at: Mapped[datetime | None]
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
