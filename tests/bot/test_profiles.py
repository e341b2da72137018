"""Profiles from Slack's users.info: read once, kept a while, and never an error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.domain.policy import AuthorProfile
from bot.profiles import Profiles, profile_from_user, slack_lookup
from bot.standin import SlackStandIn

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Directory:
    """A fake users.info: answers from a dict, counts questions, fails when told to."""

    def __init__(self, users: dict[str, Mapping[str, Any]]) -> None:
        self.users = users
        self.asked: list[str] = []
        self.down = False

    def __call__(self, user_id: str) -> Mapping[str, Any] | None:
        self.asked.append(user_id)
        if self.down:
            raise OSError("timed out")
        return self.users.get(user_id)


ANA = {"real_name": "Ana Lima", "profile": {"title": "Support", "real_name": "Ana Lima"}}


def test_a_profile_gives_the_first_name_and_the_title() -> None:
    assert profile_from_user("U0ANA", ANA) == AuthorProfile("U0ANA", "Ana", "Support")
    assert profile_from_user("U0BEN", {"profile": {"display_name": "ben"}}) == AuthorProfile(
        "U0BEN", "ben", None
    )
    assert profile_from_user("U0ZED", {}) == AuthorProfile("U0ZED")


def test_profiles_are_kept_for_a_while_then_asked_again() -> None:
    clock, directory = Clock(), Directory({"U0ANA": ANA})
    profiles = Profiles(directory, clock)

    assert profiles.of("U0ANA").first_name == "Ana"
    clock.now += timedelta(minutes=14)
    assert profiles.of("U0ANA").first_name == "Ana"
    assert directory.asked == ["U0ANA"]

    clock.now += timedelta(minutes=2)
    profiles.of("U0ANA")
    assert directory.asked == ["U0ANA", "U0ANA"]


def test_when_slack_fails_the_profile_has_no_name_and_is_asked_again_soon() -> None:
    clock, directory = Clock(), Directory({"U0ANA": ANA})
    directory.down = True
    profiles = Profiles(directory, clock)

    assert profiles.of("U0ANA") == AuthorProfile("U0ANA")
    assert profiles.of("U0ANA") == AuthorProfile("U0ANA")  # not asked on every keystroke
    assert directory.asked == ["U0ANA"]

    directory.down = False
    clock.now += timedelta(minutes=1, seconds=1)
    assert profiles.of("U0ANA").first_name == "Ana"


def test_without_slack_nobody_has_a_name() -> None:
    assert Profiles().of("U0ANA") == AuthorProfile("U0ANA")


def test_the_slack_lookup_reads_users_info(standin: SlackStandIn) -> None:
    standin.add_user("U0PROFILE", "pia", "Pia Rossi", title="Community manager")
    profiles = Profiles(slack_lookup(WebClient(token="xoxb-test", base_url=standin.url)))

    assert profiles.of("U0PROFILE") == AuthorProfile("U0PROFILE", "Pia", "Community manager")
    assert profiles.of("U0NOBODY") == AuthorProfile("U0NOBODY")  # user_not_found
    assert [c.args.get("user") for c in standin.calls_to("users.info")] == [
        "U0PROFILE",
        "U0NOBODY",
    ]


def test_a_slack_that_does_not_answer_gives_a_nameless_profile(standin: SlackStandIn) -> None:
    standin.fail("users.info", "ratelimited", retry_after=30)
    profiles = Profiles(slack_lookup(WebClient(token="xoxb-test", base_url=standin.url)))

    assert profiles.of("U0PROFILE") == AuthorProfile("U0PROFILE")
