"""Scheduled snapshots of a reply posted by hand: taken at 1h, 6h, 24h, 72h and 7d after it
went live, each once, with the clicks Chorus counted on its short links, and the card
re-rendered with the new score. The job runs as the scheduler runs it, under a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from bot.services.engagement import take_due_snapshots
from bot.services.short_links import follow
from bot.standin import SlackStandIn
from storage import links
from storage import publishing as store
from storage.models import PublicationRow, SnapshotRow
from tests.support.slack import message_text
from tests.support.workspace import ANA, LEAD, Workspace, make_workspace, mention

PUBLIC_URL = "https://chorus.example.com"
HELP = "https://help.example/export"
LIVE = "https://www.linkedin.com/feed/update/2"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
T = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LABELS = ["1h", "6h", "24h", "72h", "7d"]
OFFSETS = [
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(hours=72),
    timedelta(days=7),
]


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus reachable at PUBLIC_URL (short links on), on SQLite and PostgreSQL."""
    workspace = make_workspace(database_url, standin, chorus_public_url=PUBLIC_URL)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def posted_by_hand(ws: Workspace, at: datetime = T) -> None:
    """At `at`, Ana's approved reply (with a link) is marked as posted on LinkedIn."""
    with freeze_time(at):
        ws.receive(
            mention(
                network="linkedin",
                external_id="li-1",
                url="https://www.linkedin.com/feed/update/1",
            )
        )
        ws.slack.click(ws.card(1), "Claim", ANA)
        ws.slack.click(ws.card(1), "Draft reply", ANA)
        ws.slack.submit(ws.open_view(), {"reply": f"Hi Ana! It works again: {HELP}"}, ANA)
        ws.deliver()
        ws.slack.click(ws.review_message(1), "Approve", LEAD)
        ws.deliver()
        ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
        response = ws.slack.submit(ws.open_view(), {"live_url": LIVE}, ANA)
        assert response.status == 200 and response.body == "", response.body
        ws.deliver()


def take_at(ws: Workspace, moment: datetime) -> int:
    """Run the scheduler's job at `moment` and deliver what it queued; return how many."""
    with freeze_time(moment):
        taken = take_due_snapshots(ws.chorus.services)
        ws.deliver()
    return taken


def publication(ws: Workspace) -> PublicationRow:
    with ws.chorus.services.sessions() as session:
        row = store.publication_of_mention(session, 1)
        assert row is not None
        return row


def scheduled(ws: Workspace) -> list[SnapshotRow]:
    with ws.chorus.services.sessions() as session:
        rows = store.snapshots_of(session, publication(ws).id)
        return [row for row in rows if row.label != "update"]


def taken(ws: Workspace) -> dict[str, datetime]:
    """When each scheduled snapshot was taken, by label."""
    return {row.label: _utc(row.taken_at) for row in scheduled(ws) if row.taken_at is not None}


def _utc(moment: datetime) -> datetime:
    # SQLite gives back naive times (stored as UTC); PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def short_code(ws: Workspace) -> str:
    with ws.chorus.services.sessions() as session:
        [row] = links.short_links_of_draft(session, publication(ws).draft_id)
        assert row.target_url == HELP
        return row.code


def click(ws: Workspace, moment: datetime, user_agent: str = BROWSER) -> None:
    with freeze_time(moment):
        target = follow(ws.chorus.services, short_code(ws), moment, user_agent)
    assert target == HELP


def score_line(ws: Workspace) -> str:
    [line] = [
        line
        for line in message_text(ws.card(1)).splitlines()
        if line.startswith(":chart_with_upwards_trend:")
    ]
    return line


# -- the schedule ------------------------------------------------------------------------------


def test_posting_schedules_five_snapshots_from_the_moment_it_went_live(ws: Workspace) -> None:
    posted_by_hand(ws)

    rows = scheduled(ws)
    assert [row.label for row in rows] == LABELS
    assert [_utc(row.due_at) for row in rows] == [T + offset for offset in OFFSETS]
    assert all(row.taken_at is None for row in rows)
    assert _utc(publication(ws).posted_at) == T


