"""Run one poll of one source: fetch, ingest, and record the cursor and the source's health.

A poll never raises for a source's own trouble: the failure is written to the source's
state (shown by `chorus sources` and `/chorus sources`), the source backs off, and every
other source carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.config import WorkspaceConfig
from bot.listening_config import SourceConfig
from bot.services.core import Services
from bot.services.ingest import IngestResult, ingest
from bot.sources.base import Poll, Source, SourceError
from bot.sources.http import RateLimited
from storage.models import SourceStateRow

log = logging.getLogger("chorus.sources")

MAX_BACKOFF_MINUTES = 60.0
MAX_RETRY_AFTER_MINUTES = 24 * 60.0  # a server asking for longer is not believed
# The scheduler's timer and the poll's own clock drift apart by a few milliseconds; a poll
# this close to its due time counts as due, so no regular run is skipped.
DUE_GRACE = timedelta(seconds=5)


@dataclass(frozen=True)
class PollOutcome:
    """What one poll did, as the log line and the scheduler see it."""

    name: str
    status: Literal["ok", "failed", "not_due"]
    accepted: int = 0
    duplicates: int = 0
    skipped: int = 0
    error: str | None = None
    next_poll_at: datetime | None = None


def poll_source(services: Services, source: Source, now: datetime | None = None) -> PollOutcome:
    """Poll `source` if it is due, ingest what is new, and record how it went."""
    now = now or services.clock()
    config = source.config
    state = _load_state(services, config.name, config.kind)
    if not _is_due(state, now, config.every_minutes):
        log.debug("source %s: backing off until %s", config.name, state.next_poll_at)
        return PollOutcome(config.name, "not_due", next_poll_at=state.next_poll_at)
    since = now - timedelta(hours=config.backfill_hours)
    try:
        poll = source.poll(dict(state.cursor or {}), since)
        result = ingest(services, poll.mentions, via=config.name) if poll.mentions else None
    except SourceError as error:
        return _record_failure(services, config, now, str(error), _retry_after(error))
    except Exception as error:  # noqa: BLE001 - one source's bug must not stop the others
        message = f"unexpected error: {type(error).__name__}: {error}"
        return _record_failure(services, config, now, message, None, traceback=True)
    return _record_success(services, config, now, poll, result)


def _is_due(state: SourceStateRow, now: datetime, every_minutes: float) -> bool:
    """A healthy source polls whenever its job runs (the scheduler paces it, and a restart
    polls at once); a failing one waits out its back-off, across restarts too."""
    if not state.failures or state.next_poll_at is None:
        return True
    grace = min(DUE_GRACE, timedelta(minutes=every_minutes) / 2)
    return now + grace >= state.next_poll_at


def _load_state(services: Services, name: str, kind: str) -> SourceStateRow:
    """The source's state row, created on its first poll (in its own short transaction, so
    no database lock is held while the network is slow)."""
    with services.sessions() as session:
        state = session.get(SourceStateRow, name)
        if state is None:
            state = SourceStateRow(name=name, kind=kind, cursor={}, brought_in=0, failures=0)
            session.add(state)
        state.kind = kind
        try:
            session.commit()
        except IntegrityError:  # another process created it first
            session.rollback()
            state = session.get(SourceStateRow, name) or state
        return state


def _record_success(
    services: Services,
    config: SourceConfig,
    now: datetime,
    poll: Poll,
    result: IngestResult | None,
) -> PollOutcome:
    name = config.name
    accepted = result.accepted if result else 0
    duplicates = result.duplicates if result else 0
    with services.sessions() as session:
        state = session.get(SourceStateRow, name)
        assert state is not None, "the state row is created before the poll"
        state.cursor = dict(poll.cursor)
        state.last_polled_at = state.last_success_at = now
        state.brought_in = (state.brought_in or 0) + accepted
        state.failures = 0  # last_error and last_error_at stay: health shows the last one
        state.next_poll_at = now + timedelta(minutes=config.every_minutes)
        session.commit()
        next_poll_at = state.next_poll_at
    log.info(
        "source %s: %d new, %d already known, %d skipped; next poll at %s",
        name,
        accepted,
        duplicates,
        poll.skipped,
        next_poll_at.isoformat(timespec="seconds"),
    )
    return PollOutcome(name, "ok", accepted, duplicates, poll.skipped, None, next_poll_at)


def _record_failure(
    services: Services,
    config: SourceConfig,
    now: datetime,
    message: str,
    retry_after: float | None,
    traceback: bool = False,
) -> PollOutcome:
    name = config.name
    with services.sessions() as session:
        state = session.get(SourceStateRow, name)
        assert state is not None, "the state row is created before the poll"
        state.failures = (state.failures or 0) + 1
        state.last_polled_at = state.last_error_at = now
        state.last_error = message
        delay = backoff_minutes(config.every_minutes, state.failures, retry_after)
        state.next_poll_at = now + timedelta(minutes=delay)
        session.commit()
        failures, next_poll_at = state.failures, state.next_poll_at
    log.warning(
        "source %s failed (%d in a row): %s; next poll at %s",
        name,
        failures,
        message,
        next_poll_at.isoformat(timespec="seconds"),
        exc_info=traceback,  # an unexpected error is a bug: keep where it happened
    )
    return PollOutcome(name, "failed", error=message, next_poll_at=next_poll_at)


def backoff_minutes(every_minutes: float, failures: int, retry_after: float | None) -> float:
    """Wait every × 2^failures after a failure, capped at an hour (never less than the
    normal interval); a server's longer Retry-After wins."""
    doubled = every_minutes * 2.0 ** min(failures, 16)
    delay = max(every_minutes, min(doubled, MAX_BACKOFF_MINUTES))
    if retry_after is not None:
        delay = max(delay, min(retry_after / 60, MAX_RETRY_AFTER_MINUTES))
    return delay


def _retry_after(error: SourceError) -> float | None:
    return error.retry_after if isinstance(error, RateLimited) else None


def build_sources(config: WorkspaceConfig, env: Mapping[str, str]) -> list[Source]:
    """Build each `[[sources]]` table into its source, by kind."""
    from bot.sources.rss import RssSource

    sources: list[Source] = []
    for source_config in config.sources:
        if source_config.kind == "rss":
            sources.append(RssSource(source_config))
        elif source_config.kind == "mastodon":
            from bot.sources.mastodon import MastodonSource

            sources.append(MastodonSource(source_config, env))
        else:
            from bot.sources.bluesky import BlueskySource

            sources.append(BlueskySource(source_config, env))
    return sources
