"""A seeded week for digest tests: Support (SLA 1 hour) answers a complaint in time and a
question late, one customer still waits, one wrote on Friday evening; Sales answers once;
General hears nothing. Ben answered his first customer the week before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun import freeze_time
from sqlalchemy import select

from bot.domain.weeks import Week
from bot.publishing.base import FollowUp
from bot.services import review, workflow
from bot.services.customers import mark_advocate
from bot.services.results import Report, report
from storage import repo
from storage.models import PublicationRow
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, OTHER_LEAD, Workspace, mention

PARIS = 1  # hours ahead of UTC in November
W47 = Week(2026, 47)  # Monday 16 to Sunday 22 November 2026
DIGEST_TIME = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour - PARIS, minute, tzinfo=UTC)


def arrive(ws: Workspace, at: datetime, external_id: str, text: str, **extra: Any) -> int:
    with freeze_time(at):
        ws.receive(mention(external_id, text, **extra))
    with ws.chorus.services.sessions() as session:
        found = repo.find_mention(session, "mastodon", external_id)
        assert found is not None
        return found.id


def answer(ws: Workspace, mention_id: int, author: str, reviewer: str, at: datetime) -> int:
    """Claim, draft, approve and mark posted; return the publication's id."""
    services = ws.chorus.services
    with freeze_time(at - timedelta(minutes=5)):
        workflow.claim(services, mention_id, author)
        workflow.submit_draft(services, mention_id, author, f"Here to help with #{mention_id}!")
    with services.sessions() as session:
        draft = repo.latest_draft(session, mention_id)
        assert draft is not None
    with freeze_time(at - timedelta(minutes=2)):
        review.approve(services, draft.id, reviewer)
    with freeze_time(at):
        review.mark_posted(
            services, draft.id, author, f"https://social.example/@brand/{mention_id}"
        )
    with services.sessions() as session:
        found = session.scalars(
            select(PublicationRow).where(PublicationRow.mention_id == mention_id)
        ).one()
        return found.id


def results(ws: Workspace, publication_id: int, at: datetime, said: str | None = None, **n: int):
    follow_up = FollowUp(f"reply-{publication_id}", None, said, at) if said else None
    with freeze_time(at):
        report(ws.chorus.services, publication_id, Report(follow_up=follow_up, **n), "manual", ANA)


def seed_week(ws: Workspace) -> dict[str, int]:
    """Receive and answer the week's mentions; return their ids by name."""
    earlier = arrive(ws, paris(10, 10), "m0", "Login trouble last week")
    answer(ws, earlier, BEN, LEAD, paris(10, 10, 30))  # Ben's first reply was before W47
    ids = {
        "export": arrive(
            ws, paris(16, 10), "m1", "The export is broken and I lost my work. Terrible!"
        ),
        "login": arrive(ws, paris(17, 10), "m2", "My login fails on the app", author=_bob()),
        "waiting": arrive(ws, paris(18, 11), "m4", "Is the refund broken too?", author=_cy()),
        "late_friday": arrive(ws, paris(20, 17, 30), "m3", "refund question", author=_dee()),
        "pricing": arrive(ws, paris(19, 15), "m5", "What is the pricing for teams?"),
    }
    exported = answer(ws, ids["export"], ANA, LEAD, paris(16, 10, 30))
    logged_in = answer(ws, ids["login"], BEN, LEAD, paris(17, 13))
    priced = answer(ws, ids["pricing"], ANA, OTHER_LEAD, paris(19, 16))
    results(ws, exported, paris(17, 9), "Thanks so much, that fixed it! You are great", shares=4)
    results(ws, logged_in, paris(18, 9), likes=2)
    results(ws, priced, paris(20, 9), shares=1, clicks=3)
    with freeze_time(paris(18, 12)):
        mark_advocate(ws.chorus.services, ids["export"], MANAGER)
    return ids


def _bob() -> dict[str, Any]:
    return {"handle": "@bob@social.example", "name": "Bob", "url": "https://social.example/@bob"}


def _cy() -> dict[str, Any]:
    return {"handle": "@cy@social.example", "name": "Cy", "url": "https://social.example/@cy"}


def _dee() -> dict[str, Any]:
    return {"handle": "@dee@social.example", "name": "Dee", "url": "https://social.example/@dee"}
