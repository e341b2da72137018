"""The sandbox page in a real browser: a mention is claimed, drafted, approved in its thread
and marked as posted, all by clicking and typing on the page, as a person trying Chorus would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "static"
ANA, MAX = "U0ANA", "U0MANAGER"
REPLY = "Hi! Sorry about the export, a fix ships today. We'll let you know here."
LIVE_URL = "https://social.example/@brand/1"
HOSTILE_TEXT = 'My refund <img src=x onerror="window.hacked=1"> <!channel> *never bold* & <b>x</b>'
HOSTILE_NAME = "Eve <b>Bold</b> <!here> &amp;"


@pytest.fixture
def sandbox(browser: Any) -> Iterator[Any]:
    """The whole sandbox on a free port, fed only when the test asks (after the browser is up)."""
    from bot.sandbox.run import start_sandbox

    running = start_sandbox(port=0, pace_seconds=None)
    yield running
    running.stop()


def test_the_page_is_three_static_files_that_never_inject_html() -> None:
    page, script, style = (STATIC / name for name in ("index.html", "app.js", "style.css"))
    assert page.is_file() and script.is_file() and style.is_file()
    code = script.read_text(encoding="utf-8")
    # Customer words and Block Kit become DOM nodes with textContent, never markup.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, f"app.js uses {sink}"
    # Offline: nothing is fetched from another host (no CDN, no web fonts).
    for asset in (page, style):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", asset.read_text("utf-8"))
        assert "@import" not in asset.read_text("utf-8")
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", asset.read_text("utf-8"))


def test_a_mention_is_claimed_drafted_approved_and_posted_in_the_browser(
    sandbox: Any, page: Any, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(sandbox.url)
    walk_through_the_core_loop(page)

    shot = tmp_path / "sandbox.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"sandbox screenshot: {shot}")
    assert shot.stat().st_size > 0
    assert console_errors == []


def test_a_customers_words_show_exactly_as_written_never_as_markup(
    sandbox: Any, page: Any, console_errors: list[str]
) -> None:
    from playwright.sync_api import expect

    from bot.sandbox.feeder import Feeder
    from bot.sandbox.run import WEBHOOK_SECRET

    page.goto(sandbox.url)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-online", "true")
    page.get_by_test_id("channel-C0SUPPORT").click()
    hostile = {
        "network": "mastodon",
        "external_id": "hostile-1",
        "url": "https://social.example/@eve/1",
        "text": HOSTILE_TEXT,
        "author": {"handle": "@eve@social.example", "name": HOSTILE_NAME, "followers": 3},
        "language": "en",
    }
    sent = Feeder(sandbox.url, WEBHOOK_SECRET, [hostile], pace_seconds=None).send_next()
    assert sent.status == 202 and sent.body["accepted"] == 1

    card = page.locator('[data-testid^="message-"]').filter(has_text="@eve@social.example")
    expect(card).to_contain_text(HOSTILE_TEXT)  # plain_text: shown as typed, <!channel> too
    expect(card).to_contain_text(HOSTILE_NAME)  # mrkdwn, escaped by Chorus, unescaped here
    expect(card.locator("img, b, script")).to_have_count(0)
    assert page.evaluate("() => window.hacked") is None
    assert console_errors == []


def walk_through_the_core_loop(page: Any) -> None:
    """Ana claims and drafts; Max approves in the thread and marks it as posted."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("connection")).to_have_attribute("data-online", "true")
    picker = page.get_by_test_id("person-picker")
    picker.select_option(ANA)

    # A mention arrives through the real webhook; its card lands in a department channel.
    page.get_by_role("button", name="New mention").click()
    claim = page.get_by_role("button", name="Claim", exact=True)
    unread_channel = page.locator('[data-testid^="channel-"][data-unread="true"]')
    expect(claim.or_(unread_channel).first).to_be_visible()
    if claim.count() == 0:
        unread_channel.first.click()
    cards = page.locator('[data-testid^="message-"]').filter(has=claim)
    expect(cards.last).to_be_visible()
    card = page.get_by_test_id(f"message-{cards.last.get_attribute('data-ts')}")
    ts = card.get_attribute("data-ts")

    # Ana claims it, then writes the reply in the modal.
    card.get_by_role("button", name="Claim", exact=True).click()
    expect(card).to_contain_text("Claimed by @Ana")
    card.get_by_role("button", name="Draft reply").click()
    modal = page.get_by_test_id("modal")
    expect(modal).to_be_visible()
    expect(modal.get_by_test_id("modal-title")).to_have_text(re.compile("Draft reply"))
    reply_box = modal.get_by_label("Your reply")
    reply_box.click()
    reply_box.press_sequentially(REPLY)
    modal.get_by_test_id("modal-submit").click()
    expect(modal).to_be_hidden()
    expect(card).to_contain_text("is in review")

    # Max, the social media manager, approves the draft in the card's thread.
    picker.select_option(MAX)
    expect(picker).to_have_value(MAX)
    page.get_by_test_id(f"replies-{ts}").click()
    thread = page.get_by_test_id("thread-pane")
    review = thread.locator('[data-testid^="message-"]').filter(has_text="Draft v1")
    expect(review).to_contain_text(REPLY)
    review.get_by_role("button", name="Approve", exact=True).click()
    expect(review).to_contain_text("Approved by @Max")

    # The reply went out by hand: Max marks it as posted with its live link.
    review.get_by_role("button", name="Mark as posted").click()
    expect(modal).to_be_visible()
    live_box = modal.get_by_label("Live link to the reply")
    live_box.click()
    live_box.press_sequentially(LIVE_URL.removeprefix("https://"))
    modal.get_by_test_id("modal-submit").click()
    # Chorus refuses a link without its scheme: the modal stays, the error under the field.
    expect(modal.get_by_test_id("error-live_url")).to_contain_text("full http:// or https://")
    expect(live_box).to_have_value(LIVE_URL.removeprefix("https://"))
    live_box.fill("")
    live_box.press_sequentially(LIVE_URL)
    modal.get_by_test_id("modal-submit").click()
    expect(modal).to_be_hidden()

    # The card now tells everyone the mention is answered, with the live reply's link.
    live = card.get_by_role("link", name="live reply")
    expect(live).to_have_attribute("href", LIVE_URL)
    expect(card).to_contain_text("Answered by @Ana")
    expect(card.get_by_role("button", name="Claim", exact=True)).to_have_count(0)
