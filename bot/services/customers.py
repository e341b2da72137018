"""Customer memory: one person across their mentions, and the advocates among them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import WorkflowError
from bot.services.core import Effects, Services, load_mention
from storage import repo


def mark_advocate(services: Services, mention_id: int, user_id: str) -> Effects:
    """Mark the author of a mention as an advocate; every card of theirs shows it."""
    with services.sessions() as session:
        mention = load_mention(session, mention_id)
        customer = repo.get_customer(session, mention.customer_id)
        if customer is None:
            raise WorkflowError("This mention has no known author to mark as an advocate.")
        if customer.is_advocate:
            raise WorkflowError(
                f"{customer.handle} is already an advocate (marked by "
                f"<@{customer.advocate_marked_by}>)."
            )
        now = services.clock()
        customer.is_advocate = True
        customer.advocate_marked_by, customer.advocate_marked_at = user_id, now
        repo.add_event(
            session,
            "mark_advocate",
            now,
            actor=user_id,
            mention_id=mention_id,
            customer=customer.handle,
        )
        cards = tuple(m.id for m in repo.customer_mentions(session, customer.id) if m.card_ts)
        handle = customer.handle
        session.commit()
    return Effects(cards=cards, notice=f"{handle} is now an advocate ⭐. Thank them when you can!")


@dataclass(frozen=True)
class Story:
    """One mention in a customer's history, and how it was answered."""

    mention_id: int
    network: str
    text: str
    url: str | None
    received_at: datetime
    state: str
    intent: str | None
    answer_url: str | None
    answered_by: str | None


@dataclass(frozen=True)
class History:
    handle: str
    network: str
    name: str | None
    followers: int | None
    is_advocate: bool
    stories: list[Story]


def customer_history(services: Services, handle: str) -> list[History]:
    """Every customer with this handle (on any network) and their mentions, oldest first."""
    with services.sessions() as session:
        found = repo.find_customers(session, handle)
        return [
            History(
                c.handle,
                c.network,
                c.name,
                c.followers,
                c.is_advocate,
                [
                    Story(
                        m.id,
                        m.network,
                        m.text,
                        m.url,
                        m.received_at,
                        m.state,
                        m.intent,
                        m.posted_url,
                        m.claimed_by if m.posted_url else None,
                    )
                    for m in repo.customer_mentions(session, c.id)
                ],
            )
            for c in found
        ]
