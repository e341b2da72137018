"""The repo and the post views of the fake Bluesky: createRecord (the brand's replies),
deleteRecord, getRecord, getPosts, getPostThread and resolveHandle, as the PDS and AppView
answer them.

    post = bluesky.customer_post()                 # the customer's post the brand answers
    ...the connector replies with atproto...
    [reply] = bluesky.posted
    bluesky.set_counts(reply["uri"], likes=3)
    bluesky.reply_as_customer(reply["uri"], "thanks, it works now!")
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from tests.support.fake_bluesky_shapes import (
    POST,
    cid,
    did_for,
    error,
    facets,
    invalid,
    invalid_rkey,
    now,
    parent_uri,
    parent_view,
    reply_ref,
    thread_view,
    tid,
)
from tests.support.fake_network import FakeNetwork, Reply, Request, fixture

CUSTOMER_HANDLE = "ana.bsky.social"
CUSTOMER_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"  # Ana of the search and notification fixtures
CUSTOMER_TEXT = "@acme.bsky.social my export keeps failing since yesterday, can someone help?"
PROFILE_BASIC = ("did", "handle", "displayName", "avatar", "associated", "labels", "createdAt")
COUNTS = {"likes": "like", "reposts": "repost", "replies": "reply", "quotes": "quote"}
MAX_URIS = 25


class BlueskyRepo(FakeNetwork):
    """Posts by AT URI (the customers' and the brand's), with createRecord's in `posted`."""

    def __init__(self) -> None:
        super().__init__()
        self._data_lock = threading.RLock()
        profile = fixture("bluesky", "get_profile.json")
        self.brand: dict[str, Any] = {k: profile[k] for k in PROFILE_BASIC if k in profile}
        self._posts: dict[str, dict[str, Any]] = {}
        self._records: dict[str, dict[str, Any]] = {}  # other collections: {uri, cid, value}
        self._gone: set[str] = set()  # deleted: the searches' copies don't bring them back
        self._posted: list[dict[str, Any]] = []
        self._last_tid = 0
        # Store the next created record, then answer 500, as an overloaded PDS sometimes does.
        self.fail_after_write = False

    # What happens on the network: the customer's side, and the engagement our reply gets.

    def add_post(self, post_view: dict[str, Any]) -> dict[str, Any]:
        """Make a post view known (replacing one with its uri); a new reply counts on its parent."""
        with self._data_lock:
            return copy.deepcopy(self._keep(copy.deepcopy(post_view)))

    def customer_post(
        self,
        rkey: str = "3kcustomer01",
        text: str = CUSTOMER_TEXT,
        handle: str = CUSTOMER_HANDLE,
        did: str = CUSTOMER_DID,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The customer's post (customer_post.json), now known; `reply_to` puts it in a thread."""
        with self._data_lock:
            post = fixture("bluesky", "customer_post.json")
            post["uri"] = f"at://{did}/{POST}/{rkey}"
            if (handle, did) != (post["author"]["handle"], post["author"]["did"]):
                avatar = post["author"]["avatar"].replace(post["author"]["did"], did)
                name = handle.split(".")[0].capitalize()
                post["author"].update(did=did, handle=handle, displayName=name, avatar=avatar)
            record = post["record"]
            record.pop("facets")
            record.update(text=text, **self._facets(text))
            if reply_to is not None:
                record["reply"] = reply_ref(self._known().get(reply_to["uri"], reply_to))
                record["createdAt"] = post["indexedAt"] = now()
            post["cid"] = cid(record)
            return copy.deepcopy(self._keep(post))

    def reply_as_customer(
        self, to_uri: str, text: str, handle: str = CUSTOMER_HANDLE
    ) -> dict[str, Any]:
        """The customer answers post `to_uri`: it joins the thread and the reply count."""
        with self._data_lock:
            parent = self._known()[to_uri]
            did = self._handles().get(handle.lower()) or did_for(handle)
            return self.customer_post(self._next_tid(), text, handle, did, reply_to=parent)

    def set_counts(
        self,
        uri: str,
        likes: int | None = None,
        reposts: int | None = None,
        replies: int | None = None,
        quotes: int | None = None,
    ) -> None:
        """Set the engagement counts of a known post (the ones given)."""
        counts = {"likes": likes, "reposts": reposts, "replies": replies, "quotes": quotes}
        with self._data_lock:
            post = self._known()[uri]
            for name, value in counts.items():
                if value is not None:
                    post[f"{COUNTS[name]}Count"] = value

    def delete_post(self, uri: str) -> None:
        """The post's author deletes it: gone from every view, one reply fewer on its parent."""
        with self._data_lock:
            self._forget(uri)

    @property
    def posted(self) -> list[dict[str, Any]]:
        """What createRecord created, oldest first: {"repo", "rkey", "uri", "cid", "record"}."""
        with self._data_lock:
            return copy.deepcopy(self._posted)

    # Serving.

    def _repo_route(self, method: str, request: Request) -> Reply | None:
        """The answer for a repo or post-view method, or None when `method` is another one."""
        handlers = {
            "com.atproto.repo.createRecord": self._create_record,
            "com.atproto.repo.deleteRecord": self._delete_record,
            "com.atproto.repo.getRecord": self._get_record,
            "app.bsky.feed.getPosts": self._get_posts,
            "app.bsky.feed.getPostThread": self._get_post_thread,
            "com.atproto.identity.resolveHandle": self._resolve_handle,
        }
        handler = handlers.get(method)
        if handler is None:
            return None
        with self._data_lock:
            return handler(request)

    def _create_record(self, request: Request) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        repo, collection, record = str(body.get("repo")), body.get("collection"), body.get("record")
        if repo.lower() not in (self.brand["did"], self.brand["handle"]):
            return error("InvalidRequest", f"Could not find repo: {repo}")
        if not isinstance(record, dict) or not isinstance(collection, str):
            return error("InvalidRequest", 'Input must have the properties "collection", "record"')
        validate = body.get("validate") is not False  # unset: validate the known lexicons
        problem = invalid(collection, record) if validate else None
        if problem is not None:
            return error("InvalidRequest", problem)  # the PDS's name for an invalid record
        rkey = str(body.get("rkey") or self._next_tid())
        if (bad_key := invalid_rkey(rkey)) is not None:
            return error("InvalidRequest", bad_key)
        uri = f"at://{self.brand['did']}/{collection}/{rkey}"
        if uri in self._known() or uri in self._records:  # the PDS has no better answer yet
            return error("InternalServerError", "Internal Server Error", 500)
        record_cid = cid(record)
        if collection == POST:
            self._keep(self._brand_post(uri, record_cid, record))
        else:
            self._records[uri] = {"uri": uri, "cid": record_cid, "value": record}
        written = {"repo": repo, "rkey": rkey, "uri": uri, "cid": record_cid, "record": record}
        self._posted.append(copy.deepcopy(written))
        if self.fail_after_write:
            self.fail_after_write = False
            return error("InternalServerError", "Internal Server Error", 500)
        status = "valid" if validate else "unknown"
        return Reply(
            200, {"uri": uri, "cid": record_cid, **self._commit(uri), "validationStatus": status}
        )

    def _delete_record(self, request: Request) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        repo = str(body.get("repo"))
        if repo.lower() not in (self.brand["did"], self.brand["handle"]):
            return error("InvalidRequest", f"Could not find repo: {repo}")
        uri = f"at://{self.brand['did']}/{body.get('collection')}/{body.get('rkey')}"
        if uri in self._known():
            self._forget(uri)
        self._records.pop(uri, None)
        return Reply(200, self._commit(uri))  # deleting what isn't there is no error

    def _get_record(self, request: Request) -> Reply:
        repo = request.arg("repo") or ""
        did = self._handles().get(repo.lower(), repo)
        uri = f"at://{did}/{request.arg('collection')}/{request.arg('rkey')}"
        post = self._known().get(uri)
        if post is not None:
            return Reply(
                200, copy.deepcopy({"uri": uri, "cid": post["cid"], "value": post["record"]})
            )
        if uri in self._records:
            return Reply(200, copy.deepcopy(self._records[uri]))
        return error("RecordNotFound", f"Could not locate record: {uri}")

    def _get_posts(self, request: Request) -> Reply:
        uris = request.query.get("uris", [])
        if len(uris) > MAX_URIS:
            return error(
                "InvalidRequest", f"Input/uris must not have more than {MAX_URIS} elements"
            )
        known = self._known()
        return Reply(200, {"posts": [copy.deepcopy(known[uri]) for uri in uris if uri in known]})

    def _get_post_thread(self, request: Request) -> Reply:
        uri = request.arg("uri") or ""
        post = self._known().get(uri)
        if post is None:
            return error("NotFound", f"Post not found: {uri}")
        depth, height = int(request.arg("depth") or 6), int(request.arg("parentHeight") or 80)
        thread = thread_view(self._known(), post, depth)
        parent = parent_view(self._known(), post, height)
        return Reply(200, {"thread": {**thread, **({"parent": parent} if parent else {})}})

    def _resolve_handle(self, request: Request) -> Reply:
        did = self._handles().get((request.arg("handle") or "").lower())
        if did is None:
            return error("InvalidRequest", "Unable to resolve handle")
        return Reply(200, {"did": did})

    # Building posts (callers hold `_data_lock`).

    def _brand_post(self, uri: str, record_cid: str, record: dict[str, Any]) -> dict[str, Any]:
        """The AppView's view of a post the brand just made: its record, no engagement yet."""
        post: dict[str, Any] = fixture("bluesky", "customer_post.json")  # every count at 0
        post.update(uri=uri, cid=record_cid, author=copy.deepcopy(self.brand))
        post.update(record=copy.deepcopy(record), indexedAt=now())
        return post

    def _commit(self, uri: str) -> dict[str, Any]:
        rev = self._next_tid()
        return {"commit": {"cid": cid({"uri": uri, "rev": rev}), "rev": rev}}

    def _facets(self, text: str) -> dict[str, Any]:
        found = facets(text, self._handles())
        return {"facets": found} if found else {}

    # Keeping posts (callers hold `_data_lock`).

    def _background_posts(self) -> list[dict[str, Any]]:
        """Post views the network has shown elsewhere (search, notifications); subclasses say."""
        return []

    def _known(self) -> dict[str, dict[str, Any]]:
        """Every post the network has, by uri, those of `_background_posts` included."""
        for post in self._background_posts():
            if post["uri"] not in self._posts and post["uri"] not in self._gone:
                self._posts[post["uri"]] = copy.deepcopy(post)
        return self._posts

    def _handles(self) -> dict[str, str]:
        """Handle -> DID of the brand and of every author of a known post."""
        authors = [self.brand, *(post["author"] for post in self._known().values())]
        return {author["handle"].lower(): author["did"] for author in authors}

    def _keep(self, post: dict[str, Any]) -> dict[str, Any]:
        new = post["uri"] not in self._known()
        self._posts[post["uri"]] = post
        self._gone.discard(post["uri"])
        parent = self._posts.get(parent_uri(post) or "")
        if new and parent is not None:
            parent["replyCount"] = parent.get("replyCount", 0) + 1
        return post

    def _forget(self, uri: str) -> None:
        post = self._known().pop(uri)
        self._gone.add(uri)
        parent = self._posts.get(parent_uri(post) or "")
        if parent is not None:
            parent["replyCount"] = max(parent.get("replyCount", 0) - 1, 0)

    def _next_tid(self) -> str:
        """A TID for now, later than every one handed out before."""
        self._last_tid = max(self._last_tid + 1, time.time_ns() // 1000)
        return tid(self._last_tid)
