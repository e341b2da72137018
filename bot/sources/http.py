"""Our own fetch client for feeds: bounded in time and size, conditional, and plain-spoken.

Feeds come from servers we do not control; every way a fetch goes wrong ends in a
`SourceError` whose message an admin can act on, shown in the source's health.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from bot.sources.base import SourceError

USER_AGENT = "Chorus/0.1 (+social listening)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
CHUNK = 64 * 1024


class RateLimited(SourceError):
    """The server answered 429; `retry_after` is how many seconds it asked us to wait."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    """One answer: 200 with the body, or 304 (not modified) with no body."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str  # where the body came from, after redirects


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
    max_redirects: int = 5,
) -> Fetched:
    """GET `url` conditionally, or raise SourceError saying in one sentence what went wrong."""
    shown = shown_url(url)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise SourceError(f"{shown} is not an http:// or https:// URL")
    client = httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=max_redirects,
        headers=_headers(etag, last_modified),
    )
    try:
        with client, client.stream("GET", url) as response:
            return _read(response, shown, timeout, max_bytes, etag, last_modified)
    except httpx.HTTPError as error:
        raise SourceError(_explain(error, shown, timeout, max_redirects)) from None


def _explain(error: httpx.HTTPError, shown: str, timeout: float, max_redirects: int) -> str:
    """One sentence for what httpx raised."""
    if isinstance(error, httpx.TimeoutException):
        return f"{shown} timed out after {timeout:g} s"
    if isinstance(error, httpx.TooManyRedirects):
        return f"{shown} redirects more than {max_redirects} times"
    if isinstance(error, httpx.UnsupportedProtocol):
        return f"{shown} redirects to a URL that is not http:// or https://"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {shown}: {_reason(error)}"
    return f"fetching {shown} failed: {_reason(error)}"


def _headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read(
    response: httpx.Response,
    shown: str,
    timeout: float,
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    final = str(response.url)
    if response.status_code == 304:
        return Fetched(
            304,
            b"",
            response.headers.get("etag", etag),
            response.headers.get("last-modified", last_modified),
            final,
        )
    _refuse_status(response, shown)
    body = _body(response, shown, timeout, max_bytes)
    return Fetched(
        response.status_code,
        body,
        response.headers.get("etag"),
        response.headers.get("last-modified"),
        final,
    )


def _refuse_status(response: httpx.Response, shown: str) -> None:
    status = response.status_code
    if status < 400:
        return
    said = f"{shown} answered HTTP {status} {response.reason_phrase}".rstrip()
    if status == 429:
        wait = retry_after_seconds(response.headers.get("retry-after"))
        later = f"; it asks to retry after {wait:g} s" if wait is not None else ""
        raise RateLimited(said + later, wait)
    raise SourceError(said)


def _body(response: httpx.Response, shown: str, timeout: float, max_bytes: int) -> bytes:
    """Read the body in chunks, stopping at the size cap and at the overall deadline (a
    server trickling one byte a second never trips the per-read timeout)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(_too_large(shown, max_bytes, f"it announces {int(declared)} bytes"))
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(_too_large(shown, max_bytes, "stopped reading"))
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the body took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(shown: str, max_bytes: int, detail: str) -> str:
    return (
        f"{shown} is larger than {max_bytes} bytes ({detail}); "
        "raise the source's max_bytes if this feed is really that big"
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Read Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def shown_url(url: str) -> str:
    """The URL as health and logs show it: without credentials or a query string (feed
    URLs often carry private tokens there)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return repr(url[:200])
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


def _reason(error: Exception) -> str:
    text = str(error).strip()
    if "refused" in text.lower():
        return "connection refused"
    return text or type(error).__name__
