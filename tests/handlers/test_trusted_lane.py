"""The trusted lane, through the real Bolt app: a trusted person's clean reply to praise or a
neutral mention is approved at once and still shows in the thread; anything else (someone
not trusted here, a complaint or a question, a warning, a closed lane) goes to review."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.model import DraftStatus, State
from bot.services import views
from bot.services.roles import switch_trusted_lane
from bot.services.transfer_files import export_all
from bot.standin import SlackStandIn
from tests.support.slack import button_labels, message_text
from tests.support.workspace import (
    BEN,
    CONFIG_TOML,
    LEAD,
    Workspace,
    make_workspace,
    mention,
)

PIA, SAM = "U0PIA", "U0SAM"  # trusted in Customer Support, and in Sales
LANE_TOML = (
    CONFIG_TOML.replace(
        'leads = ["U0LEAD"]\n', 'leads = ["U0LEAD"]\ntrusted = ["U0PIA"]\ntrusted_lane = true\n'
    ).replace(
        'leads = ["U0SALESLEAD"]\n',
        'leads = ["U0SALESLEAD"]\ntrusted = ["U0SAM"]\ntrusted_lane = true\n',
    )
    + '\n[policy]\ncompany = "Acme"\nallowed_domains = ["acme.com"]\n'
)
PRAISE = "I love the new login page, thank you so much!"
NEUTRAL = "Switched our whole team to the new login today."
COMPLAINT = "The login is broken again, this is unacceptable."
QUESTION = "How do I reset my login?"
REVIEW_BUTTONS = ["Approve", "Edit & approve", "Request changes", "Reject"]


@pytest.fixture
def ws(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    standin.add_user(PIA, "pia", "Pia Rossi", title="Community manager")
    standin.add_user(SAM, "sam", "Sam Berg", title="Sales")
    workspace = make_workspace(sqlite_url, standin, LANE_TOML)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def signed(user: str) -> str:
    line = "— Pia, Community manager at Acme" if user == PIA else "— Sam, Sales at Acme"
    return f"Thank you, that means a lot to the team!\n{line}"


def reply(ws: Workspace, post: str, user: str = PIA, text: str | None = None) -> dict[str, Any]:
    """The person claims the mention and submits a reply; return its message in the thread."""
    ws.receive(mention(text=post))
    ws.slack.click(ws.card(1), "Claim", user)
    ws.slack.click(ws.card(1), "Draft reply", user)
    response = ws.slack.submit(ws.open_view(), {"reply": text or signed(user)}, user)
    assert response.status == 200 and not response.body, response.body
    ws.deliver()
    return ws.review_message(1)


def events(ws: Workspace, tmp_path: Path) -> list[dict[str, str]]:
    """The audit trail of mention #1, as `chorus export` writes it."""
    export_all(ws.chorus.services, tmp_path)
    with (tmp_path / "events.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["mention_id"] == "1"]


@pytest.mark.parametrize("post", [PRAISE, NEUTRAL], ids=["praise", "neutral"])
def test_a_trusted_clean_reply_to_praise_or_a_neutral_post_is_approved_at_once(
    ws: Workspace, post: str, tmp_path: Path
) -> None:
    message = reply(ws, post)

    card = views.card(ws.chorus.services, 1)
    assert card.intent in ("praise", "other")
    assert card.mention.state is State.APPROVED
    draft = views.review(ws.chorus.services, 1).draft
    assert draft.status is DraftStatus.APPROVED and draft.reviewer is None
    said = message_text(message)
    assert (
        ":white_check_mark: Approved (trusted lane) — <@U0PIA> is trusted in Customer Support"
        in said
    )
    assert button_labels(message) == ["Mark as posted"]
    assert "approved (trusted lane); ready to post" in message_text(ws.card(1))
    kinds = [(e["kind"], e["actor"], e["from_state"], e["to_state"]) for e in events(ws, tmp_path)]
    assert kinds[-2:] == [
        ("submit_draft", PIA, "claimed", "in_review"),
        ("approve_trusted", PIA, "in_review", "approved"),
    ]


def test_the_author_is_told_and_can_post_it(ws: Workspace) -> None:
    reply(ws, PRAISE)

    [dm] = ws.standin.messages(f"D{PIA}")
    assert "went through the trusted lane: it is approved, no review needed" in message_text(dm)
    assert button_labels(dm) == ["Mark as posted"]

    ws.slack.click(ws.review_message(1), "Mark as posted", PIA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@acme/1"}, PIA)
    assert views.card(ws.chorus.services, 1).mention.state is State.PUBLISHED
    assert "Approved (trusted lane)" in message_text(ws.review_message(1))
    assert "and posted" in message_text(ws.review_message(1))


def goes_to_review(ws: Workspace, message: dict[str, Any]) -> None:
    assert views.card(ws.chorus.services, 1).mention.state is State.IN_REVIEW
    draft = views.review(ws.chorus.services, 1).draft
    assert draft.status is DraftStatus.IN_REVIEW and draft.reviewer is None
    assert button_labels(message) == REVIEW_BUTTONS
    assert ":eyes: Waiting for review" in message_text(message)
    assert not ws.standin.messages(f"D{PIA}") and not ws.standin.messages(f"D{SAM}")


def test_someone_not_trusted_goes_to_review(ws: Workspace) -> None:
    goes_to_review(ws, reply(ws, PRAISE, BEN, "Thank you!\n— Ben"))


def test_someone_trusted_in_another_department_goes_to_review(ws: Workspace) -> None:
    goes_to_review(ws, reply(ws, PRAISE, SAM))


@pytest.mark.parametrize("post", [COMPLAINT, QUESTION], ids=["complaint", "question"])
def test_complaints_and_questions_always_go_to_review(ws: Workspace, post: str) -> None:
    message = reply(ws, post)

    assert views.card(ws.chorus.services, 1).intent in ("complaint", "question")
    goes_to_review(ws, message)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you, that means a lot to the team!",  # no disclosure line: a warning
        "Thanks! More at https://elsewhere.example\n— Pia, Community manager at Acme",
    ],
    ids=["no-disclosure-line", "a-link-elsewhere"],
)
def test_a_reply_with_a_warning_goes_to_review(ws: Workspace, text: str) -> None:
    message = reply(ws, PRAISE, PIA, text)

    goes_to_review(ws, message)
    assert ":warning:" in message_text(message)


def test_a_lane_closed_by_a_lead_sends_everything_to_review(ws: Workspace) -> None:
    switch_trusted_lane(ws.chorus.services, LEAD, "support", False)

    goes_to_review(ws, reply(ws, PRAISE))
