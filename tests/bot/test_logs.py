"""Structured logs: every line of a request, outbox send or job carries its context (ids
only), as text for people or one JSON object per line for a log pipeline."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logs
from bot.settings import SettingsError
from bot.standin import SlackStandIn
from tests.support.processes import start_chorus, wait_for
from tests.support.workspace import (
    ANA,
    BEN,
    CONFIG_TOML,
    Workspace,
    make_workspace,
    mention,
    sign_webhook,
)
from tests.support.wsgi import call_wsgi


class Captured(logging.Handler):
    """Keeps every record, with the context the real handler would see."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(logs.ContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def saying(self, words: str) -> list[logging.LogRecord]:
        return [r for r in self.records if words in r.getMessage()]


@pytest.fixture
def captured() -> Iterator[Captured]:
    handler = Captured()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def acking_first(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """Chorus as it serves HTTP: Bolt acknowledges, then runs the listener in its pool."""
    ws = make_workspace(sqlite_url, standin, process_before_response=False)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def test_a_listener_run_after_the_ack_logs_its_requests_context(
    acking_first: Workspace, captured: Captured
) -> None:
    ws = acking_first
    ws.receive(mention())
    card = ws.card(1)
    ws.slack.click(card, "Claim", ANA)
    wait_for("Ana's claim", lambda: ws.standin.ephemerals(ANA), 10)

    ws.slack.click(card, "Claim", BEN)  # Ben's Slack still shows the card unclaimed

    [refused] = wait_for("the refusal's log line", lambda: captured.saying("refused for"), 10)
    fields = refused.context  # type: ignore[attr-defined]
    assert {k: fields[k] for k in ("kind", "action", "user", "channel")} == {
        "kind": "action",
        "action": "mention_claim",
        "user": BEN,
        "channel": "C0SUPPORT",
    }
    assert len(fields["request"]) == 12
    assert "response_url" not in json.dumps(fields)


def test_each_webhook_delivery_is_logged_with_its_id_and_answer(
    workspace: Workspace, captured: Captured
) -> None:
    body = json.dumps(mention())
    call_wsgi(workspace.chorus.web, "POST", "/webhooks/mentions", body, sign_webhook(body, "msg_1"))
    forged = sign_webhook(body, "msg_2\nFAKE LINE", secret="whsec_" + "A" * 44)
    call_wsgi(workspace.chorus.web, "POST", "/webhooks/mentions", body, forged)

    [accepted] = captured.saying("answered 202")
    assert accepted.levelno == logging.INFO
    assert accepted.context["webhook"] == "msg_1"  # type: ignore[attr-defined]
    [refused] = captured.saying("answered 401")
    assert refused.levelno == logging.WARNING
    assert refused.context["webhook"] == "msg_2_FAKE_LINE", "a sender's newline forges no line"  # type: ignore[attr-defined]


def test_an_outbox_failure_names_the_row_it_was_sending(
    workspace: Workspace, captured: Captured
) -> None:
    workspace.standin.fail("chat.postMessage", "internal_error", status=500)
    workspace.receive(mention())

    [failed] = captured.saying("Slack failed on outbox row")
    assert failed.context["outbox"] == "1"  # type: ignore[attr-defined]


def test_scheduled_jobs_log_their_name(
    sqlite_url: str, standin: SlackStandIn, captured: Captured
) -> None:
    from bot import jobs

    ws = make_workspace(sqlite_url, standin)
    jobs.bind(ws.chorus.services, {})
    logging.getLogger("chorus.jobs").info("probe")  # outside a job: no context
    with logs.context(job="reminders:sla"):
        logging.getLogger("chorus.jobs").info("inside")
    assert captured.saying("probe")[0].context == {}  # type: ignore[attr-defined]
    assert captured.saying("inside")[0].context == {"job": "reminders:sla"}  # type: ignore[attr-defined]


def record_with_context(message: str, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            info = sys.exc_info()
    record = logging.LogRecord("chorus.outbox", logging.ERROR, __file__, 1, message, (), info)
    record.created = time.mktime((2026, 11, 23, 10, 0, 0, 0, 0, -1))
    with logs.context(outbox=7, channel="C0SUPPORT"):
        logs.ContextFilter().filter(record)
    return record


def test_text_lines_end_with_their_context_and_keep_a_traceback_below() -> None:
    line = logs.formatter("text").format(record_with_context("Slack failed", exc=True))
    first, *rest = line.splitlines()
    assert first.endswith("ERROR chorus.outbox: Slack failed [outbox=7 channel=C0SUPPORT]")
    assert rest[0].startswith("Traceback") and rest[-1] == "RuntimeError: boom"


def test_json_lines_are_one_object_with_the_context_as_fields() -> None:
    line = logs.formatter("json").format(record_with_context("Slack failed, “ratelimited”"))
    assert "\n" not in line
    entry = json.loads(line)
    assert {k: entry[k] for k in ("level", "logger", "message", "outbox", "channel")} == {
        "level": "ERROR",
        "logger": "chorus.outbox",
        "message": "Slack failed, “ratelimited”",
        "outbox": "7",
        "channel": "C0SUPPORT",
    }
    assert entry["time"].startswith("2026-11-23")


def test_an_unknown_log_format_is_named_with_the_choices() -> None:
    with pytest.raises(SettingsError, match="CHORUS_LOG_FORMAT must be text or json, not 'xml'"):
        logs.configure("xml")


def test_chorus_run_writes_json_lines_when_asked(
    tmp_path: Path, sqlite_url: str, standin: SlackStandIn
) -> None:
    config = tmp_path / "chorus.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    chorus = start_chorus(tmp_path, sqlite_url, standin, config, CHORUS_LOG_FORMAT="json")
    try:
        status, _ = chorus.send_mentions(mention(), "msg_json")
        assert status == 202
        wait_for("the card", lambda: standin.messages("C0SUPPORT"), 30)
    finally:
        assert chorus.stop() == 0
    entries = [json.loads(line) for line in chorus.output().splitlines() if line.strip()]
    [delivery] = [e for e in entries if e["message"].endswith("answered 202 Accepted")]
    assert delivery["webhook"] == "msg_json" and delivery["logger"] == "chorus.web"
    assert any(e["message"].startswith("Chorus is listening") for e in entries)
