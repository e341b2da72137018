"""`[reminders]` in chorus.toml: defaults, 0 to turn a stage off, and mistakes named with
their line and key."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.claim_reminders import ClaimTimes
from tests.support.workspace import CONFIG_TOML


def with_reminders(*lines: str) -> str:
    return CONFIG_TOML + "\n[reminders]\n" + "\n".join(lines) + "\n"


def refusal(source: str) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(source)
    return str(refused.value)


def line_number(source: str, text: str) -> int:
    [found] = [n for n, line in enumerate(source.splitlines(), start=1) if text in line]
    return found


def test_the_defaults_nudge_at_two_hours_release_at_eight_and_review_at_one() -> None:
    assert parse_config(CONFIG_TOML).reminders.times() == ClaimTimes(120, 480, 60)


def test_each_key_can_be_set_and_zero_turns_a_stage_off() -> None:
    source = with_reminders(
        "claimed_nudge_minutes = 0", "release_claim_minutes = 240", "review_nudge_minutes = 30"
    )

    assert parse_config(source).reminders.times() == ClaimTimes(0, 240, 30)


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        (("claimed_nudge_minutes = 120", "release_claim_minutes = 120"), "release_claim_minutes"),
        (("release_claim_minutes = 90",), "release_claim_minutes"),  # the nudge stays at 120
    ],
)
def test_the_release_must_come_after_the_nudge(lines: tuple[str, ...], key: str) -> None:
    source = with_reminders(*lines)

    message = refusal(source)

    assert message.startswith(f"chorus.toml line {line_number(source, key)}: reminders.{key}: ")
    assert "must be more than claimed_nudge_minutes (120)" in message
    assert "hears a nudge before the claim goes back to the queue" in message


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        (
            "review_nudge_minutes = -5",
            "reminders.review_nudge_minutes",
            "greater than or equal to 0",
        ),
        ('claimed_nudge_minutes = "2h"', "reminders.claimed_nudge_minutes", "valid integer"),
        ("nudge_minutes = 30", "reminders.nudge_minutes", "not a key Chorus knows"),
    ],
)
def test_a_mistake_is_named_with_its_line_and_key(line: str, key: str, problem: str) -> None:
    source = with_reminders(line)

    message = refusal(source)

    assert message.startswith(f"chorus.toml line {line_number(source, line)}: {key}: ")
    assert problem in message
