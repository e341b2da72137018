"""Fuzzing the slash commands through the real Bolt app: /claim, /draft, /mentions and every
/chorus verb, followed by anything at all (words, numbers, Slack's escaped @people and
#channels, any Unicode). Chorus always answers 200 with something the person can read (its
usage, an answer, or a modal), never "Something went wrong", and a staff member's command
that is refused or only reads stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standin import SlackStandIn
from tests.security.fuzzing import TEXT, examples
from tests.security.probes import footprint
from tests.support.workspace import BEN, MANAGER, Workspace, make_workspace, mention

COMMANDS = ["/claim", "/draft", "/mentions", "/chorus"]
VERBS = [
    "",
    "help",
    "customer",
    "sources",
    "idea",
    "guidelines",
    "digest",
    "stats",
    "role",
    "role list",
    "role add",
    "role remove",
    "trusted-lane",
    "trusted-lane on",
    "trusted-lane off",
]
TOKENS = st.sampled_from(
    [
        "1",
        "#1",
        "next",
        "mine",
        "open",
        "support",
        "sales",
        "company",
        "this",
        "2026-W47",
        "2026-W99",
        "0",
        "-1",
        "99999999999999999999",
        "lead",
        "manager",
        "trusted",
        "in",
        "<@U0ANA|ana>",
        "<@U0ANA>",
        "<#C0SUPPORT|support>",
        "<!channel>",
        "@ana@social.example",
    ]
)
WORDS = st.lists(TOKENS | TEXT, max_size=4).map(" ".join)
WENT_WRONG = "Something went wrong"


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_workspace(database_url, standin)
    workspace.receive(mention())  # mention #1, routed to Customer Support, unclaimed
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def everything_said(ws: Workspace, since: int) -> list[str]:
    return [json.dumps(m) for m in ws.standin.ephemerals()[since:]]


def run(ws: Workspace, name: str, text: str, user: str) -> None:
    """The property, for one command typed by one person."""
    said_before, views_before = len(ws.standin.ephemerals()), len(ws.standin.views())
    rows_before = footprint(ws).rows

    response = ws.slack.command(name, text, user)
    ws.deliver()

    assert response.status == 200, (name, text, response.status, response.body)
    answer = json.loads(response.body).get("text", "") if response.body else ""
    said = everything_said(ws, said_before) + [answer]
    assert answer or len(said) > 1 or len(ws.standin.views()) > views_before, (
        f"{name} {text!r} answered nothing"
    )
    assert not any(WENT_WRONG in s for s in said), (name, text, said)
    # Ben is staff: only /claim may store something (his claim of #1); the rest reads or is
    # refused.
    if user == BEN and name != "/claim":
        assert footprint(ws).rows == rows_before, f"{name} {text!r} stored something"


@settings(max_examples=examples(60))
@given(name=st.sampled_from(["/claim", "/draft", "/mentions"]), text=WORDS)
def test_fuzzed_claim_draft_and_mentions(ws: Workspace, name: str, text: str) -> None:
    run(ws, name, text, BEN)


@settings(max_examples=examples(120))
@given(verb=st.sampled_from(VERBS), rest=WORDS, user=st.sampled_from([BEN, MANAGER]))
def test_fuzzed_chorus_verbs(ws: Workspace, verb: str, rest: str, user: str) -> None:
    run(ws, "/chorus", f"{verb} {rest}".strip(), user)
