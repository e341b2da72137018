"""Prometheus metrics for `GET /metrics`: mentions in, messages out, Slack's rate limits and
retries, how long Slack requests take to handle, and the outbox's depth and age.

Each Chorus has its own registry (not the library's global one), so several Chorus apps in
one process, as in the tests, never mix their figures. The outbox figures are read from the
database at scrape time: the database is the truth, and every process reports the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Slack wants an answer within 3 s; the buckets watch the range that matters for an ack.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

OutboxReading = Callable[[], tuple[int, datetime | None]]


class Metrics:
    """The process's counters and histograms, and the outbox reading for each scrape."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.mentions = Counter(
            "chorus_mentions_received",
            "New mentions stored, by how they came in",
            ["via"],
            registry=self.registry,
        )
        self.sent = Counter(
            "chorus_slack_messages_sent",
            "Messages the outbox delivered to Slack, by kind (mention_card, review, digest, …)",
            ["kind"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "chorus_slack_rate_limited",
            "Slack answers of 429 / ratelimited to the outbox",
            registry=self.registry,
        )
        self.retries = Counter(
            "chorus_slack_retries",
            "Outbox deliveries put off to try again, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "chorus_handler_seconds",
            "Time to handle a Slack request (command, action, view, event, shortcut)",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def watch_outbox(self, reading: OutboxReading, clock: Callable[[], datetime]) -> None:
        """Report the outbox's pending rows and the age of the oldest at every scrape."""
        self.registry.register(_OutboxCollector(reading, clock))

    def exposition(self) -> bytes:
        """The metrics in Prometheus's text format."""
        return generate_latest(self.registry)


class _OutboxCollector(Collector):
    def __init__(self, reading: OutboxReading, clock: Callable[[], datetime]) -> None:
        self.reading, self.clock = reading, clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pending, oldest = self.reading()
        age = (self.clock() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "chorus_outbox_pending", "Messages waiting to reach Slack", value=pending
        )
        yield GaugeMetricFamily(
            "chorus_outbox_oldest_seconds",
            "How long the oldest waiting message has waited (0 when none)",
            value=max(age, 0.0),
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Described without reading the database: registering must not need it.
        yield GaugeMetricFamily("chorus_outbox_pending", "Messages waiting to reach Slack")
        yield GaugeMetricFamily(
            "chorus_outbox_oldest_seconds", "How long the oldest waiting message has waited"
        )


def request_kind(body: dict[str, object]) -> str:
    """Name a Slack request for the latency histogram, without its ids or contents."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "block_actions":
        return "action"
    if kind in ("view_submission", "view_closed"):
        return "view"
    if kind in ("shortcut", "message_action"):
        return "shortcut"
    if kind == "event_callback":
        return "event"
    return "other"
