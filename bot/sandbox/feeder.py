"""Sample mentions for the sandbox, sent through Chorus's real signed webhook.

A daemon thread posts the next sample every `pace_seconds`, as a listening tool would;
`send_next()` and `spike()` send at once, for the page's buttons.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from standardwebhooks.webhooks import Webhook

log = logging.getLogger("chorus.sandbox")

Mention = dict[str, Any]

# A storm for Support: one outage, many voices; two of them are urgent (a lawyer).
SPIKE_TEXTS = (
    "The export is broken again?! I need my report for a client meeting in an hour.",
    "Is the export broken for everyone or just me? Nothing downloads.",
    "Export button does nothing. Broken since the update. @acme",
    "Day two of the export being broken. Any ETA?",
    "Our whole team can't export anything. This is broken, please fix.",
    "The CSV export is broken and support isn't answering. Not great.",
    "Hey @acme, the export is broken on the web app too, not just desktop.",
)
URGENT_SPIKE_TEXTS = {
    13: "If the export stays broken past Friday I'm talking to my lawyer about our contract.",
    29: "Export broken for a week. Cancel my account, and my lawyer will want our data back.",
}
SPIKE_NETWORKS = ("x", "mastodon", "bluesky", "reddit", "review")


def load_samples() -> list[Mention]:
    """The sample mentions shipped with Chorus (`mentions.jsonl`)."""
    text = resources.files("bot.sandbox").joinpath("mentions.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class Delivery:
    """What Chorus answered to one webhook delivery."""

    status: int
    body: dict[str, Any]
    mentions: list[Mention]


class Feeder:
    """Posts sample mentions to `{base_url}/webhooks/mentions`, signed per Standard Webhooks."""

    def __init__(
        self,
        base_url: str,
        secret: str,
        samples: list[Mention],
        pace_seconds: float | None = 8.0,
        tag: str = "",
    ) -> None:
        self.base_url = base_url  # set once the server has its port
        self.webhook = Webhook(secret)
        self.samples = samples
        self.pace_seconds = pace_seconds
        self.tag = tag  # keeps ids fresh when the database outlives one sandbox
        self._sent = itertools.count()
        self._spikes = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Feed in the background every `pace_seconds` (never when it is None)."""
        if self.pace_seconds is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="sandbox-feeder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        assert self.pace_seconds is not None
        while not self._stop.wait(self.pace_seconds):
            try:
                self.send_next()
            except OSError as error:  # the server is stopping, or busy: try at the next beat
                log.warning("sandbox feeder could not post a mention: %s", error)

    def send_next(self) -> Delivery:
        """Send the next sample mention now; past the last one, start over with fresh ids."""
        with self._lock:
            number = next(self._sent)
        lap, index = divmod(number, len(self.samples))
        item = fresh(self.samples[index], self._suffix(lap))
        return self._post({**item, "created_at": _now()}, [item])

    def _suffix(self, lap: int) -> str:
        if lap == 0 and not self.tag:
            return ""
        return f"{self.tag}{lap}"

    def spike(self, n: int = 40) -> Delivery:
        """Send `n` complaints about one outage to Support at once, in one delivery."""
        with self._lock:
            wave = f"{self.tag}{next(self._spikes)}"
        items = [_spike_mention(wave, k) for k in range(1, n + 1)]
        return self._post({"mentions": items}, items)

    def _post(self, body: dict[str, Any], items: list[Mention]) -> Delivery:
        data = json.dumps(body)
        msg_id = f"msg_sandbox_{uuid.uuid4().hex}"
        moment = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": self.webhook.sign(msg_id, moment, data),
        }
        endpoint = self.base_url.rstrip("/") + "/webhooks/mentions"
        request = urllib.request.Request(endpoint, data.encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Delivery(response.status, _answer(response.read()), items)
        except urllib.error.HTTPError as error:
            with error:
                return Delivery(error.code, _answer(error.read()), items)


def _answer(raw: bytes) -> dict[str, Any]:
    """Chorus's JSON answer; anything else (a proxy's error page, say) as its text."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {"error": raw.decode("utf-8", "replace")[:500]}


def fresh(item: Mention, suffix: str) -> Mention:
    """The sample as a new post: another id and URL, so Chorus does not see a duplicate."""
    if not suffix:
        return dict(item)
    parts = urlsplit(str(item.get("url") or ""))
    url = (
        urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}-{suffix}")) if parts.path else ""
    )
    moved = {**item, "external_id": f"{item['external_id']}-{suffix}"}
    return {**moved, "url": url} if url else moved


def _spike_mention(wave: str, k: int) -> Mention:
    network = SPIKE_NETWORKS[k % len(SPIKE_NETWORKS)]
    handle = f"@customer{k}"
    return {
        "network": network,
        "external_id": f"spike-{wave}-{k}",
        "url": f"https://{network}.example/{handle[1:]}/spike-{wave}-{k}",
        "text": URGENT_SPIKE_TEXTS.get(k) or SPIKE_TEXTS[k % len(SPIKE_TEXTS)],
        "author": {"handle": handle, "name": f"Customer {k}", "followers": 50 + 37 * k},
        "created_at": _now(),
        "language": "en",
        "source": "sandbox",
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
