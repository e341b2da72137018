"""Secrets never appear in logs: the bot token, the app token, the signing secret, the webhook
secret, and any response_url (whoever holds one can answer in Slack as Chorus).

Real flows run with every logger at DEBUG (slack_sdk, slack_bolt, urllib, waitress, SQLAlchemy
and Chorus's own): a webhook ingest, the outbox posting the card, a slash command and a click
answered on their response_urls, a refused signature, Slack refusing a call. The capture goes
through the redaction `chorus` installs (bot/redaction.py); then `chorus run` itself runs as a
subprocess and its stderr is read whole.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.redaction import Redactor, install_redaction, secrets_from_environment
from bot.standin import SlackStandIn
from tests.security.slack_requests import FORM, SlackRequest
from tests.support.http_server import HttpClient, serving
from tests.support.processes import free_port, post, wait_for
from tests.support.workspace import (
    BEN,
    CONFIG_TOML,
    Workspace,
    make_workspace,
    mention,
    sign_webhook,
)

BOT = "xoxb-1111-2222-SECRETbottoken4242"
APP = "xapp-1-A0APP-3333-SECRETapptoken4242"
SIGNING = "SECRET-signing-3f9c1e7a55b04d2e"
HOOK = "whsec_" + base64.b64encode(b"SECRET-webhook-key-for-log-tests").decode()
SETTINGS = {
    "slack_bot_token": BOT,
    "slack_app_token": APP,
    "slack_signing_secret": SIGNING,
    "chorus_webhook_secret": HOOK,
}
ENVIRONMENT = {name.upper(): value for name, value in SETTINGS.items()}


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, as text, through Chorus's redaction."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    root_level, others = root.level, root.handlers[:]
    # Alone on the root: a handler another test left there (with its own filters) must not
    # change what this one sees.
    root.handlers = [handler]
    root.setLevel(logging.DEBUG)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.handlers = others
        root.setLevel(root_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def redaction(captured: io.StringIO) -> Iterator[Callable[[list[str]], None]]:
    """Install the redaction as `chorus` does; take it off every handler afterwards (pytest's
    own handlers live for the whole session)."""
    installed: list[tuple[logging.Handler, Redactor, logging.Formatter | None]] = []

    def install(secrets: list[str]) -> None:
        handlers = [(h, h.formatter) for h in logging.getLogger().handlers]
        redactor = install_redaction(secrets)
        installed.extend((handler, redactor, formatter) for handler, formatter in handlers)

    yield install
    for handler, redactor, formatter in installed:
        handler.removeFilter(redactor)
        handler.setFormatter(formatter)


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    workspace = make_workspace(database_url, standin, **SETTINGS)
    yield workspace
    workspace.chorus.services.sessions.kw["bind"].dispose()


def command(response_url: str, name: str, text: str) -> SlackRequest:
    form = {
        "command": name,
        "text": text,
        "user_id": BEN,
        "channel_id": "C0SUPPORT",
        "team_id": "T0CHORUS",
        "trigger_id": "trigger-logs",
        "response_url": response_url,
    }
    return SlackRequest(urlencode(form), FORM)


def run_flows(ws: Workspace, http: HttpClient) -> list[str]:
    """Everything that handles a secret; the response_urls it used."""
    urls = [ws.standin.response_url(f"T0CHORUS/{n}/SECRETresponse{n}", user=BEN) for n in (1, 2)]
    body = json.dumps(mention())
    assert (
        http.post("/webhooks/mentions", body.encode(), sign_webhook(body, "m1", HOOK)).status == 202
    )
    ws.deliver()  # the outbox posts the card with the bot token
    claim = command(urls[0], "/claim", "1")
    assert http.post("/slack/events", claim.body.encode(), claim.headers(SIGNING)).status == 200
    forged = command(urls[1], "/claim", "1")
    assert http.post("/slack/events", forged.body.encode(), forged.headers("wrong")).status == 401
    stale = sign_webhook(body, "m2", HOOK, at=0)
    assert http.post("/webhooks/mentions", body.encode(), stale).status == 401
    ws.standin.fail("chat.update", "invalid_auth")
    ws.standin.fail("chat.postEphemeral", "not_in_channel")
    unclaim = command(urls[1], "/mentions", "mine")
    assert http.post("/slack/events", unclaim.body.encode(), unclaim.headers(SIGNING)).status == 200
    ws.slack.click(ws.card(1), "Unclaim", BEN)
    ws.deliver()
    return urls


def assert_no_secret(text: str, urls: list[str]) -> None:
    for name, secret in {"bot token": BOT, "app token": APP, "signing secret": SIGNING}.items():
        assert secret not in text, f"the {name} is in the log"
    assert HOOK not in text and HOOK.removeprefix("whsec_") not in text, "the webhook secret"
    for url in urls:
        assert url not in text and url.rsplit("/", 1)[-1] not in text, f"{url} is in the log"


def test_secrets_never_reach_a_log_line(
    ws: Workspace,
    captured: io.StringIO,
    redaction: Callable[[list[str]], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    redaction(secrets_from_environment())
    with serving(ws.chorus.web) as http:
        urls = run_flows(ws, http)

    text = captured.getvalue()
    assert "slack_sdk.webhook" in text and "[redacted]" in text, "the risky lines were captured"
    assert_no_secret(text, urls)


def test_without_redaction_the_capture_would_see_a_response_url(
    ws: Workspace, captured: io.StringIO
) -> None:
    """The harness can see a leak: slack_sdk logs response URLs at DEBUG."""
    with serving(ws.chorus.web) as http:
        urls = run_flows(ws, http)

    assert urls[0] in captured.getvalue()


def test_an_exception_formatted_afresh_is_scrubbed_too(
    captured: io.StringIO, redaction: Callable[[list[str]], None]
) -> None:
    """JSON formatters format the exception again from the record: it must be scrubbed."""
    handler = logging.getLogger().handlers[-1]
    handler.setFormatter(_Afresh())
    redaction([SIGNING])
    try:
        raise RuntimeError(f"signature {SIGNING} with Authorization: Bearer {BOT}")
    except RuntimeError:
        logging.getLogger("chorus.test").exception("failed with %s", APP)

    text = captured.getvalue()
    assert "RuntimeError" in text and "[redacted]" in text
    assert_no_secret(text, [])


class _Afresh(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        trace = self.formatException(record.exc_info) if record.exc_info else record.exc_text
        return f"{record.getMessage()}\n{trace or ''}"


# `chorus run`, with every logger at DEBUG: slack_sdk then logs each response_url it posts to.
DEBUG_RUN = """
import logging, sys
from bot import logs
configure = logs.configure
logs.configure = lambda *args, **kwargs: configure(*args, **{**kwargs, "level": logging.DEBUG})
from bot.cli import main
sys.exit(main(["run"]))
"""
COMMANDS = {
    "chorus run": [str(Path(sys.executable).parent / "chorus"), "run"],
    "chorus run at DEBUG": [sys.executable, "-c", DEBUG_RUN],
}


def start(command: list[str], folder: Path, database_url: str, standin: SlackStandIn) -> Chorus:
    """Start Chorus as a process, its stderr kept in a file; wait until /healthz answers."""
    config = folder / "chorus.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    port, log = free_port(), folder / "stderr.log"
    env = {
        **os.environ,
        **ENVIRONMENT,
        "SLACK_API_URL": standin.url,
        "CHORUS_MODE": "http",
        "CHORUS_HOST": "127.0.0.1",
        "CHORUS_PORT": str(port),
        "CHORUS_DATABASE_URL": database_url,
        "CHORUS_CONFIG": str(config),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=sink, stderr=sink)
    chorus = Chorus(port, process, log)
    wait_for("chorus to answer /healthz", lambda: chorus.healthy() or chorus.died(), 90)
    return chorus


@dataclass
class Chorus:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        return self.process.poll() is None and get_status(f"{self.url}/healthz") == 200

    def died(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")
        return False

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.log.read_text(encoding="utf-8", errors="replace")


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return int(reply.status)
    except OSError:
        return 0


@pytest.mark.parametrize("how", COMMANDS)
def test_chorus_run_writes_no_secret_to_stderr(
    database_url: str, standin: SlackStandIn, tmp_path: Path, how: str
) -> None:
    chorus = start(COMMANDS[how], tmp_path, database_url, standin)
    try:
        urls = [standin.response_url(f"T0CHORUS/9/SECRETrun{n}", user=BEN) for n in (1, 2)]
        body = json.dumps(mention())
        signed = sign_webhook(body, "r1", HOOK)
        assert post(f"{chorus.url}/webhooks/mentions", body.encode(), signed)[0] == 202
        wait_for("the card", lambda: standin.messages("C0SUPPORT"))
        standin.fail("chat.update", "invalid_auth")
        for url, secret in zip(urls, (SIGNING, "a-forged-secret"), strict=True):
            request = command(url, "/claim", "1")
            post(f"{chorus.url}/slack/events", request.body.encode(), request.headers(secret))
        wait_for("the answer to /claim", lambda: standin.calls_to("response_url"))
    finally:
        text = chorus.stop()

    assert "listening on" in text, text
    if how.endswith("DEBUG"):
        assert "slack_sdk.webhook" in text, "at DEBUG, slack_sdk logs the response_url it used"
    assert_no_secret(text, urls)
