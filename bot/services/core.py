"""What every use case shares: the services container, effects, and the move runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.classify import Classifier
from bot.config import WorkspaceConfig
from bot.domain.engagement import ScoreWeights
from bot.domain.errors import WorkflowError
from bot.domain.limits import DEFAULT_LENGTHS, ReplyLengths
from bot.domain.model import Actor, Mention, Network
from bot.domain.workflow import Outcome
from bot.metrics import Metrics
from bot.profiles import Profiles
from bot.publishing.base import Connector
from storage import repo, roles
from storage.db import READ_ONLY
from storage.mapping import to_mention
from storage.models import DraftRow, MentionRow

T = TypeVar("T")
# A move conflicting with others is re-run this many times in all (see run_move).
MOVE_ATTEMPTS = 4


def utcnow() -> datetime:
    """The one clock services read (freezegun moves it in tests)."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything a use case needs, built once by the composition root."""

    sessions: sessionmaker[Session]
    config: WorkspaceConfig
    clock: Callable[[], datetime] = utcnow
    wake_outbox: Callable[[], None] = lambda: None
    lengths: ReplyLengths = DEFAULT_LENGTHS
    # The networks Chorus can post to itself; every other reply is posted by hand.
    connectors: Mapping[Network, Connector] = field(default_factory=dict)
    # Where people reach this server (short links); None keeps links as written.
    public_url: str | None = None
    # This process's Prometheus figures, served on GET /metrics.
    metrics: Metrics = field(default_factory=Metrics)
    # Who people are (users.info, cached); without Slack, nobody has a name.
    profiles: Profiles = field(default_factory=Profiles)
    _classifier: Classifier | None = None

    def actor(self, user_id: str, session: Session | None = None) -> Actor:
        """The person acting, with the roles they hold now (read on every click: roles
        change in Slack, and another Chorus process may have changed them)."""
        if session is not None:
            return roles.load_actor(session, user_id)
        with self.reading() as own:
            return roles.load_actor(own, user_id)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads. On SQLite it begins without the write lock, so reads
        (a card re-rendered, a Home, a list) do not queue behind people's changes, nor hold
        them up; PostgreSQL never locks for reads."""
        with self.sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    @property
    def weights(self) -> ScoreWeights:
        return self.config.score.weights()

    @property
    def tracks_links(self) -> bool:
        """Whether links in replies become short links that count clicks."""
        wanted = self.config.publishing.track_links
        return self.public_url is not None and wanted is not False

    def classifier(self) -> Classifier:
        """The process's classifier, built on first use (its models load lazily)."""
        if self._classifier is None:
            self._classifier = Classifier(self.config.classification)
        return self._classifier


@dataclass(frozen=True)
class Effects:
    """What Slack should show after a use case: re-render these, tell the actor that."""

    cards: tuple[int, ...] = ()
    reviews: tuple[int, ...] = ()
    notice: str | None = None
    queued: bool = False


LARGEST_ID = 2**63 - 1  # a BIGINT, in PostgreSQL as in SQLite


def load_mention(session: Session, mention_id: int) -> MentionRow:
    """Return the mention's row, or raise a WorkflowError saying it does not exist."""
    # A number typed after /claim can be beyond any id the database holds (or can even read).
    row = repo.get_mention(session, mention_id) if 0 < mention_id <= LARGEST_ID else None
    if row is None:
        raise WorkflowError(f"There is no mention #{mention_id}. Check the number on its card.")
    return row


def load_draft(session: Session, draft_id: int) -> DraftRow:
    """Return the draft's row, or raise a WorkflowError saying it no longer exists."""
    row = repo.get_draft(session, draft_id)
    if row is None:
        raise WorkflowError("That draft no longer exists.")
    return row


def record(
    session: Session, outcome: Outcome, actor: str | None, now: datetime, **detail: object
) -> None:
    """Write the audit event for a move."""
    repo.add_event(
        session,
        outcome.move.value,
        now,
        actor=actor,
        mention_id=outcome.mention.id,
        from_state=outcome.before.value,
        to_state=outcome.after.value,
        **detail,
    )


def run_move(
    services: Services,
    mention_id: int,
    step: Callable[[Session, MentionRow, Mention, datetime], T],
) -> T:
    """Run one workflow step in a transaction; a concurrent change makes it re-run on fresh
    data, where the domain then explains what the other person did.

    Each conflict means someone else's transaction committed, so a few attempts always end:
    one for the mention itself, others for rows first written by two people at once (say,
    two newcomers' person rows)."""
    for attempt in range(MOVE_ATTEMPTS):
        with services.sessions() as session:
            try:
                row = load_mention(session, mention_id)
                result = step(session, row, to_mention(row), services.clock())
                session.commit()
            except (StaleDataError, IntegrityError):
                # Someone else moved this mention first (PostgreSQL lets both read it).
                session.rollback()
                if attempt == MOVE_ATTEMPTS - 1:
                    raise
                continue
            return result
    raise AssertionError("unreachable")
