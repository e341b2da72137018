"""The App Home builder on its own: Slack's 100-block cap, and where the rest is said to be."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.digest import Win
from bot.domain.ideas import Idea
from bot.domain.model import Actor, Department, Draft, Mention, Network, State
from bot.domain.policy import Guidelines, Policy
from bot.domain.weeks import Week
from bot.services.home import HomeData, Listing, Queue, Wins
from bot.services.views import Card, Review
from handlers.home_view import MAX_BLOCKS, build_home
from tests.support.slack import message_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SUPPORT = Department("support", "Customer Support", "C0SUPPORT", frozenset({"U0LEAD"}))


def card(number: int, state: State = State.CLAIMED, text: str = "Is the export broken?") -> Card:
    mention = Mention(
        id=number,
        network=Network.MASTODON,
        external_id=str(number),
        text=text,
        received_at=NOW - timedelta(hours=number),
        state=state,
        department_key="support",
        claimed_by="U0MANAGER" if state is not State.ROUTED else None,
        claimed_at=NOW - timedelta(minutes=number),
    )
    return Card(mention, None, None, SUPPORT, None, "en", None, None, "C0SUPPORT", f"{number}.0")


def review(number: int) -> Review:
    draft = Draft(number, 1, "U0ANA", f"Reply number {number}", NOW, id=number)
    return Review(draft, card(number, State.IN_REVIEW), "C0SUPPORT", f"{number}.5", True)


def busy_manager(count: int) -> HomeData:
    """A manager with `count` of everything: more than one Home can hold."""
    win = Win(
        1,
        "support",
        "mastodon",
        "Ana",
        "help",
        "Fixed!",
        "https://s.example/1",
        NOW,
        "U0ANA",
        None,
        1.0,
    )
    return HomeData(
        user_id="U0MANAGER",
        now=NOW,
        actor=Actor("U0MANAGER", is_manager=True),
        lead_of=(),
        claimed=Listing(tuple(card(n) for n in range(1, count + 1)), count + 5),
        reviews=Listing(tuple(review(n) for n in range(100, 100 + count)), count),
        ideas=Listing(
            tuple(Idea(n, f"Idea {n}", "pitch", "support", "U0MANAGER", NOW) for n in range(count)),
            count,
        ),
        queue_basis="manager",
        queues=Listing(
            tuple(
                Queue(
                    replace(SUPPORT, key=f"d{n}", name=f"Dept {n}"),
                    3,
                    NOW,
                    1,
                    card(n, State.ROUTED),
                )
                for n in range(count)
            ),
            count,
        ),
        wins=Wins(
            Week(2026, 48), tuple(replace(win, mention_id=n) for n in range(5)), ("U0ANA",), 5
        ),
        guidelines=Guidelines(Policy(), None),
        notice="You claimed #1. Draft a reply when ready.",
    )


def test_a_full_home_stays_within_slacks_100_blocks_and_says_where_the_rest_is() -> None:
    view = build_home(busy_manager(12)).to_dict()

    blocks = view["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    text = message_text(view)
    assert "more in /mentions mine" in text, "the claims the Home could not hold"
    assert "more in /mentions open" in text, "the drafts the Home could not hold"
    # Every section is still there, with at least its title.
    for title in (
        "Mentions you claimed",
        "Drafts waiting for your review",
        "Your post ideas",
        "Department queues",
        "This week's wins",
        "Guidelines for public replies",
    ):
        assert title in text
    assert text.startswith(":point_right: You claimed #1.")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), "a view's block ids must be unique"


def test_a_section_that_lists_all_it_has_says_nothing_more() -> None:
    home = busy_manager(2)
    home = replace(home, claimed=Listing(home.claimed.items, 2))

    text = message_text(build_home(home).to_dict())

    assert "more in /mentions mine" not in text
    assert "*#1* Mastodon" in text and "*#2* Mastodon" in text


def test_the_cap_is_met_however_many_items_come() -> None:
    for count in (0, 1, 10, 40):
        assert len(build_home(busy_manager(count)).to_dict()["blocks"]) <= MAX_BLOCKS
