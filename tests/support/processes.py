"""Real `chorus run` processes for tests: started on free ports of 127.0.0.1 against the Slack
stand-in, driven over HTTP with signed requests, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from bot.standin import SlackStandIn
from tests.support.slack import SIGNING_SECRET, SlackDriver, signed_headers
from tests.support.workspace import WEBHOOK_SECRET, sign_webhook

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, check: Callable[[], T], seconds: float = 60) -> T:
    """Poll `check` until it returns something truthy; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class ChorusProcess:
    """One `chorus run` in HTTP mode; its log is kept in a file for the failure message."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as reply:
                return reply.status == 200
        except OSError:
            return False

    def send_mentions(self, body: dict[str, Any], webhook_id: str) -> tuple[int, str]:
        raw = json.dumps(body)
        return post(f"{self.url}/webhooks/mentions", raw.encode(), sign_webhook(raw, webhook_id))

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as a process manager stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_chorus(
    folder: Path, database_url: str, standin: SlackStandIn, config: Path, **env: str
) -> ChorusProcess:
    """Start `chorus run` (the entry point installed beside this Python) and wait until it
    answers /healthz."""
    port = free_port()
    log = folder / f"chorus-{port}.log"
    variables = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.url,
        "CHORUS_MODE": "http",
        "CHORUS_HOST": "127.0.0.1",
        "CHORUS_PORT": str(port),
        "CHORUS_DATABASE_URL": database_url,
        "CHORUS_CONFIG": str(config),
        "CHORUS_WEBHOOK_SECRET": WEBHOOK_SECRET,
        **env,
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "chorus"), "run"],
            cwd=folder,
            env=variables,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    chorus = ChorusProcess(port, process, log)
    wait_for(f"chorus on port {port}", lambda: chorus.healthy() or _died(chorus), 90)
    return chorus


def _died(chorus: ChorusProcess) -> bool:
    if chorus.process.poll() is not None:
        raise AssertionError(f"chorus exited with {chorus.process.returncode}:\n{chorus.output()}")
    return False


class HttpSlack(SlackDriver):
    """A person in Slack whose clicks and commands reach a Chorus process over HTTP."""

    def __init__(self, chorus: ChorusProcess, standin: SlackStandIn) -> None:
        super().__init__(None, standin)  # type: ignore[arg-type] - no in-process app
        self.chorus = chorus

    def send(self, form: dict[str, str]) -> Any:  # type: ignore[override]
        body = urlencode(form)
        return post(f"{self.chorus.url}/slack/events", body.encode(), signed_headers(body))

    def trigger_id(self) -> str:
        return f"trigger-{self.chorus.port}-{time.monotonic_ns()}"
