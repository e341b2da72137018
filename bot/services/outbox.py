"""The outbox worker: posts queued messages to Slack, paced per channel, never losing one.

Rows are rendered when sent, not when queued, so a card always shows the latest truth.
A row is taken with SELECT … FOR UPDATE SKIP LOCKED and leased by moving its next_attempt_at
forward in the same short transaction, so several workers (one per process) never send the
same row, and no lock is held while Slack answers. A worker that dies mid-send leaves a lease
that runs out after a minute; the row is then sent by whoever is alive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot import logs
from bot.services.core import Services
from bot.services.outbox_failures import (
    ADMIN_ERRORS,
    FATAL_ERRORS,
    backoff,
    error_code,
    is_rate_limited,
    retry_after,
)
from bot.services.outbox_recovery import (
    find_earlier_post,
    mark_maybe_posted,
    may_have_posted,
    post_metadata,
)
from bot.services.spike_summary import remember_spike_summary
from storage import delivery
from storage.digest import remember_digest
from storage.ideas import remember_idea_card
from storage.models import DraftRow, MentionRow, OutboxRow

log = logging.getLogger("chorus.outbox")

LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Upload:
    """A file to share with the message (the digest's chart)."""

    content: bytes
    filename: str
    title: str
    alt_text: str


@dataclass(frozen=True)
class Outgoing:
    """A rendered Slack message, ready for chat.postMessage or chat.update, or a file
    upload whose text becomes the file's comment."""

    channel: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    update_ts: str | None = None
    upload: Upload | None = None
    # An App Home to publish (views.publish) for the user whose id is the channel.
    view: dict[str, Any] | None = None


class NotReady(Exception):
    """The row depends on something not yet in Slack (a review waits for its card)."""


class Obsolete(Exception):
    """The row no longer needs sending (its mention moved before the card went out)."""


Renderer = Callable[[Session, OutboxRow], Outgoing]


class OutboxWorker:
    def __init__(
        self,
        services: Services,
        client: WebClient,
        render: Renderer,
        channel_interval: float = 1.0,
    ) -> None:
        self.services = services
        self.client = client
        self.render = render
        self.channel_interval = channel_interval
        self._paced_until: dict[str, float] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.halted: str | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="chorus-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - the worker must outlive one bad round
                log.exception("outbox round failed; retrying shortly")
            self._wake.wait(timeout=1.0)
            self._wake.clear()

    def run_pending(self) -> int:
        """Send every due row whose channel is not paced; return how many were sent."""
        sent = 0
        # A stop lets the message in hand be sent and recorded; the rest wait for the next
        # start (or another process), safe in the database.
        while not self.halted and not self._stop.is_set() and (row_id := self._take_next()):
            sent += self._send_one(row_id)
        return sent

    def _take_next(self) -> int | None:
        """Take the next due row for this worker alone, and commit the lease at once: no
        lock is held while Slack answers."""
        paced = [channel for channel in self._paced_until if self._paced(channel)]
        with self.services.sessions() as session:
            now = self.services.clock()
            row = delivery.take_outbox(session, now, now + LEASE, skip_channels=paced)
            session.commit()
            return row.id if row is not None else None

    def _paced(self, channel: str) -> bool:
        return time.monotonic() < self._paced_until.get(channel, 0.0)

    def _send_one(self, row_id: int) -> int:
        with logs.context(outbox=row_id), self.services.sessions() as session:
            row = session.get(OutboxRow, row_id)
            assert row is not None
            try:
                outgoing = self.render(session, row)
            except NotReady:
                return self._retry_later(session, row, "waiting for the card", 2)
            except Obsolete:
                row.sent_at = self.services.clock()
                session.commit()
                return 0
            return self._deliver(session, row, outgoing)

    def _deliver(self, session: Session, row: OutboxRow, outgoing: Outgoing) -> int:
        self._paced_until[outgoing.channel] = time.monotonic() + self.channel_interval
        try:
            response = self._call(outgoing, row)
        except SlackApiError as error:
            return self._failed(session, row, error)
        except (OSError, SlackRequestError) as error:
            # Refused, reset, timed out, or a file upload refused: Slack unreachable, try again.
            log.warning("Slack unreachable for outbox row %s (%s); retrying", row.id, error)
            self.services.metrics.retries.labels(reason="unreachable").inc()
            if not (outgoing.upload or outgoing.view is not None or outgoing.update_ts):
                mark_maybe_posted(row)  # a timeout or a dropped answer: it may have landed
            return self._retry_later(session, row, f"unreachable: {error}", backoff(row.attempts))
        self.services.metrics.sent.labels(kind=row.kind).inc()
        row.sent_at = self.services.clock()
        row.ts = str(response.get("ts") or outgoing.update_ts or response.get("file_id") or "")
        row.attempts += 1
        row.last_error = None
        _remember_message(session, row, str(response.get("channel") or outgoing.channel))
        session.commit()
        return 1

    def _call(self, outgoing: Outgoing, row: OutboxRow) -> Any:
        if outgoing.upload:
            return self._upload(outgoing, outgoing.upload)
        if outgoing.view is not None:
            return self.client.views_publish(user_id=outgoing.channel, view=outgoing.view)
        if outgoing.update_ts:
            return self.client.chat_update(
                channel=outgoing.channel,
                ts=outgoing.update_ts,
                text=outgoing.text,
                blocks=outgoing.blocks,
            )
        return self._post(outgoing, row.id, look_first=may_have_posted(row))

    def _post(self, outgoing: Outgoing, row_id: int, look_first: bool) -> Any:
        """Post a new message, unless an earlier attempt whose answer was lost posted it:
        then bring that message up to date instead of posting a second one."""
        found = look_first and find_earlier_post(
            self.client, outgoing.channel, outgoing.thread_ts, row_id
        )
        if found:
            log.info("Outbox row %s was posted before its answer was lost; updating it", row_id)
            self.client.chat_update(
                channel=found["channel"], ts=found["ts"], text=outgoing.text, blocks=outgoing.blocks
            )
            return found
        return self.client.chat_postMessage(
            channel=outgoing.channel,
            text=outgoing.text,
            blocks=outgoing.blocks,
            thread_ts=outgoing.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata=post_metadata(row_id),
        )

    def _upload(self, outgoing: Outgoing, upload: Upload) -> dict[str, Any]:
        """Share a file with Slack's current upload API (upload URL, then complete)."""
        response = self.client.files_upload_v2(
            channel=outgoing.channel,
            content=None,
            file=upload.content,
            filename=upload.filename,
            title=upload.title,
            alt_txt=upload.alt_text,
            initial_comment=outgoing.text,
            thread_ts=outgoing.thread_ts,
        )
        shared = response.get("file") or {}
        return {"ts": "", "channel": outgoing.channel, "file_id": shared.get("id")}

    def _failed(self, session: Session, row: OutboxRow, error: SlackApiError) -> int:
        code = error_code(error)
        metrics = self.services.metrics
        if is_rate_limited(error):
            metrics.rate_limited.inc()
            metrics.retries.labels(reason="rate_limited").inc()
            delay = retry_after(error)
            self._paced_until[row.channel] = time.monotonic() + delay
            log.warning("Slack rate-limited %s; waiting %ss as it asked", row.channel, delay)
            return self._retry_later(session, row, code, delay)
        metrics.retries.labels(reason="token" if code in FATAL_ERRORS else "slack_error").inc()
        if code in FATAL_ERRORS:
            self.halted = code
            log.error(
                "Slack refused the bot token (%s): fix SLACK_BOT_TOKEN and restart; "
                "queued messages are kept and will be sent then",
                code,
            )
            return self._retry_later(session, row, code, 60)
        if code in ADMIN_ERRORS:
            log.error(
                "Cannot post in channel %s (%s): invite the Chorus app to the channel "
                "(/invite @Chorus); the message is kept and retried",
                row.channel,
                code,
            )
        else:
            log.warning("Slack failed on outbox row %s (%s); retrying", row.id, code)
        return self._retry_later(session, row, code, backoff(row.attempts))

    def _retry_later(self, session: Session, row: OutboxRow, why: str, seconds: float) -> int:
        row.attempts += 1
        row.last_error = why
        row.next_attempt_at = self.services.clock() + timedelta(seconds=seconds)
        session.commit()
        return 0


def _remember_message(session: Session, row: OutboxRow, channel: str) -> None:
    """Store where a new card or review message landed, so later renders update it."""
    # Plain UPDATEs: the mention's version guards people's moves, not Slack coordinates.
    if row.kind == "mention_card" and row.mention_id is not None:
        session.execute(
            update(MentionRow)
            .where(MentionRow.id == row.mention_id)
            .values(card_channel=channel, card_ts=row.ts)
            .execution_options(synchronize_session=False)
        )
    elif row.kind == "spike_summary":
        remember_spike_summary(session, row)
    elif row.kind in ("digest", "digest_chart"):
        remember_digest(session, row)
    elif row.kind == "idea_card":
        remember_idea_card(session, row, channel)
    elif row.kind == "review" and row.draft_id is not None:
        session.execute(
            update(DraftRow)
            .where(DraftRow.id == row.draft_id)
            .values(review_channel=channel, review_ts=row.ts)
            .execution_options(synchronize_session=False)
        )
