"""`/chorus guidelines`: the policy in plain language, only to the person who asked, with
their own disclosure line; and a Slack that cannot say who someone is never blocks a draft."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.domain.policy import Disclosure, Guidelines, Policy
from bot.standin import SlackStandIn
from handlers.guidelines_view import build_guidelines_blocks
from tests.support.slack import message_text
from tests.support.workspace import CONFIG_TOML, Workspace, make_workspace, mention

PIA, ZED = "U0PIA", "U0ZED"  # Slack knows Pia; Zed's profile cannot be read
POLICY_TOML = (
    CONFIG_TOML
    + """
[policy]
blocked_terms = ["Project Falcon", "Nimbus"]
allowed_domains = ["acme.com", "acme.help"]
allowed_contacts = ["support@acme.com"]
company = "Acme"
disclosure = "block"
"""
)


@pytest.fixture
def ws(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    standin.add_user(PIA, "pia", "Pia Rossi", title="Community manager")
    workspace = make_workspace(sqlite_url, standin, POLICY_TOML)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def test_guidelines_explain_the_policy_to_the_person_who_asked(ws: Workspace) -> None:
    response = ws.slack.command("/chorus", "guidelines", PIA)

    assert response.status == 200
    [said] = ws.standin.ephemerals(PIA)
    assert said["text"] == "Guidelines for public replies"
    assert said["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Guidelines for public replies", "emoji": True},
    }
    text = message_text(said)
    for expected in [
        "*Never in a reply* (Chorus stops the draft)",
        "Chorus stops a reply that mentions “Project Falcon”, “Nimbus”.",
        "e-mail addresses, phone numbers, card numbers",
        "You may give our own contacts: “support@acme.com”.",
        "*Say who you are*",
        "Chorus stops a draft without it.\nYours: — Pia, Community manager at Acme",
        "*Links*: only to acme.com, acme.help (and their subdomains)",
        "*Tone*: write in normal case",
        "*Who reviews*: a lead of the mention's department or a social media manager",
        "*Trusted lane*",
    ]:
        assert expected in text


def test_guidelines_is_listed_in_the_help(ws: Workspace) -> None:
    help_text = json.loads(ws.slack.command("/chorus", "help", PIA).body)["text"]

    assert "`/chorus guidelines` shows what replies may say" in help_text


def test_the_builder_takes_plain_data_and_says_what_is_not_set_up() -> None:
    blocks = build_guidelines_blocks(Guidelines(Policy(disclosure=Disclosure.OFF), None))

    text = "\n".join(b.to_dict().get("text", {}).get("text", "") for b in blocks)
    assert "No list is set up: use your judgement." in text
    assert "signing replies is up to you" in text
    assert "*Links*: any site" in text
    assert "no department lets replies skip review right now" in text
    assert len(blocks) == 8


def test_the_builder_names_the_departments_with_a_trusted_lane() -> None:
    guidelines = Guidelines(Policy(), "— Ana", ("Customer Support", "Sales"))

    text = "\n".join(
        b.to_dict().get("text", {}).get("text", "") for b in build_guidelines_blocks(guidelines)
    )

    assert "*Trusted lane* in Customer Support, Sales:" in text
    assert "Without it, the reviewer sees a warning.\nYours: — Ana" in text


def test_when_slack_cannot_say_who_someone_is_the_suggestion_uses_their_id(
    ws: Workspace,
) -> None:
    ws.standin.fail("users.info", "ratelimited", times=5)
    ws.receive(mention())
    ws.slack.click(ws.card(1), "Claim", ZED)

    ws.slack.click(ws.card(1), "Draft reply", ZED)
    view = ws.open_view()
    [reply] = [b for b in view["blocks"] if b.get("block_id") == "reply"]
    assert reply["element"]["initial_value"] == "\n\n— U0ZED at Acme"

    # Disclosure blocks here, but any line with a dash will do when the name is unknown.
    response = ws.slack.submit(view, {"reply": "Fixed now, thanks!\n— Zed from Acme"}, ZED)
    assert response.status == 200 and not response.body
    assert len(ws.standin.calls_to("users.info")) == 1, "asked once, not on every check"
