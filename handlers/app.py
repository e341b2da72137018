"""Build the Bolt app: the one place where every Slack surface is registered."""

from __future__ import annotations

import time
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot import logs
from bot.logs import ContextExecutor
from bot.metrics import request_kind
from bot.services.core import Services
from handlers import (
    card_actions,
    chorus_command,
    commands,
    digest_actions,
    errors,
    home,
    ideas,
    log_mention,
    policy_actions,
    publish_actions,
    review_actions,
    spike_actions,
    submissions,
)
from handlers.context import event_dedupe_middleware, request_fields, services_middleware
from handlers.door import KeptAck, UsageCheck, answer_at_door

SURFACES = (
    card_actions,
    review_actions,
    publish_actions,
    spike_actions,
    digest_actions,
    ideas,
    policy_actions,
    submissions,
    commands,
    chorus_command,
    log_mention,
    home,
    errors,
)


def build_app(
    services: Services,
    client: WebClient,
    signing_secret: str | None,
    *,
    process_before_response: bool = False,
) -> ChorusApp:
    """Create the Bolt app with every listener registered and services in the context."""
    executor = ContextExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="chorus-listener")
    app = ChorusApp(
        services,
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        # Socket Mode has no signatures; HTTP mode always checks them.
        request_verification_enabled=signing_secret is not None,
        raise_error_for_unhandled_request=False,
        # LISTENER_THREADS threads; each task keeps its request's log context.
        listener_executor=executor,
    )
    app.use(services_middleware(services))
    app.use(event_dedupe_middleware(services))
    for surface in SURFACES:
        surface.register(app)
    return app


# Threads that run listeners after the acknowledgement. Python runs one at a time, and
# SQLite writes one at a time, so more threads only take turns with the acknowledgements
# (`python -m bench`: steady Claim p99 32 ms with 10 threads, 22–24 ms with 1, 2 or 4).
# Four still let a claim go on while another waits for a slow Slack.
LISTENER_THREADS = 4

# Bolt's own answers when it stops a request before any listener: the door's answer must
# not hide them.
REFUSALS = frozenset({401, 403, 404})


class ChorusApp(App):
    """Bolt's App, with each request timed for the latency histogram and its log lines
    tagged with what it is and who sent it.

    Bolt runs global middleware one after another (`next()` only says "go on"), so no
    middleware can wrap the listener; `dispatch`, which HTTP and Socket Mode both call, can.
    It returns once the request is acknowledged, so the time measured is what Slack waits.
    Clicks and slash commands with a door are acknowledged here, before their work is
    queued (`handlers/door.py`).
    """

    def __init__(self, services: Services, *, listener_executor: Executor, **kwargs: Any) -> None:
        super().__init__(listener_executor=listener_executor, **kwargs)
        self.services = services
        self.executor = listener_executor
        self.doors: dict[str, UsageCheck] = {}

    def door(self, command: str, check: UsageCheck) -> None:
        """Acknowledge `command` at the door: `check` names the usage to show, or None."""
        self.doors[command] = check

    def finish_listeners(self) -> None:
        """Wait for listeners already running (acknowledged, still at work) to finish."""
        self.executor.shutdown(wait=True)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        body = req.body
        started = time.perf_counter()
        with logs.context(**request_fields(body)):
            try:
                if self.process_before_response:  # the listener runs before the answer
                    return super().dispatch(req)
                return self._answer(req)
            finally:
                elapsed = time.perf_counter() - started
                kind = request_kind(body)
                self.services.metrics.handler_seconds.labels(kind=kind).observe(elapsed)

    def _answer(self, req: BoltRequest) -> BoltResponse:
        """Answer at the door when the request has one (`handlers/door.py`), then let Bolt
        dispatch it; Slack gets the answer as given, unless Bolt refused the request."""
        kept = KeptAck()  # type: ignore[no-untyped-call]
        req.context["ack"] = kept
        at_door = answer_at_door(req.body, self.doors, self.services)
        if at_door is not None:
            # Bolt sees the request acknowledged, and returns without waiting for the
            # listener to get a thread.
            kept(**at_door)
        found = super().dispatch(req)
        return kept.given if kept.given is not None and found.status not in REFUSALS else found
