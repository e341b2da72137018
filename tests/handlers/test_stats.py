"""`/chorus stats [DEPT]`: a team's figures now, only to the person who asked, never per
person; this channel's department by default, the company elsewhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from freezegun import freeze_time

from bot.services import workflow
from bot.services.ideas import Pitch, decide, pitch_idea
from tests.support.digest_week import answer, arrive
from tests.support.slack import message_text
from tests.support.workspace import ANA, BEN, MANAGER, Workspace

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # Wednesday of week 48 (23–29 November)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def week(workspace: Workspace) -> Workspace:
    """Support answered two customers this week (in 40 and 80 minutes), has one waiting and
    one in review; Sales has one waiting; ideas: one pitched to each, one declined."""
    ws = workspace
    services = ws.chorus.services
    old = arrive(ws, at(18, 9), "w47", "My refund is broken")  # last week: not this week's
    answer(ws, old, ANA, "U0LEAD", at(18, 15))
    answer(ws, arrive(ws, at(23, 9), "a", "The export is broken"), ANA, "U0LEAD", at(23, 9, 40))
    answer(ws, arrive(ws, at(24, 9), "b", "Login broken again"), BEN, MANAGER, at(24, 10, 20))
    drafting = arrive(ws, at(25, 7), "c", "Is the login broken?")
    arrive(ws, at(25, 8), "d", "A refund, please")
    arrive(ws, at(25, 9), "e", "What is the pricing for teams?")
    with freeze_time(at(25, 10)):
        workflow.claim(services, drafting, ANA)
        workflow.submit_draft(services, drafting, ANA, "Hi! We're on it.")
        pitch_idea(services, BEN, Pitch("Export tips", "A short thread", "support"))
        pitch_idea(services, BEN, Pitch("Team pricing", "Explain seats", "sales"))
        pitch_idea(services, ANA, Pitch("Old news", "Not now", "support"))
        decide(services, 3, MANAGER, approve=False, reason="We did it last month")
    return ws


def ask(ws: Workspace, text: str, channel: str = "C0SUPPORT") -> tuple[int, dict[str, Any]]:
    with freeze_time(NOW):
        response = ws.slack.command("/chorus", text, BEN, channel=channel)
    return response.status, json.loads(response.body)


def test_in_a_department_channel_it_is_that_departments_figures(week: Workspace) -> None:
    status, said = ask(week, "stats")

    assert status == 200 and said["response_type"] == "ephemeral"
    text = message_text(said)
    assert "*Customer Support* · week 23–29 November 2026, so far" in text
    assert "• Open mentions: *2*, the oldest waiting for 4 hours" in text
    assert "• Median time to a first answer this week: *1 hour* (2 answers)" in text
    assert "• Drafts in review: *1*" in text
    assert "• Post ideas in the pipeline (pitched or being written): *1*" in text
    assert "<@" not in json.dumps(said), "team figures: nobody is named or ranked"


def test_a_department_can_be_named_and_elsewhere_it_is_the_company(week: Workspace) -> None:
    _, sales = ask(week, "stats sales")
    _, company = ask(week, "stats", channel="C0RANDOM")
    _, everyone = ask(week, "stats all")

    sales_text = message_text(sales)
    assert "*Sales*" in sales_text
    assert "Open mentions: *1*, the oldest waiting for 2 hours" in sales_text
    assert "no answer is live yet" in sales_text
    assert "Drafts in review: *0*" in sales_text
    assert "pipeline (pitched or being written): *1*" in sales_text
    company_text = message_text(company)
    assert "*The whole company*" in company_text
    assert "Open mentions: *3*" in company_text and "*1 hour* (2 answers)" in company_text
    assert "pipeline (pitched or being written): *2*" in company_text
    assert message_text(everyone) == company_text


def test_a_quiet_department_says_so_kindly(week: Workspace) -> None:
    _, said = ask(week, "stats general")

    assert "Open mentions: *0*: every customer has an answer." in message_text(said)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("stats marketing", "There is no department “marketing”. Choose one of: support, sales"),
        ("stats support sales", "*/chorus stats* — how a department is doing now"),
        ("stats help", "`/chorus stats KEY` for one department"),
    ],
)
def test_a_wrong_request_says_what_to_type(workspace: Workspace, text: str, says: str) -> None:
    status, said = ask(workspace, text)

    assert status == 200 and said["response_type"] == "ephemeral"
    assert says in said["text"]
