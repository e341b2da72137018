"""What the App Home tells from the week: the wins so far, the person's post ideas, and a
section longer than the Home shows."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun import freeze_time

from bot.services import workflow
from bot.services.ideas import Pitch, decide, pitch_idea
from tests.support.digest_week import answer, arrive, results
from tests.support.slack import message_text
from tests.support.workspace import ANA, BEN, LEAD, MANAGER, Workspace, mention

WEDNESDAY = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # week 48: 23–29 November 2026


def home_text(ws: Workspace, user: str) -> str:
    with freeze_time(WEDNESDAY):
        assert ws.slack.open_home(user).status == 200
    view = ws.standin.home(user)
    assert view is not None
    return message_text(view)


def test_this_weeks_wins_show_the_best_replies_and_thank_everyone_behind_them(
    workspace: Workspace,
) -> None:
    ws = workspace
    last_week = arrive(ws, datetime(2026, 11, 18, 9, 0, tzinfo=UTC), "old", "refund please")
    answer(ws, last_week, BEN, LEAD, datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    first = arrive(ws, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "a", "The export is broken")
    second = arrive(ws, datetime(2026, 11, 24, 9, 0, tzinfo=UTC), "b", "Login broken")
    live = answer(ws, first, ANA, LEAD, datetime(2026, 11, 23, 9, 40, tzinfo=UTC))
    answer(ws, second, ANA, MANAGER, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    results(ws, live, datetime(2026, 11, 24, 8, 0, tzinfo=UTC), "Thanks, it works now!", shares=3)

    text = home_text(ws, ANA)

    assert "Week of 23–29 November 2026, so far: 2 replies live." in text
    assert ":clap: Thank you <@U0ANA>, <@U0LEAD>, <@U0MANAGER>." in text
    assert "<@U0BEN>" not in text, "last week's reply is not this week's win"
    lines = [line for line in text.splitlines() if line.startswith("• Reply to")]
    assert len(lines) == 2, "every live reply of a quiet week is a win"
    assert f"<https://social.example/@brand/{first}|see it live>" in lines[0], "best first"
    assert f"“Here to help with #{second}!”" in lines[1]
    assert "They said: “Thanks, it works now!”" in text


def test_the_home_lists_the_persons_post_ideas_and_where_each_stands(
    workspace: Workspace,
) -> None:
    ws = workspace
    services = ws.chorus.services
    with freeze_time(WEDNESDAY):
        pitch_idea(services, ANA, Pitch("Show the <!channel> export tips", "A thread", "support"))
        pitch_idea(services, ANA, Pitch("Pricing FAQ", "Answer the top questions", "sales"))
        pitch_idea(services, BEN, Pitch("Not Ana's", "Ben's idea", "support"))
        decide(services, 2, MANAGER, approve=False, reason="Sales covers it next month")

    text = home_text(ws, ANA)

    assert "Your post ideas" in text
    assert "*Show the &lt;!channel&gt; export tips* · Customer Support" in text
    assert "waiting for a lead or a manager to decide" in text
    assert "declined by <@U0MANAGER>: “Sales covers it next month”" in text
    assert "Not Ana's" not in text


def test_a_long_list_shows_its_first_items_and_says_where_the_rest_is(
    workspace: Workspace,
) -> None:
    ws = workspace
    with freeze_time(WEDNESDAY):
        ws.receive(*[mention(f"m{n}", f"Is the login broken? ({n})") for n in range(12)])
        for mention_id in range(1, 13):
            workflow.claim(ws.chorus.services, mention_id, ANA)

    text = home_text(ws, ANA)

    assert text.count("Claimed by <@U0ANA>") == 10
    assert "…and 2 more in /mentions mine" in text
