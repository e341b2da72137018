"""Publish replies to Bluesky and read their engagement, through atproto.

A reply names the thread's root and its parent (both uri + cid), or it shows up as a post of
its own. The record key is the publish key: a retry first asks for the record under that key,
so a double click, a retried request or a restart never posts twice.
"""

from __future__ import annotations

import re
from typing import Any

from atproto import Client, models
from atproto_client.exceptions import (
    InvokeTimeoutError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from bot.domain.engagement import Engagement
from bot.domain.links import find_links
from bot.domain.model import Network
from bot.publishing.base import (
    Failure,
    FollowUp,
    Published,
    PublishError,
    Reading,
    ReplyTarget,
    wait_words,
)
from bot.sources.social import moment, rate_limit_wait, short

POST = "app.bsky.feed.post"
WEB_POST = re.compile(r"^https://bsky\.app/profile/([^/]+)/post/([A-Za-z0-9._:~-]+)/?$")
SETTING = "CHORUS_BLUESKY_APP_PASSWORD"


class BlueskyConnector:
    """The brand's Bluesky account, posting replies and reading their results."""

    network = Network.BLUESKY

    def __init__(self, base_url: str, handle: str, app_password: str, timeout: float = 15) -> None:
        self.base_url, self.handle = base_url.rstrip("/"), handle.strip().lstrip("@")
        self._password, self._timeout = app_password, timeout
        self._client: Client | None = None
        self._did: str | None = None

    def can_reply_to(self, target: ReplyTarget) -> bool:
        if target.network is not Network.BLUESKY:
            return False
        return target.external_id.startswith("at://") or bool(WEB_POST.match(target.url or ""))

    def publish(self, target: ReplyTarget, text: str, key: str, retry: bool) -> Published:
        try:
            client = self._signed_in()
            earlier = self._record(client, key) if retry else None
            if earlier is None:
                self._create(client, self._reply_ref(client, target), text, key)
        except AtProtocolError as error:
            if retry or not _server_error(error):
                raise self._explain(error) from error
            # A 500 may come after the record was written: look before saying it failed.
            if self._record(client, key) is None:
                raise self._explain(error) from error
        return Published(f"at://{self._did}/{POST}/{key}", self._web_url(key))

    def read(self, published: Published, customer: str | None) -> Reading:
        try:
            client = self._signed_in()
            posts = client.app.bsky.feed.get_posts({"uris": [published.external_id]}).posts
            if not posts:
                raise PublishError(
                    Failure.GONE, "Our reply is no longer on Bluesky: it was deleted."
                )
            thread = client.get_post_thread(published.external_id, depth=6).thread
        except AtProtocolError as error:
            raise self._explain(error) from error
        post = posts[0]
        engagement = Engagement(
            likes=post.like_count or 0,
            shares=post.repost_count or 0,
            quotes=post.quote_count or 0,
            replies=post.reply_count or 0,
        )
        return Reading(engagement, tuple(_follow_ups(thread, _actor(customer))))

    def _signed_in(self) -> Client:
        if self._client is None:
            client = Client(base_url=self.base_url, request=Request(timeout=self._timeout))
            try:
                profile = client.login(self.handle, self._password)
            except UnauthorizedError as error:
                raise PublishError(
                    Failure.CREDENTIALS,
                    f"Bluesky refused the app password of {self.handle} ({_said(error)}): an "
                    f"admin needs to set {SETTING} to a current app password.",
                ) from error
            self._did = profile.did if profile is not None else None
            self._client = client
        return self._client

    def _reply_ref(self, client: Client, target: ReplyTarget) -> models.AppBskyFeedPost.ReplyRef:
        """The customer's post as parent, and its thread's first post as root."""
        uri = self._uri_of(client, target)
        found = client.app.bsky.feed.get_posts({"uris": [uri]}).posts
        if not found:
            raise PublishError(
                Failure.GONE,
                f"The customer's post ({target.url or uri}) can't be found any more: "
                "it was deleted.",
            )
        parent = models.create_strong_ref(found[0])
        earlier = getattr(found[0].record, "reply", None)
        root = earlier.root if earlier is not None else parent
        return models.AppBskyFeedPost.ReplyRef(root=root, parent=parent)

    def _uri_of(self, client: Client, target: ReplyTarget) -> str:
        if target.external_id.startswith("at://"):
            return target.external_id
        match = WEB_POST.match(target.url or "")
        assert match is not None  # can_reply_to said so
        actor, rkey = match.groups()
        did = actor if actor.startswith("did:") else client.resolve_handle(actor).did
        return f"at://{did}/{POST}/{rkey}"

    def _create(
        self, client: Client, reply: models.AppBskyFeedPost.ReplyRef, text: str, key: str
    ) -> None:
        record = models.AppBskyFeedPost.Record(
            text=text,
            created_at=client.get_current_time_iso(),
            reply=reply,
            facets=_link_facets(text) or None,
        )
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=self._did or self.handle, collection=POST, rkey=key, record=record
        )
        client.com.atproto.repo.create_record(data)

    def _record(self, client: Client, key: str) -> Any:
        """Return our post under `key` if it exists (an earlier attempt went through)."""
        params = {"repo": self._did or self.handle, "collection": POST, "rkey": key}
        try:
            return client.com.atproto.repo.get_record(params)
        except RequestErrorBase as error:
            response = getattr(error, "response", None)
            if response is not None and response.status_code == 400:
                return None  # RecordNotFound
            raise

    def _web_url(self, key: str) -> str:
        return f"https://bsky.app/profile/{self.handle}/post/{key}"

    def _explain(self, error: AtProtocolError) -> PublishError:
        response = getattr(error, "response", None)
        said = _said(error)
        if isinstance(error, RateLimitExceededError):
            wait = rate_limit_wait(response.headers if response else {}, "ratelimit-reset")
            return PublishError(
                Failure.RATE_LIMITED, f"Bluesky is rate limiting Chorus; {wait_words(wait)}.", wait
            )
        if isinstance(error, UnauthorizedError):
            self._client = None  # sign in again next time
            return PublishError(
                Failure.CREDENTIALS,
                f"Bluesky refused the session ({said}); if this repeats, an admin needs to "
                f"check {SETTING}.",
            )
        if isinstance(error, InvokeTimeoutError) or response is None:
            return PublishError(
                Failure.UNAVAILABLE, f"Could not reach Bluesky at {self.base_url}; try again."
            )
        if response.status_code >= 500:
            return PublishError(
                Failure.UNAVAILABLE, f"Bluesky answered {said}, a server error; try again."
            )
        return PublishError(Failure.REJECTED, f"Bluesky refused the reply ({said}).")


