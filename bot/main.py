"""The composition root: the one place that builds settings, database, Slack client and app."""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import signal
import sys
from dataclasses import dataclass
from datetime import datetime

from dotenv import dotenv_values
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from waitress.server import create_server

from bot.config import WorkspaceConfig, load_config
from bot.profiles import Profiles, slack_lookup
from bot.publishing.registry import build_connectors
from bot.reply_length import network_lengths
from bot.services.core import Services
from bot.services.outbox import OutboxWorker
from bot.services.workspace import sync_workspace
from bot.settings import Settings, SettingsError
from bot.sources.runner import build_sources
from bot.sources.scheduler import SourceScheduler
from bot.web import WebApp
from bot.web_slack import SlackGate
from handlers.app import ChorusApp, build_app
from handlers.outbox_render import outbox_renderer
from storage.db import make_engine, make_session_factory
from storage.delivery import outbox_depth

log = logging.getLogger("chorus")


class _SameTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client's token wins; it is the
    same token, so the warning would only alarm an admin."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_SameTokenNotice())


@dataclass
class Chorus:
    """A fully wired Chorus: services, Slack app, outbox worker and HTTP surface."""

    settings: Settings
    services: Services
    client: WebClient
    app: ChorusApp
    worker: OutboxWorker
    web: WebApp


def build(
    settings: Settings,
    config: WorkspaceConfig | None = None,
    *,
    process_before_response: bool = False,
    channel_interval: float = 1.0,
) -> Chorus:
    """Wire Chorus from settings (the database must already be migrated)."""
    config = config or load_config(settings.chorus_config)
    engine = make_engine(settings.chorus_database_url)
    services = Services(
        sessions=make_session_factory(engine),
        config=config,
        lengths=network_lengths().with_limits(config.publishing.reply_limits),
        connectors=build_connectors(settings),
        public_url=settings.chorus_public_url,
    )
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=settings.api_url)
    # Profiles are read while a modal opens (its trigger expires in three seconds): a slow
    # Slack must not hold it, so this client gives up fast and the suggestion goes without.
    profiles_client = WebClient(token=token, base_url=settings.api_url, timeout=2)
    services.profiles = Profiles(slack_lookup(profiles_client), services.clock)
    secret = settings.slack_signing_secret
    signing = secret.get_secret_value() if secret and settings.mode == "http" else None
    app = build_app(services, client, signing, process_before_response=process_before_response)
    worker = OutboxWorker(services, client, outbox_renderer(services), channel_interval)
    services.wake_outbox = worker.wake
    services.metrics.watch_outbox(lambda: _outbox_depth(services), services.clock)
    slack = SlackGate(SlackRequestHandler(app), signing) if signing is not None else None
    hook = settings.chorus_webhook_secret
    try:
        web = WebApp(services, hook.get_secret_value() if hook else None, slack)
    except Exception:  # noqa: BLE001 - standardwebhooks raises several kinds on a bad secret
        raise SettingsError(
            "CHORUS_WEBHOOK_SECRET is not a valid secret: use whsec_ followed by "
            "base64, as your listening tool shows it."
        ) from None
    sync_workspace(services)
    return Chorus(settings, services, client, app, worker, web)


def _outbox_depth(services: Services) -> tuple[int, datetime | None]:
    with services.sessions() as session:
        return outbox_depth(session)


# How long a thread may hold the interpreter while another waits for it (Python's default
# is 5 ms). Acknowledging a click takes about 1 ms of Python, but passes the interpreter
# back and forth a dozen times (socket reads, parsing, the answer); each time it may wait
# a whole interval behind a listener rendering a card. A shorter interval bounds that wait:
# `python -m bench` measured steady Claim acknowledgements at p99 86 ms with 5 ms, 16 ms
# with 0.5 ms, at the same throughput.
SWITCH_INTERVAL = 0.001


M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def _fewer_malloc_arenas() -> None:
    # glibc gives a thread that meets contention a heap ("arena") of its own, up to 8 per
    # core, and memory freed in one arena is not reused by another. Chorus runs ~20 threads,
    # but one at a time (the interpreter lock), so two arenas serve as well and keep 6–14 MB
    # less (`python -m bench`). An operator's MALLOC_ARENA_MAX wins; other C libraries have
    # no such setting.
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, 2)


def _freeze_start_up_objects() -> None:
    # About 140,000 objects (modules, Bolt's listeners, SQLAlchemy's mappers) live as long
    # as the process. Python's full garbage collection walks them all, every so often, with
    # every thread stopped: 90 ms, and an acknowledgement caught behind it waits as long.
    # Frozen, they are never walked again; a full collection then takes about a millisecond.
    gc.collect()
    gc.freeze()


def serve(chorus: Chorus) -> None:
    """Serve HTTP (and Socket Mode when configured) until interrupted."""
    settings = chorus.settings
    _fewer_malloc_arenas()
    sys.setswitchinterval(SWITCH_INTERVAL)
    socket = _start_socket_mode(chorus) if settings.mode == "socket" else None
    scheduler = SourceScheduler(chorus.services, build_sources(chorus.services.config, _secrets()))
    server = create_server(
        chorus.web, host=settings.chorus_host, port=settings.chorus_port, threads=8, ident="chorus"
    )
    _freeze_start_up_objects()
    chorus.worker.start()
    scheduler.start()
    # Close from inside the server's own loop, woken by its trigger: closing the sockets from
    # the signal handler would pull them from under the select() it interrupted (EBADF).
    signal.signal(signal.SIGTERM, lambda *_: server.trigger.pull_trigger(server.close))
    log.info(
        "Chorus is listening on http://%s:%s (%s mode)",
        settings.chorus_host,
        server.effective_port,
        settings.mode,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        shut_down(chorus, socket, scheduler)


def shut_down(
    chorus: Chorus, socket: SocketModeHandler | None, scheduler: SourceScheduler | None
) -> None:
    """Stop taking work, then finish the work taken: what Slack was told we acknowledged is
    done, and what is not yet in Slack waits in the database for the next start."""
    log.info("Chorus is stopping: finishing the work in hand")
    if socket is not None:  # no new events from Slack
        socket.close()  # type: ignore[no-untyped-call]
    if scheduler is not None:
        scheduler.shutdown()  # polls and jobs under way record what they did
    chorus.app.finish_listeners()  # clicks acknowledged but still at work complete
    chorus.worker.stop()  # the message being sent is recorded; the next ones wait
    waiting, _ = _outbox_depth(chorus.services)
    log.info("Chorus stopped; %d message(s) wait in the outbox for the next start", waiting)


def _secrets() -> dict[str, str]:
    """Where sources find their secrets: the environment, or the .env file beside it."""
    from_file = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    return {**from_file, **os.environ}


def _start_socket_mode(chorus: Chorus) -> SocketModeHandler:
    """Connect to Slack over Socket Mode; a refused app token stops start-up in one line."""
    token = chorus.settings.slack_app_token
    if token is None:
        raise SettingsError("SLACK_APP_TOKEN is not set but CHORUS_MODE=socket.")
    handler = SocketModeHandler(chorus.app, token.get_secret_value(), web_client=chorus.client)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        handler.close()  # type: ignore[no-untyped-call]
        raise SettingsError(
            f"SLACK_APP_TOKEN was refused by Slack ({error.response.get('error')}): set it to "
            "an app-level token (xapp-…) with connections:write, from your Slack app's "
            "Basic Information page."
        ) from None
    return handler
