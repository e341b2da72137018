"""/slack/events over real HTTP: only a request Slack signed, within five minutes, acts.

Four kinds of request (a slash command, a button click, a modal submission, an Events API
event) meet every forgery of their signature. Each forgery is answered 401 with no word of a
secret, stores nothing and makes Chorus call Slack for nothing (no card update, no ephemeral,
no response_url, no modal). tests/web/test_webhook_http.py has the first three cases for one
command; replays outside the window are in test_replay_window.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from storage.models import DraftRow, EventRow, SlackEventRow
from tests.security.probes import assert_names_no_secret, changes, footprint
from tests.security.slack_requests import FORM, SURFACES, SlackRequest, chorus_help
from tests.support.http_server import HttpClient, HttpReply, serving
from tests.support.slack import SIGNING_SECRET, signed_headers
from tests.support.workspace import Workspace

Forgery = Callable[[SlackRequest], tuple[str, dict[str, str]]]


@pytest.fixture
def ws(any_workspace: Workspace) -> Workspace:
    return any_workspace


@pytest.fixture
def http(ws: Workspace) -> Iterator[HttpClient]:
    with serving(ws.chorus.web) as client:
        yield client


def send(http: HttpClient, body: str, headers: dict[str, str]) -> HttpReply:
    return http.post("/slack/events", body.encode(), headers)


# -- the forgeries --------------------------------------------------------------------------


def unsigned(req: SlackRequest) -> tuple[str, dict[str, str]]:
    return req.body, {"content-type": req.content_type}


def without(header: str) -> Forgery:
    def forge(req: SlackRequest) -> tuple[str, dict[str, str]]:
        headers = req.headers()
        del headers[header]
        return req.body, headers

    return forge


def signed_with(secret: str) -> Forgery:
    return lambda req: (req.body, req.headers(secret=secret))


def signed_at(offset_seconds: int) -> Forgery:
    return lambda req: (req.body, req.headers(timestamp=int(time.time()) + offset_seconds))


def signature_as(rewrite: Callable[[str], str]) -> Forgery:
    """The right signature, written another way: another version, no version, upper case."""

    def forge(req: SlackRequest) -> tuple[str, dict[str, str]]:
        headers = req.headers()
        headers["x-slack-signature"] = rewrite(headers["x-slack-signature"])
        return req.body, headers

    return forge


def timestamp_as(value: str) -> Forgery:
    def forge(req: SlackRequest) -> tuple[str, dict[str, str]]:
        return req.body, {**req.headers(), "x-slack-request-timestamp": value}

    return forge


def timestamp_moved_after_signing(req: SlackRequest) -> tuple[str, dict[str, str]]:
    headers = req.headers()
    moved = int(headers["x-slack-request-timestamp"]) - 1
    return req.body, {**headers, "x-slack-request-timestamp": str(moved)}


def tampered(req: SlackRequest) -> tuple[str, dict[str, str]]:
    """Signed as captured, then the body changed: someone else acts, or acts on another."""
    body = req.body.replace("U0BEN", "U0MANAGER").replace("U0ANA", "U0MANAGER")
    assert body != req.body
    return body, req.headers()


def signature_of_another_body(req: SlackRequest) -> tuple[str, dict[str, str]]:
    other = chorus_help()
    return req.body, {**other.headers(), "content-type": req.content_type}


def body_with_a_byte_added(req: SlackRequest) -> tuple[str, dict[str, str]]:
    return req.body + " ", req.headers()


FORGERIES: dict[str, Forgery] = {
    "no signature headers": unsigned,
    "no x-slack-signature": without("x-slack-signature"),
    "no x-slack-request-timestamp": without("x-slack-request-timestamp"),
    "wrong secret": signed_with("not-the-signing-secret-slack-gave-us"),
    "signed 6 minutes ago": signed_at(-360),
    "signed 6 minutes ahead": signed_at(+360),
    "version v1": signature_as(lambda s: "v1=" + s.removeprefix("v0=")),
    "version v00": signature_as(lambda s: "v00=" + s.removeprefix("v0=")),
    "no version": signature_as(lambda s: s.removeprefix("v0=")),
    "upper-case hex": signature_as(lambda s: "v0=" + s.removeprefix("v0=").upper()),
    "two signatures": signature_as(lambda s: f"{s} {s}"),
    "signature cut short": signature_as(lambda s: s[:-2]),
    "non-ASCII signature": signature_as(lambda s: s[:-1] + "é"),
    "timestamp changed after signing": timestamp_moved_after_signing,
    "timestamp not a number": timestamp_as("soon"),
    "timestamp in exponent form": timestamp_as("1.7e9"),
    "timestamp of 5000 digits": timestamp_as("9" * 5000),
    "tampered body": tampered,
    "signature of another body": signature_of_another_body,
    "a byte added to the body": body_with_a_byte_added,
}


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("surface", SURFACES)
def test_a_forged_request_is_refused_and_changes_nothing(
    ws: Workspace, http: HttpClient, surface: str, forgery: str
) -> None:
    request = SURFACES[surface](ws)
    body, headers = FORGERIES[forgery](request)
    before = footprint(ws)

    reply = send(http, body, headers)

    assert reply.status == 401, reply.body
    assert reply.json() == {"error": "invalid request"}
    assert_names_no_secret(reply.body)
    assert changes(before, footprint(ws)) == {}


@pytest.mark.parametrize("surface", SURFACES)
def test_the_same_request_correctly_signed_acts(
    ws: Workspace, http: HttpClient, surface: str
) -> None:
    request = SURFACES[surface](ws)
    before = footprint(ws)

    reply = send(http, request.body, request.headers())

    assert reply.status == 200, reply.body
    assert changes(before, footprint(ws)) != {}


# -- bodies Bolt could not read -------------------------------------------------------------

UNREADABLE = [
    ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    ("payload=%5B1%5D", "application/x-www-form-urlencoded"),
    ("payload=null", "application/x-www-form-urlencoded"),
    ("{not json", "application/json"),
    ('["a", "list"]', "application/json"),
    ('"a string"', "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), UNREADABLE)
def test_an_unsigned_unreadable_body_is_a_401_not_a_crash(
    ws: Workspace, http: HttpClient, body: str, content_type: str
) -> None:
    before = footprint(ws)

    reply = send(http, body, {"content-type": content_type})

    assert reply.status == 401
    assert changes(before, footprint(ws)) == {}


@pytest.mark.parametrize(("body", "content_type"), UNREADABLE)
def test_a_signed_unreadable_body_is_a_400_that_says_why(
    ws: Workspace, http: HttpClient, body: str, content_type: str
) -> None:
    before = footprint(ws)

    reply = send(http, body, {**signed_headers(body), "content-type": content_type})

    assert reply.status == 400
    assert "JSON" in reply.json()["error"]
    assert changes(before, footprint(ws)) == {}


def test_a_body_that_is_not_utf8_is_refused_whether_signed_or_not(
    ws: Workspace, http: HttpClient
) -> None:
    before = footprint(ws)
    raw = b"command=%2Fclaim&text=\xff\xfe"
    form = {"content-type": FORM}

    unsigned_reply = http.post("/slack/events", raw, form)
    signed_reply = http.post("/slack/events", raw, {**sign_bytes(raw), **form})

    assert unsigned_reply.status == 401
    assert signed_reply.status == 400
    assert signed_reply.json() == {"error": "the body is not UTF-8 text"}
    assert changes(before, footprint(ws)) == {}


def sign_bytes(raw: bytes) -> dict[str, str]:
    """Slack's v0 signature of these exact bytes (signed_headers signs text)."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + raw
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": timestamp, "x-slack-signature": f"v0={digest}"}


