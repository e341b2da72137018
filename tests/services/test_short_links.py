"""Short links: a reply's links become /r/CODE, each click is counted, and only the count."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from bot.config import parse_config
from bot.domain.model import Network
from bot.services import workflow
from bot.services.core import Services
from bot.services.short_links import clicks_of_draft, follow, track_links
from bot.standin import SlackStandIn
from storage import links, repo
from tests.support.workspace import ANA, CONFIG_TOML, Workspace, make_workspace, mention

PUBLIC_URL = "https://chorus.acme.example/"
LONG_PUBLIC_URL = "https://chorus.customer-care.acme-corporation.example/links"
SHORT = re.compile(r"https://chorus\.acme\.example/r/([A-Za-z0-9]{8})")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """A Chorus reachable at PUBLIC_URL, so short links are on; SQLite and PostgreSQL."""
    ws = make_workspace(database_url, standin, chorus_public_url=PUBLIC_URL)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def submit(ws: Workspace, reply: str, **fields: object) -> int:
    """Receive a mention, claim it, submit `reply` as its draft; return the draft's id."""
    ws.receive(mention(**fields))
    services = ws.chorus.services
    workflow.claim(services, 1, ANA)
    workflow.submit_draft(services, 1, ANA, reply)
    with services.sessions() as session:
        draft = repo.latest_draft(session, 1)
        assert draft is not None
        return draft.id


def track(services: Services, draft_id: int, network: Network = Network.MASTODON) -> str | None:
    """Track the draft's links in a transaction of our own, as the approve move does."""
    with services.sessions() as session:
        draft = repo.get_draft(session, draft_id)
        assert draft is not None
        tracked = track_links(session, services, draft, network, draft.text, NOW)
        session.commit()
        return tracked


def codes_of(services: Services, draft_id: int) -> dict[str, str]:
    with services.sessions() as session:
        return {r.target_url: r.code for r in links.short_links_of_draft(session, draft_id)}


def clicks_of(services: Services, code: str) -> tuple[int, datetime | None]:
    with services.sessions() as session:
        row = links.get_short_link(session, code)
        assert row is not None
        return row.clicks, row.last_click_at


def test_each_distinct_link_gets_one_code_and_keeps_it(ws: Workspace) -> None:
    services = ws.chorus.services
    reply = (
        "Fixed: https://status.acme.example (see https://acme.example/help). "
        "https://status.acme.example!"
    )
    draft_id = submit(ws, reply)

    tracked = track(services, draft_id)

    codes = codes_of(services, draft_id)
    assert set(codes) == {"https://status.acme.example", "https://acme.example/help"}
    status, help_ = codes["https://status.acme.example"], codes["https://acme.example/help"]
    assert status != help_
    assert tracked == (
        f"Fixed: https://chorus.acme.example/r/{status} "
        f"(see https://chorus.acme.example/r/{help_}). https://chorus.acme.example/r/{status}!"
    )
    assert SHORT.findall(tracked) == [status, help_, status]
    # Tracking again (a retried approval) reuses the codes instead of adding links.
    assert track(services, draft_id) == tracked
    assert codes_of(services, draft_id) == codes


def test_a_link_that_already_is_a_short_link_is_left_alone(ws: Workspace) -> None:
    services = ws.chorus.services
    reply = "Earlier answer: https://chorus.acme.example/r/Ab12Cd34 and https://acme.example/help"
    draft_id = submit(ws, reply)

    tracked = track(services, draft_id)

    assert set(codes_of(services, draft_id)) == {"https://acme.example/help"}
    assert tracked is not None and tracked.startswith(
        "Earlier answer: https://chorus.acme.example/r/Ab12Cd34 and https://chorus.acme.example/r/"
    )


def test_a_reply_without_links_is_left_as_written(ws: Workspace) -> None:
    draft_id = submit(ws, "Hi Ana! We're on it, no link needed. ftp://acme.example is not one")
    assert track(ws.chorus.services, draft_id) is None
    assert codes_of(ws.chorus.services, draft_id) == {}


def test_tracking_is_off_without_a_public_url(database_url: str, standin: SlackStandIn) -> None:
    ws = make_workspace(database_url, standin)
    try:
        draft_id = submit(ws, "See https://acme.example/help")
        assert not ws.chorus.services.tracks_links
        assert track(ws.chorus.services, draft_id) is None
        assert codes_of(ws.chorus.services, draft_id) == {}
    finally:
        ws.chorus.services.sessions.kw["bind"].dispose()


