"""`chorus route test "text"`: an admin checks where a post would go, and why, before
changing chorus.toml. It reads CHORUS_CONFIG and runs the real classifier and router."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.support.listening_workspace import EMEA_DEPARTMENT
from tests.support.workspace import CONFIG_TOML

ROUTES = (
    EMEA_DEPARTMENT
    + """
[[routes]]
name = "emea"
department = "emea"
languages = ["fr", "de", "es"]

[[routes]]
name = "vip"
department = "sales"
min_followers = 50000

[[routes]]
department = "support"
networks = ["review"]
authors = ["@Grumpy@Reviews.Example"]
"""
)


@pytest.fixture
def admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An admin's folder with a chorus.toml that has routing rules."""
    config = tmp_path / "chorus.toml"
    config.write_text(CONFIG_TOML + ROUTES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no .env file from elsewhere
    monkeypatch.setenv("CHORUS_CONFIG", str(config))
    monkeypatch.setenv("CHORUS_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    return config


def route_test(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["route", "test", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_rule_match_names_the_department_the_rule_and_what_matched(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = route_test(capsys, "Bonjour, mon export ne marche plus", "--language", "fr")

    assert code == 0
    assert lines[0] == "→ EMEA (C0EMEA): rule “emea”: language fr"
    assert lines[1].startswith("  language fr · sentiment ")
    assert "intent " in lines[1] and "priority " in lines[1]


def test_the_classification_line_shows_what_chorus_understood(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines, _ = route_test(
        capsys, "Why is this STILL broken?! Worst service ever", "--language", "en"
    )

    assert lines == [
        "→ Customer Support (C0SUPPORT): matched keyword “broken”",
        "  language en · sentiment -0.82 · intent complaint · priority urgent (angry complaint)",
    ]


def test_without_a_language_chorus_detects_it(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines, _ = route_test(
        capsys, "Hallo, der Export funktioniert seit gestern nicht mehr. Könnt ihr helfen?"
    )

    assert lines[0] == "→ EMEA (C0EMEA): rule “emea”: language de"


def test_followers_and_author_and_network_reach_the_rules(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, vip, _ = route_test(capsys, "Nice update", "--language", "en", "--followers", "80000")
    _, review, _ = route_test(
        capsys,
        "Two stars, the export is slow",
        "--language",
        "en",
        "--network",
        "review",
        "--author",
        "@grumpy@reviews.example",
    )

    assert vip[0] == "→ Sales (C0SALES): rule “vip”: followers 80000 ≥ 50000"
    assert "from an account with 80,000 followers" in vip[1]
    assert review[0] == (
        "→ Customer Support (C0SUPPORT): rule “route 3”: network review, "
        "author @grumpy@reviews.example"
    )


def test_no_rule_and_no_keyword_goes_to_the_catch_all(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = route_test(capsys, "Just switched to the new plan", "--language", "en")

    assert code == 0
    assert lines[0] == "→ General (C0GENERAL): no keyword matched; General is the catch-all"
    assert lines[1].endswith("intent other · priority low (other)")


def test_an_unknown_network_exits_2_with_one_line(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = route_test(capsys, "hello", "--network", "tiktok")

    assert code == 2
    assert lines == []
    [line] = err.strip().splitlines()
    assert line.startswith("chorus: --network must be one of x, mastodon, bluesky")
    assert line.endswith("review, other")


def test_a_broken_configuration_exits_2_naming_it(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.write_text(CONFIG_TOML + ROUTES.replace('department = "emea"', 'department = "emae"'))

    code, lines, err = route_test(capsys, "hello")

    assert code == 2
    assert lines == []
    [line] = err.strip().splitlines()
    assert line.startswith("chorus: ") and "emae" in line


def test_route_test_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["route", "test", "--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--network", "--language", "--followers", "--author"):
        assert option in out