def test_slacks_ssl_check_is_answered_and_acts_on_nothing(ws: Workspace, http: HttpClient) -> None:
    before = footprint(ws)

    reply = send(
        http, "ssl_check=1&token=unused", {"content-type": "application/x-www-form-urlencoded"}
    )

    assert reply.status == 200 and reply.body == b""
    assert changes(before, footprint(ws)) == {}


def test_only_post_reaches_slack_events_and_not_too_much_of_it(
    ws: Workspace, http: HttpClient
) -> None:
    huge = "text=" + "x" * (2 * 1024 * 1024)

    assert http.get("/slack/events").status == 405
    assert send(http, huge, {**signed_headers(huge), "content-type": FORM}).status == 413


# -- replays inside the window ----------------------------------------------------------------


def count(ws: Workspace, model: type, *where: object) -> int:
    with ws.chorus.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_replayed_event_acts_once(ws: Workspace, http: HttpClient) -> None:
    request = SURFACES["event"](ws)
    headers = request.headers()

    first, again = send(http, request.body, headers), send(http, request.body, headers)

    assert (first.status, again.status) == (200, 200)
    assert count(ws, SlackEventRow) == 1
    assert ws.standin.methods().count("views.publish") == 1


@pytest.mark.parametrize("surface", ["command", "block action"])
def test_a_replayed_claim_claims_once_and_the_replay_is_told_so(
    ws: Workspace, http: HttpClient, surface: str
) -> None:
    request = SURFACES[surface](ws)
    headers = request.headers()

    first, again = send(http, request.body, headers), send(http, request.body, headers)

    assert (first.status, again.status) == (200, 200)
    assert count(ws, EventRow, EventRow.kind == "claim") == 1
    assert "already claimed" in json.dumps(ws.standin.ephemerals("U0BEN")[-1])


def test_a_replayed_draft_submission_keeps_one_draft(ws: Workspace, http: HttpClient) -> None:
    request = SURFACES["view submission"](ws)
    headers = request.headers()

    first, again = send(http, request.body, headers), send(http, request.body, headers)

    assert (first.status, again.status) == (200, 200)
    assert count(ws, DraftRow) == 1


def test_the_signing_secret_is_never_in_an_answer(ws: Workspace, http: HttpClient) -> None:
    request = SURFACES["command"](ws)
    for forge in FORGERIES.values():
        body, headers = forge(request)
        assert_names_no_secret(send(http, body, headers).body)
    assert_names_no_secret(send(http, request.body, request.headers(SIGNING_SECRET)).body)
