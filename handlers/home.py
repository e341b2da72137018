"""The App Home tab: published when a person opens it, re-published by the outbox after
actions that change it (see bot/services/home_refresh.py).

Its buttons carry the action ids of the cards and review messages, so the listeners in
card_actions and review_actions act on them; those answer a Home click on the Home itself.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.services.core import Services
from bot.services.home import load_home, open_home
from bot.services.outbox import Obsolete, Outgoing
from handlers.context import services_of
from handlers.home_view import build_home
from storage.home import newer_home_queued
from storage.models import OutboxRow


def handle_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    # The Messages tab sends the same event; only the Home tab is ours to draw.
    if event.get("tab") != "home":
        return
    home = open_home(services_of(context), str(event["user"]))
    # Published at once, not through the outbox: the person is looking at the tab now.
    client.views_publish(user_id=home.user_id, view=build_home(home))


def render_home_row(session: Session, services: Services, row: OutboxRow) -> Outgoing:
    """Render a queued refresh of one person's Home (the row's channel is their user id)."""
    if newer_home_queued(session, row):
        raise Obsolete("a later refresh of this Home is queued")
    notice = row.payload.get("notice")
    home = load_home(session, services, row.channel, str(notice) if notice else None)
    return Outgoing(row.channel, "", [], view=build_home(home).to_dict())


def is_home_click(body: dict[str, Any]) -> bool:
    """Whether a block action came from someone's App Home (it has no response URL)."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    return container.get("type") == "view" and view.get("type") == "home"


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
