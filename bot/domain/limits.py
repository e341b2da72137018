"""How long a reply may be on each network, and what counts as a link we accept."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.domain.errors import WorkflowError
from bot.domain.model import Network

# Characters a reply may have. Networks that count differently (weighted X characters,
# Bluesky graphemes, Mastodon's 23-character links) are refined with the publishing work.
REPLY_LIMITS: dict[Network, int] = {
    Network.X: 280,
    Network.MASTODON: 500,
    Network.BLUESKY: 300,
    Network.LINKEDIN: 1250,
    Network.FACEBOOK: 8000,
    Network.INSTAGRAM: 2200,
    Network.YOUTUBE: 10000,
    Network.REDDIT: 10000,
    Network.BLOG: 5000,
    Network.REVIEW: 5000,
    Network.OTHER: 5000,
}

NETWORK_NAMES: dict[Network, str] = {
    Network.X: "X",
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.LINKEDIN: "LinkedIn",
    Network.FACEBOOK: "Facebook",
    Network.INSTAGRAM: "Instagram",
    Network.YOUTUBE: "YouTube",
    Network.REDDIT: "Reddit",
    Network.BLOG: "Blog",
    Network.REVIEW: "Review site",
    Network.OTHER: "Other",
}


def reply_limit(network: Network) -> int:
    """Return the most characters a reply may have on `network`."""
    return REPLY_LIMITS[network]


def check_reply_text(network: Network, text: str) -> str:
    """Return the reply stripped of outer blank space, or raise with what to fix."""
    reply = text.strip()
    if not reply:
        raise WorkflowError("A reply can't be empty: write what the customer should read.")
    limit = reply_limit(network)
    if len(reply) > limit:
        raise WorkflowError(
            f"{NETWORK_NAMES[network]} replies can be at most {limit} characters; "
            f"this one has {len(reply)}. Shorten it by {len(reply) - limit}."
        )
    return reply


def is_http_url(value: str) -> bool:
    """Tell whether `value` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()
