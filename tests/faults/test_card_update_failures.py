"""chat.update fails for a long time while a mention goes from claim to approval.

Slack answers every card and review update with 500s, then `message_not_found`, then
`ratelimited`, while Ana claims and drafts and the lead approves. Nothing is lost in the
database at any step, people are told their change is saved, and once Slack answers again
the card and the review message are repaired to the final state by the outbox, without
anyone touching the mention. Time is frozen and moved by hand. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time

from bot.domain.model import State
from bot.services import views
from bot.standin import SlackStandIn
from tests.faults.observe import (
    START,
    assert_one_card_each,
    assert_outbox_empty,
    events,
    make_fault_workspace,
    unsent,
)
from tests.support.slack import message_text
from tests.support.workspace import ANA, LEAD, Workspace, mention

FAILURES = (
    ("internal_error", {"status": 500}),
    ("message_not_found", {}),
    ("ratelimited", {"retry_after": 20}),
)
EACH = 4  # failed updates of each kind, in that order


@pytest.fixture
def ws(database_url: str, own_standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_fault_workspace(database_url, own_standin)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def where_it_stands(ws: Workspace) -> tuple[str, str | None, str | None]:
    card = views.card(ws.chorus.services, 1)
    return (
        card.mention.state.value,
        card.draft.status.value if card.draft else None,
        (card.mention.claimed_by),
    )


def test_card_updates_failing_for_long_lose_nothing_and_the_card_is_repaired(
    ws: Workspace,
) -> None:
    standin = ws.standin
    with freeze_time(START) as frozen:
        ws.receive(mention())
        for error, options in FAILURES:
            standin.fail("chat.update", error, times=EACH, **options)

        ws.slack.click(ws.card(1), "Claim", ANA)
        assert where_it_stands(ws) == (State.CLAIMED.value, None, ANA)
        assert standin.ephemerals(ANA)[-1]["text"].startswith("You claimed #1.")
        frozen.tick(5)
        ws.deliver()  # the repair fails too, and waits

        ws.slack.command("/draft", "1", ANA)
        ws.slack.submit(ws.open_view(), {"reply": "We're on it! — Ana"}, ANA)
        assert where_it_stands(ws) == (State.IN_REVIEW.value, "in_review", ANA)
        frozen.tick(5)
        ws.deliver()  # the review message goes out (a new post); the card's repair fails

        ws.slack.click(ws.review_message(1), "Approve", LEAD)
        assert where_it_stands(ws) == (State.APPROVED.value, "approved", ANA)
        stale = message_text(ws.card(1))
        assert "approved" not in stale, "Slack has not shown the approval yet"

        for _ in range(600):  # nobody touches the mention again
            if not unsent(ws):
                break
            frozen.tick(1)
            ws.deliver()

    assert len(standin.calls_to("chat.update")) > EACH * len(FAILURES), "every failure was met"
    assert f"approved by <@{LEAD}>" in message_text(ws.card(1))
    assert f"Approved by <@{LEAD}>" in message_text(ws.review_message(1))
    card = ws.card(1)
    assert len(standin.thread(card["channel"], card["ts"])) == 1
    assert_one_card_each(ws)
    assert_outbox_empty(ws)
    happened = events(ws)
    assert [happened[(1, k)] for k in ("received", "claim", "submit_draft", "approve")] == [1] * 4
