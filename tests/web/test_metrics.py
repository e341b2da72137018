"""GET /metrics: Prometheus's text format with mentions in, messages out, Slack's 429s and
retries, handler latency, and the outbox's depth and age read from the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http_server import serving
from tests.support.workspace import ANA, Workspace, mention


def scrape(ws: Workspace) -> dict[str, float]:
    """Every sample on /metrics, by name and labels, as Prometheus would read them."""
    with serving(ws.chorus.web) as client:
        reply = client.request("GET", "/metrics")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/plain")
    text = reply.body.decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def test_mentions_in_and_cards_out_are_counted(workspace: Workspace) -> None:
    workspace.receive(mention("m1"), mention("m2", "Second post"))
    figures = scrape(workspace)
    assert figures["chorus_mentions_received_total{via=webhook}"] == 2
    assert figures["chorus_slack_messages_sent_total{kind=mention_card}"] == 2
    assert figures["chorus_outbox_pending{}"] == 0
    assert figures["chorus_outbox_oldest_seconds{}"] == 0


def test_a_rate_limit_and_its_retry_are_counted(workspace: Workspace) -> None:
    workspace.standin.fail("chat.postMessage", "ratelimited", retry_after=1)
    workspace.receive(mention())
    figures = scrape(workspace)
    assert figures["chorus_slack_rate_limited_total{}"] == 1
    assert figures["chorus_slack_retries_total{reason=rate_limited}"] == 1
    assert figures["chorus_outbox_pending{}"] == 1


def test_the_outbox_age_is_how_long_the_oldest_message_has_waited(workspace: Workspace) -> None:
    queued = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    workspace.standin.fail("chat.postMessage", "internal_error", status=500)
    with freeze_time(queued):
        workspace.receive(mention())
    with freeze_time(queued + timedelta(minutes=3)):
        figures = scrape(workspace)
    assert figures["chorus_outbox_pending{}"] == 1
    assert figures["chorus_outbox_oldest_seconds{}"] == 180
    assert figures["chorus_slack_retries_total{reason=slack_error}"] == 1


def test_each_slack_request_is_timed_by_kind(workspace: Workspace) -> None:
    workspace.receive(mention())
    workspace.slack.click(workspace.card(1), "Claim", ANA)
    workspace.slack.command("/mentions", "", ANA)
    figures = scrape(workspace)
    assert figures["chorus_handler_seconds_count{kind=action}"] == 1
    assert figures["chorus_handler_seconds_count{kind=command}"] == 1
    assert figures["chorus_handler_seconds_sum{kind=action}"] > 0
