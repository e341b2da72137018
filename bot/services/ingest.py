"""Ingestion: validate mention objects, keep each post once, route it, queue its card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.classify import Classification, Classifier
from bot.domain import workflow
from bot.domain.limits import is_http_url
from bot.domain.model import Department, Mention, Network
from bot.domain.routing import Facts, RouteDecision, RouteRule, route
from bot.domain.urls import canonical_url
from bot.services.core import Services
from storage import repo
from storage.mapping import apply_mention
from storage.models import CustomerRow, MentionRow

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
        if webhook_id is not None and (seen := repo.seen_webhook(session, webhook_id)):
            return IngestResult(0, seen.accepted + seen.duplicates)
        intake = _Intake(
            services.config.department_list(),
            services.config.route_rules(),
            services.classifier(),
            now,
            via,
        )
        ids = [mid for m in mentions if (mid := _ingest_one(session, m, intake))]
        result = IngestResult(len(ids), len(mentions) - len(ids), tuple(ids))
        if webhook_id is not None and not repo.remember_webhook(
            session, webhook_id, now, result.accepted, result.duplicates
        ):
            session.rollback()
            return IngestResult(0, len(mentions))
        session.commit()
    if ids:
        services.wake_outbox()
    return result


@dataclass(frozen=True)
class _Intake:
    """What every mention of one ingest call is weighed against."""

    departments: list[Department]
    rules: list[RouteRule]
    classifier: Classifier
    now: datetime
    via: str


def _ingest_one(session: Session, item: MentionIn, intake: _Intake) -> int | None:
    canonical = canonical_url(item.url) if item.url else None
    if _already_known(session, item, canonical):
        return None
    try:
        with session.begin_nested():
            row = _store(session, item, canonical, intake.now)
    except IntegrityError:
        return None  # the same post arrived at the same moment through another request
    customer = repo.get_customer(session, row.customer_id)
    verdict = intake.classifier.classify(
        item.text,
        language=item.language,
        followers=customer.followers if customer else None,
        is_advocate=bool(customer and customer.is_advocate),
    )
    row.language, row.sentiment = verdict.language, verdict.sentiment
    row.intent, row.priority = verdict.intent.value, verdict.priority.value
    decision = route(_facts(item, verdict, customer), intake.departments, intake.rules)
    row.route_rule = decision.rule
    outcome = workflow.route(
        _as_new(row, item), decision.department_key, decision.reason, intake.now
    )
    apply_mention(row, outcome.mention)
    _audit_arrival(session, row, item, decision, intake)
    channel = next(d.channel for d in intake.departments if d.key == decision.department_key)
    repo.add_outbox(session, "mention_card", channel, intake.now, mention_id=row.id)
    return row.id


def _already_known(session: Session, item: MentionIn, canonical: str | None) -> bool:
    """The same post: same network id, or the same page once tracking is stripped."""
    if repo.find_mention(session, item.network.value, item.external_id) is not None:
        return True
    return canonical is not None and repo.find_mention_by_url(session, canonical) is not None


def _facts(item: MentionIn, verdict: Classification, customer: CustomerRow | None) -> Facts:
    return Facts(
        text=item.text,
        network=item.network.value,
        language=verdict.language,
        intent=verdict.intent.value,
        sentiment=verdict.sentiment,
        followers=customer.followers if customer else None,
        author=customer.handle if customer else None,
    )


def _audit_arrival(
    session: Session, row: MentionRow, item: MentionIn, decision: RouteDecision, intake: _Intake
) -> None:
    repo.add_event(
        session,
        "received",
        intake.now,
        mention_id=row.id,
        to_state="new",
        via=intake.via,
        source=item.source,
    )
    repo.add_event(
        session,
        "route",
        intake.now,
        mention_id=row.id,
        from_state="new",
        to_state="routed",
        department=decision.department_key,
        reason=decision.reason,
        intent=row.intent,
        priority=row.priority,
    )


def _store(session: Session, item: MentionIn, canonical: str | None, now: datetime) -> MentionRow:
    customer_id = None
    if item.author is not None:
        author = item.author
        customer = repo.save_customer(
            session,
            item.network.value,
            author.handle,
            now,
            name=author.name,
            url=author.url,
            followers=author.followers,
        )
        customer_id = customer.id
    row = MentionRow(
        network=item.network.value,
        external_id=item.external_id,
        url=item.url,
        canonical_url=canonical,
        text=item.text,
        language=item.language,
        source=item.source,
        customer_id=customer_id,
        posted_on_network_at=item.created_at,
        received_at=now,
        state="new",
    )
    return repo.add_mention(session, row)


def _as_new(row: MentionRow, item: MentionIn) -> Mention:
    return Mention(row.id, item.network, item.external_id, item.text, row.received_at)
