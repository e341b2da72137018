"""A stored digest reads back as the digest that was sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.domain.digest import Advocate, Day, Digest, Served, Win
from bot.domain.weeks import Week
from storage.digest_codec import digest_from_json, digest_to_json


def test_a_digest_survives_the_round_trip_through_json() -> None:
    posted = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    win = Win(
        1,
        "support",
        "mastodon",
        "Ana",
        "broken",
        "fixed",
        "https://x.example/1",
        posted,
        "U0ANA",
        "U0LEAD",
        17.0,
        shares=4,
        complaint=True,
        warm_words="thanks!",
        department="Customer Support",
    )
    digest = Digest(
        scope="support",
        title="Customer Support",
        week=Week(2026, 47),
        best=(win,),
        turned_around=(win,),
        first_timers=("U0ANA",),
        people=("U0ANA", "U0LEAD"),
        advocates=(Advocate("Ana", "mastodon", "U0MANAGER"),),
        served=Served(4, 2, timedelta(minutes=105), 1, 3, 2, posted),
        days=tuple(Day(d, 1, 1, 2.5) for d in Week(2026, 47).days()),
        sla_minutes=60,
    )
    stored = json.loads(json.dumps(digest_to_json(digest)))
    assert digest_from_json(stored) == digest
