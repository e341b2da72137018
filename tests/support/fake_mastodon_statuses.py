"""The statuses of the fake Mastodon: posting a reply (with Idempotency-Key), reading a status,
its thread and its engagement, and resolving a status's URL, as Mastodon 4 answers them.

    status = mastodon.customer_status()             # the customer's post the brand answers
    ...the connector posts its reply with Mastodon.py...
    [reply] = mastodon.posted
    mastodon.set_counts(reply["status"]["id"], favourites=3)
    mastodon.reply_as_customer(reply["status"]["id"], "@acme thanks, it works now!")
"""

from __future__ import annotations

import copy
import re
import threading
import time
from typing import Any

from tests.support.fake_mastodon_shapes import (
    MAX_CHARS,
    countable_length,
    customer_account,
    now,
    ok,
    render,
    unprocessable,
)
from tests.support.fake_network import FakeNetwork, Reply, Request, fixture

STATUS_PATH = re.compile(r"/api/v1/statuses/(?P<id>[^/]+)(?P<context>/context)?")
CUSTOMER_ACCT = "ana@social.example"
CUSTOMER_TEXT = "@acme my export keeps failing since yesterday, can someone help?"
OWNER_ONLY = ("source", "role")  # what verify_credentials adds to the public account


def _number(status_id: str) -> int:
    return int(status_id) if status_id.isdigit() else 0


def _age(status: dict[str, Any]) -> tuple[int, str]:
    return (len(status["id"]), status["id"])


