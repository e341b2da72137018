"""Post ideas: pitched by anyone close to customers, approved or declined by a lead of the
department or a social media manager, then written and reviewed like any reply, and shipped
when the post goes live. Pure: every function takes `now` and returns new values."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.limits import is_http_url
from bot.domain.model import Actor

TITLE_LIMIT = 150
PITCH_LIMIT = 2000
IDEA_SOURCE = "idea"  # the `source` of the mention a post idea becomes once approved


class IdeaStatus(StrEnum):
    PITCHED = "pitched"
    APPROVED = "approved"
    DECLINED = "declined"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class Idea:
    id: int
    title: str
    pitch: str
    department_key: str
    author: str
    created_at: datetime
    network: str = "other"
    link: str | None = None
    status: IdeaStatus = IdeaStatus.PITCHED
    decided_by: str | None = None
    decided_at: datetime | None = None
    decline_reason: str | None = None
    mention_id: int | None = None  # the post being written, once approved
    shipped_url: str | None = None
    shipped_at: datetime | None = None


def check_pitch(title: str, pitch: str, link: str | None) -> dict[str, str]:
    """Return what to fix in a pitch, by field: empty when it can be sent."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Give the idea a title, a few words people will recognise."
    elif len(title.strip()) > TITLE_LIMIT:
        problems["title"] = f"Keep the title under {TITLE_LIMIT} characters."
    if not pitch.strip():
        problems["pitch"] = "Say what the post would say, and why customers would care."
    elif len(pitch.strip()) > PITCH_LIMIT:
        problems["pitch"] = f"Keep the pitch under {PITCH_LIMIT} characters; link to the rest."
    if link and not is_http_url(link.strip()):
        problems["link"] = "The link must be a full http:// or https:// address."
    return problems


def may_decide(actor: Actor, idea: Idea) -> bool:
    """Tell whether the actor decides on ideas for the idea's department."""
    return actor.is_manager or actor.leads(idea.department_key)


def _check_decider(actor: Actor, idea: Idea) -> None:
    if idea.status is not IdeaStatus.PITCHED:
        who = f" by <@{idea.decided_by}>" if idea.decided_by else ""
        raise WorkflowError(f"This idea was already {idea.status.value}{who}.")
    if actor.user_id == idea.author:
        raise NotAllowed("You pitched this idea, so someone else decides on it.")
    if not may_decide(actor, idea):
        raise NotAllowed(
            "Only a lead of the idea's department or a social media manager can approve or "
            "decline it. Add your thoughts in the thread instead."
        )


def approve_idea(idea: Idea, actor: Actor, now: datetime) -> Idea:
    """Say yes: the idea becomes a post for its author to write."""
    _check_decider(actor, idea)
    return replace(idea, status=IdeaStatus.APPROVED, decided_by=actor.user_id, decided_at=now)


def decline_idea(idea: Idea, actor: Actor, reason: str, now: datetime) -> Idea:
    """Say no, kindly and with a reason the author can learn from."""
    _check_decider(actor, idea)
    cleaned = reason.strip()
    if not cleaned:
        raise WorkflowError("Say why, in a sentence: the author reads it.")
    return replace(
        idea,
        status=IdeaStatus.DECLINED,
        decided_by=actor.user_id,
        decided_at=now,
        decline_reason=cleaned,
    )


def ship_idea(idea: Idea, url: str, now: datetime) -> Idea:
    """The idea's post went live at `url`."""
    if idea.status is not IdeaStatus.APPROVED:
        raise WorkflowError(f"Only an approved idea ships; this one is {idea.status.value}.")
    return replace(idea, status=IdeaStatus.SHIPPED, shipped_url=url, shipped_at=now)
