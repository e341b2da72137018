"""Start the whole sandbox in one process: stand-in Slack, Chorus, sample feed and page."""

from __future__ import annotations

import base64
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from waitress.server import create_server
from waitress.wasyncore import close_all

from bot.config import WorkspaceConfig, parse_config
from bot.main import Chorus, build
from bot.sandbox.app import SandboxApp
from bot.sandbox.feeder import Feeder, load_samples
from bot.sandbox.interactions import Slack
from bot.sandbox.state import Channel, Person
from bot.settings import Settings
from bot.sources.runner import build_sources
from bot.sources.scheduler import SourceScheduler
from bot.standin import SlackStandIn
from storage.migrate import upgrade

log = logging.getLogger("chorus.sandbox")

# Nothing here is secret: the sandbox talks only to itself, on this machine.
SIGNING_SECRET = "sandbox-signing-secret"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"chorus-sandbox-webhook-secret-32").decode()
BOT_TOKEN = "xoxb-sandbox"

PEOPLE = (
    ("U0ANA", "Ana"),
    ("U0BEN", "Ben"),
    ("U0LEAD", "Lea"),
    ("U0SALESLEAD", "Sam"),
    ("U0MANAGER", "Max"),
)
CHANNELS = (
    Channel("C0SUPPORT", "support"),
    Channel("C0SALES", "sales"),
    Channel("C0GENERAL", "general"),
    Channel("C0SOCIAL", "social"),
)


@dataclass
class Sandbox:
    """A running sandbox: `url` is the page; `stop()` ends everything it started."""

    url: str
    chorus: Chorus
    standin: SlackStandIn
    feeder: Feeder
    app: SandboxApp
    server: Any  # waitress's server: its type depends on the sockets it listens on
    thread: threading.Thread
    scheduler: SourceScheduler
    tempdir: Path | None

    def stop(self) -> None:
        """Stop the feeder, the server, the scheduler, the outbox worker and the stand-in.

        Every step runs even when one fails (the temporary folder must go); the first
        failure is raised at the end."""
        failures: list[Exception] = []
        for step in (
            self.feeder.stop,
            self._stop_server,
            self.scheduler.shutdown,
            self.chorus.worker.stop,
            self.standin.stop,
            self.chorus.services.sessions.kw["bind"].dispose,
        ):
            try:
                step()
            except Exception as error:  # noqa: BLE001 - logged, and raised once all stopped
                log.warning("sandbox: %s failed while stopping: %r", step.__qualname__, error)
                failures.append(error)
        if self.tempdir is not None:
            shutil.rmtree(self.tempdir, ignore_errors=True)
        if failures:
            raise failures[0]

    def _stop_server(self) -> None:
        # Let requests under way finish first: each wakes the loop through its trigger
        # when done, which must still be open. Then close every connection from inside
        # the loop, so it ends at once even with a browser's keep-alive sockets open.
        self.server.task_dispatcher.shutdown(timeout=5)
        everything = self.server._map  # waitress keeps every socket of its loop there
        try:
            self.server.trigger.pull_trigger(lambda: close_all(everything))
        except OSError:  # the trigger is already closed: the loop is not listening to it
            close_all(everything)
        self.thread.join(timeout=5)


def sample_config() -> WorkspaceConfig:
    """The sandbox's workspace: `sample.toml`, shipped with Chorus."""
    text = resources.files("bot.sandbox").joinpath("sample.toml").read_text(encoding="utf-8")
    return parse_config(text, "sample.toml")


def people(config: WorkspaceConfig) -> list[Person]:
    """The people the page can act as, with the role the configuration gives each."""
    return [Person(user_id, name, _role(config, user_id)) for user_id, name in PEOPLE]


def _role(config: WorkspaceConfig, user_id: str) -> str:
    if user_id in config.managers:
        return "social media manager"
    leads = [d.name for d in config.departments if user_id in d.leads]
    return "lead of " + " and ".join(leads) if leads else "staff"


def start_standin() -> SlackStandIn:
    """The offline Slack, with the sandbox's people and channels."""
    standin = SlackStandIn().start()
    for user_id, name in PEOPLE:
        standin.add_user(user_id, name.lower(), name)
    for channel in CHANNELS:
        standin.add_channel(channel.id, channel.name)
    return standin


def start_chorus(
    database_url: str, standin: SlackStandIn, config: WorkspaceConfig, channel_interval: float
) -> Chorus:
    """Chorus in HTTP mode, talking to the stand-in; its outbox worker running."""
    upgrade(database_url)
    settings = Settings(
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=standin.url,
        chorus_mode="http",
        chorus_database_url=database_url,
        chorus_webhook_secret=WEBHOOK_SECRET,  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )
    chorus = build(settings, config, channel_interval=channel_interval)
    chorus.worker.start()
    return chorus


def start_sandbox(
    port: int = 3000,
    host: str = "127.0.0.1",
    database_url: str | None = None,
    pace_seconds: float | None = 8.0,
    *,
    channel_interval: float = 1.0,
) -> Sandbox:
    """Start the sandbox on `host:port` (0: a free port); `pace_seconds=None` feeds nothing
    until asked. Without `database_url`, the data lives in a temporary folder."""
    tempdir = None if database_url else Path(tempfile.mkdtemp(prefix="chorus-sandbox-"))
    config = sample_config()
    standin = start_standin()
    chorus: Chorus | None = None
    try:
        chorus = start_chorus(
            database_url or f"sqlite:///{tempdir}/sandbox.db", standin, config, channel_interval
        )
        app = sandbox_app(chorus, standin, config, pace_seconds, fresh=tempdir is not None)
        server = create_server(app, host=host, port=port, threads=8, ident="chorus-sandbox")
    except BaseException:
        _abandon(standin, chorus, tempdir)
        raise
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return _running(f"http://{shown}:{server.effective_port}", server, app, chorus, tempdir)


def sandbox_app(
    chorus: Chorus,
    standin: SlackStandIn,
    config: WorkspaceConfig,
    pace_seconds: float | None,
    *,
    fresh: bool,
) -> SandboxApp:
    """The page and its API, with a feeder (aimed at the server once it has its port)."""
    # A database that outlives this run already knows the sample ids: tag this run's.
    tag = "" if fresh else os.urandom(3).hex()
    feeder = Feeder("", WEBHOOK_SECRET, load_samples(), pace_seconds, tag)
    slack = Slack(chorus.web, standin, chorus.client, SIGNING_SECRET)
    return SandboxApp(chorus.web, standin, slack, feeder, people(config), CHANNELS)


def _abandon(standin: SlackStandIn, chorus: Chorus | None, tempdir: Path | None) -> None:
    """Undo a start that failed half-way (say, the port is taken)."""
    if chorus is not None:
        chorus.worker.stop()
        chorus.services.sessions.kw["bind"].dispose()
    standin.stop()
    if tempdir is not None:
        shutil.rmtree(tempdir, ignore_errors=True)


def _running(
    url: str,
    server: Any,
    app: SandboxApp,
    chorus: Chorus,
    tempdir: Path | None,
) -> Sandbox:
    feeder = app.feeder
    feeder.base_url = url
    thread = threading.Thread(target=server.run, name="chorus-sandbox", daemon=True)
    thread.start()
    # No sources to poll in the sample, but the scheduler also ends spikes that went quiet.
    scheduler = SourceScheduler(
        chorus.services, build_sources(chorus.services.config, dict(os.environ))
    )
    scheduler.start()
    feeder.start()
    log.info("Chorus sandbox is on %s", url)
    return Sandbox(url, chorus, app.standin, feeder, app, server, thread, scheduler, tempdir)
