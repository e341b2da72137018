"""The digests table: each weekly digest as it was sent, once per scope and week."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, BigId


class DigestRow(Base):
    """One week's digest for a department (scope = its key) or the company ("company").

    The unique (scope, week) is what makes "exactly one a week" hold across restarts and
    processes: a second attempt to create it fails and sends nothing."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("scope", "week", name="uq_digests_scope_week"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    week: Mapped[str] = mapped_column(String(8))  # ISO week, "2026-W47"
    channel: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    # The digest as computed when it was due, so the message and later readers agree.
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    chart_file_id: Mapped[str | None] = mapped_column(String(32))
