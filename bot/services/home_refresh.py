"""Keep App Homes true after each action, through the outbox, for those who opened theirs.

An action changes the Homes of the people it concerns: whoever acted, the mention's
claimer, the draft's author and reviewer, and, when a draft comes into review or leaves it,
the reviewers of its department (their "drafts waiting for your review").

Only those who have opened their Home get it re-published: publishing for people who never
look would spend Slack's rate limit on nobody. Each person has at most one refresh waiting,
rendered from the database when it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.roles import Role
from bot.services.core import Effects, Services
from storage import home as store
from storage.roles import held_grants


def refresh_after(services: Services, effects: Effects) -> int:
    """Queue a Home refresh for each person the use case's changes concern; return how many."""
    if not (effects.cards or effects.reviews):
        return 0
    with services.reading() as session:
        mentions = set(effects.cards) | store.mentions_of_drafts(session, effects.reviews)
        people, reviewed = store.touched_by_moves(session, mentions)
        if reviewed:
            people |= {
                grant.user_id
                for grant in held_grants(session)
                if grant.role is Role.MANAGER
                or (grant.role is Role.LEAD and grant.department_key in reviewed)
            }
    # Most people never open their Home: then nothing is written, and no write lock taken.
    return refresh_homes(services, people)


def refresh_homes(services: Services, user_ids: Iterable[str]) -> int:
    """Queue a refresh of these people's Homes (those who opened theirs); return how many.

    For use cases whose changes are not about mentions (post ideas, roles)."""
    wanted = set(user_ids)
    if not wanted:
        return 0
    with services.reading() as session:
        opened = store.opened_homes(session, wanted)
    if opened:
        with services.sessions() as session:
            now = services.clock()
            for user_id in sorted(opened):
                store.queue_home(session, user_id, now)
            session.commit()
        services.wake_outbox()
    return len(opened)


def tell_on_home(services: Services, user_id: str, notice: str) -> None:
    """Say something at the top of the person's Home, refreshed with it: a click on the Home
    has no response URL, so an ephemeral answer has nowhere to go."""
    with services.sessions() as session:
        store.queue_home(session, user_id, services.clock(), notice)
        session.commit()
    services.wake_outbox()
