"""`/chorus digest` shows a digest only to the person who asked; the digest's **See open
mentions** lists who is still waiting; a wrong request says how to ask."""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun import freeze_time

from bot.services.digest import send_weekly_digests
from tests.support.digest_week import DIGEST_TIME, seed_week
from tests.support.slack import message_text
from tests.support.workspace import BEN, Workspace


def is_digest(message: dict[str, Any]) -> bool:
    return bool(message["blocks"]) and message["blocks"][0]["type"] == "header"


@pytest.fixture
def week(workspace: Workspace) -> dict[str, int]:
    return seed_week(workspace)


def ask(ws: Workspace, text: str, channel: str = "C0SUPPORT") -> tuple[Any, dict[str, Any]]:
    with freeze_time(DIGEST_TIME):
        response = ws.slack.command("/chorus", text, BEN, channel=channel)
    said = ws.standin.ephemerals(BEN)
    return response, said[-1] if said else {}


def test_in_a_department_channel_it_is_that_department_last_week(
    workspace: Workspace, week: dict[str, int]
) -> None:
    response, said = ask(workspace, "digest")
    assert response.status == 200
    text = message_text(said)
    assert "Customer Support: 16–22 November 2026" in text
    assert "Median time to a first answer: 1 hour 45 minutes." in text
    assert not [m for m in workspace.standin.messages("C0SUPPORT") if is_digest(m)]


def test_elsewhere_it_is_the_company_and_a_week_can_be_named(
    workspace: Workspace, week: dict[str, int]
) -> None:
    _, said = ask(workspace, "digest", channel="C0RANDOM")
    assert "The whole company: 16–22 November 2026" in message_text(said)
    _, said = ask(workspace, "digest sales 2026-W46")
    assert "Sales: 9–15 November 2026" in message_text(said)
    assert "A quiet week for Sales" in message_text(said)
    _, said = ask(workspace, "digest support this")
    assert "Customer Support: 23–29 November 2026" in message_text(said)
    assert "A quiet week for Customer Support" in message_text(said)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("digest marketing", "There is no department “marketing”"),
        ("digest 2026-W99", "2026 has weeks 1 to 53"),
        ("digest support this 2026-W47 extra", "Here is how to ask for a digest."),
    ],
)
def test_a_wrong_request_says_how_to_ask(
    workspace: Workspace, week: dict[str, int], text: str, says: str
) -> None:
    response, _ = ask(workspace, text)
    body = json.loads(response.body)["text"]
    assert says in body and "/chorus digest [DEPT|company] [this|YYYY-Www]" in body


def test_see_open_mentions_lists_the_customers_still_waiting(
    workspace: Workspace, week: dict[str, int]
) -> None:
    ws = workspace
    with freeze_time(DIGEST_TIME):
        send_weekly_digests(ws.chorus.services)
        ws.deliver()
    [digest] = [m for m in ws.standin.messages("C0SUPPORT") if is_digest(m)]
    ws.slack.click(digest, "See open mentions", BEN)
    listed = message_text(ws.standin.ephemerals(BEN)[-1])
    assert "Open mentions in Customer Support" in listed
    assert "Is the refund broken too?" in listed and "refund question" in listed


def test_help_lists_the_digest(workspace: Workspace) -> None:
    response = workspace.slack.command("/chorus", "help", BEN)
    assert "/chorus digest" in response.body
