"""Customer words are untrusted: a post that says <!channel> pings nobody, a link that
pretends to be yourbank.com never becomes a link, and a javascript: URL never is one.

First end to end (webhook → card → claim → draft → review → DM, and /mentions), asserting
on what Slack received; then the pure builders in handlers/cards.py and handlers/text.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import parse_config
from bot.domain.model import Mention, Network, State
from bot.services.views import Card, Customer
from handlers.cards import build_card, fallback_text, status_line
from handlers.text import escape, link, safe_url, truncate
from tests.support.slack import button_labels
from tests.support.workspace import (
    ANA,
    CONFIG_TOML,
    MANAGER,
    Workspace,
    mention,
    sign_webhook,
)
from tests.support.wsgi import call_wsgi

HOSTILE_TEXT = (
    "Hey <!channel> and <@U123>, <!here> please log in at "
    "<https://evil.example|yourbank.com> & claim your prize"
)
HOSTILE_NAME = "<!channel> & <https://evil.example|yourbank.com>"
HOSTILE_HANDLE = "<@U123>"
HOSTILE_SOURCE = "<!here> & friends"
HOSTILE_LANGUAGE = "<!here>"
RAW_TOKENS = ("<!channel>", "<!here>", "<@U123>", "<https://evil.example")

# What Chorus itself writes into mrkdwn on purpose: dates, our own users, validated links.
CHORUS_TOKENS = re.compile(
    r"<!date\^\d+\^[^|<>]*\|[^<>]*>"
    r"|<@U0[A-Z0-9]+>"
    r"|<#C0[A-Z0-9]+>"
    r"|<https?://[^|<>\s]+\|[^<>]*>"
)
BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")

CONFIG = parse_config(CONFIG_TOML)
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def hostile_post(external_id: str = "666") -> dict[str, Any]:
    return mention(
        external_id,
        HOSTILE_TEXT,
        network="x",
        author={
            "handle": HOSTILE_HANDLE,
            "name": HOSTILE_NAME,
            "followers": 12,
            "url": "https://social.example/@mallory",
        },
        source=HOSTILE_SOURCE,
        language=HOSTILE_LANGUAGE,
    )


def text_objects(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every text object a person reads in these blocks."""
    for block in blocks:
        if isinstance(block.get("text"), dict):
            yield block["text"]
        yield from block.get("fields") or []
        if block.get("type") == "context":
            yield from block.get("elements", [])


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [t["text"] for t in text_objects(blocks) if t.get("type") == "mrkdwn"]


def assert_inert(mrkdwn: str) -> None:
    """No customer-made control sequence survives: what remains after Chorus's own tokens
    has no < or > and no bare &."""
    for token in RAW_TOKENS:
        assert token not in mrkdwn, f"{token} reaches Slack unescaped in: {mrkdwn}"
    rest = CHORUS_TOKENS.sub("", mrkdwn)
    assert "<" not in rest and ">" not in rest, f"unescaped angle bracket in: {mrkdwn}"
    assert not BARE_AMPERSAND.search(rest), f"unescaped & in: {mrkdwn}"


def the_card(ws: Workspace) -> dict[str, Any]:
    [card] = ws.standin.messages("C0GENERAL")
    return card


# -- end to end -------------------------------------------------------------------------------


def test_the_customers_post_is_plain_text_so_slack_parses_no_mention(
    workspace: Workspace,
) -> None:
    workspace.receive(hostile_post())

    card = the_card(workspace)
    [post] = [t for t in text_objects(card["blocks"]) if HOSTILE_TEXT in t["text"]]
    assert post == {"type": "plain_text", "text": HOSTILE_TEXT, "emoji": False}


def test_every_mrkdwn_text_on_the_card_escapes_the_author_and_source(
    workspace: Workspace,
) -> None:
    workspace.receive(hostile_post())

    card = the_card(workspace)
    texts = mrkdwn_texts(card["blocks"])
    for text in texts:
        assert_inert(text)
    everything = "\n".join(texts)
    assert f"*{escape(HOSTILE_NAME)}*" in everything
    assert f"<https://social.example/@mallory|{escape(HOSTILE_HANDLE)}>" in everything
    assert f"via {escape(HOSTILE_SOURCE)}" in everything
    assert f"language {escape(HOSTILE_LANGUAGE)}" in everything


