"""A fake Bluesky PDS: the XRPC methods Chorus calls, answering with recorded responses.

    with FakeBluesky() as bluesky:
        config(base_url=bluesky.url, handle=bluesky.handle, app_password_env="BSKY_PASSWORD")
        env = {"BSKY_PASSWORD": bluesky.app_password}

Signing in hands out JWTs whose DID document points back at this server (as bsky.social's
point at the account's PDS), and every other method checks the access token. Replying and
reading a reply's thread and engagement: see fake_bluesky_repo.py.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from bot.listening_config import SourceConfig
from bot.sources.bluesky import BlueskySource
from tests.support.fake_bluesky_repo import BlueskyRepo
from tests.support.fake_bluesky_shapes import POST
from tests.support.fake_network import Reply, Request, fixture

APP_PASSWORD = "k2x7-4fqa-mz3d-9wbe"
XRPC = "/xrpc/"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _jwt(did: str, scope: str, lifetime: int) -> str:
    now = int(time.time())
    payload = {
        "scope": scope,
        "sub": did,
        "iat": now,
        "exp": now + lifetime,
        "aud": "did:web:pds",
        "jti": secrets.token_hex(8),
    }
    return ".".join([_b64({"typ": "at+jwt", "alg": "ES256K"}), _b64(payload), _b64({"s": 1})])


def _sort_at(item: dict[str, Any]) -> str:
    """Bluesky sorts search results by the earlier of createdAt and indexedAt."""
    return str(min(item["record"].get("createdAt", item["indexedAt"]), item["indexedAt"]))


def _post_view(notification: dict[str, Any]) -> dict[str, Any]:
    """The post view of a post a notification carries (no counts known yet)."""
    view = {key: notification[key] for key in ("uri", "cid", "author", "record", "indexedAt")}
    counts = ("bookmarkCount", "replyCount", "repostCount", "likeCount", "quoteCount")
    return {**view, **dict.fromkeys(counts, 0), "labels": notification.get("labels", [])}


def _page(items: list[dict[str, Any]], request: Request) -> tuple[list[dict[str, Any]], str | None]:
    start = int(request.arg("cursor") or 0)
    limit = int(request.arg("limit") or 25)
    end = start + limit
    return items[start:end], (str(end) if end < len(items) else None)


class FakeBluesky(BlueskyRepo):
    def __init__(self, app_password: str = APP_PASSWORD) -> None:
        super().__init__()
        self.app_password = app_password
        self.session: dict[str, Any] = fixture("bluesky", "create_session.json")
        self.handle: str = self.session["handle"]
        self.searches: dict[str, list[dict[str, Any]]] = {
            "acme export": fixture("bluesky", "search_posts_acme_export.json")["posts"]
        }
        self.notifications: list[dict[str, Any]] = fixture("bluesky", "list_notifications.json")[
            "notifications"
        ]
        self._errors: dict[str, Any] = fixture("bluesky", "errors.json")
        self._tokens: dict[str, str] = {}

    # What happens on the network between two polls.

    def add_search_result(self, query: str, post: dict[str, Any]) -> None:
        with self._data_lock:
            self.searches.setdefault(query.lower(), []).append(post)

    def add_notification(self, notification: dict[str, Any]) -> None:
        with self._data_lock:
            self.notifications.append(notification)

    def expire_sessions(self) -> None:
        """The PDS forgets every session, as after a restart or a revoked app password."""
        with self._data_lock:
            self._tokens.clear()

    def logins(self) -> int:
        return len(self.requests_to(XRPC + "com.atproto.server.createSession"))

    def _background_posts(self) -> list[dict[str, Any]]:
        """The posts the searches and the notifications showed, as the AppView knows them."""
        with self._data_lock:
            shown = [post for posts in self.searches.values() for post in posts]
            notified = [n for n in self.notifications if n["record"].get("$type") == POST]
        return shown + [_post_view(n) for n in notified]

    # Serving.

    def error_body(self, status: int) -> Any:
        return self._errors.get(str(status), {"error": "Unknown", "message": f"HTTP {status}"})

    def route(self, request: Request) -> Reply:
        method = request.path.removeprefix(XRPC)
        if method == "com.atproto.server.createSession":
            return self._create_session(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self._data_lock:
            kind = self._tokens.get(bearer)
        if method == "com.atproto.server.refreshSession" and kind == "refresh":
            return Reply(200, self._issue())
        if kind != "access":
            return Reply(401, self._errors["missing" if not bearer else "expired"])
        return self._query(method, request)

    def _query(self, method: str, request: Request) -> Reply:
        answer = self._repo_route(method, request)
        if answer is not None:
            return answer
        if method == "app.bsky.actor.getProfile":
            return Reply(200, fixture("bluesky", "get_profile.json"))
        if method == "com.atproto.server.getSession":
            return Reply(200, {k: v for k, v in self._issue().items() if not k.endswith("Jwt")})
        if method == "app.bsky.feed.searchPosts":
            return Reply(200, self._search(request))
        if method == "app.bsky.notification.listNotifications":
            return Reply(200, self._notifications(request))
        return Reply(501, self._errors["unknown_method"])

    def _create_session(self, request: Request) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        who = str(body.get("identifier", "")).lower()
        if (
            who not in (self.handle, self.session["did"])
            or body.get("password") != self.app_password
        ):
            return Reply(401, self._errors["401"])
        return Reply(200, self._issue())

    def _issue(self) -> dict[str, Any]:
        did = self.session["did"]
        access = _jwt(did, "com.atproto.appPass", 2 * 3600)
        refresh = _jwt(did, "com.atproto.refresh", 90 * 86400)
        with self._data_lock:
            self._tokens.update({access: "access", refresh: "refresh"})
        text = json.dumps(self.session).replace("{pds}", self.url)
        return {**json.loads(text), "accessJwt": access, "refreshJwt": refresh}

    def _search(self, request: Request) -> dict[str, Any]:
        since = request.arg("since") or ""
        with self._data_lock:
            posts = self.searches.get((request.arg("q") or "").lower(), [])
            hits = sorted((p for p in posts if _sort_at(p) >= since), key=_sort_at, reverse=True)
        page, cursor = _page(hits, request)
        return {"posts": page, "hitsTotal": len(hits), **({"cursor": cursor} if cursor else {})}

    def _notifications(self, request: Request) -> dict[str, Any]:
        reasons = request.query.get("reasons")
        with self._data_lock:
            kept = [n for n in self.notifications if not reasons or n["reason"] in reasons]
        kept.sort(key=lambda n: n["indexedAt"], reverse=True)
        page, cursor = _page(kept, request)
        return {"notifications": page, "priority": False, **({"cursor": cursor} if cursor else {})}


def bluesky_source(
    server: FakeBluesky, env: dict[str, str] | None = None, **settings: Any
) -> BlueskySource:
    """The brand's Bluesky source pointed at `server`: its mentions and "acme export"."""
    values: dict[str, Any] = {
        "name": "brand-on-bluesky",
        "kind": "bluesky",
        "base_url": server.url,
        "handle": server.handle,
        "app_password_env": "BSKY_APP_PASSWORD",
        "search_terms": ["acme export"],
        **settings,
    }
    env = {"BSKY_APP_PASSWORD": server.app_password} if env is None else env
    return BlueskySource(SourceConfig(**values), env)
