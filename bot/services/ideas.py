"""The ideas pipeline: pitch a post, decide on it, write it, ship it.

An approved idea becomes a mention with source "idea", claimed by its author, with a card in
the department's channel: from there it is drafted, reviewed and marked as posted exactly like
a reply. When that post goes live, the idea is shipped and the digest names its author.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import workflow
from bot.domain.errors import WorkflowError
from bot.domain.ideas import (
    IDEA_SOURCE,
    Idea,
    IdeaStatus,
    approve_idea,
    check_pitch,
    decline_idea,
    ship_idea,
)
from bot.domain.model import Network
from bot.services.core import Effects, Services, record
from bot.services.home_refresh import refresh_homes
from storage import delivery, repo
from storage import ideas as store
from storage.mapping import apply_mention, to_mention
from storage.models import IdeaRow, MentionRow


@dataclass(frozen=True)
class Pitch:
    """What someone typed in the pitch modal."""

    title: str
    pitch: str
    department_key: str
    network: str = Network.OTHER.value
    link: str | None = None


class PitchProblems(WorkflowError):
    """A pitch that cannot be sent yet, with what to fix per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def pitch_idea(services: Services, user_id: str, pitch: Pitch) -> Effects:
    """Send a post idea to the ideas channel, where colleagues discuss it."""
    problems = check_pitch(pitch.title, pitch.pitch, pitch.link)
    if services.config.department(pitch.department_key) is None:
        problems["department"] = "Choose one of the departments in the list."
    if pitch.network not in {n.value for n in Network}:
        problems["network"] = "Choose one of the networks in the list."
    if problems:
        raise PitchProblems(problems)
    channel = services.config.ideas_home()
    if channel is None:
        raise WorkflowError(
            "Chorus has no ideas channel yet: ask an admin to set `ideas_channel` in chorus.toml."
        )
    now = services.clock()
    with services.sessions() as session:
        row = IdeaRow(
            title=pitch.title.strip(),
            pitch=pitch.pitch.strip(),
            department_key=pitch.department_key,
            network=pitch.network,
            link=(pitch.link or "").strip() or None,
            author=user_id,
            created_at=now,
            status=IdeaStatus.PITCHED.value,
        )
        session.add(row)
        session.flush()
        repo.add_event(session, "idea_pitched", now, actor=user_id, idea=row.id)
        delivery.add_outbox(session, "idea_card", channel, now, payload={"idea_id": row.id})
        session.commit()
    refresh_homes(services, [user_id])  # "your ideas" on their App Home
    services.wake_outbox()
    return Effects(notice=f"Thanks! Your idea is in <#{channel}> for colleagues to discuss.")


def decide(
    services: Services, idea_id: int, user_id: str, approve: bool, reason: str = ""
) -> Effects:
    """Approve an idea (it becomes a post for its author to write) or decline it."""
    actor, now = services.actor(user_id), services.clock()
    with services.sessions() as session:
        row = _load(session, idea_id)
        idea = store.to_idea(row)
        if approve:
            decided = approve_idea(idea, actor, now)
            mention = _start_post(services, session, decided, now)
            decided = replace(decided, mention_id=mention.id)
        else:
            decided = decline_idea(idea, actor, reason, now)
        store.apply_idea(row, decided)
        kind = "idea_approved" if approve else "idea_declined"
        repo.add_event(session, kind, now, actor=user_id, idea=idea_id, reason=reason or None)
        _queue_update(session, row, now)
        delivery.add_outbox(session, "idea_dm", idea.author, now, payload={"idea_id": idea_id})
        session.commit()
    refresh_homes(services, [idea.author, user_id])
    services.wake_outbox()
    said = "approved: its author can write the post now" if approve else "declined"
    post = (decided.mention_id,) if decided.mention_id else ()
    return Effects(cards=post, notice=f"Idea “{idea.title}” {said}.")


def check_decider(services: Services, idea_id: int, user_id: str) -> Idea:
    """Return the idea when this person may decide on it now; else raise saying why."""
    with services.sessions() as session:
        idea = store.to_idea(_load(session, idea_id))
    # Declining follows the same rules as approving: say no before the reason modal opens.
    decline_idea(idea, services.actor(user_id), "-", services.clock())
    return idea


def _load(session: Session, idea_id: int) -> IdeaRow:
    row = store.get_idea(session, idea_id)
    if row is None:
        raise WorkflowError(f"There is no idea #{idea_id}.")
    return row


def _start_post(services: Services, session: Session, idea: Idea, now: datetime) -> MentionRow:
    """The post to write: routed to the idea's department and claimed by its author."""
    row = repo.add_mention(
        session,
        MentionRow(
            network=idea.network,
            external_id=f"idea-{idea.id}",
            url=idea.link,
            text=f"{idea.title}\n\n{idea.pitch}",
            source=IDEA_SOURCE,
            received_at=now,
            state="new",
        ),
    )
    mention = to_mention(row)
    routed = workflow.route(mention, idea.department_key, f"post idea #{idea.id}", now)
    claimed = workflow.claim(routed.mention, services.actor(idea.author), now)
    apply_mention(row, claimed.mention)
    record(session, routed, None, now, idea=idea.id)
    record(session, claimed, idea.author, now, idea=idea.id)
    department = services.config.department(idea.department_key)
    assert department is not None
    delivery.add_outbox(session, "mention_card", department.channel, now, mention_id=row.id)
    return row


def _queue_update(session: Session, row: IdeaRow, now: datetime) -> None:
    if row.card_channel and row.card_ts:
        delivery.add_outbox(
            session, "idea_update", row.card_channel, now, payload={"idea_id": row.id}
        )


def ship_if_idea(session: Session, mention_id: int, url: str, now: datetime) -> None:
    """When a post written from an idea goes live, the idea ships (and its card says so)."""
    row = store.idea_of_mention(session, mention_id)
    if row is None or row.status != IdeaStatus.APPROVED.value:
        return
    store.apply_idea(row, ship_idea(store.to_idea(row), url, now))
    repo.add_event(session, "idea_shipped", now, actor=None, mention_id=mention_id, idea=row.id)
    _queue_update(session, row, now)


def ideas_by(services: Services, user_id: str) -> list[Idea]:
    """Someone's ideas, newest first (for their App Home)."""
    with services.sessions() as session:
        return [store.to_idea(row) for row in store.ideas_by(session, user_id)]


def ideas_in_pipeline(services: Services, department_key: str | None = None) -> int:
    """How many ideas are pitched or approved and not yet live."""
    with services.sessions() as session:
        return store.count_in_pipeline(session, department_key)


def load_idea(session: Session, idea_id: int) -> tuple[Idea, IdeaRow]:
    """An idea and its row, for the views."""
    row = _load(session, idea_id)
    return store.to_idea(row), row
