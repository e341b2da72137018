"""chorus.toml: the sample is accepted; each mistake is named with its line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config
from tests.support.workspace import CONFIG_TOML, LEAD, MANAGER, OTHER_LEAD


def changed(old: str, new: str) -> str:
    """The sample configuration with one mistake made in it."""
    assert CONFIG_TOML.count(old) == 1, old
    return CONFIG_TOML.replace(old, new)


def line_of(source: str, text: str) -> int:
    """The line number (from 1) of the one line of `source` that contains `text`."""
    [found] = [n for n, line in enumerate(source.splitlines(), start=1) if text in line]
    return found


def named_line(message: str, source: str) -> str:
    """The text of the line of `source` the message points at."""
    found = re.search(r"line (\d+)", message)
    assert found, f"no line number in: {message}"
    return source.splitlines()[int(found.group(1)) - 1]


def refusal(source: str) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(source)
    return str(refused.value)


def test_the_sample_configuration_is_accepted() -> None:
    config = parse_config(CONFIG_TOML)

    assert config.timezone == "Europe/Paris"
    assert config.managers == [MANAGER]
    assert config.company_channel == "C0SOCIAL"
    assert [d.key for d in config.department_list()] == ["support", "sales", "general"]
    support = config.department("support")
    assert support is not None
    assert (support.channel, support.leads, support.sla_minutes) == (
        "C0SUPPORT",
        frozenset({LEAD}),
        60,
    )
    assert support.keywords == ("refund", "broken", "login")
    assert [d.key for d in config.department_list() if d.default] == ["general"]


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('channel = "C0SALES"', 'channel = "#sales"', "departments[1].channel", "not a #name"),
        ('leads = ["U0SALESLEAD"]', 'leads = ["@ana"]', "departments[1].leads[0]", "not a @name"),
        (
            'keywords = ["pricing"',
            'keyword = ["pricing"',
            "departments[1].keyword",
            "check its spelling",
        ),
        (
            'timezone = "Europe/Paris"',
            'timezone = "Mars/Olympus"',
            "timezone",
            "not a known time zone",
        ),
        ("sla_minutes = 60", "sla_minutes = 0", "departments[0].sla_minutes", "greater than 0"),
    ],
)
def test_a_mistake_is_named_with_its_line_and_key(
    old: str, new: str, key: str, problem: str
) -> None:
    source = changed(old, new)

    message = refusal(source)

    assert message.startswith(f"chorus.toml line {line_of(source, new)}: {key}: "), message
    assert problem in message


def test_a_second_default_department_is_named_with_its_line() -> None:
    source = changed(
        'keywords = ["pricing", "discount"]', 'keywords = ["pricing", "discount"]\ndefault = true'
    )

    message = refusal(source)

    assert "exactly one department needs `default = true`" in message
    assert named_line(message, source).strip() == "default = true"


def test_a_repeated_department_key_is_named_with_its_line() -> None:
    source = changed('key = "sales"', 'key = "support"')

    message = refusal(source)

    assert "department keys must be unique" in message and "support" in message
    assert named_line(message, source).strip() == 'key = "support"'


def test_a_configuration_without_a_default_department_is_refused() -> None:
    message = refusal(changed("default = true", ""))

    assert "exactly one department needs `default = true`" in message
    assert "found 0" in message


@pytest.mark.parametrize("source", ['timezone = "UTC"\n', 'timezone = "UTC"\ndepartments = []\n'])
def test_a_configuration_without_departments_is_refused(source: str) -> None:
    message = refusal(source)

    assert message.startswith("chorus.toml")
    assert "departments:" in message


def test_invalid_toml_is_refused_with_its_line() -> None:
    source = changed('name = "Sales"', "name = Sales")

    message = refusal(source)

    assert message.startswith("chorus.toml: not valid TOML")
    assert f"line {line_of(source, 'name = Sales')}" in message


def test_load_config_reads_the_file_and_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "chorus.toml"
    path.write_text(CONFIG_TOML, encoding="utf-8")
    assert [d.key for d in load_config(path).departments] == ["support", "sales", "general"]

    path.write_text(CONFIG_TOML.replace("sla_minutes = 60", "sla_minutes = 0"), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path} line \d+: departments\[0\].sla_minutes"):
        load_config(path)


def test_a_missing_configuration_file_says_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"

    with pytest.raises(ConfigError) as refused:
        load_config(path)

    message = str(refused.value)
    assert str(path) in message and "not found" in message
    assert "CHORUS_CONFIG" in message and "Create it" in message


def test_the_configuration_gives_people_their_roles() -> None:
    config = parse_config(CONFIG_TOML)

    manager, lead, sales_lead = config.actor(MANAGER), config.actor(LEAD), config.actor(OTHER_LEAD)
    staff = config.actor("U0ANA")

    assert (manager.is_manager, manager.lead_of) == (True, frozenset())
    assert (lead.is_manager, lead.lead_of) == (False, frozenset({"support"}))
    assert lead.leads("support") and not lead.leads("sales")
    assert sales_lead.lead_of == frozenset({"sales"})
    assert (staff.is_manager, staff.lead_of) == (False, frozenset())
    assert staff.user_id == "U0ANA"
