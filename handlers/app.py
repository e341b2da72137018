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
    executor = ContextExecutor(max_workers=10, thread_name_prefix="chorus-listener")
    app = ChorusApp(
        services,
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        # Socket Mode has no signatures; HTTP mode always checks them.
        request_verification_enabled=signing_secret is not None,
        raise_error_for_unhandled_request=False,
        # Bolt's own pool size; tasks keep the request's log context.
        listener_executor=executor,
    )
    app.use(services_middleware(services))
    app.use(event_dedupe_middleware(services))
    for surface in SURFACES:
        surface.register(app)
    return app


class ChorusApp(App):
    """Bolt's App, with each request timed for the latency histogram and its log lines
    tagged with what it is and who sent it.

    Bolt runs global middleware one after another (`next()` only says "go on"), so no
    middleware can wrap the listener; `dispatch`, which HTTP and Socket Mode both call, can.
    It returns once the request is acknowledged, so the time measured is what Slack waits.
    """

    def __init__(self, services: Services, *, listener_executor: Executor, **kwargs: Any) -> None:
        super().__init__(listener_executor=listener_executor, **kwargs)
        self.services = services
        self.executor = listener_executor

    def finish_listeners(self) -> None:
        """Wait for listeners already running (acknowledged, still at work) to finish."""
        self.executor.shutdown(wait=True)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        body = req.body
        started = time.perf_counter()
        with logs.context(**request_fields(body)):
            try:
                return super().dispatch(req)
            finally:
                elapsed = time.perf_counter() - started
                kind = request_kind(body)
                self.services.metrics.handler_seconds.labels(kind=kind).observe(elapsed)
