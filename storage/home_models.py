"""The home_views table: who has opened Chorus's App Home, so only they get it refreshed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class HomeViewRow(Base):
    """A person who opened the App Home, and when they last did.

    Refreshing a Home after each action costs a views.publish; publishing for people who
    never open the tab would spend Slack's rate limit on nobody."""

    __tablename__ = "home_views"
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime]
