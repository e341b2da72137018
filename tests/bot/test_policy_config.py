"""`[policy]` in chorus.toml: defaults, every key, and mistakes named with their line and key."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.policy import Disclosure, Policy
from tests.support.workspace import CONFIG_TOML


def with_policy(*lines: str) -> str:
    return CONFIG_TOML + "\n[policy]\n" + "\n".join(lines) + "\n"


def refusal(source: str) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(source)
    return str(refused.value)


def line_number(source: str, text: str) -> int:
    [found] = [n for n, line in enumerate(source.splitlines(), start=1) if text in line]
    return found


def test_without_a_policy_section_only_the_disclosure_line_is_asked_for() -> None:
    config = parse_config(CONFIG_TOML).policy

    assert config.to_domain() == Policy()
    assert config.disclosure is Disclosure.WARN and config.phone_region == "US"
    assert (config.shouting_share, config.shouting_min_letters) == (0.6, 20)
    assert config.negative_below == -0.5


def test_every_key_reaches_the_domains_policy() -> None:
    source = with_policy(
        'blocked_terms = ["Project Falcon", " Nimbus "]',
        'allowed_domains = ["Acme.com", "*.acme.help"]',
        'allowed_contacts = ["support@acme.com"]',
        'company = "Acme"',
        'disclosure = "block"',
        'phone_region = "fr"',
        "shouting_share = 0.8",
        "shouting_min_letters = 30",
        "negative_below = -0.7",
    )

    config = parse_config(source).policy

    assert config.phone_region == "FR"
    assert config.to_domain("https://chorus.acme.com") == Policy(
        blocked_terms=("Project Falcon", "Nimbus"),
        allowed_domains=("acme.com", "acme.help"),
        allowed_contacts=("support@acme.com",),
        company="Acme",
        disclosure=Disclosure.BLOCK,
        shouting_share=0.8,
        shouting_min_letters=30,
        negative_below=-0.7,
        public_url="https://chorus.acme.com",
    )


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        ('blocked_term = ["x"]', "blocked_term", "is not a key Chorus knows"),
        (
            'allowed_domains = ["https://acme.com/"]',
            "allowed_domains",
            "“https://acme.com/” is not a domain; write it as acme.com",
        ),
        ('phone_region = "XX"', "phone_region", "“XX” is not a country code"),
        ('disclosure = "maybe"', "disclosure", "'off', 'warn' or 'block'"),
        ("shouting_share = 2", "shouting_share", "less than or equal to 1"),
        ("negative_below = -3", "negative_below", "greater than or equal to -1"),
        ('blocked_terms = [""]', "blocked_terms", "at least 1 character"),
    ],
)
def test_a_mistake_names_its_line_and_key(line: str, key: str, problem: str) -> None:
    source = with_policy(line)

    message = refusal(source)

    assert message.startswith(f"chorus.toml line {line_number(source, line)}: policy.{key}")
    assert problem in message
