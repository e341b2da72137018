"""The strict checker itself: it passes what Chorus writes on purpose and catches every live
sequence, so that test_injection.py passing means something."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from handlers.text import escape, link, when
from tests.security.blockkit import block_problems, call_problems, mrkdwn_problems
from tests.security.injection_corpus import CORPUS
from tests.support.workspace import ANA

PLAIN_OK = {"type": "plain_text", "text": "ok"}


@pytest.mark.parametrize(
    "text",
    [
        f"Claimed by <@{ANA}> {when(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))}",
        "Moved to <#C0SALES> · *Sales*",
        link("https://social.example/@ana", "@ana & co"),
        "> a quote Chorus writes\n>second line",
        escape("<!channel> & <@U0PWNED> <https://evil.example|x>"),
    ],
)
def test_what_chorus_writes_on_purpose_passes(text: str) -> None:
    assert mrkdwn_problems(text) == []


@pytest.mark.parametrize("name", CORPUS)
def test_every_raw_corpus_string_that_slack_would_act_on_is_caught(name: str) -> None:
    raw = CORPUS[name]
    acts = bool(re.search(r"[<>\u202a-\u202e\u2066-\u2069]|&(?!amp;|lt;|gt;)", raw))
    assert bool(mrkdwn_problems(raw)) is acts
    assert mrkdwn_problems(escape(raw)) == []


@pytest.mark.parametrize(
    ("sequence", "why"),
    [
        ("<!channel>", "live sequence"),
        ("<@U0STRANGER>", "live sequence"),
        ("<#C0SECRET>", "live sequence"),
        ("<javascript:alert(1)|x>", "live sequence"),
        ("<https://social.example/@ana|a & b>", "live sequence"),
        ("<https://evil.example|yourbank.com>", "live sequence"),
        ("<!date^1^{date}|x>", "live sequence"),
        ("half <!chan", "stray"),
        ("AT&T", "no entity"),
    ],
)
def test_the_checker_names_what_is_wrong(sequence: str, why: str) -> None:
    [problem] = mrkdwn_problems(sequence)
    assert why in problem


def test_it_reads_every_text_object_deep_in_the_blocks_and_the_limits() -> None:
    blocks = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "x" * 3001},
            "accessory": {
                "type": "overflow",
                "options": [{"text": {"type": "mrkdwn", "text": "<!here>"}, "value": "1"}],
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "ok"},
                    "url": "javascript:x",
                }
            ],
        },
    ]

    problems = block_problems(blocks)

    assert any("options[0].text: live sequence '<!here>'" in p for p in problems)
    assert any("section text longer than 3000" in p for p in problems)
    assert any("is not http(s)" in p for p in problems)


def test_a_messages_fallback_text_and_link_names_count() -> None:
    problems = call_problems("chat.postMessage", {"text": "hi <!channel>", "link_names": True})

    assert problems == ["text: live sequence '<!channel>'", "asks Slack to link names"]
