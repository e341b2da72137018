"""The `chorus` command line as an admin uses it: import a backlog, export everything,
check the configuration, migrate the database, and fail clearly without a Slack token."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, inspect, select

from bot.cli import main
from storage.models import Base, CustomerRow, MentionRow, OutboxRow
from tests.support.workspace import CONFIG_TOML, mention

REPO = Path(__file__).resolve().parents[2]
EXPORTED = ("mentions", "drafts", "publications", "events", "customers")


@dataclass(frozen=True)
class Admin:
    """Where the admin's Chorus keeps its database and configuration."""

    folder: Path
    database: Path
    config: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


@pytest.fixture
def admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Admin:
    config = tmp_path / "chorus.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    setup = Admin(tmp_path, tmp_path / "x.db", config)
    monkeypatch.chdir(tmp_path)  # no .env file from elsewhere
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHORUS_DATABASE_URL", setup.database_url)
    monkeypatch.setenv("CHORUS_CONFIG", str(config))
    return setup


def count(admin: Admin, model: type[Base]) -> int:
    engine = create_engine(admin.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line(item: dict[str, Any]) -> str:
    return json.dumps(item)


def a_backlog(folder: Path) -> Path:
    """Six lines: three good posts, one repeated, one broken JSON, one without text."""
    without_text = mention("104")
    del without_text["text"]
    return jsonl(
        folder / "backlog.jsonl",
        [
            line(mention("101", "My refund has not arrived")),
            line(
                mention(
                    "102",
                    "Is there a discount for schools?",
                    network="x",
                    url="https://x.example/ben/status/102",
                    author={"handle": "@ben", "name": "Ben", "followers": 80},
                )
            ),
            '{"network": "mastodon", "external_id": "103", "text": "cut off',
            line(mention("101", "My refund has not arrived")),
            line(without_text),
            line(mention("105", "Love the new dashboard")),
        ],
    )


# -- import -------------------------------------------------------------------------------


def test_importing_json_lines_reports_imports_duplicates_and_rejected_lines_by_number(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["import", str(a_backlog(admin.folder))])

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "Imported 3, duplicates 1, rejected 2." in out
    rejected = [ln.strip() for ln in out.splitlines() if ln.strip().startswith("line ")]
    assert len(rejected) == 2
    assert rejected[0].startswith("line 3: ") and "JSON" in rejected[0]
    assert rejected[1].startswith("line 5: ") and "text" in rejected[1]
    assert count(admin, MentionRow) == 3
    assert count(admin, OutboxRow) == 3, "each imported post waits for its card"


def test_importing_the_same_file_again_only_finds_duplicates(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    backlog = a_backlog(admin.folder)
    main(["import", str(backlog)])
    capsys.readouterr()

    exit_code = main(["import", str(backlog)])

    assert exit_code == 1
    assert "Imported 0, duplicates 4, rejected 2." in capsys.readouterr().out
    assert count(admin, MentionRow) == 3


def test_importing_csv_with_flat_author_columns(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    path = admin.folder / "mentions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "network",
                "external_id",
                "url",
                "text",
                "author_handle",
                "author_name",
                "author_followers",
            ]
        )
        writer.writerow(
            [
                "reddit",
                "t3_abc",
                "https://reddit.example/r/acme/t3_abc",
                "Pricing question, for a team of 5",
                "u/carla",
                "Carla",
                "340",
            ]
        )
        writer.writerow(
            ["review", "rv-9", "https://reviews.example/9", "Login is broken", "dan", "Dan", ""]
        )

    exit_code = main(["import", str(path)])

    assert exit_code == 0
    assert "Imported 2, duplicates 0, rejected 0." in capsys.readouterr().out
    engine = create_engine(admin.database_url)
    try:
        with engine.connect() as connection:
            customers = connection.execute(
                select(
                    CustomerRow.network, CustomerRow.handle, CustomerRow.name, CustomerRow.followers
                ).order_by(CustomerRow.id)
            ).all()
            posts = connection.execute(
                select(MentionRow.text, MentionRow.department_key).order_by(MentionRow.id)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(c) for c in customers] == [
        ("reddit", "u/carla", "Carla", 340),
        ("review", "dan", "Dan", None),
    ]
    assert [tuple(p) for p in posts] == [
        ("Pricing question, for a team of 5", "sales"),
        ("Login is broken", "support"),
    ]


def test_importing_csv_saved_by_excel_with_a_byte_order_mark(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    # Excel's "CSV UTF-8" starts the file with a BOM; the first column must still be read.
    path = admin.folder / "from-excel.csv"
    path.write_text(
        "network,external_id,url,text,author_handle\r\n"
        "x,77,https://x.example/s/77,Is there a refund policy?,@erin\r\n",
        encoding="utf-8-sig",
    )

    exit_code = main(["import", str(path)])

    assert "Imported 1, duplicates 0, rejected 0." in capsys.readouterr().out
    assert exit_code == 0


def rejected_reasons(out: str) -> dict[str, str]:
    """{"line N": reason} from the import's report."""
    pairs = [ln.strip().split(":", 1) for ln in out.splitlines() if ln.strip().startswith("line ")]
    return {where: reason.strip() for where, reason in pairs}


def test_lines_that_are_json_but_not_mention_objects_are_rejected_for_that_reason(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    path = jsonl(admin.folder / "odd.jsonl", [line(mention("1")), '"just a sentence"', "[1, 2]"])

    exit_code = main(["import", str(path)])

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "Imported 1, duplicates 0, rejected 2." in out
    reasons = rejected_reasons(out)
    assert set(reasons) == {"line 2", "line 3"}
    for reason in reasons.values():
        assert "just a sentence" not in reason, "the reason should say what is wrong"
        assert "object" in reason or "dictionary" in reason, reason


def test_a_deeply_nested_line_is_rejected_not_a_crash(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    path = jsonl(admin.folder / "nested.jsonl", [line(mention("1")), "[" * 100_000])

    exit_code = main(["import", str(path)])

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "Imported 1, duplicates 0, rejected 1." in out
    assert set(rejected_reasons(out)) == {"line 2"}


def test_importing_a_missing_file_says_so_in_one_line(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = admin.folder / "nowhere.jsonl"

    exit_code = main(["import", str(missing)])

    captured = capsys.readouterr()
    assert exit_code == 2
    [problem] = captured.err.strip().splitlines()
    assert str(missing) in problem and "no such file" in problem
    assert "Traceback" not in captured.out + captured.err


# -- export -------------------------------------------------------------------------------


def test_export_writes_every_table_as_csv_with_headers(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(a_backlog(admin.folder))])
    capsys.readouterr()
    out = admin.folder / "export"

    exit_code = main(["export", "--out", str(out)])

    assert exit_code == 0
    rows = {}
    for name in EXPORTED:
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows[name] = list(reader)
            assert reader.fieldnames, f"{name}.csv has no header"
            assert "id" in reader.fieldnames
    assert {n: len(r) for n, r in rows.items()} == {
        "mentions": 3,
        "drafts": 0,
        "publications": 0,
        "events": 9,  # a received and a route per mention, and the 3 roles seeded at start
        "customers": 2,
    }
    assert [m["external_id"] for m in rows["mentions"]] == ["101", "102", "105"]
    assert [m["department_key"] for m in rows["mentions"]] == ["support", "sales", "general"]
    assert [e["kind"] for e in rows["events"] if e["mention_id"]] == ["received", "route"] * 3
    assert {c["handle"] for c in rows["customers"]} == {"@ana@social.example", "@ben"}
    printed = capsys.readouterr().out
    assert f"{out / 'mentions.csv'}: 3 rows" in printed
    assert f"{out / 'drafts.csv'}: 0 rows" in printed


# -- config and database --------------------------------------------------------------------


def test_config_check_accepts_a_good_file(admin: Admin, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = main(["config", "check", str(admin.config)])

    out = capsys.readouterr().out
    assert exit_code == 0
    assert f"{admin.config} is valid" in out
    assert "support → C0SUPPORT" in out and "general → C0GENERAL (default)" in out


def test_config_check_names_the_line_and_key_of_a_channel_given_by_name(
    admin: Admin, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_text = CONFIG_TOML.replace('channel = "C0SUPPORT"', 'channel = "#support"')
    bad = admin.folder / "bad.toml"
    bad.write_text(bad_text, encoding="utf-8")
    line_number = bad_text.splitlines().index('channel = "#support"') + 1

    exit_code = main(["config", "check", str(bad)])

    captured = capsys.readouterr()
    assert exit_code == 2
    [problem] = captured.err.strip().splitlines()
    assert f"line {line_number}" in problem
    assert "departments[0].channel" in problem
    assert "channel id" in problem
    assert "is valid" not in captured.out


def test_db_upgrade_creates_the_tables(admin: Admin, capsys: pytest.CaptureFixture[str]) -> None:
    assert not admin.database.exists()

    exit_code = main(["db", "upgrade"])

    assert exit_code == 0
    assert "Database is up to date" in capsys.readouterr().out
    engine = create_engine(admin.database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_run_without_a_bot_token_stops_with_one_line_naming_it(admin: Admin) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        PYTHONPATH=str(REPO),
        CHORUS_DATABASE_URL=admin.database_url,
        CHORUS_CONFIG=str(admin.config),
    )

    finished = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=admin.folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 2
    assert "Traceback" not in finished.stdout + finished.stderr
    [problem] = finished.stderr.strip().splitlines()
    assert "SLACK_BOT_TOKEN" in problem
    assert "xoxb-" in problem, "the line should say what to set it to"
