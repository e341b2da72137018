"""Chorus's logs: one line per record, as text for people or JSON for a log pipeline, each
carrying the context of the request, outbox message or job it belongs to.

The context lives in a contextvar set around each unit of work (`context(...)`); a filter
copies it onto every record. Listeners Bolt runs after acknowledging run in a thread pool,
so its executor (`ContextExecutor`) hands each task a copy of the submitting thread's
context. Only ids go in the context — never tokens, secrets or response URLs.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from types import MappingProxyType
from typing import Any, TypeVar

from pythonjsonlogger.json import JsonFormatter

from bot.settings import SettingsError

T = TypeVar("T")

FORMATS = ("text", "json")
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that narrate each step at INFO: only their warnings matter to an admin.
CHATTY = ("alembic", "apscheduler", "httpx")

MAX_FIELD = 80

# An immutable empty default: records outside any unit of work carry no fields.
_context: ContextVar[Mapping[str, str]] = ContextVar(
    "chorus_log_context", default=MappingProxyType({})
)


@contextmanager
def context(**fields: object) -> Iterator[None]:
    """Add fields (those that are not None) to every record logged inside the block."""
    added = {key: _clean(value) for key, value in fields.items() if value is not None}
    token = _context.set({**_context.get(), **added})
    try:
        yield
    finally:
        _context.reset(token)


def _clean(value: object) -> str:
    """A field as one short printable token: some come from senders (a webhook's id), and a
    newline in one must not forge a log line."""
    text = "".join(ch if ch.isprintable() and not ch.isspace() else "_" for ch in str(value))
    return text[:MAX_FIELD]


def current() -> dict[str, str]:
    """The fields in effect here (for tests and for passing on by hand)."""
    return dict(_context.get())


def request_id() -> str:
    """A short id that ties together every line one request logs."""
    return uuid.uuid4().hex[:12]


class ContextFilter(logging.Filter):
    """Put the context in effect onto each record, as `record.context`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.context = dict(_context.get())
        return True


class TextFormatter(logging.Formatter):
    """The classic line, with the context after it as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields: Mapping[str, str] = getattr(record, "context", {})
        if not fields:
            return line
        first, newline, rest = line.partition("\n")  # a traceback stays below the line
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{first} [{pairs}]{newline}{rest}"


class ContextJsonFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, then the context's fields."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("context", None)
        log_data.update(getattr(record, "context", {}))


def configure(log_format: str | None = None, level: int = logging.INFO) -> None:
    """Send every logger's records to stderr in the chosen format (CHORUS_LOG_FORMAT)."""
    chosen = (log_format or os.environ.get("CHORUS_LOG_FORMAT") or "text").strip().lower()
    if chosen not in FORMATS:
        raise SettingsError(f"CHORUS_LOG_FORMAT must be text or json, not {chosen!r}.")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter(chosen))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for chatty in CHATTY:
        logging.getLogger(chatty).setLevel(logging.WARNING)


def formatter(chosen: str) -> logging.Formatter:
    if chosen == "json":
        return ContextJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    return TextFormatter(TEXT)


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in a copy of the submitting thread's context, so a
    listener Bolt runs after the acknowledgement still logs its request's fields."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        run: Callable[..., T] = copy_context().run
        return super().submit(run, fn, *args, **kwargs)
