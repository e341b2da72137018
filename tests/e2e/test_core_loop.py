"""The core loop, end to end: webhook in → card → claim → draft → changes → revise →
approve → mark as posted → export, asserting what Slack received at each step."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.services import views
from tests.support.slack import button_labels, message_text
from tests.support.workspace import ANA, LEAD, Workspace, mention


def test_a_mention_goes_from_webhook_to_posted_reply(workspace: Workspace, tmp_path: Path) -> None:
    ws, standin = workspace, workspace.standin

    # A customer's post arrives by signed webhook and lands in Support (keyword "broken").
    assert ws.receive(mention()) == {"accepted": 1, "duplicates": 0}
    [card] = standin.messages("C0SUPPORT")
    assert "Is the export broken for anyone else?" in message_text(card)
    assert "matched keyword “broken”" in message_text(card)
    assert button_labels(card) == ["Claim", "Draft reply", "Transfer", "Dismiss", "Open post"]

    # Ana claims it: the card says so, in place.
    ws.slack.click(card, "Claim", ANA)
    card = ws.card(1)
    assert card["edited"] and f"Claimed by <@{ANA}>" in message_text(card)
    assert "Claim" not in button_labels(card)

    # She drafts a reply: the modal shows the customer's post and Mastodon's limit.
    ws.slack.click(card, "Draft reply", ANA)
    modal = ws.open_view()
    assert modal["callback_id"] == "draft_modal"
    assert "500 characters" in str(modal["blocks"])
    response = ws.slack.submit(modal, {"reply": "Hi Ana! We're on it."}, ANA)
    assert response.status == 200 and response.body == ""
    ws.deliver()
    [review] = standin.thread("C0SUPPORT", card["ts"])
    assert "Draft v1" in message_text(review)
    assert button_labels(review) == ["Approve", "Edit & approve", "Request changes", "Reject"]
    assert "Draft v1 by" in message_text(ws.card(1))

    # The lead asks for changes; Ana gets a DM with a button to revise.
    ws.slack.click(review, "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Add the status page link"}, LEAD)
    ws.deliver()
    [dm] = standin.messages(f"D{ANA}")
    assert "asked for changes" in message_text(dm) and "Add the status page link" in message_text(
        dm
    )
    assert button_labels(dm) == ["Revise draft"]
    assert "asked for changes" in message_text(ws.review_message(1))

    # She revises from the DM: the modal is prefilled and shows the note; v2 goes to review.
    ws.slack.click(dm, "Revise draft", ANA)
    modal = ws.open_view()
    assert "Add the status page link" in str(modal["blocks"])
    ws.slack.submit(modal, {"reply": "Hi Ana! We're on it: https://status.example"}, ANA)
    ws.deliver()
    review_v2 = standin.thread("C0SUPPORT", card["ts"])[-1]
    assert "Draft v2" in message_text(review_v2)

    # The lead approves; the card and the thread say who approved, Ana is told.
    ws.slack.click(review_v2, "Approve", LEAD)
    ws.deliver()
    assert f"approved by <@{LEAD}>" in message_text(ws.card(1))
    review_v2 = ws.review_message(2)
    assert button_labels(review_v2) == ["Mark as posted"]
    assert "approved" in message_text(standin.messages(f"D{ANA}")[-1])

    # Ana posts it and marks it as posted with the live link; the card shows the link.
    ws.slack.click(review_v2, "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@brand/9001"}, ANA)
    card = ws.card(1)
    assert "https://social.example/@brand/9001" in message_text(card)
    assert "time to answer" in message_text(card)
    assert button_labels(card) == ["Update results", "Open post"]
    assert views.card(ws.chorus.services, 1).mention.state.value == "published"

    # Everything was recorded: the export has every step.
    from bot.services.transfer_files import export_all

    export_all(ws.chorus.services, tmp_path)
    with (tmp_path / "events.csv").open() as handle:
        # The mention's steps (start-up also records the roles chorus.toml seeds).
        kinds = [row["kind"] for row in csv.DictReader(handle) if row["mention_id"]]
    assert kinds == [
        "received",
        "route",
        "claim",
        "submit_draft",
        "request_changes",
        "submit_draft",
        "approve",
        "mark_posted",
    ]
    with (tmp_path / "publications.csv").open() as handle:
        [publication] = list(csv.DictReader(handle))
    assert publication["url"] == "https://social.example/@brand/9001"
