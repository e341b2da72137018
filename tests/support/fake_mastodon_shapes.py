"""The shapes of the fake Mastodon's answers: a status's HTML `content` with its links, its
`mentions` and `tags`, the length Mastodon validates, customers' accounts, rate-limit headers."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from tests.support.fake_network import Reply, fixture, graphemes

MAX_CHARS = 500
URL_CHARS = 23  # every link counts as this many characters, however long it is

# A URL (without trailing punctuation), a mention `@user` or `@user@domain`, or a hashtag.
ENTITY = re.compile(
    r"(?P<url>https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'])"
    r"|(?<![=/\w])@(?P<user>\w+)(?:@(?P<domain>[\w-]+(?:\.[\w-]+)+))?"
    r"|(?<![=/\w&])#(?P<tag>\w*[^\W\d_]\w*)"
)


def countable_length(text: str, spoiler_text: str = "") -> int:
    """The length Mastodon checks against 500: links as 23 and `@user@domain` as `@user`."""

    def shorten(match: re.Match[str]) -> str:
        if match["url"]:
            return "x" * URL_CHARS
        if match["user"]:
            return "@" + match["user"]
        return match[0]

    return graphemes(spoiler_text + ENTITY.sub(shorten, text))


def render(
    text: str, accounts: dict[str, dict[str, Any]], base_url: str
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The status's HTML, mentions and tags; only mentions of `accounts` (by acct) become links."""
    mentions: dict[str, dict[str, Any]] = {}
    tags: dict[str, dict[str, Any]] = {}

    def link(match: re.Match[str]) -> str:
        if match["url"]:
            scheme, _, rest = match["url"].partition("://")
            return (
                f'<a href="{_h(match["url"])}" target="_blank" rel="nofollow noopener" '
                f'translate="no"><span class="invisible">{scheme}://</span>'
                f'<span class="">{_h(rest)}</span><span class="invisible"></span></a>'
            )
        if match["user"]:
            acct = match["user"] + (f"@{match['domain']}" if match["domain"] else "")
            account = accounts.get(acct.lower())
            if account is None:  # Mastodon links only the accounts it could resolve
                return _h(match[0])
            mentions[account["id"]] = _mention(account)
            return (
                f'<span class="h-card" translate="no"><a href="{_h(account["url"])}" '
                f'class="u-url mention">@<span>{_h(account["username"])}</span></a></span>'
            )
        name = match["tag"].lower()
        tags[name] = {"name": name, "url": f"{base_url}/tags/{name}"}
        return (
            f'<a href="{base_url}/tags/{name}" class="mention hashtag" rel="tag">'
            f"#<span>{_h(match['tag'])}</span></a>"
        )

    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = "".join(
        "<p>" + "<br />".join(_linked(line, link) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return html, list(mentions.values()), list(tags.values())


def _linked(line: str, link: Callable[[re.Match[str]], str]) -> str:
    """`line` escaped, with every entity replaced by `link(match)`."""
    out, last = [], 0
    for match in ENTITY.finditer(line):
        out += [_h(line[last : match.start()]), link(match)]
        last = match.end()
    return "".join([*out, _h(line[last:])])


def _h(text: str) -> str:
    """HTML-escaped as Rails does it (`'` as `&#39;`)."""
    return escape(text).replace("&#x27;", "&#39;")


def _mention(account: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "username", "url", "acct")
    return {key: account[key] for key in keys}


def customer_account(acct: str, local_url: str) -> dict[str, Any]:
    """customer_status.json's account made over for `acct`, with an id stable per acct."""
    account: dict[str, Any] = copy.deepcopy(fixture("mastodon", "customer_status.json")["account"])
    if acct == account["acct"]:
        return account
    username, _, domain = acct.partition("@")
    home = f"https://{domain}" if domain else local_url
    digest = int(hashlib.sha256(acct.encode()).hexdigest()[:12], 16)
    account.update(id=str(109_000_000_000_000_000 + digest), username=username, acct=acct)
    account.update(display_name=username.capitalize(), url=f"{home}/@{username}")
    account["uri"] = f"{home}/users/{username}"
    return account


def now() -> str:
    """The time as Mastodon writes it: ISO 8601 in UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ok(body: Any) -> Reply:
    """A 200 with the rate-limit headers every Mastodon API answer carries."""
    reset = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=5)
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "299",
        "X-RateLimit-Reset": reset.isoformat(timespec="microseconds").replace("+00:00", "Z"),
    }
    return Reply(200, body, headers)


def unprocessable(message: str) -> Reply:
    """Mastodon's 422 for a status that fails validation."""
    return Reply(422, {"error": f"Validation failed: {message}"})
