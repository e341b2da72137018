"""The processes of the latency run: `chorus run`, the bare Bolt app and the Slack stand-in.

Each runs in a process of its own, started as an admin would start it, and is stopped with
SIGTERM (SIGKILL only if it does not stop). Their output goes to log files in the bench's
folder, shown when something fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
BOT_TOKEN = "xoxb-bench"
SIGNING_SECRET = "bench-signing-secret"


@dataclass(frozen=True)
class Memory:
    """Resident memory of a process, MB (10^6 bytes): now (VmRSS) and its peak (VmHWM)."""

    rss: float
    peak: float


def memory_of(pid: int) -> Memory:
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024 / 1e6  # /proc says kB: KiB
    return Memory(rss=fields["VmRSS"], peak=fields["VmHWM"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One server process, its port and its log."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name, self.port = name, free_port()
        self.log = cwd / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, *([] if name == "chorus" else ["--port", str(self.port)])],
                env={**os.environ, **env, "CHORUS_PORT": str(self.port)},
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory(self) -> Memory:
        return memory_of(self.pid)

    def wait_until_up(self, path: str, timeout: float = 120) -> None:
        """Poll until the server answers `path` (any HTTP status counts as up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}):\n{self.tail()}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def chorus_command() -> list[str]:
    """`chorus run`, from the same environment as the bench."""
    script = Path(sys.executable).with_name("chorus")
    found = str(script) if script.exists() else shutil.which("chorus")
    return [found, "run"] if found else [sys.executable, "-m", "bot.cli", "run"]


def start_chorus(folder: Path, database_url: str, standin_url: str, config: Path) -> Server:
    """`chorus run` in HTTP mode against the stand-in; it migrates the database itself."""
    from tests.support.workspace import WEBHOOK_SECRET

    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin_url,
        "CHORUS_MODE": "http",
        "CHORUS_HOST": "127.0.0.1",
        "CHORUS_DATABASE_URL": database_url,
        "CHORUS_CONFIG": str(config),
        "CHORUS_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    # cwd is the bench's folder: no .env of the checkout is read, no chorus.db left behind.
    server = Server("chorus", chorus_command(), env, folder)
    server.wait_until_up("/healthz")
    return server


def start_bare_bolt(folder: Path, standin_url: str) -> Server:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin_url,
        "PYTHONPATH": str(REPO),
    }
    server = Server("bare-bolt", [sys.executable, "-m", "bench.bare_bolt"], env, folder)
    server.wait_until_up("/slack/events")
    return server


class StandInProcess:
    """The Slack stand-in in its own process (see bench.standin_process)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.standin_process"],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.base = self._pipe(self.process.stdout).readline().strip()
        if not self.base.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the Slack stand-in did not start (it said {self.base!r})")
        self.url = f"{self.base}/api/"

    @staticmethod
    def _pipe(stream: IO[str] | None) -> IO[str]:
        assert stream is not None
        return stream

    def summary(self) -> dict[str, Any]:
        """Calls by method and ephemerals so far."""
        self._pipe(self.process.stdin).write("summary\n")
        self._pipe(self.process.stdin).flush()
        found: dict[str, Any] = json.loads(self._pipe(self.process.stdout).readline())
        return found

    def stop(self) -> None:
        self._pipe(self.process.stdin).close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
