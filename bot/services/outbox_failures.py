"""How the outbox reads Slack's refusals: how long to wait, and whether a person must act."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# The token is dead: nothing will be sent until someone fixes SLACK_BOT_TOKEN.
FATAL_ERRORS = frozenset({"invalid_auth", "account_inactive", "token_revoked", "not_authed"})
# An admin must invite the app to the channel, or un-archive it.
ADMIN_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def error_code(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the answer had none."""
    return str(error.response.get("error") or f"HTTP {error.response.status_code}")


def is_rate_limited(error: SlackApiError) -> bool:
    return error.response.status_code == 429 or error_code(error) == "ratelimited"


def backoff(attempts: int) -> float:
    """Seconds before the next try: 2, 4, 8 … up to five minutes."""
    return float(min(2 ** (attempts + 1), 300))


def retry_after(error: SlackApiError) -> float:
    """The wait Slack asked for (Retry-After), at least a second."""
    headers = error.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(str(value[0] if isinstance(value, list) else value)))
    except (TypeError, ValueError):
        return 1.0
