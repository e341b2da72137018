"""Publish replies to Mastodon and read their engagement, through Mastodon.py.

Every post carries an Idempotency-Key (Mastodon answers a repeated key with the status it
already made), and a retry first looks under the customer's post for a reply of ours, so a
double click, a retried request or a restart never posts twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from bot.domain.engagement import Engagement
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
from bot.sources.mastodon_posts import html_to_text
from bot.sources.social import moment, rate_limit_wait, short

Json = Mapping[str, Any]
SETTING = "CHORUS_MASTODON_ACCESS_TOKEN"


class MastodonConnector:
    """The brand's Mastodon account, posting replies and reading their results."""

    network = Network.MASTODON

    def __init__(self, base_url: str, token: str, timeout: float = 15) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self._token, self._timeout = token, timeout
        self._client: Mastodon | None = None
        self._me: Json | None = None
        self._last_headers: Mapping[str, str] = {}

    def can_reply_to(self, target: ReplyTarget) -> bool:
        return target.network is Network.MASTODON and bool(target.url or target.external_id)

    def publish(self, target: ReplyTarget, text: str, key: str, retry: bool) -> Published:
        try:
            client = self._connect()
            parent = self._local_status(client, target)
            earlier = self._our_reply(client, parent) if retry else None
            status = earlier or client.status_post(
                self._addressed(text, parent),
                in_reply_to_id=parent["id"],
                visibility=_visibility(parent),
                idempotency_key=key,
            )
        except MastodonError as error:
            raise self._explain(error) from error
        return Published(str(status["id"]), str(status.get("url") or status["uri"]))

    def read(self, published: Published, customer: str | None) -> Reading:
        try:
            client = self._connect()
            status = client.status(published.external_id)
            below = client.status_context(published.external_id)["descendants"]
        except MastodonError as error:
            raise self._explain(error, ours=True) from error
        engagement = Engagement(
            likes=int(status.get("favourites_count") or 0),
            shares=int(status.get("reblogs_count") or 0),
            quotes=int(status.get("quotes_count") or 0),
            replies=int(status.get("replies_count") or 0),
        )
        return Reading(engagement, tuple(self._follow_ups(below, customer)))

    def _connect(self) -> Mastodon:
        if self._client is None:
            session = requests.Session()
            session.hooks["response"].append(self._remember)
            self._client = Mastodon(
                access_token=self._token,
                api_base_url=self.base_url,
                ratelimit_method="throw",
                request_timeout=self._timeout,
                version_check_mode="none",
                session=session,
            )
        return self._client

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = {k.lower(): v for k, v in response.headers.items()}

    def _local_status(self, client: Mastodon, target: ReplyTarget) -> Json:
        """Find the customer's post on our server: ids differ from server to server, so a
        post seen elsewhere is looked up by its address (Mastodon fetches it if needed)."""
        here = target.url is None or urlsplit(target.url).netloc == self.host
        if here and target.external_id.isdigit():
            try:
                return client.status(target.external_id)  # type: ignore[no-any-return]
            except MastodonNotFoundError:
                raise _gone(target) from None
        found = client.search_v2(target.url, resolve=True, result_type="statuses")
        statuses = found.get("statuses") or []
        if not statuses:
            raise _gone(target)
        return statuses[0]  # type: ignore[no-any-return]

    def _our_reply(self, client: Mastodon, parent: Json) -> Json | None:
        """Return our reply to `parent` if an earlier attempt went through after all."""
        me = self._account(client)
        for status in client.status_context(parent["id"])["descendants"]:
            if status.get("in_reply_to_id") == parent["id"] and status["account"]["id"] == me["id"]:
                return status  # type: ignore[no-any-return]
        return None

    def _account(self, client: Mastodon) -> Json:
        if self._me is None:
            self._me = client.account_verify_credentials()
        return self._me

    def _addressed(self, text: str, parent: Json) -> str:
        """Start with @customer unless the reply names them: Mastodon only notifies people
        a post mentions, so a reply without it would go unseen."""
        acct = str(parent["account"]["acct"])
        if f"@{acct.split('@')[0]}".lower() in text.lower():
            return text
        return f"@{acct} {text}"

    def _follow_ups(self, statuses: list[Json], customer: str | None) -> list[FollowUp]:
        wanted = _acct(customer, self.host) if customer else None
        return [
            FollowUp(
                external_id=str(status["id"]),
                url=status.get("url") or status.get("uri"),
                text=html_to_text(status.get("content") or ""),
                posted_at=moment(status.get("created_at")),
            )
            for status in statuses
            if wanted and _acct(str(status["account"]["acct"]), self.host) == wanted
        ]

    def _explain(self, error: MastodonError, ours: bool = False) -> PublishError:
        host = self.host
        if isinstance(error, MastodonRatelimitError):
            wait = rate_limit_wait(self._last_headers, "x-ratelimit-reset")
            return PublishError(
                Failure.RATE_LIMITED, f"{host} is rate limiting Chorus; {wait_words(wait)}.", wait
            )
        if isinstance(error, MastodonUnauthorizedError):
            return PublishError(
                Failure.CREDENTIALS,
                f"{host} refused the brand account's token (HTTP 401{_said(error)}): an admin "
                f"needs to renew {SETTING}.",
            )
        if isinstance(error, MastodonNetworkError):
            return PublishError(Failure.UNAVAILABLE, f"Could not reach {host}: {_reason(error)}.")
        if isinstance(error, MastodonServerError):
            return PublishError(
                Failure.UNAVAILABLE,
                f"{host} answered HTTP {_status(error)}, a server error; try again in a moment.",
            )
        if isinstance(error, MastodonNotFoundError):
            what = "Our reply" if ours else "The customer's post"
            return PublishError(Failure.GONE, f"{what} is no longer on {host}: it was deleted.")
        if isinstance(error, MastodonAPIError):
            return PublishError(
                Failure.REJECTED,
                f"{host} refused the reply (HTTP {_status(error)}{_said(error)}).",
            )
        return PublishError(
            Failure.UNAVAILABLE, f"{host} gave an answer Chorus cannot use: {error}"
        )


def _gone(target: ReplyTarget) -> PublishError:
    where = target.url or f"status {target.external_id}"
    return PublishError(
        Failure.GONE, f"The customer's post ({where}) can't be found any more: it was deleted."
    )


def _visibility(parent: Json) -> str:
    """Answer in the open unless the customer wrote privately: never make a DM public."""
    return "direct" if parent.get("visibility") == "direct" else "public"


def _acct(handle: str, host: str) -> str:
    acct = handle.strip().lstrip("@").lower()
    return acct if "@" in acct else f"{acct}@{host.lower()}"


def _status(error: MastodonError) -> Any:
    return error.args[1] if len(error.args) > 1 else "error"


def _said(error: MastodonError) -> str:
    message = error.args[3] if len(error.args) > 3 else None
    return f": {short(str(message))}" if message else ""


def _reason(error: MastodonNetworkError) -> str:
    if isinstance(error.__context__, requests.Timeout):
        return "it did not answer in time"
    if isinstance(error.__context__, requests.ConnectionError):
        return "the connection failed (is CHORUS_MASTODON_BASE_URL right, and the server up?)"
    return short(str(error))
