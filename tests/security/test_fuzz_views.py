"""Fuzzing every modal's submission through the real Bolt app: each input of each modal gets
anything at all (nothing, blanks, any Unicode, too long, numbers written oddly, URLs that are
not, options that are not in the list). Chorus always answers 200: the modal closes or moves
on, or its errors come back beside inputs the modal has, each a sentence; never "Something
went wrong"; and a submission sent back with errors stores nothing.

The inputs are read off the modal itself, so a field added to a modal is fuzzed too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standin import SlackStandIn
from tests.security.fuzzing import TEXT, examples
from tests.security.probes import footprint
from tests.security.role_acts import A_MESSAGE, idea_card, shortcut
from tests.security.role_cases import idea_pitched
from tests.security.surfaces import logged_from_a_message
from tests.support.workspace import ANA, LEAD, Workspace, make_workspace, mention

NUMBERISH = st.sampled_from(["0", "12", "1,200", "-3", "1e3", "12.5", " 7 ", "٣", "9" * 30])
URLISH = st.sampled_from(
    ["https://social.example/@brand/1", "javascript:alert(1)", "http://", "ftp://x", "www.x.com"]
)
TEXTS = st.none() | TEXT | NUMBERISH | URLISH | st.text(min_size=2900, max_size=3100)


def routed(ws: Workspace) -> None:
    ws.receive(mention())


def claimed(ws: Workspace) -> None:
    routed(ws)
    ws.slack.click(ws.card(1), "Claim", ANA)


def in_review(ws: Workspace) -> None:
    claimed(ws)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! We're on it."}, ANA)
    ws.deliver()


def approved(ws: Workspace) -> None:
    in_review(ws)
    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    ws.deliver()


def posted(ws: Workspace) -> None:
    approved(ws)
    ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@brand/1"}, ANA)
    ws.deliver()


def opened_by(
    prepare: Callable[[Workspace], None], label: str, on: str, user: str
) -> Callable[[Workspace], tuple[dict[str, Any], str]]:
    """Prepare, then click `label` on the card or the review message: the modal it opens."""

    def open_it(ws: Workspace) -> tuple[dict[str, Any], str]:
        prepare(ws)
        ws.slack.click(ws.card(1) if on == "card" else ws.review_message(1), label, user)
        return ws.open_view(), user

    return open_it


def the_pitch_modal(ws: Workspace) -> tuple[dict[str, Any], str]:
    ws.slack.command("/chorus", "idea", ANA)
    return ws.open_view(), ANA


def the_decline_modal(ws: Workspace) -> tuple[dict[str, Any], str]:
    idea_pitched(ws, None)  # type: ignore[arg-type]
    ws.slack.click(idea_card(ws), "Decline", LEAD)
    return ws.open_view(), LEAD


def the_log_modal(ws: Workspace) -> tuple[dict[str, Any], str]:
    logged_from_a_message(ws, "My refund never arrived")
    return ws.open_view(), ANA


MODALS: dict[str, Callable[[Workspace], tuple[dict[str, Any], str]]] = {
    "draft": opened_by(
        lambda ws: (routed(ws), ws.slack.click(ws.card(1), "Claim", ANA)),
        "Draft reply",
        "card",
        ANA,
    ),
    "edit_approve": opened_by(in_review, "Edit & approve", "review", LEAD),
    "request_changes": opened_by(in_review, "Request changes", "review", LEAD),
    "reject": opened_by(in_review, "Reject", "review", LEAD),
    "mark_posted": opened_by(approved, "Mark as posted", "review", ANA),
    "dismiss": opened_by(routed, "Dismiss", "card", LEAD),
    "transfer": opened_by(routed, "Transfer", "card", ANA),
    "results": opened_by(posted, "Update results", "card", ANA),
    "idea": the_pitch_modal,
    "decline_idea": the_decline_modal,
    "log_mention": the_log_modal,
}


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_workspace(database_url, standin)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def as_option(value: str) -> dict[str, str]:
    return {"option": value}


def inputs(view: dict[str, Any]) -> dict[str, Any]:
    """A strategy for each input of the modal: text, or an option (listed, or not)."""
    fields: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("type") != "input":
            continue
        if element.get("type") == "static_select":
            listed = [o["value"] for o in element.get("options", [])]
            fields[block["block_id"]] = (st.sampled_from(listed) | TEXT).map(
                lambda v: {"option": v}
            )
        else:
            fields[block["block_id"]] = TEXTS
    return fields


@pytest.mark.parametrize("modal", MODALS)
def test_fuzzed_view_submissions(ws: Workspace, modal: str) -> None:
    view, user = MODALS[modal](ws)
    assert view["callback_id"].startswith(modal), view["callback_id"]
    fields = inputs(view)
    assert fields, f"the {modal} modal has no input to fuzz"

    @settings(max_examples=examples(25))
    @given(values=st.fixed_dictionaries({}, optional=fields))
    def submitting(values: dict[str, Any]) -> None:
        check_submission(ws, view, values, user, set(fields))

    submitting()


def check_submission(
    ws: Workspace, view: dict[str, Any], values: dict[str, Any], user: str, blocks: set[str]
) -> None:
    said_before, rows_before = len(ws.standin.ephemerals()), footprint(ws).rows

    response = ws.slack.submit(view, values, user)
    ws.deliver()

    assert response.status == 200, (values, response.status, response.body)
    said = [json.dumps(m) for m in ws.standin.ephemerals()[said_before:]]
    assert not any("Something went wrong" in s for s in said), (values, said)
    answer = json.loads(response.body) if response.body else {}
    assert answer.get("response_action", "errors") in ("errors", "update", "clear", "push")
    if answer.get("response_action") == "errors":
        for block, error in answer["errors"].items():
            assert block in blocks, f"an error beside {block!r}, which the modal has not"
            assert isinstance(error, str) and len(error) > 5, error
        assert footprint(ws).rows == rows_before, f"refused, yet stored: {values}"


def test_the_pitch_shortcut_opens_the_same_modal(ws: Workspace) -> None:
    shortcut("pitch_as_post_idea", **A_MESSAGE)(ws, ANA)
    assert ws.open_view()["callback_id"] == "idea_modal"
