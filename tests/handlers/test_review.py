"""Reviewing a draft in the mention's thread, through the real Bolt app.

Who may review (the manager, or a lead of the mention's department, never the author),
what each decision does to the card, the thread and the author's DMs, and how a bad value
in a modal comes back beside its field without touching the database.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.model import DraftStatus, State
from bot.services import views
from bot.services.transfer_files import export_all
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, OTHER_LEAD, Workspace, mention

DRAFT = "Hi Ana! We're looking into the export right now."
REVIEW_BUTTONS = ["Approve", "Edit & approve", "Request changes", "Reject"]


def draft_in_review(ws: Workspace, text: str = DRAFT) -> dict[str, Any]:
    """Ana claims the mention and submits a draft; return its review message."""
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": text}, ANA)
    ws.deliver()
    return ws.review_message(1)


def told(ws: Workspace, user: str) -> str:
    said = ws.standin.ephemerals(user)
    assert said, f"{user} was told nothing"
    return str(said[-1]["text"])


def state(ws: Workspace) -> State:
    return views.card(ws.chorus.services, 1).mention.state


def draft(ws: Workspace, draft_id: int = 1) -> Any:
    return views.review(ws.chorus.services, draft_id).draft


def snapshot(ws: Workspace, folder: Path) -> dict[str, list[dict[str, str]]]:
    """Everything the database holds about mentions, drafts, posts and events."""
    export_all(ws.chorus.services, folder)
    tables = {}
    for name in ("mentions", "drafts", "publications", "events"):
        with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables


def errors_of(response: Any) -> dict[str, str]:
    """The field errors a modal submission sent back; fails unless that is what it sent."""
    body = json.loads(response.body)
    assert body["response_action"] == "errors", body
    errors: dict[str, str] = body["errors"]
    return errors


# -- who may review ----------------------------------------------------------------------

NOT_A_REVIEWER = (
    "Only a lead of this department or a social media manager can review drafts. "
    "Add a note in the thread instead."
)


@pytest.mark.parametrize("label", REVIEW_BUTTONS)
def test_a_staff_member_cannot_review_and_is_told_why(workspace: Workspace, label: str) -> None:
    ws = workspace
    review = draft_in_review(ws)
    updates_before = len(ws.standin.calls_to("chat.update"))
    views_before = len(ws.standin.views())

    ws.slack.click(review, label, BEN)

    assert told(ws, BEN) == NOT_A_REVIEWER
    assert len(ws.standin.views()) == views_before, "no review modal opened"
    assert state(ws) is State.IN_REVIEW and draft(ws).status is DraftStatus.IN_REVIEW
    assert len(ws.standin.calls_to("chat.update")) == updates_before
    assert button_labels(ws.review_message(1)) == REVIEW_BUTTONS


@pytest.mark.parametrize("label", REVIEW_BUTTONS)
def test_the_author_cannot_review_her_own_draft(workspace: Workspace, label: str) -> None:
    ws = workspace
    review = draft_in_review(ws)
    views_before = len(ws.standin.views())

    ws.slack.click(review, label, ANA)

    assert told(ws, ANA).startswith("You wrote this draft, so someone else reviews it")
    assert len(ws.standin.views()) == views_before
    assert state(ws) is State.IN_REVIEW and draft(ws).reviewer is None


def test_a_lead_of_another_department_cannot_review(workspace: Workspace) -> None:
    ws = workspace
    review = draft_in_review(ws)

    ws.slack.click(review, "Approve", OTHER_LEAD)

    assert told(ws, OTHER_LEAD) == NOT_A_REVIEWER
    assert state(ws) is State.IN_REVIEW


@pytest.mark.parametrize("reviewer", [LEAD, MANAGER], ids=["lead", "manager"])
def test_the_departments_lead_or_the_manager_approves(workspace: Workspace, reviewer: str) -> None:
    ws = workspace
    review = draft_in_review(ws)

    response = ws.slack.click(review, "Approve", reviewer)
    ws.deliver()

    assert response.status == 200 and response.body == ""
    assert state(ws) is State.APPROVED and draft(ws).reviewer == reviewer
    assert f"Draft v1 approved by <@{reviewer}>" in message_text(ws.card(1))
    review = ws.review_message(1)
    assert f"Approved by <@{reviewer}>" in message_text(review)
    assert button_labels(review) == ["Mark as posted"]
    [dm] = ws.standin.messages(f"D{ANA}")
    assert f"<@{reviewer}> approved your draft v1 for #1" in message_text(dm)
    assert button_labels(dm) == ["Mark as posted"]


@pytest.mark.parametrize(
    ("label", "callback"),
    [("Request changes", "request_changes_modal"), ("Reject", "reject_modal")],
)
def test_a_reviewer_gets_a_note_form_showing_the_draft(
    workspace: Workspace, label: str, callback: str
) -> None:
    ws = workspace
    review = draft_in_review(ws)

    ws.slack.click(review, label, LEAD)

    modal = ws.open_view()
    assert modal["callback_id"] == callback
    assert DRAFT in json.dumps(modal["blocks"])
    assert state(ws) is State.IN_REVIEW, "opening the form decides nothing"


# -- Edit & approve ----------------------------------------------------------------------


def test_edit_and_approve_opens_the_draft_for_editing(workspace: Workspace) -> None:
    ws = workspace
    review = draft_in_review(ws)

    ws.slack.click(review, "Edit & approve", LEAD)

    modal = ws.open_view()
    assert modal["callback_id"] == "edit_approve_modal"
    [field] = [b for b in modal["blocks"] if b.get("block_id") == "reply"]
    assert field["element"]["initial_value"] == DRAFT


def test_edit_and_approve_approves_the_reviewers_edit(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    review = draft_in_review(ws)
    edited = "Hi Ana! The export is fixed: https://status.example/42"
    ws.slack.click(review, "Edit & approve", LEAD)

    response = ws.slack.submit(ws.open_view(), {"reply": edited}, LEAD)
    ws.deliver()

    assert response.status == 200 and response.body == ""
    assert state(ws) is State.APPROVED
    assert draft(ws).text == DRAFT and draft(ws).final_text == edited
    assert f"approved with edits by <@{LEAD}>" in message_text(ws.card(1))
    review = ws.review_message(1)
    assert edited in message_text(review) and DRAFT not in message_text(review)
    assert "Approved with edits" in message_text(review)
    [dm] = ws.standin.messages(f"D{ANA}")
    assert "with a few edits" in message_text(dm) and edited in message_text(dm)
    [row] = snapshot(ws, tmp_path)["drafts"]
    assert (row["text"], row["final_text"], row["status"]) == (DRAFT, edited, "approved")


def test_an_edit_over_the_networks_limit_is_refused_in_the_modal(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    review = draft_in_review(ws)
    ws.slack.click(review, "Edit & approve", LEAD)
    before = snapshot(ws, tmp_path / "before")

    response = ws.slack.submit(ws.open_view(), {"reply": "x" * 501}, LEAD)

    assert list(errors_of(response)) == ["reply"]
    assert "500 characters" in errors_of(response)["reply"]
    assert snapshot(ws, tmp_path / "after") == before


# -- Request changes and Reject ----------------------------------------------------------


def test_reject_with_a_note_sends_the_author_a_dm_to_revise(workspace: Workspace) -> None:
    ws = workspace
    review = draft_in_review(ws)
    ws.slack.click(review, "Reject", LEAD)

    response = ws.slack.submit(ws.open_view(), {"note": "We never promise dates"}, LEAD)
    ws.deliver()

    assert response.status == 200 and response.body == ""
    mention_now = views.card(ws.chorus.services, 1).mention
    assert mention_now.state is State.CLAIMED and mention_now.claimed_by == ANA
    assert draft(ws).status is DraftStatus.REJECTED
    assert draft(ws).review_note == "We never promise dates"
    [dm] = ws.standin.messages(f"D{ANA}")
    assert f"<@{LEAD}> rejected your draft v1" in message_text(dm)
    assert "We never promise dates" in message_text(dm)
    assert button_labels(dm) == ["Revise draft"]
    assert "rejected it" in message_text(ws.review_message(1))
    assert button_labels(ws.review_message(1)) == []
    assert f"draft v1 rejected by <@{LEAD}>" in message_text(ws.card(1))


def test_revise_from_the_dm_reopens_the_form_with_the_note(workspace: Workspace) -> None:
    ws = workspace
    review = draft_in_review(ws)
    ws.slack.click(review, "Reject", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "We never promise dates"}, LEAD)
    ws.deliver()
    [dm] = ws.standin.messages(f"D{ANA}")

    ws.slack.click(dm, "Revise draft", ANA)

    modal = ws.open_view()
    assert modal["callback_id"] == "draft_modal" and modal["title"]["text"] == "Draft reply v2"
    assert "We never promise dates" in json.dumps(modal["blocks"])


def test_request_changes_without_a_note_is_refused_in_the_modal(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    review = draft_in_review(ws)
    ws.slack.click(review, "Request changes", LEAD)
    before = snapshot(ws, tmp_path / "before")

    response = ws.slack.submit(ws.open_view(), {"note": "   "}, LEAD)

    assert errors_of(response) == {"note": "Say what should change: the author reads this note."}
    assert snapshot(ws, tmp_path / "after") == before
    assert ws.standin.messages(f"D{ANA}") == []


def test_reject_without_a_note_is_refused_in_the_modal(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    review = draft_in_review(ws)
    ws.slack.click(review, "Reject", LEAD)
    before = snapshot(ws, tmp_path / "before")

    response = ws.slack.submit(ws.open_view(), {"note": ""}, LEAD)

    assert list(errors_of(response)) == ["note"]
    assert snapshot(ws, tmp_path / "after") == before


# -- the draft form's own validation -----------------------------------------------------


def test_a_draft_over_mastodons_limit_is_refused_beside_the_reply(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    before = snapshot(ws, tmp_path / "before")

    response = ws.slack.submit(ws.open_view(), {"reply": "a" * 501}, ANA)

    assert response.status == 200
    assert json.loads(response.body) == {
        "response_action": "errors",
        "errors": {
            "reply": "Mastodon replies can be at most 500 characters (each link counts as 23, "
            "an emoji as 1); this one has 501. "
            "Shorten it by 1."
        },
    }
    assert snapshot(ws, tmp_path / "after") == before
    assert state(ws) is State.CLAIMED


def test_a_draft_of_exactly_the_limit_goes_to_review(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Draft reply", ANA)

    response = ws.slack.submit(ws.open_view(), {"reply": "a" * 500}, ANA)

    assert response.body == ""
    assert state(ws) is State.IN_REVIEW


# -- Mark as posted ----------------------------------------------------------------------


def approved(ws: Workspace) -> dict[str, Any]:
    review = draft_in_review(ws)
    ws.slack.click(review, "Approve", LEAD)
    ws.deliver()
    return ws.review_message(1)


@pytest.mark.parametrize("url", ["not a url", "ftp://x", "https://", "  "])
def test_mark_as_posted_wants_a_web_link(workspace: Workspace, tmp_path: Path, url: str) -> None:
    ws = workspace
    review = approved(ws)
    ws.slack.click(review, "Mark as posted", ANA)
    before = snapshot(ws, tmp_path / "before")

    response = ws.slack.submit(ws.open_view(), {"live_url": url}, ANA)

    assert errors_of(response) == {
        "live_url": "The live link must be a full http:// or https:// address."
    }
    assert snapshot(ws, tmp_path / "after") == before
    assert state(ws) is State.APPROVED


def test_mark_as_posted_is_not_for_bystanders(workspace: Workspace) -> None:
    ws = workspace
    review = approved(ws)
    views_before = len(ws.standin.views())

    ws.slack.click(review, "Mark as posted", BEN)

    assert told(ws, BEN) == "Only the reply's author or a reviewer can mark it as posted."
    assert len(ws.standin.views()) == views_before
    assert state(ws) is State.APPROVED


# -- old versions ------------------------------------------------------------------------


def second_version(ws: Workspace) -> dict[str, Any]:
    """v1 sent back, v2 in review; return v1's review message as first posted."""
    v1 = draft_in_review(ws)
    ws.slack.click(v1, "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Link the status page"}, LEAD)
    ws.deliver()
    [dm] = ws.standin.messages(f"D{ANA}")
    ws.slack.click(dm, "Revise draft", ANA)
    ws.slack.submit(ws.open_view(), {"reply": DRAFT + " https://status.example"}, ANA)
    ws.deliver()
    return v1


def test_an_old_draft_version_shows_no_review_buttons(workspace: Workspace) -> None:
    ws = workspace
    second_version(ws)

    assert button_labels(ws.review_message(1)) == []
    assert button_labels(ws.review_message(2)) == REVIEW_BUTTONS
    assert "Draft v2" in message_text(ws.review_message(2))


def test_approving_from_a_stale_copy_of_v1_changes_nothing(workspace: Workspace) -> None:
    ws = workspace
    stale_v1 = second_version(ws)

    ws.slack.click(stale_v1, "Approve", LEAD)

    assert told(ws, LEAD) == f"<@{LEAD}> already asked for changes on draft v1."
    assert state(ws) is State.IN_REVIEW
    assert draft(ws, 1).status is DraftStatus.CHANGES_REQUESTED
    assert draft(ws, 2).status is DraftStatus.IN_REVIEW
