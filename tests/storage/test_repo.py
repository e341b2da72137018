"""Repository functions on a real database: SQLite, and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage import delivery, repo
from storage.db import make_engine, make_session_factory
from storage.models import DepartmentRow, DraftRow, MentionRow, OutboxRow

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def a_mention(
    external_id: str = "109412", network: str = "mastodon", **fields: object
) -> MentionRow:
    values: dict[str, object] = {
        "network": network,
        "external_id": external_id,
        "text": "Is the export broken?",
        "received_at": NOW,
        "state": "new",
    }
    values.update(fields)
    return MentionRow(**values)


def stored_mention(sessions: sessionmaker[Session], external_id: str = "109412") -> int:
    with sessions() as session:
        row = repo.add_mention(session, a_mention(external_id))
        session.commit()
        return row.id


# -- mentions -----------------------------------------------------------------------


def test_a_mention_is_found_by_network_and_external_id(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        added = repo.add_mention(session, a_mention("109412"))
        repo.add_mention(session, a_mention("109412", network="bluesky"))
        session.commit()
        assert added.id is not None

    with sessions() as session:
        found = repo.find_mention(session, "mastodon", "109412")
        assert found is not None and found.id == added.id
        assert found.text == "Is the export broken?"
        assert found.version == 1
        assert repo.find_mention(session, "mastodon", "unknown") is None
        assert repo.get_mention(session, added.id) is not None


def test_the_same_post_cannot_be_stored_twice(sessions: sessionmaker[Session]) -> None:
    stored_mention(sessions, "109412")
    with sessions() as session, pytest.raises(IntegrityError):
        repo.add_mention(session, a_mention("109412"))


def test_mentions_are_listed_by_state_and_department_oldest_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        session.add(DepartmentRow(key="support", name="Support", channel="C0SUPPORT"))
        session.flush()
        later = repo.add_mention(
            session,
            a_mention(
                "2",
                received_at=NOW + timedelta(minutes=5),
                state="routed",
                department_key="support",
            ),
        )
        earlier = repo.add_mention(
            session, a_mention("1", state="routed", department_key="support")
        )
        repo.add_mention(session, a_mention("3", state="claimed", department_key="support"))
        session.commit()

    with sessions() as session:
        routed = repo.list_mentions(session, ["routed"], department_key="support")
        assert [row.id for row in routed] == [earlier.id, later.id]
        assert repo.count_mentions(session, ["routed", "claimed"], "support") == 3


# -- customers -----------------------------------------------------------------------


def test_a_customer_is_one_person_across_posts_with_fresh_details(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = repo.save_customer(
            session,
            "mastodon",
            "@ana@social.example",
            NOW,
            name="Ana",
            followers=1200,
            url="https://social.example/@ana",
        )
        session.commit()

    later = NOW + timedelta(days=3)
    with sessions() as session:
        again = repo.save_customer(
            session,
            "mastodon",
            "@ana@social.example",
            later,
            name="Ana Lima",
            followers=1500,
            url=None,
        )
        other_network = repo.save_customer(session, "bluesky", "@ana@social.example", later)
        session.commit()

    assert again.id == first.id
    assert other_network.id != first.id
    with sessions() as session:
        customer = repo.get_customer(session, first.id)
        assert customer is not None
        assert (customer.name, customer.followers) == ("Ana Lima", 1500)
        assert customer.url == "https://social.example/@ana", "a missing field keeps its value"
        assert customer.first_seen_at == NOW
        assert customer.last_seen_at == later


# -- drafts ------------------------------------------------------------------------


def a_draft(mention_id: int, version: int, draft_text: str) -> DraftRow:
    return DraftRow(
        mention_id=mention_id,
        version=version,
        author="U0ANA",
        text=draft_text,
        status="in_review",
        created_at=NOW + timedelta(minutes=version),
    )


def test_drafts_are_versioned_and_the_latest_is_the_highest_version(
    sessions: sessionmaker[Session],
) -> None:
    mention_id = stored_mention(sessions)
    with sessions() as session:
        assert repo.latest_draft(session, mention_id) is None
        repo.add_draft(session, a_draft(mention_id, 1, "Hi Ana!"))
        repo.add_draft(session, a_draft(mention_id, 2, "Hi Ana! Here is the status page."))
        session.commit()

    with sessions() as session:
        latest = repo.latest_draft(session, mention_id)
        assert latest is not None
        assert (latest.version, latest.text) == (2, "Hi Ana! Here is the status page.")
        assert [d.version for d in repo.list_drafts(session, mention_id)] == [1, 2]


def test_a_draft_version_exists_once_per_mention(sessions: sessionmaker[Session]) -> None:
    mention_id = stored_mention(sessions)
    with sessions() as session:
        repo.add_draft(session, a_draft(mention_id, 1, "Hi Ana!"))
        session.commit()
    with sessions() as session, pytest.raises(IntegrityError):
        repo.add_draft(session, a_draft(mention_id, 1, "Hi again"))


# -- audit events --------------------------------------------------------------------


def test_events_record_who_did_what_in_order(sessions: sessionmaker[Session]) -> None:
    mention_id = stored_mention(sessions)
    with sessions() as session:
        repo.add_event(
            session, "received", NOW, mention_id=mention_id, to_state="new", source="octolens"
        )
        repo.add_event(
            session,
            "claim",
            NOW + timedelta(minutes=1),
            actor="U0ANA",
            mention_id=mention_id,
            from_state="routed",
            to_state="claimed",
        )
        session.commit()

    with sessions() as session:
        received, claimed = repo.list_events(session, mention_id)
    assert (received.kind, received.to_state, received.detail) == (
        "received",
        "new",
        {"source": "octolens"},
    )
    assert (claimed.kind, claimed.actor, claimed.from_state, claimed.to_state) == (
        "claim",
        "U0ANA",
        "routed",
        "claimed",
    )
    assert claimed.at == NOW + timedelta(minutes=1)


# -- outbox ------------------------------------------------------------------------


def test_due_outbox_is_unsent_messages_whose_time_has_come_oldest_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = delivery.add_outbox(session, "mention_card", "C0SUPPORT", NOW)
        later = delivery.add_outbox(session, "mention_card", "C0SALES", NOW - timedelta(minutes=5))
        waiting = delivery.add_outbox(session, "digest", "C0SOCIAL", NOW)
        waiting.next_attempt_at = NOW + timedelta(hours=1)  # retried later, after a failure
        sent = delivery.add_outbox(session, "mention_card", "C0SUPPORT", NOW)
        sent.sent_at = NOW
        session.commit()

    with sessions() as session:
        due = delivery.due_outbox(session, NOW)
        assert [row.id for row in due] == [first.id, later.id], "ordered by id, sent ones left out"
        assert len(delivery.pending_outbox(session)) == 3
        assert [row.id for row in delivery.due_outbox(session, NOW, limit=1)] == [first.id]


def test_an_outbox_row_is_taken_by_one_worker_only(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        row = delivery.add_outbox(session, "mention_card", "C0SUPPORT", NOW)
        other = delivery.add_outbox(session, "mention_card", "C0SALES", NOW)
        session.commit()
        row_id, other_id = row.id, other.id

    until = NOW + timedelta(seconds=30)
    with sessions() as session:
        taken = delivery.take_outbox(session, NOW, until)
        assert taken is not None and taken.id == row_id
        session.commit()
    with sessions() as session:
        second = delivery.take_outbox(session, NOW, until)
        assert second is not None and second.id == other_id, "a taken row is passed over"
        session.commit()
    with sessions() as session:
        assert delivery.take_outbox(session, NOW, until) is None
        leased = session.get(OutboxRow, row_id)
        assert leased is not None and leased.next_attempt_at == until
        assert delivery.due_outbox(session, NOW) == []


def test_taking_passes_over_paced_channels(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        delivery.add_outbox(session, "mention_card", "C0SUPPORT", NOW)
        sales = delivery.add_outbox(session, "mention_card", "C0SALES", NOW)
        session.commit()
        sales_id = sales.id
    with sessions() as session:
        taken = delivery.take_outbox(session, NOW, NOW, skip_channels=["C0SUPPORT"])
        assert taken is not None and taken.id == sales_id


# -- deduplication -----------------------------------------------------------------


def test_a_webhook_id_is_remembered_once(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert delivery.remember_webhook(session, "msg_1", NOW, accepted=2, duplicates=1) is True
        assert delivery.remember_webhook(session, "msg_1", NOW, accepted=2, duplicates=1) is False
        session.commit()
    with sessions() as session:
        assert delivery.remember_webhook(session, "msg_1", NOW, accepted=0, duplicates=0) is False
        seen = delivery.seen_webhook(session, "msg_1")
        assert seen is not None and (seen.accepted, seen.duplicates) == (2, 1)
        assert delivery.seen_webhook(session, "msg_2") is None


def test_a_slack_event_id_is_remembered_once(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert delivery.remember_slack_event(session, "Ev0001", NOW) is True
        assert delivery.remember_slack_event(session, "Ev0001", NOW) is False
        session.commit()
    with sessions() as session:
        assert delivery.remember_slack_event(session, "Ev0001", NOW) is False
        assert delivery.remember_slack_event(session, "Ev0002", NOW) is True


# -- time ----------------------------------------------------------------------------


def test_timestamps_come_back_timezone_aware_in_utc(sessions: sessionmaker[Session]) -> None:
    in_paris = datetime(2026, 11, 20, 11, 0, tzinfo=PARIS)
    with sessions() as session:
        row = repo.add_mention(session, a_mention(received_at=in_paris))
        session.commit()

    with sessions() as session:
        loaded = repo.get_mention(session, row.id)
        assert loaded is not None
        assert loaded.received_at.utcoffset() == timedelta(0)
        assert loaded.received_at == NOW
        assert loaded.received_at.hour == 10


def test_a_naive_datetime_is_refused(sessions: sessionmaker[Session]) -> None:
    naive = datetime(2026, 11, 20, 10, 0)  # noqa: DTZ001 - the point of the test
    with sessions() as session, pytest.raises(StatementError, match="naive datetime"):
        repo.add_mention(session, a_mention(received_at=naive))


# -- SQLite pragmas --------------------------------------------------------------------


def test_sqlite_files_use_wal_and_enforce_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_mention_pointing_at_an_unknown_department_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, pytest.raises(IntegrityError):
        repo.add_mention(session, a_mention(department_key="nowhere"))


# -- optimistic concurrency --------------------------------------------------------------


def test_each_update_of_a_mention_increments_its_version(sessions: sessionmaker[Session]) -> None:
    mention_id = stored_mention(sessions)
    for state, expected in (("routed", 2), ("claimed", 3)):
        with sessions() as session:
            row = repo.get_mention(session, mention_id)
            assert row is not None
            row.state = state
            session.commit()
            assert row.version == expected

    with sessions() as session:
        reloaded = session.get(MentionRow, mention_id)
        assert reloaded is not None and reloaded.version == 3


def test_a_stale_update_of_a_mention_is_refused(sessions: sessionmaker[Session]) -> None:
    mention_id = stored_mention(sessions)
    with sessions() as ana_session:
        seen_by_ana = repo.get_mention(ana_session, mention_id)
        ana_session.commit()  # Ana read version 1 and is thinking

        with sessions() as ben_session:
            row = repo.get_mention(ben_session, mention_id)
            assert row is not None
            row.state, row.claimed_by = "claimed", "U0BEN"
            ben_session.commit()

        assert seen_by_ana is not None
        seen_by_ana.state, seen_by_ana.claimed_by = "claimed", "U0ANA"
        with pytest.raises(StaleDataError):
            ana_session.commit()

    with sessions() as session:
        row = repo.get_mention(session, mention_id)
        assert row is not None and (row.claimed_by, row.version) == ("U0BEN", 2)
