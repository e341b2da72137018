"""Ingestion with listening: each mention is classified and the verdict stored and shown,
`[[routes]]` rules route before department keywords, and the same post reached through
another URL spelling is one mention. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.standin import SlackStandIn
from storage.models import EventRow, MentionRow
from tests.support.listening_workspace import EMEA_DEPARTMENT, workspace_with
from tests.support.slack import message_text
from tests.support.workspace import Workspace, mention

EMEA_ROUTES = (
    EMEA_DEPARTMENT
    + """
[[routes]]
name = "emea"
department = "emea"
languages = ["fr", "de", "es"]
"""
)
FRENCH = "Bonjour, je n'arrive pas à exporter mes données depuis hier, pouvez-vous m'aider ?"
URGENT_BADGE = ":rotating_light: *Urgent*"
HIGH_BADGE = ":small_orange_diamond: *High priority*"


@pytest.fixture
def emea(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus with an EMEA team that takes French, German and Spanish posts."""
    with workspace_with(EMEA_ROUTES, database_url, standin) as ws:
        yield ws


def rows(ws: Workspace) -> list[MentionRow]:
    with ws.chorus.services.sessions() as session:
        return list(session.scalars(select(MentionRow).order_by(MentionRow.id)))


def the_row(ws: Workspace, mention_id: int) -> MentionRow:
    [row] = [r for r in rows(ws) if r.id == mention_id]
    return row


def headline(card: dict[str, Any]) -> str:
    return str(card["blocks"][0]["text"]["text"])


def unnamed(external_id: str, text: str, **extra: Any) -> dict[str, Any]:
    """A mention whose source gave no language, so Chorus detects it."""
    return mention(external_id, text, language=None, **extra)


# -- classification, stored and shown ----------------------------------------------------


