"""The webhook endpoints as the security tests call them: the mention webhook, a
[[webhooks]] mapping (Earshot's JSON) and the engagement webhook, each with a valid body and
what must exist before it can act (a reply posted by hand, for the engagement webhook)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.workspace import ANA, LEAD, Workspace, mention

EARSHOT = """
[[webhooks]]
name = "earshot"
network = "review"
items = "data.results"

[webhooks.fields]
external_id = "id"
text = "body"
"author.handle" = "user.username"
"""
OTHER_SECRET = "whsec_" + base64.b64encode(b"a-secret-chorus-was-never-given!").decode()
LIVE = "https://www.linkedin.com/feed/update/7001"


@dataclass(frozen=True)
class Endpoint:
    path: str
    body: str
    prepare: Callable[[Workspace], None] = lambda ws: None


def posted_by_hand(ws: Workspace) -> None:
    """A LinkedIn mention answered by Ana and marked as posted at LIVE."""
    ws.receive(mention(network="linkedin", external_id="li-1", url=LIVE.replace("7001", "1")))
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! It works again."}, ANA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": LIVE}, ANA)
    ws.deliver()


EARSHOT_PAYLOAD = {
    "event": "mentions.found",
    "data": {"results": [{"id": "es-1", "body": "Two stars.", "user": {"username": "gus"}}]},
}
ENDPOINTS = {
    "mentions": Endpoint("/webhooks/mentions", json.dumps(mention())),
    "mapping": Endpoint("/webhooks/mentions/earshot", json.dumps(EARSHOT_PAYLOAD)),
    "engagement": Endpoint(
        "/webhooks/engagement", json.dumps({"url": LIVE, "likes": 4}), posted_by_hand
    ),
}
