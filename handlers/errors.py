"""The one error handler: log with context, and tell the person, where they acted, what to do."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.domain.errors import WorkflowError
from bot.services.home_refresh import tell_on_home
from handlers.context import services_of
from handlers.home import is_home_click

log = logging.getLogger("chorus.slack")

SLACK_HINTS = {
    "expired_trigger_id": "Slack took too long to open the form. Click the button again.",
    "not_in_channel": "Chorus is not in this channel yet: ask an admin to `/invite @Chorus`.",
    "channel_not_found": "Chorus can't see this channel: ask an admin to `/invite @Chorus`.",
    "ratelimited": "Slack asked Chorus to slow down. Your change is saved; the card catches up "
    "in a moment.",
}


def explain(error: Exception) -> str:
    """The sentence a person reads about an error."""
    if isinstance(error, WorkflowError):
        return str(error)
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error", ""))
        return SLACK_HINTS.get(code, f"Slack answered “{code}”. Your change is saved; try again.")
    return (
        "Something went wrong inside Chorus; nothing you did was lost. Try again, and tell "
        "your Chorus admin if it keeps happening."
    )


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    tell(body, context, client, explain(error))
    if isinstance(error, WorkflowError):
        log.info("refused for %s: %s", context.user_id, error)
        # A refused move is a normal answer: Slack should see 200. Bolt passes no response
        # once the request is acknowledged (the listener runs after the answer was sent),
        # and then refuses a returned one.
        return BoltResponse(status=200, body="") if response is not None else None
    log.error(
        "listener failed (type=%s user=%s channel=%s)",
        body.get("type"),
        context.user_id,
        context.channel_id,
        exc_info=error,
    )
    return None


def tell(body: dict[str, Any], context: BoltContext, client: WebClient, text: str) -> None:
    """Reach the person in the surface they used: the response URL, their App Home, else a
    DM."""
    response_url = body.get("response_url") or _first_response_url(body)
    try:
        if response_url and context.respond is not None:
            context.respond(text=text, response_type="ephemeral", replace_original=False)
        elif is_home_click(body) and context.user_id:
            _tell_on_home(body, context, client, text)
        elif context.user_id:
            client.chat_postMessage(channel=context.user_id, text=text)
    except SlackApiError as failure:
        log.warning("could not tell %s about an error: %s", context.user_id, failure)


def _tell_on_home(body: dict[str, Any], context: BoltContext, client: WebClient, text: str) -> None:
    """A click on the App Home: say it there, on a Home re-read from the database (what was
    clicked may have moved on); a DM when the database cannot queue it."""
    assert context.user_id is not None
    try:
        tell_on_home(services_of(context), context.user_id, text)
    except SQLAlchemyError:
        log.warning("could not queue a Home notice for %s; sending a DM", context.user_id)
        client.chat_postMessage(channel=context.user_id, text=text)


def _first_response_url(body: dict[str, Any]) -> str | None:
    urls = body.get("response_urls") or []
    return str(urls[0]["response_url"]) if urls else None


def register(app: App) -> None:
    app.error(handle_error)
