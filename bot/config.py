"""The workspace configuration, `chorus.toml`: departments, managers, and later sources."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config_errors import department_conflict, describe, listening_conflict
from bot.digest_config import DigestConfig
from bot.domain.business_time import BusinessHours
from bot.domain.model import Actor, Department
from bot.domain.routing import RouteRule
from bot.listening_config import (
    ClassificationConfig,
    RouteConfig,
    SourceConfig,
    SpikeConfig,
    WebhookMapping,
)
from bot.policy_config import PolicyConfig
from bot.publishing_config import PublishingConfig, ScoreConfig
from bot.working_config import BusinessHoursConfig, RemindersConfig

UserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
ChannelId = Annotated[str, StringConstraints(pattern=r"^[CG][A-Z0-9]{2,}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class ConfigError(Exception):
    """A problem in chorus.toml; the message names the file, line and key."""


class DepartmentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    channel: ChannelId
    leads: list[UserId] = []
    # Seeds for the roles in the database (see bot/services/role_seeding.py).
    trusted: list[UserId] = []
    trusted_lane: bool = False
    keywords: list[Annotated[str, StringConstraints(min_length=1)]] = []
    sla_minutes: Annotated[int, Field(gt=0)] | None = None
    default: bool = False

    def to_domain(self) -> Department:
        return Department(
            key=self.key,
            name=self.name,
            channel=self.channel,
            leads=frozenset(self.leads),
            keywords=tuple(self.keywords),
            sla_minutes=self.sla_minutes,
            default=self.default,
        )


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str = "UTC"
    managers: list[UserId] = []
    company_channel: ChannelId | None = None
    # Where post ideas are pitched and discussed; the company channel when not set.
    ideas_channel: ChannelId | None = None
    departments: Annotated[list[DepartmentConfig], Field(min_length=1)]
    sources: list[SourceConfig] = []
    routes: list[RouteConfig] = []
    webhooks: list[WebhookMapping] = []
    classification: ClassificationConfig = ClassificationConfig()
    spike: SpikeConfig = SpikeConfig()
    publishing: PublishingConfig = PublishingConfig()
    score: ScoreConfig = ScoreConfig()
    business_hours: BusinessHoursConfig = BusinessHoursConfig()
    reminders: RemindersConfig = RemindersConfig()
    digest: DigestConfig = DigestConfig()
    policy: PolicyConfig = PolicyConfig()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone; use a name like Europe/Paris") from None
        return value

    @model_validator(mode="after")
    def _one_default(self) -> WorkspaceConfig:
        keys = [d.key for d in self.departments]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"department keys must be unique; repeated: {', '.join(duplicates)}")
        known = set(keys)
        for route in self.routes:
            if route.department not in known:
                raise ValueError(
                    f"a route names department “{route.department}”, which is not "
                    f"one of: {', '.join(keys)}"
                )
        for what, names in (
            ("source", [s.name for s in self.sources]),
            ("webhook", [w.name for w in self.webhooks]),
        ):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{what} names must be unique; repeated: {', '.join(repeated)}")
        defaults = [d.key for d in self.departments if d.default]
        if len(defaults) != 1:
            raise ValueError(
                "exactly one department needs `default = true` (the catch-all); "
                f"found {len(defaults)}"
            )
        return self

    def route_rules(self) -> list[RouteRule]:
        """The `[[routes]]` as the domain's rules, in order."""
        return [
            RouteRule(
                department_key=r.department,
                name=r.name or f"route {i + 1}",
                keywords=tuple(r.keywords),
                patterns=tuple(r.patterns),
                networks=tuple(n.value for n in r.networks),
                languages=tuple(r.languages),
                intents=tuple(i.value for i in r.intents),
                sentiment_min=r.sentiment_min,
                sentiment_max=r.sentiment_max,
                min_followers=r.min_followers,
                authors=tuple(r.authors),
            )
            for i, r in enumerate(self.routes)
        ]

    def working_hours(self) -> BusinessHours:
        """Business hours in the workspace's time zone."""
        return self.business_hours.hours(self.timezone)

    def department_list(self) -> list[Department]:
        return [d.to_domain() for d in self.departments]

    def actor(self, user_id: str) -> Actor:
        """Return the roles this configuration seeds for a Slack user (the database holds
        the roles in force: `Services.actor`)."""
        leads = frozenset(d.key for d in self.departments if user_id in d.leads)
        trusted = frozenset(d.key for d in self.departments if user_id in d.trusted)
        return Actor(
            user_id, is_manager=user_id in self.managers, lead_of=leads, trusted_in=trusted
        )

    def ideas_home(self) -> str | None:
        """The channel that receives idea cards."""
        return self.ideas_channel or self.company_channel

    def department(self, key: str | None) -> Department | None:
        return next((d.to_domain() for d in self.departments if d.key == key), None)


def load_config(path: Path) -> WorkspaceConfig:
    """Read and check chorus.toml, or raise ConfigError naming the line and key to fix."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found. Create it (see the example in the README) "
            "or point CHORUS_CONFIG at it."
        ) from None
    return parse_config(source, str(path))


def parse_config(source: str, name: str = "chorus.toml") -> WorkspaceConfig:
    """Check the text of a chorus.toml."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    located = department_conflict(data, source, name) or listening_conflict(data, source, name)
    if located:
        raise ConfigError(located)
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError("\n".join(describe(name, source, e) for e in error.errors())) from None