def _link_facets(text: str) -> list[models.AppBskyRichtextFacet.Main]:
    """Mark each link so Bluesky shows it clickable; offsets count UTF-8 bytes."""
    facets = []
    encoded, searched_from = text.encode(), 0
    for link in find_links(text):
        start = encoded.find(link.encode(), searched_from)
        while start != -1:
            end = start + len(link.encode())
            facets.append(
                models.AppBskyRichtextFacet.Main(
                    index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=end),
                    features=[models.AppBskyRichtextFacet.Link(uri=link)],
                )
            )
            start = encoded.find(link.encode(), end)
    return sorted(facets, key=lambda facet: facet.index.byte_start)


def _follow_ups(thread: Any, customer: str | None) -> list[FollowUp]:
    """The customer's posts anywhere below our reply, oldest first."""
    found: list[FollowUp] = []
    pending = list(getattr(thread, "replies", None) or [])
    while pending:
        node = pending.pop(0)
        post = getattr(node, "post", None)
        if post is None:
            continue  # a blocked or deleted reply
        if customer and customer in (post.author.handle.lower(), post.author.did):
            rkey = post.uri.rsplit("/", 1)[-1]
            found.append(
                FollowUp(
                    external_id=post.uri,
                    url=f"https://bsky.app/profile/{post.author.handle}/post/{rkey}",
                    text=str(getattr(post.record, "text", "")),
                    posted_at=moment(getattr(post.record, "created_at", None)),
                )
            )
        pending.extend(getattr(node, "replies", None) or [])
    return sorted(found, key=lambda f: f.posted_at.isoformat() if f.posted_at else "")


def _actor(customer: str | None) -> str | None:
    return customer.strip().lstrip("@").lower() if customer else None


def _server_error(error: AtProtocolError) -> bool:
    response = getattr(error, "response", None)
    return response is not None and response.status_code >= 500


def _said(error: AtProtocolError) -> str:
    response = getattr(error, "response", None)
    if response is None:
        return "no answer"
    content = response.content
    detail = ": ".join(
        str(part)
        for part in (getattr(content, "error", None), getattr(content, "message", None))
        if part
    )
    return f"HTTP {response.status_code}" + (f": {short(detail)}" if detail else "")