class MastodonStatuses(FakeNetwork):
    """Statuses by id, with the brand's posts through POST /api/v1/statuses in `posted`."""

    def __init__(self) -> None:
        super().__init__()
        self._data_lock = threading.RLock()
        account = fixture("mastodon", "verify_credentials.json")
        self.brand: dict[str, Any] = {k: v for k, v in account.items() if k not in OWNER_ONLY}
        self._statuses: dict[str, dict[str, Any]] = {}
        self._gone: set[str] = set()  # deleted: the timelines' copies don't bring them back
        self._posted: list[dict[str, Any]] = []
        self._idempotent: dict[tuple[str, str], str] = {}  # (token, key) -> status id
        self._last_id = 0

    # What happens on the network: the customer's side, and the engagement our reply gets.

    def add_status(self, status: dict[str, Any]) -> dict[str, Any]:
        """Make `status` known (replacing one with its id); a new reply counts on its parent."""
        with self._data_lock:
            return copy.deepcopy(self._keep(copy.deepcopy(status)))

    def customer_status(
        self, id: str = "109412", text: str = CUSTOMER_TEXT, acct: str = CUSTOMER_ACCT
    ) -> dict[str, Any]:
        """The customer's post (customer_status.json with this id, text and author), now known."""
        with self._data_lock:
            status = self._customer(id, text, acct, None)
            status["created_at"] = fixture("mastodon", "customer_status.json")["created_at"]
            return copy.deepcopy(self._keep(status))

    def reply_as_customer(self, to_id: str, text: str, acct: str = CUSTOMER_ACCT) -> dict[str, Any]:
        """The customer answers status `to_id`: it joins the thread and the replies count."""
        with self._data_lock:
            parent = self._known()[to_id]
            return copy.deepcopy(self._keep(self._customer(self._new_id(), text, acct, parent)))

    def set_counts(
        self,
        status_id: str,
        favourites: int | None = None,
        reblogs: int | None = None,
        replies: int | None = None,
        quotes: int | None = None,
    ) -> None:
        """Set the engagement counts of a known status (the ones given)."""
        counts = {"favourites": favourites, "reblogs": reblogs, "replies": replies}
        with self._data_lock:
            status = self._known()[status_id]
            for name, value in {**counts, "quotes": quotes}.items():
                if value is not None:
                    status[f"{name}_count"] = value

    def delete_status(self, status_id: str) -> None:
        """The status's author deletes it: 404 from now on, one reply fewer on its parent."""
        with self._data_lock:
            self._forget(status_id)

    @property
    def posted(self) -> list[dict[str, Any]]:
        """The statuses POST /api/v1/statuses made: {status (now), params, idempotency_key}."""
        with self._data_lock:
            return [self._posted_now(entry) for entry in self._posted]

    # Serving.

    def _statuses_route(self, request: Request) -> Reply | None:
        """The answer for a statuses endpoint, or None when `request` is for another one."""
        if request.method == "POST" and request.path == "/api/v1/statuses":
            return self._post(request)
        found = STATUS_PATH.fullmatch(request.path)
        if found is None or request.method not in ("GET", "DELETE"):
            return None
        with self._data_lock:
            status = self._known().get(found["id"])
            if status is None:
                return Reply(404, self.error_body(404))
            if request.method == "DELETE":
                return self._delete(status, found["context"])
            if found["context"]:
                return ok(self._context(status))
            return ok(copy.deepcopy(status))

    def _search_url(self, request: Request) -> Reply | None:
        """A status found by its URL or URI (search with resolve), or None for other queries."""
        q, kind = request.arg("q") or "", request.arg("type")
        if request.arg("resolve") not in ("true", "1") or kind not in (None, "statuses"):
            return None
        with self._data_lock:
            hits = [s for s in self._known().values() if q in (s["url"], s["uri"])]
            if not hits:
                return None
            return ok({"accounts": [], "statuses": copy.deepcopy(hits), "hashtags": []})

    def _post(self, request: Request) -> Reply:
        params: dict[str, Any] = request.body if isinstance(request.body, dict) else {}
        key = request.headers.get("idempotency-key")
        token = request.headers.get("authorization", "")
        with self._data_lock:
            parent_id = params.get("in_reply_to_id") or None
            if parent_id is not None and parent_id not in self._known():
                return Reply(404, self.error_body(404))  # Mastodon looks the thread up first
            earlier = self._idempotent.get((token, key)) if key else None
            if earlier in self._statuses:
                return ok(copy.deepcopy(self._statuses[earlier]))
            text = str(params.get("status") or "")
            if not text.strip():
                return unprocessable("Text can't be blank")
            if countable_length(text, str(params.get("spoiler_text") or "")) > MAX_CHARS:
                return unprocessable(f"Text character limit of {MAX_CHARS} exceeded")
            status = self._keep(self._brand_status(params, text))
            if key:
                self._idempotent[(token, key)] = status["id"]
            self._posted.append({"status": status, "params": params, "idempotency_key": key})
            return ok(copy.deepcopy(status))

    def _delete(self, status: dict[str, Any], context: str | None) -> Reply:
        if context or status["account"]["id"] != self.brand["id"]:
            return Reply(404, self.error_body(404))  # one deletes only one's own statuses
        self._forget(status["id"])
        sources = {entry["status"]["id"]: entry["params"] for entry in self._posted}
        text = sources.get(status["id"], {}).get("status", "")
        return ok({**status, "text": text})  # the source, for "delete and redraft"

    def _context(self, status: dict[str, Any]) -> dict[str, Any]:
        ancestors: list[dict[str, Any]] = []
        parent = self._statuses.get(status["in_reply_to_id"] or "")
        while parent is not None:
            ancestors.insert(0, parent)
            parent = self._statuses.get(parent["in_reply_to_id"] or "")
        children: dict[str, list[dict[str, Any]]] = {}
        for each in self._statuses.values():
            children.setdefault(each["in_reply_to_id"] or "", []).append(each)
        descendants, todo = [], [status["id"]]
        while todo:
            replies = children.pop(todo.pop(), [])  # popped: a looped thread ends, too
            descendants += replies
            todo += [reply["id"] for reply in replies]
        return copy.deepcopy({"ancestors": ancestors, "descendants": sorted(descendants, key=_age)})

    def _posted_now(self, entry: dict[str, Any]) -> dict[str, Any]:
        status = self._known().get(entry["status"]["id"], entry["status"])
        return copy.deepcopy({**entry, "status": status})

    # Building and keeping statuses (callers hold `_data_lock`).

    def _brand_status(self, params: dict[str, Any], text: str) -> dict[str, Any]:
        status = self._status(self._new_id(), text, self.brand, params.get("in_reply_to_id"))
        status["visibility"] = params.get("visibility") or "public"
        status["language"] = params.get("language") or "en"
        status["spoiler_text"] = params.get("spoiler_text") or ""
        status["sensitive"] = params.get("sensitive") in ("1", "true") or bool(
            status["spoiler_text"]
        )
        status["application"] = {"name": "Chorus", "website": None}
        status["url"] = f"{self.url}/@{self.brand['acct']}/{status['id']}"
        status["uri"] = f"{self.url}/users/{self.brand['username']}/statuses/{status['id']}"
        return status

    def _customer(
        self, status_id: str, text: str, acct: str, parent: dict[str, Any] | None
    ) -> dict[str, Any]:
        account = customer_account(acct, self.url)
        status = self._status(status_id, text, account, parent["id"] if parent else None)
        home = account["url"]  # the customer's profile, where their statuses live too
        status["url"] = f"{home}/{status_id}"
        status["uri"] = f"{account['uri']}/statuses/{status_id}"
        return status

    def _status(
        self, status_id: str, text: str, account: dict[str, Any], parent_id: str | None
    ) -> dict[str, Any]:
        status: dict[str, Any] = fixture("mastodon", "customer_status.json")  # the shape
        parent = self._known().get(parent_id or "")
        accounts = {s["account"]["acct"].lower(): s["account"] for s in self._known().values()}
        accounts[self.brand["acct"]] = self.brand
        content, mentions, tags = render(text, accounts, self.url)
        status.update(id=status_id, created_at=now(), account=copy.deepcopy(account))
        status.update(content=content, mentions=mentions, tags=tags)
        status["in_reply_to_id"] = parent["id"] if parent else None
        status["in_reply_to_account_id"] = parent["account"]["id"] if parent else None
        return status

    def _background_statuses(self) -> list[dict[str, Any]]:
        """Statuses the server has shown elsewhere (timelines, notifications); subclasses say."""
        return []

    def _known(self) -> dict[str, dict[str, Any]]:
        """Every status the server has, by id, those of `_background_statuses` included."""
        for status in self._background_statuses():
            if status["id"] not in self._statuses and status["id"] not in self._gone:
                self._statuses[status["id"]] = copy.deepcopy(status)
                self._last_id = max(self._last_id, _number(status["id"]))
        return self._statuses

    def _keep(self, status: dict[str, Any]) -> dict[str, Any]:
        new = status["id"] not in self._known()
        self._statuses[status["id"]] = status
        self._gone.discard(status["id"])
        self._last_id = max(self._last_id, _number(status["id"]))
        parent = self._statuses.get(status.get("in_reply_to_id") or "")
        if new and parent is not None:
            parent["replies_count"] += 1
        return status

    def _forget(self, status_id: str) -> dict[str, Any]:
        status = self._known().pop(status_id)
        self._gone.add(status_id)
        parent = self._statuses.get(status["in_reply_to_id"] or "")
        if parent is not None:
            parent["replies_count"] = max(parent["replies_count"] - 1, 0)
        return status

    def _new_id(self) -> str:
        """A snowflake-like id (milliseconds << 16), above every id the server knows."""
        self._last_id = max(self._last_id + 1, int(time.time() * 1000) << 16)
        return str(self._last_id)