def test_a_mention_is_stored_with_its_language_sentiment_intent_and_priority(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace

    ws.receive(unnamed("1", "Why is this STILL broken?! Worst service ever"))

    row = the_row(ws, 1)
    assert row.language == "en"
    assert row.sentiment == pytest.approx(-0.8172, abs=1e-4)
    assert (row.intent, row.priority) == ("complaint", "urgent")
    assert row.canonical_url == "https://social.example/@ana/1"


def test_a_language_the_source_gives_is_kept(any_workspace: Workspace) -> None:
    ws = any_workspace

    ws.receive(mention("1", FRENCH, language="de"))

    assert the_row(ws, 1).language == "de"


def test_the_card_says_what_chorus_understood(any_workspace: Workspace) -> None:
    ws = any_workspace

    ws.receive(unnamed("1", "What time does the webinar start on Thursday?"))

    text = message_text(ws.card(1))
    assert "Question · neutral (+0.00) · priority normal · first mention" in text
    assert "language en" in text


def test_the_route_event_records_intent_and_priority(any_workspace: Workspace) -> None:
    ws = any_workspace

    ws.receive(unnamed("1", "The export is broken again"))

    with ws.chorus.services.sessions() as session:
        [route] = session.scalars(select(EventRow).where(EventRow.kind == "route")).all()
    assert route.detail["intent"] == "complaint"
    assert route.detail["priority"] == "high"
    assert route.detail["reason"] == "matched keyword “broken”"


def test_a_mention_with_an_urgent_term_is_urgent_and_the_headline_says_so(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace

    ws.receive(unnamed("1", "Third week without an answer. Talking to my lawyer tomorrow."))

    assert the_row(ws, 1).priority == "urgent"
    card = ws.card(1)
    assert headline(card).startswith(URGENT_BADGE)
    assert "priority urgent" in message_text(card)


def test_a_complaint_is_high_priority_and_a_quiet_post_has_no_badge(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace

    ws.receive(
        unnamed("1", "The export is broken again"),
        unnamed("2", "Just switched to the new plan"),
    )

    assert headline(ws.card(1)).startswith(HIGH_BADGE)
    assert the_row(ws, 2).priority == "low"
    assert headline(ws.card(2)).startswith("*#2 · Mastodon*")


# -- routing rules ----------------------------------------------------------------------


def test_a_route_rule_sends_french_posts_to_the_emea_team(emea: Workspace) -> None:
    ws = emea

    ws.receive(unnamed("1", FRENCH))

    row = the_row(ws, 1)
    assert (row.department_key, row.route_rule) == ("emea", "emea")
    [card] = ws.standin.messages("C0EMEA")
    assert "Routed to *EMEA*: rule “emea”: language fr" in message_text(card)
    assert ws.standin.messages("C0GENERAL") == []


def test_a_route_rule_comes_before_department_keywords(emea: Workspace) -> None:
    ws = emea

    ws.receive(unnamed("1", "Bonjour, mon remboursement (refund) n'est jamais arrivé, pourquoi ?"))

    assert the_row(ws, 1).department_key == "emea"
    assert ws.standin.messages("C0SUPPORT") == []


def test_posts_no_rule_matches_still_route_by_department_keywords(emea: Workspace) -> None:
    ws = emea

    ws.receive(unnamed("1", "Where is my refund? It has been two weeks."))

    row = the_row(ws, 1)
    assert (row.department_key, row.route_rule) == ("support", None)
    assert "Routed to *Customer Support*: matched keyword “refund”" in message_text(ws.card(1))


# -- one mention, once -------------------------------------------------------------------


def test_the_same_post_at_a_tracked_url_is_a_duplicate(any_workspace: Workspace) -> None:
    ws = any_workspace
    ws.receive(mention("109412", url="https://social.example/@ana/109412"))

    reply = ws.receive(
        mention(
            "brand24-77",
            url="https://social.example/@ana/109412/?utm_source=x",
            source="brand24",
        )
    )

    assert reply == {"accepted": 0, "duplicates": 1}
    assert len(rows(ws)) == 1
    assert len(ws.standin.messages("C0SUPPORT")) == 1, "one card"


def test_the_same_post_from_a_feed_and_a_webhook_is_one_mention(any_workspace: Workspace) -> None:
    ws = any_workspace
    ws.receive(
        mention(
            "tag:social.example,2026:109412",
            network="blog",
            url="https://social.example/@ana/109412",
        )
    )

    reply = ws.receive(mention("109412", url="HTTP://Social.Example/@ana/109412/?utm_medium=feed"))

    assert reply == {"accepted": 0, "duplicates": 1}
    assert [r.network for r in rows(ws)] == ["blog"]


def test_two_spellings_of_one_post_in_one_batch_are_one_mention(any_workspace: Workspace) -> None:
    ws = any_workspace

    reply = ws.receive(
        mention("1", url="https://social.example/@ana/109412?fbclid=IwAR0"),
        mention("2", url="https://social.example/@ana/109412"),
    )

    assert reply == {"accepted": 1, "duplicates": 1}
    assert len(ws.standin.messages("C0SUPPORT")) == 1


def test_different_posts_that_share_a_page_are_different_mentions(
    any_workspace: Workspace,
) -> None:
    """Blog comment feeds link each comment as the article plus `#comment-N`."""
    ws = any_workspace
    article = "https://blog.acme.example/2026/11/export-to-csv/"

    reply = ws.receive(
        mention("comment-412", "Is the CSV export broken?", url=article + "#comment-412"),
        mention("comment-409", "The export is broken for me too", url=article + "#comment-409"),
    )

    assert reply == {"accepted": 2, "duplicates": 0}
    assert len(ws.standin.messages("C0SUPPORT")) == 2


def test_a_post_without_a_url_is_matched_on_its_network_id_only(any_workspace: Workspace) -> None:
    ws = any_workspace

    first = ws.receive(mention("1", url=None), mention("2", url=None))
    again = ws.receive(mention("1", url=None))

    assert first == {"accepted": 2, "duplicates": 0}
    assert again == {"accepted": 0, "duplicates": 1}
    assert [r.canonical_url for r in rows(ws)] == [None, None]
