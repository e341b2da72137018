"""Ingestion: validate mention objects, keep each post once, route it, queue its card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from bot.domain.limits import is_http_url
from bot.domain.model import Network
from bot.services.core import Services
from bot.services.intake import Intake, store_batch
from storage import delivery

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _http_url(value: str | None) -> str | None:
    if value is not None and not is_http_url(value):
        raise ValueError("must be an http:// or https:// URL")
    return value.strip() if value else value


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    handle: Short
    name: Annotated[str, StringConstraints(max_length=300)] | None = None
    followers: Annotated[int, Field(ge=0)] | None = None
    url: str | None = None

    _url = field_validator("url")(_http_url)


class MentionIn(BaseModel):
    """One mention object, as the webhook, the import and every source produce it."""

    model_config = ConfigDict(extra="ignore")
    network: Network
    external_id: Short
    text: Annotated[str, StringConstraints(min_length=1)]
    url: str | None = None
    author: AuthorIn | None = None
    created_at: AwareDatetime | None = None
    language: Annotated[str, StringConstraints(max_length=16)] | None = None
    source: Annotated[str, StringConstraints(max_length=100)] | None = None

    _url = field_validator("url")(_http_url)

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidMentions(Exception):
    """Some mention objects are malformed; nothing of the batch was stored."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicates: int
    mention_ids: tuple[int, ...] = ()


def parse_mentions(items: list[Any], prefix: str = "mentions") -> list[MentionIn]:
    """Validate raw mention objects, or raise InvalidMentions listing every bad field."""
    parsed: list[MentionIn] = []
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        where = f"{prefix}[{index}]" if prefix else ""
        try:
            parsed.append(MentionIn.model_validate(item))
        except ValidationError as error:
            errors.extend(field_errors(error, where))
    if errors:
        raise InvalidMentions(errors)
    return parsed


def field_errors(error: ValidationError, where: str = "") -> list[FieldError]:
    """Turn pydantic's errors into (field path, sentence) pairs."""
    out = []
    for item in error.errors():
        path = where
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "string_too_short":
            message = "must not be empty"
        elif item["type"] == "missing":
            message = "is required"
        elif item["type"] == "enum":
            message = "must be one of " + ", ".join(n.value for n in Network)
        out.append(FieldError(path or "body", message))
    return out


def ingest(
    services: Services,
    mentions: list[MentionIn],
    webhook_id: str | None = None,
    via: str = "webhook",
) -> IngestResult:
    """Store new mentions, route them and queue their cards; known ones count as duplicates."""
    with services.sessions() as session:
        now = services.clock()
        if webhook_id is not None and (seen := delivery.seen_webhook(session, webhook_id)):
            return IngestResult(0, seen.accepted + seen.duplicates)
        intake = Intake(
            services.config.department_list(),
            services.config.route_rules(),
            services.classifier(),
            now,
            via,
            services.config.spike,
        )
        ids = store_batch(session, mentions, intake)
        result = IngestResult(len(ids), len(mentions) - len(ids), tuple(ids))
        if webhook_id is not None and not delivery.remember_webhook(
            session, webhook_id, now, result.accepted, result.duplicates
        ):
            session.rollback()
            return IngestResult(0, len(mentions))
        session.commit()
    if ids:
        services.metrics.mentions.labels(via=via).inc(len(ids))
        services.wake_outbox()
    return result
