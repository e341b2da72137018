"""Build the Bolt app: the one place where every Slack surface is registered."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

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
from handlers.context import event_dedupe_middleware, services_middleware, timing_middleware

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
) -> App:
    """Create the Bolt app with every listener registered and services in the context."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        # Socket Mode has no signatures; HTTP mode always checks them.
        request_verification_enabled=signing_secret is not None,
        raise_error_for_unhandled_request=False,
    )
    app.use(timing_middleware(services))
    app.use(services_middleware(services))
    app.use(event_dedupe_middleware(services))
    for surface in SURFACES:
        surface.register(app)
    return app
