"""The policy in the draft and Edit & approve modals, through the real Bolt app: the author's
disclosure line suggested, findings shown as the reply is typed, blocking findings refused on
submit beside the reply, warnings carried to the reviewer's message in the thread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.model import DraftStatus, State
from bot.services import views
from bot.standin import SlackStandIn
from tests.support.slack import message_text
from tests.support.workspace import CONFIG_TOML, LEAD, Workspace, make_workspace, mention

PIA = "U0PIA"  # a drafter Slack knows, with a job title
LINE = "— Pia, Community manager at Acme"
POLICY_TOML = (
    CONFIG_TOML
    + """
[policy]
blocked_terms = ["Project Falcon"]
allowed_domains = ["acme.com"]
allowed_contacts = ["support@acme.com"]
company = "Acme"
"""
)
FALCON = "The reply mentions “Project Falcon”, an internal name that must not go public: remove it."
EVIL_LINK = (
    "The link to evil.example leads outside the sites replies may link to (acme.com): link to "
    "one of those instead, or make sure the reviewer agrees."
)
NO_LINE = (
    f"The reply does not say who wrote it: end it with “{LINE}”, so the customer knows a "
    "person from the company answers."
)


@pytest.fixture
def ws(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    standin.add_user(PIA, "pia", "Pia Rossi", title="Community manager")
    workspace = make_workspace(sqlite_url, standin, POLICY_TOML)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def open_draft(ws: Workspace) -> dict[str, Any]:
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", PIA)
    ws.slack.click(ws.card(1), "Draft reply", PIA)
    return ws.open_view()


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert found, f"no block {block_id} in the modal"
    return found[0]


def findings(view: dict[str, Any]) -> str:
    return str(block(view, "policy_findings")["elements"][0]["text"])


def errors_of(response: Any) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors", body
    errors: dict[str, str] = body["errors"]
    return errors


def test_the_draft_modal_suggests_the_disclosure_line_and_links_the_guidelines(
    ws: Workspace,
) -> None:
    view = open_draft(ws)

    reply = block(view, "reply")
    assert reply["element"]["initial_value"] == f"\n\n{LINE}"
    assert reply["dispatch_action"] is True
    assert reply["element"]["dispatch_action_config"] == {
        "trigger_actions_on": ["on_character_entered"]
    }
    assert "Guidelines: type `/chorus guidelines`" in message_text(view)
    assert not [b for b in view["blocks"] if b.get("block_id") == "policy_findings"]
    assert [c.args["user"] for c in ws.standin.calls_to("users.info")] == [PIA]


def test_findings_appear_in_plain_words_as_the_reply_is_typed(ws: Workspace) -> None:
    view = open_draft(ws)

    response = ws.slack.type_into(
        view, "reply", "Project Falcon fixes it: https://evil.example", PIA
    )

    assert response.status == 200
    [update] = ws.standin.calls_to("views.update")
    assert update.args["view_id"] == view["id"] and update.args["hash"] == view["hash"]
    updated = ws.open_view()
    assert findings(updated) == "\n".join(
        [f":no_entry: {FALCON}", f":warning: {NO_LINE}", f":warning: {EVIL_LINK}"]
    )
    assert updated["callback_id"] == "draft_modal" and updated["id"] == view["id"]

    ws.slack.type_into(updated, "reply", f"We fixed it, thanks!\n{LINE}", PIA)

    assert findings(ws.open_view()) == (
        ":white_check_mark: Nothing to fix: the reply follows the guidelines."
    )


def test_a_check_from_an_older_keystroke_never_overwrites_a_newer_one(ws: Workspace) -> None:
    view = open_draft(ws)
    ws.slack.type_into(view, "reply", "Project Falcon", PIA)
    newer = ws.open_view()

    response = ws.slack.type_into(view, "reply", "Project", PIA)  # the modal's old hash

    assert response.status == 200
    assert ws.open_view() == newer
    assert not ws.standin.messages(f"D{PIA}"), "nobody is told about a stale check"


def test_a_blocking_finding_keeps_the_draft_in_the_modal_beside_the_reply(ws: Workspace) -> None:
    view = open_draft(ws)

    response = ws.slack.submit(
        view, {"reply": f"Project Falcon, mail me at pia@example.com\n{LINE}"}, PIA
    )

    assert errors_of(response) == {
        "reply": f"{FALCON} The reply contains the e-mail address “pia@example.com”: remove "
        "it — personal data never goes in a public reply; ask the customer to send it privately."
    }
    card = views.card(ws.chorus.services, 1)
    assert card.mention.state is State.CLAIMED and card.draft is None


def test_warnings_travel_with_the_draft_to_the_reviewers_message(ws: Workspace) -> None:
    view = open_draft(ws)

    response = ws.slack.submit(view, {"reply": "See https://evil.example for the fix."}, PIA)
    ws.deliver()

    assert response.status == 200 and not response.body
    review = views.review(ws.chorus.services, 1)
    assert review.policy_warnings == (NO_LINE, EVIL_LINK)
    said = message_text(ws.review_message(1))
    assert f":warning: {NO_LINE}\n:warning: {EVIL_LINK}" in said


def test_a_clean_draft_shows_the_reviewer_no_warning(ws: Workspace) -> None:
    view = open_draft(ws)

    ws.slack.submit(view, {"reply": f"Fixed, see https://help.acme.com/export\n{LINE}"}, PIA)
    ws.deliver()

    assert views.review(ws.chorus.services, 1).policy_warnings == ()
    assert ":warning:" not in message_text(ws.review_message(1))


def test_edit_and_approve_is_checked_as_the_authors_reply(ws: Workspace) -> None:
    ws.slack.submit(open_draft(ws), {"reply": "See https://evil.example"}, PIA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Edit & approve", LEAD)
    edit = ws.open_view()
    assert block(edit, "reply")["dispatch_action"] is True

    ws.slack.type_into(edit, "reply", "Call support@acme.com or Project Falcon", LEAD)
    assert findings(ws.open_view()) == f":no_entry: {FALCON}\n:warning: {NO_LINE}"

    refused = ws.slack.submit(edit, {"reply": "Project Falcon is the fix."}, LEAD)
    assert errors_of(refused) == {"reply": FALCON}
    assert views.review(ws.chorus.services, 1).draft.status is DraftStatus.IN_REVIEW

    ws.slack.submit(edit, {"reply": f"Fixed: https://acme.com/export\n{LINE}"}, LEAD)
    review = views.review(ws.chorus.services, 1)
    assert review.draft.status is DraftStatus.APPROVED
    assert review.policy_warnings == ()  # the edit fixed what the author's draft had


def test_a_revision_keeps_its_disclosure_line_once(ws: Workspace) -> None:
    ws.slack.submit(open_draft(ws), {"reply": f"We fixed it!\n{LINE}"}, PIA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Add the status page link"}, LEAD)
    ws.deliver()

    [dm] = ws.standin.messages(f"D{PIA}")
    ws.slack.click(dm, "Revise draft", PIA)

    assert block(ws.open_view(), "reply")["element"]["initial_value"] == f"We fixed it!\n{LINE}"
