"""Secrets never reach a log line: the root logger's handlers scrub every record, with a
filter (the message and traceback, for every handler after it) and around their formatter
(the finished line, whatever the formatter put in it).

Libraries log more than Chorus does: slack_sdk, at DEBUG, logs the URL of every response_url
it posts to (which lets anyone who has it answer in Slack as the app, for thirty minutes), and
an exception's text can carry whatever its request held. So each record is scrubbed, message
and traceback alike, of the exact secret values Chorus was given and of anything shaped like
one: Bearer tokens, Slack tokens (xoxb-…, xoxp-…, xapp-…), Standard Webhooks secrets (whsec_…),
Slack's hooks.slack.com URLs, any value given for a `response_url`, and every URL that
slack_sdk's webhook client (the one that posts to response URLs) mentions.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

from dotenv import dotenv_values

REDACTED = "[redacted]"
SECRET_SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "CHORUS_WEBHOOK_SECRET",
    "CHORUS_MASTODON_ACCESS_TOKEN",
    "CHORUS_BLUESKY_APP_PASSWORD",
)
# A value this short is a word, not a secret: replacing it everywhere would garble the logs.
SHORTEST_SECRET = 8
# A URL, written plainly, URL-encoded (http%3A%2F%2F…) or JSON-escaped (http:\/\/…).
SCHEME = r"https?(?::|%3A)(?:/|%2F|\\/){2}"
URL = SCHEME + r"[^\s'\"<>,)}\]]+"
PATTERNS = (
    (re.compile(r"(?i)\b(bearer\s+)[^\s'\"]+"), r"\1" + REDACTED),
    (re.compile(r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bwhsec_[A-Za-z0-9+/=]+"), REDACTED),
    (re.compile(rf"(?i)(?:{SCHEME})?hooks\.slack\.com(?:/|%2F|\\/)[^\s'\"<>,)}}\]&]*"), REDACTED),
    # response_url=…, "response_url": "…", 'response_url': '…', and their URL-encoded forms.
    (
        re.compile(
            r"(?i)(response_url(?:%22|\\?[\"'])?\s*(?:=|:|%3A)\s*(?:%22|\\?[\"'])?)[^\s\"'&,}]+"
        ),
        r"\1" + REDACTED,
    ),
)
WEBHOOK_CLIENT = "slack_sdk.webhook"
ANY_URL = re.compile(URL)


class Redactor(logging.Filter):
    """Scrub each record of secrets before any handler formats it."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        kept = {s for s in secrets if s and len(s) >= SHORTEST_SECRET}
        # Longest first: a secret that contains another is removed whole.
        self.secrets = sorted(kept, key=len, reverse=True)

    def scrub(self, text: str, name: str = "") -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in PATTERNS:
            text = pattern.sub(replacement, text)
        if name.startswith(WEBHOOK_CLIENT):
            text = ANY_URL.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self.scrub(message, record.name)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text, record.name)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info, record.name)
        return True


class RedactingFormatter(logging.Formatter):
    """The handler's own formatter, its every line scrubbed: some formatters (JSON ones)
    format an exception afresh from the live one, which the filter leaves to other
    handlers intact."""

    def __init__(self, inner: logging.Formatter, redactor: Redactor) -> None:
        super().__init__()
        self.inner, self.redactor = inner, redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.scrub(self.inner.format(record), record.name)


def secrets_from_environment(env_file: str = ".env") -> list[str]:
    """The secret settings' values, from the environment or the .env file beside it."""
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values = {**from_file, **os.environ}
    found = [values[name] for name in SECRET_SETTINGS if values.get(name)]
    # A whsec_ secret is also used, and could show, without its prefix.
    return found + [v.removeprefix("whsec_") for v in found if v.startswith("whsec_")]


def install_redaction(secrets: Iterable[str | None]) -> Redactor:
    """Scrub `secrets`, and anything shaped like a secret, from every record that reaches
    the root logger's handlers (call it again after adding a handler)."""
    redactor = Redactor(secrets)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Redactor) for f in handler.filters):
            handler.addFilter(redactor)
        if not isinstance(handler.formatter, RedactingFormatter):
            handler.setFormatter(
                RedactingFormatter(handler.formatter or logging.Formatter(), redactor)
            )
    return redactor
