"""Every webhook endpoint over real HTTP: the mention webhook, a [[webhooks]] mapping and the
engagement webhook accept only a Standard Webhooks signature made with CHORUS_WEBHOOK_SECRET
within five minutes, and each delivery id once.

Each forgery is answered 401 ("signature rejected: …", never a secret), stores nothing and
makes Chorus call Slack for nothing. A correctly signed copy of each request does act, so
the refusals are the signature's doing. The engagement webhook is tried on a reply posted by
hand, which a valid report would update.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from bot.standin import SlackStandIn
from tests.security.probes import assert_names_no_secret, changes, footprint
from tests.security.webhook_requests import EARSHOT, ENDPOINTS, OTHER_SECRET, Endpoint
from tests.support.http_server import HttpClient, HttpReply, serving
from tests.support.listening_workspace import workspace_with
from tests.support.workspace import Workspace, mention, sign_webhook


@pytest.fixture
def ws(database_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    with workspace_with(EARSHOT, database_url, standin) as workspace:
        yield workspace


@pytest.fixture
def http(ws: Workspace) -> Iterator[HttpClient]:
    with serving(ws.chorus.web) as client:
        yield client


_ids = iter(range(1, 1_000_000))


def new_id() -> str:
    return f"msg_security_{next(_ids)}"


Headers = dict[str, str]
Forgery = Callable[[str], tuple[str, Headers]]


def signed(body: str, **signing: object) -> Headers:
    return sign_webhook(body, str(signing.pop("msg_id", new_id())), **signing)  # type: ignore[arg-type]


def without(header: str) -> Forgery:
    def forge(body: str) -> tuple[str, Headers]:
        headers = signed(body)
        del headers[header]
        return body, headers

    return forge


def header_as(name: str, rewrite: Callable[[str], str]) -> Forgery:
    def forge(body: str) -> tuple[str, Headers]:
        headers = signed(body)
        return body, {**headers, name: rewrite(headers[name])}

    return forge


def signature_version(version: str) -> Forgery:
    return header_as("webhook-signature", lambda s: version + s.removeprefix("v1,"))


def at(offset_seconds: int) -> Forgery:
    return lambda body: (body, signed(body, at=time.time() + offset_seconds))


def tampered(body: str) -> tuple[str, Headers]:
    return body.replace("}", ', "injected": true}', 1), signed(body)


def signature_of_another_body(body: str) -> tuple[str, Headers]:
    return body, signed(json.dumps(mention("another-post")))


FORGERIES: dict[str, Forgery] = {
    "no signature headers": lambda body: (body, {"content-type": "application/json"}),
    "no webhook-id": without("webhook-id"),
    "no webhook-timestamp": without("webhook-timestamp"),
    "no webhook-signature": without("webhook-signature"),
    "wrong secret": lambda body: (body, signed(body, secret=OTHER_SECRET)),
    "signed 6 minutes ago": at(-360),
    "signed 6 minutes ahead": at(+360),
    "tampered body": tampered,
    "signature of another body": signature_of_another_body,
    "a new webhook-id on a captured signature": header_as("webhook-id", lambda _: new_id()),
    "timestamp moved after signing": header_as("webhook-timestamp", lambda t: str(int(t) - 1)),
    "timestamp not a number": header_as("webhook-timestamp", lambda _: "soon"),
    "timestamp infinite": header_as("webhook-timestamp", lambda _: "inf"),
    "timestamp NaN": header_as("webhook-timestamp", lambda _: "nan"),
    "timestamp 1e400": header_as("webhook-timestamp", lambda _: "1e400"),
    "version v2": signature_version("v2,"),
    "version v1a": signature_version("v1a,"),
    "no version": signature_version(""),
    "signature not base64": header_as("webhook-signature", lambda _: "v1,not base64!!"),
    "non-ASCII signature": header_as("webhook-signature", lambda s: s[:-2] + "é="),
    "empty signature": header_as("webhook-signature", lambda _: "v1,"),
}


def post(http: HttpClient, endpoint: Endpoint, body: str, headers: Headers) -> HttpReply:
    return http.post(endpoint.path, body.encode(), headers)


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_forged_delivery_is_refused_and_changes_nothing(
    ws: Workspace, http: HttpClient, name: str, forgery: str
) -> None:
    endpoint = ENDPOINTS[name]
    endpoint.prepare(ws)
    body, headers = FORGERIES[forgery](endpoint.body)
    before = footprint(ws)

    reply = post(http, endpoint, body, headers)
    ws.deliver()

    assert reply.status == 401, reply.body
    assert reply.json()["error"].startswith("signature rejected")
    assert_names_no_secret(reply.body)
    assert changes(before, footprint(ws)) == {}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_delivery_replayed_with_its_id_is_accepted_once_and_stored_once(
    ws: Workspace, http: HttpClient, name: str
) -> None:
    endpoint = ENDPOINTS[name]
    endpoint.prepare(ws)
    headers = signed(endpoint.body)
    before = footprint(ws)

    first = post(http, endpoint, endpoint.body, headers)
    ws.deliver()
    after_first = footprint(ws)
    replay = post(http, endpoint, endpoint.body, headers)
    ws.deliver()

    assert (first.status, replay.status) == (202, 202), (first.body, replay.body)
    assert changes(before, after_first) != {}, "a valid delivery acts"
    assert changes(after_first, footprint(ws)) == {}, "its replay does not"
    assert replay.json() in ({"accepted": 0, "duplicates": 1}, {"updated": 0, "duplicate": True})


@pytest.mark.parametrize("name", ENDPOINTS)
def test_without_a_webhook_secret_every_endpoint_is_off(
    database_url: str, standin: SlackStandIn, name: str
) -> None:
    from tests.support.workspace import make_workspace

    endpoint = ENDPOINTS[name]
    unsecured = make_workspace(database_url, standin, chorus_webhook_secret=None)
    try:
        with serving(unsecured.chorus.web) as http:
            reply = post(http, endpoint, endpoint.body, signed(endpoint.body))
        assert reply.status == 503
        assert "CHORUS_WEBHOOK_SECRET" in reply.json()["error"]
    finally:
        unsecured.chorus.services.sessions.kw["bind"].dispose()
