"""One hostile string taken through every surface of Chorus, through the real app.

`tell_the_whole_story` puts the string in every field a customer or a colleague fills, then
makes Chorus draw everything it draws from them: the card (received, claimed, in review,
sent back, approved, answered, dismissed), the draft, revise, note, mark-as-posted, dismiss,
pitch, decline and log modals, the review message and the notes in the card's thread, the
author's DMs, the idea card, the App Home of the author, a lead and the manager, a digest,
`/mentions`, `/chorus customer`. Everything Chorus sent Slack is then in the stand-in's
transcript, and every answer Bolt gave in `RecordingDriver.responses`.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from slack_bolt import BoltResponse

from bot.services import views
from tests.support.slack import SlackDriver
from tests.support.workspace import ANA, LEAD, MANAGER, Workspace, mention

IDS = itertools.count()
INPUT_LIMIT = 3000  # what Slack lets anyone type into one input


class RecordingDriver(SlackDriver):
    """A SlackDriver that keeps every answer the app gave (acks, modal errors, updates)."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws.chorus.app, ws.standin)
        self.responses: list[BoltResponse] = []

    def send(self, form: dict[str, str]) -> BoltResponse:
        response = super().send(form)
        self.responses.append(response)
        return response


def hostile_mention(external_id: str, hostile: str, url_like: bool) -> dict[str, Any]:
    """The mention object with `hostile` in every field that takes free text (cut to the
    webhook's limits), and in its URLs when it looks like one."""
    author: dict[str, Any] = {
        "handle": hostile.strip()[:300] or "someone",
        "name": hostile[:300],
        "followers": 7,
    }
    extra: dict[str, Any] = {"source": hostile[:100], "network": "reddit"}
    if url_like:
        author["url"] = hostile
        extra["url"] = hostile
    # "refund" routes it to Customer Support, whose lead reviews.
    return mention(external_id, f"{hostile}\n\nrefund", author=author, **extra)


def receive(ws: Workspace, post: dict[str, Any]) -> int:
    """Send the post to the webhook; a URL the webhook refuses is dropped and sent again."""
    from tests.support.workspace import sign_webhook
    from tests.support.wsgi import call_wsgi

    body = json.dumps(post)
    status, reply = call_wsgi(
        ws.chorus.web, "POST", "/webhooks/mentions", body, sign_webhook(body, f"msg_{next(IDS)}")
    )
    if status == 400:
        refused = {error["field"] for error in reply["errors"]}
        assert refused <= {"url", "author.url"}, reply
        post = {**post, "author": {k: v for k, v in post["author"].items() if k != "url"}}
        post.pop("url", None)
        return receive(ws, post)
    assert status == 202 and reply["accepted"] == 1, reply
    ws.deliver()
    return views.mention_list(ws.chorus.services, "open", ANA)[1][-1].mention.id


def draft_answered(ws: Workspace, number: int, hostile: str) -> None:
    """Ana drafts `hostile`; the lead sends it back with `hostile`; she revises; the manager
    approves; she marks it as posted."""
    text = hostile[:INPUT_LIMIT]
    ws.slack.click(ws.card(number), "Claim", ANA)
    ws.slack.click(ws.card(number), "Draft reply", ANA)
    submit_draft(ws, text)
    review = views.card(ws.chorus.services, number).draft
    assert review is not None
    ws.slack.click(ws.review_message(review.id), "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": text}, LEAD)
    ws.deliver()
    ws.slack.click(ws.standin.messages(f"D{ANA}")[-1], "Revise draft", ANA)
    submit_draft(ws, text + " v2")
    revised = views.card(ws.chorus.services, number).draft
    assert revised is not None and revised.version == 2
    ws.slack.click(ws.review_message(revised.id), "Approve", MANAGER)
    ws.deliver()
    ws.slack.click(ws.review_message(revised.id), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://reddit.example/r/acme/1"}, ANA)
    ws.deliver()


def submit_draft(ws: Workspace, text: str) -> None:
    response = ws.slack.submit(ws.open_view(), {"reply": text}, ANA)
    if response.body:  # the policy or the length limit sent it back: keep a safe draft
        assert json.loads(response.body)["response_action"] == "errors", response.body
        ws.slack.submit(ws.open_view(), {"reply": "Thanks, we are on it."}, ANA)
    ws.deliver()


def dismissed(ws: Workspace, number: int, hostile: str) -> None:
    ws.slack.click(ws.card(number), "Dismiss", LEAD)
    ws.slack.submit(ws.open_view(), {"reason": {"option": "other"}, "note": hostile[:150]}, LEAD)
    ws.deliver()


def idea_declined(ws: Workspace, hostile: str) -> None:
    ws.slack.command("/chorus", "idea", ANA)
    pitch = {
        "idea_title": hostile[:150],
        "idea_pitch": hostile[:1900],  # pitches stay under 2000 characters
        "department": {"option": "support"},
        "idea_network": {"option": "mastodon"},
        "idea_link": "",
    }
    ws.slack.submit(ws.open_view(), pitch, ANA)
    ws.deliver()
    [card] = [m for m in ws.standin.messages("C0SOCIAL") if m.get("blocks")][-1:]
    ws.slack.click(card, "Decline", LEAD)
    ws.slack.submit(ws.open_view(), {"note": hostile[:INPUT_LIMIT]}, LEAD)
    ws.deliver()


def logged_from_a_message(ws: Workspace, hostile: str) -> None:
    """ "Log as customer mention" on a message that says `hostile`: the modal quotes it."""
    payload = {
        "type": "message_action",
        "callback_id": "log_customer_mention",
        "trigger_id": ws.slack.trigger_id(),
        "team": {"id": "T0CHORUS"},
        "user": {"id": ANA, "username": "ana"},
        "channel": {"id": "C0RANDOM", "name": "random"},
        "message_ts": "1763899000.000200",
        "message": {"type": "message", "user": "U0SOMEONE", "ts": "1", "text": hostile},
        "response_url": ws.standin.response_url("log", channel="C0RANDOM", user=ANA),
    }
    ws.slack.send({"payload": json.dumps(payload)})


def tell_the_whole_story(ws: Workspace, hostile: str, url_like: bool) -> RecordingDriver:
    driver = RecordingDriver(ws)
    ws.slack = driver
    answered = receive(ws, hostile_mention("sec-answered", hostile, url_like))
    left_open = receive(ws, hostile_mention("sec-open", hostile + " (2)", url_like))
    ws.slack.command("/mentions", "open", ANA)
    ws.slack.command("/chorus", f"customer {hostile.split()[0] if hostile.split() else 'x'}", ANA)
    draft_answered(ws, answered, hostile)
    dismissed(ws, left_open, hostile)
    idea_declined(ws, hostile)
    logged_from_a_message(ws, hostile)
    ws.slack.command("/chorus", "digest support this", MANAGER)
    for person in (ANA, LEAD, MANAGER):
        ws.slack.open_home(person)
    ws.deliver()
    return driver
