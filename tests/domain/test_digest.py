"""The digest's maths on hand-made weeks: the SLA share in working time, the median, which
replies lead, who is thanked, and when a week counts as quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.business_time import BusinessHours
from bot.domain.digest import COMPANY, Advocate, Wait, WeekFacts, Win, build_digest, within_sla
from bot.domain.weeks import Week

HOURS = BusinessHours(ZoneInfo("Europe/Paris"))
W47 = Week(2026, 47)
MONDAY_10 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Paris
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def win(mention_id: int, score: float, author: str = "U0ANA", **extra: object) -> Win:
    fields: dict[str, object] = {
        "mention_id": mention_id,
        "department_key": "support",
        "network": "mastodon",
        "customer": "Ana",
        "customer_text": "help",
        "reply_text": "on it",
        "url": "https://social.example/@brand/1",
        "posted_at": MONDAY_10 + timedelta(hours=mention_id),
        "drafted_by": author,
        "approved_by": "U0LEAD",
        "score": score,
    }
    fields.update(extra)
    return Win(**fields)  # type: ignore[arg-type]


def facts(scope: str = "support", **extra: object) -> WeekFacts:
    fields: dict[str, object] = {
        "scope": scope,
        "title": "Customer Support",
        "week": W47,
        "waits": [],
        "wins": [],
        "answered_at": [],
        "first_replies": [],
        "advocates": [],
        "open_now": 0,
        "oldest_open": None,
        "sla_minutes": 60,
    }
    fields.update(extra)
    return WeekFacts(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wait", "verdict"),
    [
        (Wait(MONDAY_10, MONDAY_10 + timedelta(minutes=60), False, 60), True),
        (Wait(MONDAY_10, MONDAY_10 + timedelta(minutes=61), False, 60), False),
        # Friday 17:30 to Monday 09:20 is 50 working minutes: in time.
        (
            Wait(
                datetime(2026, 11, 20, 16, 30, tzinfo=UTC),
                datetime(2026, 11, 23, 8, 20, tzinfo=UTC),
                False,
                60,
            ),
            True,
        ),
        (Wait(MONDAY_10, None, False, 60), False),  # still waiting, long past its hour
        (Wait(NOW - timedelta(minutes=5), None, False, 60), None),  # still inside its time
        (Wait(MONDAY_10, None, True, 60), None),  # dismissed: no answer was owed
        (Wait(MONDAY_10, MONDAY_10 + timedelta(hours=5), False, None), None),  # no SLA
    ],
)
def test_within_sla_counts_working_time(wait: Wait, verdict: bool | None) -> None:
    assert within_sla(wait, HOURS, NOW) is verdict


def test_served_gives_the_median_and_the_share() -> None:
    waits = [
        Wait(MONDAY_10, MONDAY_10 + timedelta(minutes=20), False, 60),
        Wait(MONDAY_10, MONDAY_10 + timedelta(minutes=40), False, 60),
        Wait(MONDAY_10, MONDAY_10 + timedelta(hours=3), False, 60),
        Wait(MONDAY_10, None, True, 60),
    ]
    served = build_digest(facts(waits=waits, open_now=3), HOURS, NOW).served
    assert served.received == 4 and served.answered == 3
    assert served.median_first_answer == timedelta(minutes=40)
    assert (served.within_sla, served.measured) == (2, 3)
    assert served.sla_share == pytest.approx(2 / 3)
    assert served.open_now == 3


def test_nothing_answered_has_no_median_and_no_share() -> None:
    served = build_digest(facts(waits=[Wait(NOW, None, False, 60)]), HOURS, NOW).served
    assert served.median_first_answer is None and served.sla_share is None


def test_the_best_replies_lead_by_score_and_a_department_shows_three() -> None:
    wins = [win(1, 2), win(2, 9), win(3, 5), win(4, 5), win(5, 0)]
    digest = build_digest(facts(wins=wins), HOURS, NOW)
    assert [w.mention_id for w in digest.best] == [2, 3, 4]  # ties: the earlier reply first
    company = build_digest(facts(COMPANY, wins=wins), HOURS, NOW)
    assert [w.mention_id for w in company.best] == [2, 3, 4, 1, 5]


def test_people_are_thanked_alphabetically_never_by_how_much_they_did() -> None:
    wins = [win(1, 1, "U0ZED"), win(2, 1, "U0ZED"), win(3, 1, "U0ZED"), win(4, 1, "U0ANA")]
    digest = build_digest(facts(wins=wins, first_replies=["U0ZED", "U0ANA"]), HOURS, NOW)
    assert digest.people == ("U0ANA", "U0LEAD", "U0ZED")
    assert digest.first_timers == ("U0ANA", "U0ZED")


def test_a_complaint_answered_warmly_is_turned_around() -> None:
    wins = [
        win(1, 3, complaint=True, warm_words="thanks, works now"),
        win(2, 3, complaint=True),
        win(3, 3, warm_words="lovely"),
    ]
    digest = build_digest(facts(wins=wins), HOURS, NOW)
    assert [w.mention_id for w in digest.turned_around] == [1]


def test_the_days_count_arrivals_answers_and_engagement_in_local_days() -> None:
    sunday_late = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 23:30 Sunday in Paris
    digest = build_digest(
        facts(
            waits=[Wait(MONDAY_10, None, False, 60), Wait(sunday_late, None, False, 60)],
            answered_at=[MONDAY_10 + timedelta(hours=1)],
            wins=[win(0, 4.5), win(1, 1)],
        ),
        HOURS,
        NOW,
    )
    monday, *_, sunday = digest.days
    assert (monday.received, monday.answered, monday.engagement) == (1, 1, 5.5)
    assert (sunday.day.isoformat(), sunday.received) == ("2026-11-22", 1)


@pytest.mark.parametrize(
    ("extra", "quiet"),
    [
        ({}, True),
        ({"open_now": 4}, True),  # older customers still waiting: said kindly, but quiet
        ({"waits": [Wait(MONDAY_10, None, False, 60)]}, False),
        ({"wins": [win(1, 0)]}, False),
        ({"advocates": [Advocate("Ana", "mastodon", "U0ANA")]}, False),
    ],
)
def test_a_quiet_week(extra: dict[str, object], quiet: bool) -> None:
    assert build_digest(facts(**extra), HOURS, NOW).quiet is quiet