def test_the_cards_fallback_text_pings_nobody(workspace: Workspace) -> None:
    workspace.receive(hostile_post())

    card = the_card(workspace)
    assert card["text"].strip()
    assert_inert(card["text"])


def test_no_message_chorus_sends_asks_slack_to_link_names_and_each_has_a_fallback(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.receive(hostile_post())
    ws.slack.click(the_card(ws), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi! Please only log in on our own site."}, ANA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Approve", MANAGER)
    ws.deliver()

    sent = ws.standin.calls_to("chat.postMessage") + ws.standin.calls_to("chat.update")
    posted = ws.standin.calls_to("chat.postMessage")
    assert [c.args["channel"] for c in posted] == ["C0GENERAL", "C0GENERAL", ANA]
    for call in posted:
        assert "link_names" not in call.args, call.args
    for call in sent:
        assert str(call.args.get("text") or "").strip(), f"{call.method} without a text fallback"
        assert_inert(str(call.args["text"]))
        for text in mrkdwn_texts(call.args.get("blocks") or []):
            assert_inert(text)


def test_the_draft_modal_quotes_the_post_inertly(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(hostile_post())
    ws.slack.click(the_card(ws), "Draft reply", ANA)

    modal = ws.open_view()
    assert any(
        t["type"] == "plain_text" and HOSTILE_TEXT in t["text"]
        for t in text_objects(modal["blocks"])
    )
    for text in mrkdwn_texts(modal["blocks"]):
        assert_inert(text)


def test_the_mentions_list_escapes_what_customers_wrote(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(hostile_post())

    ws.slack.command("/mentions", "open", ANA, channel="C0GENERAL")

    [answer] = ws.standin.ephemerals(ANA)
    assert answer["blocks"], answer
    for text in mrkdwn_texts(answer["blocks"]):
        assert_inert(text)
    assert escape(HOSTILE_HANDLE) in "\n".join(mrkdwn_texts(answer["blocks"]))


def test_an_author_url_that_is_not_http_is_refused_at_the_door(workspace: Workspace) -> None:
    post = hostile_post()
    post["author"]["url"] = "javascript:alert(1)"
    body = json.dumps(post)

    status, reply = call_wsgi(
        workspace.chorus.web, "POST", "/webhooks/mentions", body, sign_webhook(body, "msg_js")
    )

    assert status == 400
    assert [e["field"] for e in reply["errors"]] == ["author.url"]
    workspace.deliver()
    assert workspace.standin.calls_to("chat.postMessage") == []


# -- the builders, with pure inputs ---------------------------------------------------------


def a_card(
    *,
    text: str = HOSTILE_TEXT,
    post_url: str | None = "https://x.example/mallory/status/666",
    author_url: str | None = "https://x.example/mallory",
    state: State = State.ROUTED,
    **mention_fields: Any,
) -> Card:
    received = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    return Card(
        mention=Mention(
            7,
            Network.X,
            "666",
            text,
            received,
            state=state,
            department_key="general",
            route_reason="no keyword matched; General is the catch-all",
            **mention_fields,
        ),
        url=post_url,
        customer=Customer(HOSTILE_HANDLE, HOSTILE_NAME, 12, author_url),
        department=CONFIG.department("general"),
        draft=None,
        language=HOSTILE_LANGUAGE,
        source=HOSTILE_SOURCE,
        posted_on_network_at=None,
        channel=None,
        ts=None,
    )


def built(card: Card) -> tuple[str, list[dict[str, Any]]]:
    text, blocks = build_card(card, NOW)
    return text, [block.to_dict() for block in blocks]


def test_build_card_puts_the_post_in_plain_text_and_escapes_every_mrkdwn_text() -> None:
    text, blocks = built(a_card())

    assert {"type": "plain_text", "text": HOSTILE_TEXT, "emoji": False} in list(
        text_objects(blocks)
    )
    for mrkdwn in [text, *mrkdwn_texts(blocks)]:
        assert_inert(mrkdwn)
    assert button_labels({"blocks": blocks})[-1] == "Open post"


@pytest.mark.parametrize(
    "bad_url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>hi</b>", "ftp://x.example"],
)
def test_build_card_never_makes_a_link_of_a_url_that_is_not_http(bad_url: str) -> None:
    text, blocks = built(a_card(post_url=bad_url, author_url=bad_url))

    rendered = json.dumps(blocks)
    assert bad_url.split(":")[0].lower() + ":" not in rendered.lower()
    assert "Open post" not in button_labels({"blocks": blocks})
    assert escape(HOSTILE_HANDLE) in "\n".join(mrkdwn_texts(blocks))
    assert not any("url" in e for b in blocks for e in b.get("elements", []))


def test_build_card_cuts_a_long_post_to_slacks_section_limit() -> None:
    long_text = "broken " * 1000

    _, blocks = built(a_card(text=long_text))

    [post] = [t["text"] for t in text_objects(blocks) if t["type"] == "plain_text"]
    assert len(post) == 3000 and post.endswith("…")


def test_fallback_text_is_short_and_escaped() -> None:
    text = fallback_text(a_card(text=HOSTILE_TEXT * 20))

    assert_inert(text)
    assert text.startswith("#7 X mention from ")
    assert len(text) <= 300 + 4 * text.count("&")  # escaping may lengthen the cut text


def test_a_dismissal_reason_is_escaped_on_the_card() -> None:
    card = a_card(
        state=State.DISMISSED, dismissed_by="U0LEAD", dismissed_reason="spam <!channel> & co"
    )

    line = status_line(card, NOW)

    assert "<@U0LEAD>" in line
    assert "spam &lt;!channel&gt; &amp; co" in line
    assert_inert(line)


# -- handlers/text.py ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain words", "plain words"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123> & <!here>", "&lt;@U123&gt; &amp; &lt;!here&gt;"),
        ("<https://evil.example|yourbank.com>", "&lt;https://evil.example|yourbank.com&gt;"),
        ("already &lt; escaped", "already &amp;lt; escaped"),
    ],
)
def test_escape_neutralises_slacks_three_control_characters(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>",
        "ftp://files.example/x",
        "https://",
        "https:///nohost",
        "http://exa mple.com/",
        "social.example/@ana",
        "https://social.example/" + "a" * 3000,
    ],
)
def test_safe_url_refuses_anything_but_plain_http_links(url: str | None) -> None:
    assert safe_url(url) is None


