"""Entities of the mention workflow, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Network(StrEnum):
    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    YOUTUBE = "youtube"
    REDDIT = "reddit"
    BLOG = "blog"
    REVIEW = "review"
    OTHER = "other"


class State(StrEnum):
    NEW = "new"
    ROUTED = "routed"
    CLAIMED = "claimed"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    DISMISSED = "dismissed"


OPEN_STATES = frozenset({State.NEW, State.ROUTED, State.CLAIMED, State.IN_REVIEW, State.APPROVED})


class DraftStatus(StrEnum):
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    APPROVED = "approved"
    POSTED = "posted"


@dataclass(frozen=True)
class Department:
    key: str
    name: str
    channel: str
    leads: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    sla_minutes: int | None = None
    default: bool = False


@dataclass(frozen=True)
class Actor:
    """A Slack user acting on Chorus, with the roles they hold (stored in the database)."""

    user_id: str
    is_manager: bool = False
    lead_of: frozenset[str] = frozenset()
    # Departments whose trusted lane this person may use (see bot.domain.roles).
    trusted_in: frozenset[str] = frozenset()

    def leads(self, department_key: str | None) -> bool:
        return department_key is not None and department_key in self.lead_of

    def is_trusted_in(self, department_key: str | None) -> bool:
        return department_key is not None and department_key in self.trusted_in

    @property
    def mention(self) -> str:
        return f"<@{self.user_id}>"


@dataclass(frozen=True)
class Mention:
    id: int
    network: Network
    external_id: str
    text: str
    received_at: datetime
    state: State = State.NEW
    department_key: str | None = None
    route_reason: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    dismissed_by: str | None = None
    dismissed_reason: str | None = None
    posted_url: str | None = None
    posted_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class Draft:
    mention_id: int
    version: int
    author: str
    text: str
    created_at: datetime
    status: DraftStatus = DraftStatus.IN_REVIEW
    reviewer: str | None = None
    review_note: str | None = None
    reviewed_at: datetime | None = None
    final_text: str | None = None
    id: int | None = None

    @property
    def text_to_post(self) -> str:
        """Return the text that goes public: the reviewer's edit when there is one."""
        return self.final_text if self.final_text is not None else self.text
