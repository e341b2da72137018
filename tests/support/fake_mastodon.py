"""A fake Mastodon server: the REST endpoints Chorus reads, answering with recorded responses.

    with FakeMastodon() as mastodon:
        source = MastodonSource(config(base_url=mastodon.url), {"MASTODON_TOKEN": mastodon.token})
        mastodon.add_notification(fixture("mastodon", "new_mention.json"))
        mastodon.fail("/api/v1/notifications", 429, {"X-RateLimit-Reset": "..."})

Lists are kept newest first and honour since_id, min_id, max_id and limit as Mastodon does.
Posting replies and reading their threads and engagement: see fake_mastodon_statuses.py.
"""

from __future__ import annotations

from typing import Any

from bot.listening_config import SourceConfig
from bot.sources.mastodon import MastodonSource
from tests.support.fake_mastodon_shapes import ok
from tests.support.fake_mastodon_statuses import MastodonStatuses
from tests.support.fake_network import Reply, Request, fixture

TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
PUBLIC = ("/api/v1/instance", "/api/v2/instance")
TAG_PREFIX = "/api/v1/timelines/tag/"


def _id_key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (len(text), text)


def _window(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """Mastodon's paging: newest first, after since_id/min_id, before max_id, at most limit."""
    since = request.arg("since_id") or request.arg("min_id")
    before = request.arg("max_id")
    chosen = [
        item
        for item in sorted(items, key=lambda item: _id_key(item["id"]), reverse=True)
        if (since is None or _id_key(item["id"]) > _id_key(since))
        and (before is None or _id_key(item["id"]) < _id_key(before))
    ]
    limit = min(int(request.arg("limit") or 20), 40)
    if request.arg("min_id") and not request.arg("since_id"):
        return chosen[-limit:]  # min_id pages forward: the oldest page just after it
    return chosen[:limit]


class FakeMastodon(MastodonStatuses):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.notifications: list[dict[str, Any]] = fixture("mastodon", "notifications.json")
        self.tags: dict[str, list[dict[str, Any]]] = {
            "acme": fixture("mastodon", "timeline_tag_acme.json")
        }
        self.searches: dict[str, list[dict[str, Any]]] = {
            "acme export": fixture("mastodon", "search_acme_export.json")["statuses"]
        }
        self._errors: dict[str, Any] = fixture("mastodon", "errors.json")

    # What happens on the network between two polls.

    def add_notification(self, notification: dict[str, Any]) -> None:
        with self._data_lock:
            self.notifications.append(notification)

    def add_to_tag(self, tag: str, status: dict[str, Any]) -> None:
        with self._data_lock:
            self.tags.setdefault(tag.lower(), []).append(status)

    def add_search_result(self, query: str, status: dict[str, Any]) -> None:
        with self._data_lock:
            self.searches.setdefault(query.lower(), []).append(status)

    def _background_statuses(self) -> list[dict[str, Any]]:
        """The statuses the notifications, hashtags and searches showed (and what they boost)."""
        with self._data_lock:
            shown = [n["status"] for n in self.notifications if n.get("status")]
            for statuses in [*self.tags.values(), *self.searches.values()]:
                shown += statuses
        return shown + [status["reblog"] for status in shown if status.get("reblog")]

    # Serving.

    def error_body(self, status: int) -> Any:
        return self._errors.get(str(status), {"error": f"HTTP {status}"})

    def route(self, request: Request) -> Reply:
        path = request.path
        if path in PUBLIC:
            return ok(fixture("mastodon", f"instance_{path.split('/')[2]}.json"))
        if path.startswith(TAG_PREFIX):
            tag = path.removeprefix(TAG_PREFIX).lower()
            with self._data_lock:
                return ok(_window(self.tags.get(tag, []), request))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Reply(401, self.error_body(401))
        return self._private(request)

    def _private(self, request: Request) -> Reply:
        answer = self._statuses_route(request)
        if answer is None and request.path == "/api/v2/search":
            answer = self._search_url(request)  # a status's URL; other queries are text below
        if answer is not None:
            return answer
        with self._data_lock:
            if request.path == "/api/v1/accounts/verify_credentials":
                return ok(fixture("mastodon", "verify_credentials.json"))
            if request.path == "/api/v1/notifications":
                types = request.query.get("types[]")
                kept = [n for n in self.notifications if not types or n["type"] in types]
                return ok(_window(kept, request))
            if request.path == "/api/v2/search":
                statuses = self.searches.get((request.arg("q") or "").lower(), [])
                limit = min(int(request.arg("limit") or 20), 40)
                return ok({"accounts": [], "statuses": statuses[:limit], "hashtags": []})
        return Reply(404, self.error_body(404))


def mastodon_source(
    server: FakeMastodon, env: dict[str, str] | None = None, **settings: Any
) -> MastodonSource:
    """The brand's Mastodon source pointed at `server`: mentions, #acme and "acme export"."""
    values: dict[str, Any] = {
        "name": "brand-on-mastodon",
        "kind": "mastodon",
        "base_url": server.url,
        "access_token_env": "MASTODON_TOKEN",
        "hashtags": ["acme"],
        "search_terms": ["acme export"],
        **settings,
    }
    env = {"MASTODON_TOKEN": server.token} if env is None else env
    return MastodonSource(SourceConfig(**values), env)