def test_safe_url_keeps_ordinary_links_and_encodes_what_would_break_a_slack_link() -> None:
    assert safe_url("https://social.example/@ana/109412") == "https://social.example/@ana/109412"
    assert safe_url("http://shop.example/?q=a&b=c#top") == "http://shop.example/?q=a&b=c#top"
    assert safe_url("https://evil.example/a|b>c<d") == "https://evil.example/a%7Cb%3Ec%3Cd"


def test_link_builds_a_link_only_from_a_safe_url_with_an_escaped_label() -> None:
    assert link("https://social.example/@ana", "@ana") == "<https://social.example/@ana|@ana>"
    assert link("javascript:alert(1)", "<@U123>") == "&lt;@U123&gt;"
    assert link(None, "Ana & co") == "Ana &amp; co"
    # A "|" in the label would start a second label: it is shown as a look-alike.
    assert link("https://social.example/@x", "a|b") == "<https://social.example/@x|a¦b>"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven chars", 11, "eleven chars"[:10] + "…"),
        ("a" * 5000, 3000, "a" * 2999 + "…"),
    ],
)
def test_truncate_cuts_to_the_limit_and_ends_with_an_ellipsis(
    text: str, limit: int, expected: str
) -> None:
    cut = truncate(text, limit)

    assert cut == expected
    assert len(cut) <= limit