def test_snapshots_are_taken_when_due_and_not_before(ws: Workspace) -> None:
    posted_by_hand(ws)

    assert take_at(ws, T + timedelta(minutes=59)) == 0
    assert taken(ws) == {}

    assert take_at(ws, T + timedelta(hours=1)) == 1
    assert taken(ws) == {"1h": T + timedelta(hours=1)}

    # The job did not run for three days (Chorus was down): every due one is taken at once.
    three_days = T + timedelta(days=3)
    assert take_at(ws, three_days) == 3
    assert taken(ws) == {
        "1h": T + timedelta(hours=1),
        "6h": three_days,
        "24h": three_days,
        "72h": three_days,
    }

    assert take_at(ws, T + timedelta(days=7) - timedelta(seconds=1)) == 0
    assert take_at(ws, T + timedelta(days=7)) == 1
    assert taken(ws)["7d"] == T + timedelta(days=7)
    assert all(row.source == "chorus" and row.error is None for row in scheduled(ws))


def test_each_snapshot_is_taken_once(ws: Workspace) -> None:
    posted_by_hand(ws)
    week = T + timedelta(days=7)

    assert take_at(ws, week) == 5
    assert take_at(ws, week) == 0
    assert take_at(ws, week + timedelta(days=30)) == 0

    assert taken(ws) == dict.fromkeys(LABELS, week)


# -- what a snapshot holds ------------------------------------------------------------------


def test_clicks_on_the_short_link_show_up_in_the_next_snapshot_and_the_score(
    ws: Workspace,
) -> None:
    posted_by_hand(ws)
    take_at(ws, T + timedelta(hours=1))
    assert (scheduled(ws)[0].clicks, scheduled(ws)[0].score) == (0, 0)

    click(ws, T + timedelta(hours=2))
    click(ws, T + timedelta(hours=3))
    click(ws, T + timedelta(hours=7))  # after the 6h snapshot was due, before it was taken

    take_at(ws, T + timedelta(hours=8))

    six = scheduled(ws)[1]
    assert six.label == "6h"
    assert (six.clicks, six.score) == (3, 6)  # a link click weighs 2
    assert (publication(ws).clicks, publication(ws).score) == (3, 6)
    assert score_line(ws) == ":chart_with_upwards_trend: Score 6 · 3 link clicks"


@pytest.mark.parametrize(
    "robot",
    [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
    ],
    ids=["slack", "facebook", "linkedin", "twitter"],
)
def test_a_robot_fetching_a_preview_is_not_a_click(ws: Workspace, robot: str) -> None:
    posted_by_hand(ws)
    click(ws, T + timedelta(minutes=5), user_agent=robot)
    click(ws, T + timedelta(minutes=6))

    take_at(ws, T + timedelta(hours=1))

    [hour] = [row for row in scheduled(ws) if row.label == "1h"]
    assert (hour.clicks, hour.score) == (1, 2)


def test_numbers_someone_reported_are_carried_into_the_next_snapshots(ws: Workspace) -> None:
    posted_by_hand(ws)
    with freeze_time(T + timedelta(hours=2)):
        ws.slack.click(ws.card(1), "Update results", ANA)
        ws.slack.submit(ws.open_view(), {"shares": "2", "likes": "5", "clicks": "1"}, ANA)
        ws.deliver()
    click(ws, T + timedelta(hours=3))
    click(ws, T + timedelta(hours=4))

    take_at(ws, T + timedelta(hours=6))

    six = next(row for row in scheduled(ws) if row.label == "6h")
    # Chorus counted 2 clicks on its short link, more than the 1 someone read off the network.
    assert (six.shares, six.likes, six.clicks) == (2, 5, 2)
    assert six.score == 2 * 3 + 5 * 1 + 2 * 2
    assert six.recorded_by is None


# -- the card ----------------------------------------------------------------------------------


def test_the_card_is_re_rendered_after_a_snapshot(ws: Workspace) -> None:
    posted_by_hand(ws)
    assert "first results an hour after posting" in score_line(ws)
    card_ts = ws.card(1)["ts"]
    click(ws, T + timedelta(minutes=30))
    edits_before = [c for c in ws.standin.calls_to("chat.update") if c.args["ts"] == card_ts]

    take_at(ws, T + timedelta(hours=1))

    edits = [c for c in ws.standin.calls_to("chat.update") if c.args["ts"] == card_ts]
    assert len(edits) == len(edits_before) + 1
    assert edits[-1].args["channel"] == "C0SUPPORT"
    assert score_line(ws) == ":chart_with_upwards_trend: Score 2 · 1 link click"


def test_a_snapshot_with_nothing_new_still_says_results_were_measured(ws: Workspace) -> None:
    posted_by_hand(ws)

    take_at(ws, T + timedelta(hours=1))

    assert score_line(ws) == ":chart_with_upwards_trend: Score 0 · no engagement yet"
    assert _utc(publication(ws).measured_at or T) == T + timedelta(hours=1)