def test_track_links_false_turns_it_off(ws: Workspace) -> None:
    draft_id = submit(ws, "See https://acme.example/help")
    config = parse_config(CONFIG_TOML + "\n[publishing]\ntrack_links = false\n")
    services = dataclasses.replace(ws.chorus.services, config=config)

    assert not services.tracks_links
    assert track(services, draft_id) is None
    assert codes_of(services, draft_id) == {}


def test_links_stay_as_written_when_the_short_ones_would_not_fit(ws: Workspace) -> None:
    services = dataclasses.replace(ws.chorus.services, public_url=LONG_PUBLIC_URL)
    start = "Hi Ana! The fix is live, details here: https://acme.example/help "
    reply = start + "x" * (290 - len(start))
    draft_id = submit(ws, reply, network="bluesky", url="https://bsky.app/profile/ana/post/3k")

    # Bluesky counts every character of a link: 25 become 69 and the reply passes 300.
    assert track(services, draft_id, Network.BLUESKY) is None
    assert codes_of(services, draft_id) == {}
    # Mastodon counts any link as 23 characters, so there the short link fits.
    tracked = track(services, draft_id, Network.MASTODON)
    assert tracked is not None and f"{LONG_PUBLIC_URL}/r/" in tracked


def test_follow_counts_the_click_and_leads_to_the_link(ws: Workspace) -> None:
    services = ws.chorus.services
    draft_id = submit(ws, "See https://acme.example/help and https://status.acme.example")
    track(services, draft_id)
    codes = codes_of(services, draft_id)
    help_ = codes["https://acme.example/help"]

    assert follow(services, help_, NOW, BROWSER) == "https://acme.example/help"
    assert follow(services, help_, NOW, None) == "https://acme.example/help"
    assert follow(services, codes["https://status.acme.example"], NOW, BROWSER)

    assert clicks_of(services, help_) == (2, NOW)
    assert clicks_of_draft(services, draft_id) == 3
    with services.sessions() as session:
        assert clicks_of_draft(session, draft_id) == 3


@pytest.mark.parametrize(
    "robot",
    [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "http.rb/5.1.1 (Mastodon/4.3.0; +https://social.example/)",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "facebookexternalhit/1.1",
    ],
)
def test_previews_by_robots_lead_on_but_do_not_count(ws: Workspace, robot: str) -> None:
    services = ws.chorus.services
    draft_id = submit(ws, "See https://acme.example/help")
    track(services, draft_id)
    [code] = codes_of(services, draft_id).values()

    assert follow(services, code, NOW, robot) == "https://acme.example/help"
    assert clicks_of(services, code) == (0, None)


def test_unknown_and_malformed_codes_lead_nowhere(ws: Workspace) -> None:
    services = ws.chorus.services
    assert follow(services, "Zz99Zz99", NOW, BROWSER) is None
    assert follow(services, "no/such'code", NOW, BROWSER) is None
    assert follow(services, "Zz99Zz99", NOW, "Twitterbot/1.0") is None
    assert clicks_of_draft(services, 12345) == 0


def test_fifty_clicks_at_once_are_fifty_clicks(ws: Workspace) -> None:
    services = ws.chorus.services
    draft_id = submit(ws, "See https://acme.example/help")
    track(services, draft_id)
    [code] = codes_of(services, draft_id).values()
    start = threading.Barrier(50)
    targets: list[str | None] = []

    def click() -> None:
        start.wait()
        targets.append(follow(services, code, NOW, BROWSER))

    threads = [threading.Thread(target=click) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert targets == ["https://acme.example/help"] * 50
    assert clicks_of(services, code) == (50, NOW)


def test_a_taken_code_is_refused_without_spoiling_the_transaction(ws: Workspace) -> None:
    services = ws.chorus.services
    draft_id = submit(ws, "See https://acme.example/help")
    with services.sessions() as session:
        assert links.add_short_link(session, draft_id, "https://a.example", "Ab12Cd34", NOW)
        assert links.add_short_link(session, draft_id, "https://b.example", "Ab12Cd34", NOW) is None
        assert links.add_short_link(session, draft_id, "https://a.example", "Ef56Gh78", NOW) is None
        assert links.add_short_link(session, draft_id, "https://b.example", "Ef56Gh78", NOW)
        session.commit()
    assert codes_of(services, draft_id) == {
        "https://a.example": "Ab12Cd34",
        "https://b.example": "Ef56Gh78",
    }


def test_nothing_about_visitors_is_stored(ws: Workspace) -> None:
    engine = ws.chorus.services.sessions.kw["bind"]
    columns = {column["name"] for column in inspect(engine).get_columns("short_links")}
    assert columns == {"code", "draft_id", "target_url", "created_at", "clicks", "last_click_at"}
