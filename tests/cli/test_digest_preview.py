"""`chorus digest --preview`: the digest in the terminal, for one department or all, for a
given week, with the chart saved on request; a wrong week or department says what to write."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

from bot.cli import main
from bot.standin import SlackStandIn
from tests.support.digest_week import DIGEST_TIME, seed_week
from tests.support.workspace import CONFIG_TOML, make_workspace


@pytest.fixture
def admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str, standin: SlackStandIn
) -> Path:
    """An admin's folder, pointing at a database that holds a seeded week."""
    ws = make_workspace(sqlite_url, standin)
    seed_week(ws)
    ws.chorus.services.sessions.kw["bind"].dispose()
    config = tmp_path / "chorus.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHORUS_CONFIG", str(config))
    monkeypatch.setenv("CHORUS_DATABASE_URL", sqlite_url)
    return tmp_path


def preview(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with freeze_time(DIGEST_TIME):
        code = main(["digest", "--preview", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_preview_prints_one_department_as_slack_will_show_it(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = admin / "week.png"
    code, out, _ = preview(
        capsys, "--department", "support", "--week", "2026-W47", "--chart", str(chart)
    )
    assert code == 0
    assert "── support, 2026-W47, to <#C0SUPPORT>" in out
    assert "Customer Support: 16–22 November 2026\n=====" in out
    assert "Drafted by @U0ANA, approved by @U0LEAD · 4 shares" in out
    assert "See it live (https://social.example/@brand/" in out
    assert "Median time to a first answer: 1 hour 45 minutes." in out
    assert "[See open mentions]" in out
    assert "&amp;" not in out and "<@" not in out
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_the_preview_defaults_to_last_week_for_everyone(
    admin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = preview(capsys)
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines() if line.startswith("──")] == [
        "── support",
        "── sales",
        "── general",
        "── company",
    ]
    assert "A quiet week for General" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--week", "47"], "write it as YYYY-Www, for example 2026-W47"),
        (["--week", "2026-W60"], "2026 has weeks 1 to 53"),
        (["--department", "marketing"], "no department “marketing”. Choose one of: support"),
    ],
)
def test_a_wrong_request_says_what_to_write(
    admin: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code, out, err = preview(capsys, *args)
    assert code == 2 and out == ""
    assert says in err
