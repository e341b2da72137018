"""The in-memory workspace behind the Slack stand-in: messages, views, files, users, failures.

Every public method takes the workspace lock and hands back deep copies, so the HTTP
threads and the test thread never see each other's half-made changes.
"""

import copy
import threading
import time
from collections.abc import Callable

from bot.standin.files import FilesMixin
from bot.standin.records import (
    APP_ID,
    BOT_ID,
    MAX_VIEW_STACK,
    TS_EPOCH,
    Call,
    Delay,
    Failure,
    Json,
    SlackError,
    dm_channel,
)
from bot.standin.views import ViewsMixin

__all__ = [
    "APP_ID",
    "BOT_ID",
    "MAX_VIEW_STACK",
    "TS_EPOCH",
    "Call",
    "Delay",
    "Failure",
    "Json",
    "SlackError",
    "Workspace",
    "dm_channel",
]


class Workspace(ViewsMixin, FilesMixin):
    """The stand-in's whole state, guarded by one re-entrant lock."""

    def __init__(self, bot_user_id: str, team_id: str) -> None:
        self.bot_user_id = bot_user_id
        self.team_id = team_id
        self._lock = threading.RLock()
        self._users: dict[str, Json] = {}
        self._channel_names: dict[str, str] = {}
        self._responders: dict[str, tuple[str | None, str | None]] = {}
        self._ts_micros = 0
        self._view_serial = 0
        self._file_serial = 0
        self._file_base = ""
        self.clock: Callable[[], float] = time.time
        self._clear()
        self.add_user(bot_user_id, "chorus", "Chorus", is_bot=True)

    def _clear(self) -> None:
        self._calls: list[Call] = []
        self._messages: dict[str, list[Json]] = {}
        self._ephemerals: list[Json] = []
        self._modals: list[Json] = []
        self._homes: dict[str, Json] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._delays: dict[str, list[Delay]] = {}
        self._outage: Failure | None = None
        self._files: dict[str, Json] = {}

    def reset(self) -> None:
        """Forget calls, messages, ephemerals, views, files and failures (users stay)."""
        with self._lock:
            self._clear()
            self.clock = time.time

    # -- transcript and failures -------------------------------------------------

    def record(self, call: Call) -> None:
        kept = Call(call.method, copy.deepcopy(call.args), call.token, at=self.clock())
        with self._lock:
            self._calls.append(kept)

    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def add_failure(self, method: str, failure: Failure) -> None:
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def take_failure(self, method: str) -> Failure | None:
        """The failure the next call to `method` must answer with, if one is scripted."""
        with self._lock:
            queue = self._failures.get(method, [])
            if not queue:
                return None
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
            return copy.copy(failure)

    def set_outage(self, failure: Failure | None) -> None:
        with self._lock:
            self._outage = failure

    def outage(self) -> Failure | None:
        """The answer every Web API call gets while Slack is "down", if it is."""
        with self._lock:
            return copy.copy(self._outage)

    def add_delay(self, method: str, delay: Delay) -> None:
        with self._lock:
            self._delays.setdefault(method, []).append(delay)

    def take_delay(self, method: str) -> float:
        """How long to hold the answer to this call to `method` (0: answer at once)."""
        with self._lock:
            queue = self._delays.get(method, [])
            if not queue:
                return 0.0
            delay = queue[0]
            delay.remaining -= 1
            if delay.remaining <= 0:
                queue.pop(0)
            return delay.seconds

    # -- ids -------------------------------------------------------------------

    def next_ts(self) -> str:
        """A unique, increasing message timestamp such as "1700000000.000100"."""
        with self._lock:
            self._ts_micros += 100
            seconds, micros = divmod(self._ts_micros, 1_000_000)
            return f"{TS_EPOCH + seconds}.{micros:06d}"

    # -- users and channels ----------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        *,
        is_bot: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        title: str = "",
    ) -> None:
        real = real_name if real_name is not None else name
        profile = {
            "display_name": name,
            "display_name_normalized": name,
            "real_name": real,
            "real_name_normalized": real,
            "title": title,  # the job title people set in their profile
        }
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real,
            "deleted": False,
            "is_bot": is_bot,
            # Workspace admins and owners (users.info), as Slack reports them.
            "is_admin": is_admin or is_owner,
            "is_owner": is_owner,
            "tz": "Europe/Paris",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "profile": profile,
        }
        with self._lock:
            self._users[user_id] = user

    def user(self, user_id: str) -> Json:
        with self._lock:
            if user_id not in self._users:
                raise SlackError("user_not_found")
            return copy.deepcopy(self._users[user_id])

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self._channel_names[channel_id] = name

    def channel_name(self, channel_id: str) -> str:
        with self._lock:
            return self._channel_names.get(channel_id, channel_id.lower())

    # -- messages ----------------------------------------------------------------

    def post_message(self, channel: str, fields: Json) -> Json:
        """Store a new bot message; `fields` holds text, blocks, thread_ts, files, ..."""
        with self._lock:
            channel = dm_channel(channel)
            message = {
                "ts": self.next_ts(),
                "channel": channel,
                "text": fields.get("text") or "",
                "blocks": fields.get("blocks") or [],
                "attachments": fields.get("attachments") or [],
                "thread_ts": fields.get("thread_ts") or None,
                "metadata": fields.get("metadata"),
                "user": self.bot_user_id,
                "edited": False,
            }
            if fields.get("files"):  # only a file share has the key, as in Slack
                message["files"] = copy.deepcopy(fields["files"])
            self._messages.setdefault(channel, []).append(message)
            return copy.deepcopy(message)

    def _find(self, channel: str, ts: str) -> Json:
        for message in self._messages.get(dm_channel(channel), []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def update_message(self, channel: str, ts: str, fields: Json) -> Json:
        """Replace the fields given (text, blocks, attachments, metadata); mark edited."""
        with self._lock:
            message = self._find(channel, ts)
            for key in ("text", "blocks", "attachments", "metadata"):
                if key in fields:
                    message[key] = fields[key]
            message["edited"] = True
            return copy.deepcopy(message)

    def delete_message(self, channel: str, ts: str) -> None:
        with self._lock:
            message = self._find(channel, ts)
            self._messages[message["channel"]].remove(message)

    def find_message(self, channel: str, ts: str) -> Json | None:
        with self._lock:
            try:
                return copy.deepcopy(self._find(channel, ts))
            except SlackError:
                return None

    def messages(self, channel: str) -> list[Json]:
        with self._lock:
            return copy.deepcopy(self._messages.get(dm_channel(channel), []))

    # -- ephemerals and response_url ---------------------------------------------

    def add_ephemeral(self, entry: Json) -> None:
        with self._lock:
            self._ephemerals.append(copy.deepcopy(entry))

    def ephemerals(self, user: str | None) -> list[Json]:
        with self._lock:
            found = [e for e in self._ephemerals if user is None or e.get("user") == user]
            return copy.deepcopy(found)

    def add_responder(self, key: str, channel: str | None, user: str | None) -> None:
        with self._lock:
            known = self._responders.get(key, (None, None))
            self._responders[key] = (channel or known[0], user or known[1])

    def responder(self, key: str) -> tuple[str | None, str | None]:
        """The (channel, user) a response_url key was registered with, where known."""
        with self._lock:
            return self._responders.get(key, (None, None))
