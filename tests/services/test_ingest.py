"""Ingestion: each post is kept once, routed to the right department, and gets one card."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.ingest import IngestResult, ingest, parse_mentions
from storage import repo
from storage.models import CustomerRow, MentionRow, OutboxRow
from tests.support.workspace import Workspace, mention


def take_in(ws: Workspace, *items: dict[str, Any]) -> IngestResult:
    return ingest(ws.chorus.services, parse_mentions(list(items)))


def stored(ws: Workspace, model: type[Any]) -> list[Any]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def routed_to(ws: Workspace, text: str, external_id: str = "1") -> MentionRow:
    [mention_id] = take_in(ws, mention(external_id, text)).mention_ids
    with ws.chorus.services.sessions() as session:
        row = repo.get_mention(session, mention_id)
        assert row is not None
        return row


@pytest.mark.parametrize(
    ("text", "department", "keyword"),
    [
        ("LOGIN fails again", "support", "login"),
        ("Can I get a Refund?", "support", "refund"),
        ("Is there a student discount.", "sales", "discount"),
        ("What is your pricing, please", "sales", "pricing"),
    ],
)
def test_a_mention_goes_to_the_department_whose_keyword_it_contains(
    any_workspace: Workspace, text: str, department: str, keyword: str
) -> None:
    row = routed_to(any_workspace, text)

    assert (row.state, row.department_key) == ("routed", department)
    assert row.route_reason == f"matched keyword “{keyword}”"


@pytest.mark.parametrize("text", ["I love blogging about you", "Unbroken streak!", "relogin"])
def test_a_keyword_inside_another_word_does_not_route(any_workspace: Workspace, text: str) -> None:
    row = routed_to(any_workspace, text)

    assert row.department_key == "general"


def test_a_mention_without_a_keyword_goes_to_the_catch_all(any_workspace: Workspace) -> None:
    row = routed_to(any_workspace, "Just wanted to say hi!")

    assert (row.state, row.department_key) == ("routed", "general")
    assert "General" in (row.route_reason or "") and "catch-all" in (row.route_reason or "")


def test_a_customer_is_created_once_across_their_posts(any_workspace: Workspace) -> None:
    ws = any_workspace
    take_in(ws, mention("1", "First post"))
    take_in(
        ws,
        mention(
            "2",
            "Second post",
            author={"handle": "@ana@social.example", "name": "Ana L.", "followers": 1300},
        ),
    )

    [customer] = stored(ws, CustomerRow)
    assert (customer.handle, customer.name, customer.followers) == (
        "@ana@social.example",
        "Ana L.",
        1300,
    )
    assert [row.customer_id for row in stored(ws, MentionRow)] == [customer.id, customer.id]


def test_receiving_and_routing_are_audited_with_their_states(any_workspace: Workspace) -> None:
    ws = any_workspace
    [mention_id] = take_in(ws, mention(text="My login is broken")).mention_ids

    with ws.chorus.services.sessions() as session:
        received, routed = repo.list_events(session, mention_id)
    assert (received.kind, received.from_state, received.to_state) == ("received", None, "new")
    assert received.detail["source"] == "octolens"
    assert (routed.kind, routed.from_state, routed.to_state) == ("route", "new", "routed")
    assert routed.detail["department"] == "support"
    assert routed.detail["reason"] == "matched keyword “broken”"


def test_each_mention_queues_one_card_in_its_departments_channel(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    result = take_in(
        ws, mention("1", "refund please"), mention("2", "pricing?"), mention("3", "hello")
    )

    assert (result.accepted, result.duplicates) == (3, 0)
    cards = stored(ws, OutboxRow)
    assert sorted((c.kind, c.mention_id, c.channel) for c in cards) == [
        ("mention_card", result.mention_ids[0], "C0SUPPORT"),
        ("mention_card", result.mention_ids[1], "C0SALES"),
        ("mention_card", result.mention_ids[2], "C0GENERAL"),
    ]
    assert all(card.sent_at is None for card in cards)

    ws.deliver()
    assert [len(ws.standin.messages(ch)) for ch in ("C0SUPPORT", "C0SALES", "C0GENERAL")] == [
        1,
        1,
        1,
    ]


def test_the_same_post_twice_is_one_mention(any_workspace: Workspace) -> None:
    ws = any_workspace
    first = take_in(ws, mention("109412"))
    again = take_in(ws, mention("109412"), mention("109412"))

    assert (first.accepted, first.duplicates) == (1, 0)
    assert (again.accepted, again.duplicates) == (0, 2)
    assert len(stored(ws, MentionRow)) == 1
    assert len(stored(ws, OutboxRow)) == 1


def test_the_same_post_arriving_four_times_at_once_is_one_mention_and_one_card(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    services = ws.chorus.services
    start = threading.Barrier(4)
    results: list[IngestResult] = []
    failures: list[Exception] = []

    def deliver_the_post() -> None:
        start.wait()
        try:
            results.append(ingest(services, parse_mentions([mention("109412")])))
        except Exception as error:  # noqa: BLE001 - every request must succeed
            failures.append(error)

    threads = [threading.Thread(target=deliver_the_post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(r.accepted for r in results) == [0, 0, 0, 1]
    assert sorted(r.duplicates for r in results) == [0, 1, 1, 1]
    assert len(stored(ws, MentionRow)) == 1
    assert len(stored(ws, CustomerRow)) == 1
    ws.deliver()
    assert len(ws.standin.messages("C0SUPPORT")) == 1
