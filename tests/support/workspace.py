"""A whole Chorus wired to the Slack stand-in and a real database, as tests use it."""

from __future__ import annotations

import base64
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from standardwebhooks.webhooks import Webhook

from bot.config import parse_config
from bot.main import Chorus, build
from bot.services import views
from bot.settings import Settings
from bot.standin import SlackStandIn
from tests.support.slack import SIGNING_SECRET, SlackDriver

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"chorus-test-webhook-secret-32byt").decode()

# Distinct even when time is frozen: a repeated id would be a replay.
DELIVERY_IDS = itertools.count()

MANAGER, LEAD, OTHER_LEAD = "U0MANAGER", "U0LEAD", "U0SALESLEAD"
ANA, BEN = "U0ANA", "U0BEN"

CONFIG_TOML = """
timezone = "Europe/Paris"
managers = ["U0MANAGER"]
company_channel = "C0SOCIAL"

[[departments]]
key = "support"
name = "Customer Support"
channel = "C0SUPPORT"
leads = ["U0LEAD"]
keywords = ["refund", "broken", "login"]
sla_minutes = 60

[[departments]]
key = "sales"
name = "Sales"
channel = "C0SALES"
leads = ["U0SALESLEAD"]
keywords = ["pricing", "discount"]

[[departments]]
key = "general"
name = "General"
channel = "C0GENERAL"
default = true
"""


def mention(
    external_id: str = "109412", text: str = "Is the export broken for anyone else?", **extra: Any
) -> dict[str, Any]:
    """A mention object as the contract defines it."""
    body = {
        "network": "mastodon",
        "external_id": external_id,
        "url": f"https://social.example/@ana/{external_id}",
        "text": text,
        "author": {
            "handle": "@ana@social.example",
            "name": "Ana",
            "followers": 1200,
            "url": "https://social.example/@ana",
        },
        "created_at": "2026-11-20T10:00:00Z",
        "language": "en",
        "source": "octolens",
    }
    body.update(extra)
    return body


def sign_webhook(
    body: str, msg_id: str, secret: str = WEBHOOK_SECRET, at: float | None = None
) -> dict[str, str]:
    """Standard Webhooks headers for `body`, signed with `secret`."""
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(at if at is not None else time.time(), tz=UTC)
    signature = Webhook(secret).sign(msg_id, moment, body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def make_settings(database_url: str, standin: SlackStandIn, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": standin.url,
        "chorus_database_url": database_url,
        "chorus_webhook_secret": WEBHOOK_SECRET,
        "chorus_mode": "http",
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Workspace:
    chorus: Chorus
    standin: SlackStandIn
    slack: SlackDriver

    def receive(self, *items: dict[str, Any], webhook_id: str | None = None) -> dict[str, Any]:
        """Post mentions to the webhook handler (in-process WSGI) and deliver their cards."""
        from tests.support.wsgi import call_wsgi

        body = json.dumps({"mentions": list(items)} if len(items) != 1 else items[0])
        headers = sign_webhook(body, webhook_id or f"msg_{next(DELIVERY_IDS)}_{time.time_ns()}")
        status, reply = call_wsgi(self.chorus.web, "POST", "/webhooks/mentions", body, headers)
        assert status == 202, reply
        self.deliver()
        return reply

    def deliver(self) -> int:
        """Let the outbox worker send everything due, as its thread would."""
        return self.chorus.worker.run_pending()

    def card(self, mention_id: int) -> dict[str, Any]:
        card = views.card(self.chorus.services, mention_id)
        assert card.channel and card.ts, f"mention #{mention_id} has no card in Slack yet"
        return self.standin.message(card.channel, card.ts)

    def review_message(self, draft_id: int) -> dict[str, Any]:
        review = views.review(self.chorus.services, draft_id)
        assert review.channel and review.ts, "the draft has no review message yet"
        return self.standin.message(review.channel, review.ts)

    def open_view(self) -> dict[str, Any]:
        opened = self.standin.views()
        assert opened, "no modal is open"
        return opened[-1]


def make_workspace(
    database_url: str,
    standin: SlackStandIn,
    config_toml: str = CONFIG_TOML,
    *,
    process_before_response: bool = True,
    channel_interval: float = 0,
    **settings: Any,
) -> Workspace:
    """A Chorus on `database_url`, configured by `config_toml` (CONFIG_TOML unless given).

    Listeners run before the answer unless `process_before_response` is False, as when
    Chorus serves HTTP (then they run on Bolt's pool, after the acknowledgement)."""
    chorus = build(
        make_settings(database_url, standin, **settings),
        parse_config(config_toml),
        process_before_response=process_before_response,
        channel_interval=channel_interval,
    )
    return Workspace(chorus, standin, SlackDriver(chorus.app, standin))
