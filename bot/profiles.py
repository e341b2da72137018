"""Who people are, from their Slack profiles (users.info), kept for a while: names and titles
change rarely, and the draft modal asks on every keystroke."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.domain.policy import AuthorProfile

log = logging.getLogger("chorus.profiles")

Lookup = Callable[[str], Mapping[str, Any] | None]
KEEP = timedelta(minutes=15)
# After a failure, Slack is asked again soon, but not on every keystroke.
KEEP_UNKNOWN = timedelta(minutes=1)


def profile_from_user(user_id: str, user: Mapping[str, Any]) -> AuthorProfile:
    """Read a users.info user: the first word of the real name, and the profile's title."""
    profile = user.get("profile") or {}
    real = str(user.get("real_name") or profile.get("real_name") or "").strip()
    first = real.split()[0] if real else str(profile.get("first_name") or "").strip()
    first = first or str(profile.get("display_name") or "").strip()
    title = str(profile.get("title") or "").strip()
    return AuthorProfile(user_id, first_name=first or None, title=title or None)


def slack_lookup(client: WebClient) -> Lookup:
    """Ask Slack for a user; the client should time out quickly, as modals wait for this."""

    def lookup(user_id: str) -> Mapping[str, Any] | None:
        user = client.users_info(user=user_id).get("user")
        return user if isinstance(user, Mapping) else None

    return lookup


class Profiles:
    """Profiles by user id, cached; when Slack fails, a profile with no name, never an error."""

    def __init__(
        self,
        lookup: Lookup | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._lookup = lookup
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[datetime, AuthorProfile]] = {}

    def of(self, user_id: str) -> AuthorProfile:
        now = self._clock()
        with self._lock:
            kept = self._cache.get(user_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        profile, keep = self._ask(user_id)
        with self._lock:
            self._cache[user_id] = (now + keep, profile)
        return profile

    def _ask(self, user_id: str) -> tuple[AuthorProfile, timedelta]:
        if self._lookup is None:
            return AuthorProfile(user_id), KEEP
        try:
            user = self._lookup(user_id)
        except (SlackClientError, OSError) as error:
            log.warning("users.info for %s failed (%s); the suggestion uses the id", user_id, error)
            return AuthorProfile(user_id), KEEP_UNKNOWN
        if user is None:
            return AuthorProfile(user_id), KEEP_UNKNOWN
        return profile_from_user(user_id, user), KEEP
