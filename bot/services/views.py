"""Read models: everything a card, a review message or a list shows, loaded in one go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.engagement import REPORTED_ANSWER, Engagement
from bot.domain.errors import WorkflowError
from bot.domain.model import (
    OPEN_STATES,
    Department,
    Draft,
    DraftStatus,
    Mention,
    Network,
    State,
)
from bot.services.core import Services, load_draft
from bot.services.engagement import engagement_of
from bot.services.publish import connector_for
from storage import publishing as store
from storage import repo
from storage.mapping import to_draft, to_mention
from storage.models import MentionRow


@dataclass(frozen=True)
class Customer:
    """The author, known as a person across their mentions."""

    handle: str
    name: str | None
    followers: int | None
    url: str | None
    is_advocate: bool = False
    ordinal: int = 1  # this is their Nth mention
    previous_at: datetime | None = None
    previous_intent: str | None = None


@dataclass(frozen=True)
class Results:
    """How a published reply did, as last measured."""

    method: str  # "manual", or the network Chorus posted to
    engagement: Engagement
    score: float
    measured_at: datetime | None
    warm_answer: str | None = None  # the customer's latest positive follow-up

    @property
    def by_hand(self) -> bool:
        return self.method == "manual"


@dataclass(frozen=True)
class Card:
    """A mention as its Slack card shows it."""

    mention: Mention
    url: str | None
    customer: Customer | None
    department: Department | None
    draft: Draft | None
    language: str | None
    source: str | None
    posted_on_network_at: datetime | None
    channel: str | None
    ts: str | None
    intent: str | None = None
    sentiment: float | None = None
    priority: str | None = None
    results: Results | None = None


def load_card(session: Session, services: Services, mention_id: int) -> Card:
    """Load what the mention's card shows, straight from the database."""
    row = repo.get_mention(session, mention_id)
    if row is None:
        raise WorkflowError(f"There is no mention #{mention_id}.")
    draft = repo.latest_draft(session, mention_id)
    return Card(
        mention=to_mention(row),
        url=row.url,
        customer=_customer(session, row),
        department=services.config.department(row.department_key),
        draft=to_draft(draft) if draft else None,
        language=row.language,
        source=row.source,
        posted_on_network_at=row.posted_on_network_at,
        channel=row.card_channel,
        ts=row.card_ts,
        intent=row.intent,
        sentiment=row.sentiment,
        priority=row.priority,
        # Only a live reply has results: other cards (every /mentions line) skip the queries.
        results=_results(session, mention_id) if row.state == State.PUBLISHED else None,
    )


def _results(session: Session, mention_id: int) -> Results | None:
    publication = store.publication_of_mention(session, mention_id)
    if publication is None:
        return None
    # Only the customer's own words are quoted; "they thanked us" told by a colleague is not.
    warm = [
        f
        for f in store.follow_ups_of(session, publication.id)
        if f.positive and f.external_id != REPORTED_ANSWER
    ]
    return Results(
        method=publication.method,
        engagement=engagement_of(publication),
        score=publication.score,
        measured_at=publication.measured_at,
        warm_answer=warm[-1].text if warm else None,
    )


def _customer(session: Session, row: MentionRow) -> Customer | None:
    customer = repo.get_customer(session, row.customer_id)
    if customer is None:
        return None
    count, previous = repo.customer_mentions_before(session, customer.id, row.id)
    return Customer(
        customer.handle,
        customer.name,
        customer.followers,
        customer.url,
        is_advocate=customer.is_advocate,
        ordinal=count + 1,
        previous_at=previous.received_at if previous else None,
        previous_intent=previous.intent if previous else None,
    )


def card(services: Services, mention_id: int) -> Card:
    with services.reading() as session:
        return load_card(session, services, mention_id)


@dataclass(frozen=True)
class Publishing:
    """Whether Chorus can post this reply itself, and how its last attempt went."""

    network: Network
    status: str | None = None  # running, failed, done; None before the first click
    error: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Review:
    """A draft as its review message in the mention's thread shows it."""

    draft: Draft
    card: Card
    channel: str | None
    ts: str | None
    is_latest: bool
    publishing: Publishing | None = None  # None: posted by hand only
    public_text: str | None = None  # the text to post, short links included
    policy_warnings: tuple[str, ...] = ()  # what the policy warned the reviewer about


def load_review(session: Session, services: Services, draft_id: int) -> Review:
    row = load_draft(session, draft_id)
    latest = repo.latest_draft(session, row.mention_id)
    return Review(
        draft=to_draft(row),
        card=load_card(session, services, row.mention_id),
        channel=row.review_channel,
        ts=row.review_ts,
        is_latest=latest is not None and latest.id == row.id,
        # Publishing matters once a draft is approved; earlier renders skip the lookups.
        publishing=_publishing(session, services, row.id, row.mention_id)
        if row.status in (DraftStatus.APPROVED, DraftStatus.POSTED)
        else None,
        public_text=row.tracked_text,
        policy_warnings=tuple(str(w.get("message", "")) for w in row.policy_warnings or []),
    )


def _publishing(
    session: Session, services: Services, draft_id: int, mention_id: int
) -> Publishing | None:
    mention = repo.get_mention(session, mention_id)
    if mention is None or connector_for(services, session, mention) is None:
        return None
    job = store.get_job(session, draft_id)
    if job is None:
        return Publishing(Network(mention.network))
    return Publishing(Network(job.network), job.status, job.last_error, job.attempts)


def review(services: Services, draft_id: int) -> Review:
    with services.reading() as session:
        return load_review(session, services, draft_id)


LIST_LIMIT = 15


def mention_list(services: Services, scope: str, user_id: str) -> tuple[str, list[Card], int]:
    """Return a title, up to LIST_LIMIT cards, and the total, for /mentions SCOPE."""
    open_states = [s.value for s in OPEN_STATES]
    department: str | None = None
    claimed_by: str | None = None
    if scope == "mine":
        title, claimed_by = "Your open mentions", user_id
    elif scope in ("", "open"):
        title = "Open mentions"
    else:
        dept = services.config.department(scope)
        if dept is None:
            raise WorkflowError(f"“{scope}” is not mine, open or a department key.")
        title, department = f"Open mentions in {dept.name}", dept.key
    with services.reading() as session:
        rows = repo.list_mentions(
            session,
            open_states,
            department_key=department,
            claimed_by=claimed_by,
            limit=LIST_LIMIT,
        )
        total = len(rows) if claimed_by else repo.count_mentions(session, open_states, department)
        cards = [load_card(session, services, r.id) for r in rows]
    return title, cards, total
