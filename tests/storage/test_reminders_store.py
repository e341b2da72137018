"""Reminder bookkeeping on a real database (SQLite, and PostgreSQL when configured): one row
per stage, replaced when it belongs to an earlier claim or draft, never sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage import reminders as store
from storage import repo
from storage.db import make_engine, make_session_factory
from storage.models import DraftRow, MentionRow

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STAGE = "claim_nudge"


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def mention_id(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        row = repo.add_mention(
            session,
            MentionRow(
                network="mastodon",
                external_id="1",
                text="Is the export broken?",
                received_at=NOW,
                state="in_review",
                card_channel="C0SUPPORT",
                card_ts="1.0",
            ),
        )
        session.commit()
        return row.id


def renew(sessions: sessionmaker[Session], mention_id: int, at: datetime, since: datetime) -> bool:
    with sessions() as session:
        done = store.renew_reminder(session, mention_id, STAGE, at, since)
        session.commit()
        return done


def sent_at(sessions: sessionmaker[Session], mention_id: int) -> datetime | None:
    with sessions() as session:
        return store.sent_times(session, [mention_id]).get(mention_id, {}).get(STAGE)


def test_a_stage_is_recorded_once_per_claim(
    sessions: sessionmaker[Session], mention_id: int
) -> None:
    claimed = NOW

    assert renew(sessions, mention_id, NOW + timedelta(hours=2), claimed)
    assert not renew(sessions, mention_id, NOW + timedelta(hours=3), claimed)
    assert sent_at(sessions, mention_id) == NOW + timedelta(hours=2)


def test_a_row_from_an_earlier_claim_gives_way(
    sessions: sessionmaker[Session], mention_id: int
) -> None:
    renew(sessions, mention_id, NOW + timedelta(hours=2), NOW)
    claimed_again = NOW + timedelta(hours=9)

    assert renew(sessions, mention_id, NOW + timedelta(hours=11), claimed_again)
    assert sent_at(sessions, mention_id) == NOW + timedelta(hours=11)


def test_the_latest_draft_and_the_drafts_in_review(
    sessions: sessionmaker[Session], mention_id: int
) -> None:
    with sessions() as session:
        for version, status in ((1, "changes_requested"), (2, "in_review")):
            repo.add_draft(
                session,
                DraftRow(
                    mention_id=mention_id,
                    version=version,
                    author="U0ANA",
                    text=f"v{version}",
                    status=status,
                    created_at=NOW + timedelta(minutes=version),
                ),
            )
        session.commit()

        assert store.latest_drafts(session, [mention_id])[mention_id].version == 2
        assert store.latest_drafts(session, []) == {}
        [(draft, mention)] = store.drafts_in_review(session, 10)
        assert (draft.version, mention.id) == (2, mention_id)
