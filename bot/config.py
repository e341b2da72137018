"""The workspace configuration, `chorus.toml`: departments, managers, and later sources."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any
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

from bot.domain.model import Actor, Department
from bot.domain.routing import RouteRule
from bot.listening_config import (
    ClassificationConfig,
    RouteConfig,
    SourceConfig,
    SpikeConfig,
    WebhookMapping,
)

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
    departments: Annotated[list[DepartmentConfig], Field(min_length=1)]
    sources: list[SourceConfig] = []
    routes: list[RouteConfig] = []
    webhooks: list[WebhookMapping] = []
    classification: ClassificationConfig = ClassificationConfig()
    spike: SpikeConfig = SpikeConfig()

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

    def department_list(self) -> list[Department]:
        return [d.to_domain() for d in self.departments]

    def actor(self, user_id: str) -> Actor:
        """Return the roles this configuration gives a Slack user."""
        leads = frozenset(d.key for d in self.departments if user_id in d.leads)
        return Actor(user_id, is_manager=user_id in self.managers, lead_of=leads)

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
    located = _department_conflict(data, source, name) or _listening_conflict(data, source, name)
    if located:
        raise ConfigError(located)
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError("\n".join(_describe(name, source, e) for e in error.errors())) from None


def _department_conflict(data: dict[str, Any], source: str, name: str) -> str | None:
    """Name the line of a repeated department key or of a second default."""
    departments = data.get("departments")
    if not isinstance(departments, list):
        return None
    first_of: dict[object, int] = {}
    default_at: int | None = None
    for index, table in enumerate(departments):
        if not isinstance(table, dict):
            continue
        key = table.get("key")
        if key in first_of:
            return _located(
                name,
                source,
                ["departments", index, "key"],
                f"“{key}” is already the key of departments[{first_of[key]}]; "
                "department keys must be unique",
            )
        first_of[key] = index
        if table.get("default") is True and default_at is not None:
            return _located(
                name,
                source,
                ["departments", index, "default"],
                f"departments[{default_at}] is already the default; exactly one "
                "department needs `default = true` (the catch-all)",
            )
        if table.get("default") is True:
            default_at = index
    return None


def _listening_conflict(data: dict[str, Any], source: str, name: str) -> str | None:
    """Name the line of a route to an unknown department or of a repeated source/webhook name."""
    keys = [t.get("key") for t in _tables(data, "departments")]
    for index, table in enumerate(_tables(data, "routes")):
        department = table.get("department")
        if isinstance(department, str) and department not in keys:
            known = ", ".join(str(k) for k in keys)
            problem = f"“{department}” is not a department; use one of: {known}"
            return _located(name, source, ["routes", index, "department"], problem)
    for section, what in (("sources", "source"), ("webhooks", "webhook")):
        first_of: dict[object, int] = {}
        for index, table in enumerate(_tables(data, section)):
            value = table.get("name")
            if value in first_of:
                problem = (
                    f"“{value}” is already the name of {section}[{first_of[value]}]; "
                    f"{what} names must be unique"
                )
                return _located(name, source, [section, index, "name"], problem)
            first_of[value] = index
    return None


def _tables(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    tables = data.get(section)
    return [t for t in tables if isinstance(t, dict)] if isinstance(tables, list) else []


def _located(name: str, source: str, loc: list[Any], problem: str) -> str:
    return f"{name} line {_line_of(source, loc)}: {_dotted(loc)}: {problem}"


def _describe(name: str, source: str, error: Any) -> str:
    loc = [part for part in error["loc"] if not isinstance(part, str) or part[0].islower()]
    key = _dotted(loc)
    line = _line_of(source, loc)
    where = f"{name} line {line}" if line else name
    problem = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        problem = _pattern_hint(loc)
    elif error["type"] == "string_type" and loc[:1] == ["webhooks"] and "fields" in loc:
        # TOML reads `author.handle = "…"` as a table `author`; the target must be quoted.
        inner = next(iter(error["input"]), "handle") if isinstance(error["input"], dict) else "…"
        problem = f'write a dotted target in quotes: "{loc[-1]}.{inner}" = "path.in.their.json"'
    elif error["type"] == "extra_forbidden":
        problem = "is not a key Chorus knows; check its spelling"
    return f"{where}: {key or 'top level'}: {problem}"


def _pattern_hint(loc: list[Any]) -> str:
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    url = "must be an http:// or https:// URL"
    env = "must be the name of an environment variable (like MASTODON_TOKEN), not the secret"
    hints = {
        "managers": "must be a Slack user id like U0MANAGER (not a @name)",
        "leads": "must be a Slack user id like U0LEAD (not a @name)",
        "department": "must be a department key: lowercase letters, digits, - or _",
        "name": "must be lowercase letters, digits, - or _ (like blog-comments)",
        "url": url,
        "base_url": url + ", like https://mastodon.social",
        "access_token_env": env,
        "app_password_env": env,
        "languages": "must be a two-letter ISO 639-1 code like fr",
        "channel": "must be a Slack channel id like C0SUPPORT (not a #name)",
        "company_channel": "must be a Slack channel id like C0SOCIAL (not a #name)",
        "key": "must be lowercase letters, digits, - or _",
    }
    return hints.get(field, "is not in the expected form")


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(source: str, loc: list[Any]) -> int | None:
    """Find the line a location points at: the Nth [[table]] header, then the key in it."""
    lines = source.splitlines()
    start, end = 0, len(lines)
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        headers = [i for i, ln in enumerate(lines) if ln.strip() == f"[[{loc[0]}]]"]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            # The table ends at the next header that is not one of its own sub-tables.
            own = f"[{loc[0]}."
            later = [
                i
                for i, ln in enumerate(lines)
                if i > start and ln.lstrip().startswith("[") and not ln.lstrip().startswith(own)
            ]
            end = later[0] if later else len(lines)
            loc = loc[2:]
    elif len(loc) >= 2 and isinstance(loc[0], str):
        # A key of a plain [table] such as [classification]: look only inside that table.
        headers = [i for i, ln in enumerate(lines) if ln.strip() == f"[{loc[0]}]"]
        if headers:
            start = headers[0]
            later = [i for i, ln in enumerate(lines) if i > start and ln.lstrip().startswith("[")]
            end = later[0] if later else len(lines)
            loc = loc[1:]
    key = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if key is not None:
        # `author.handle = …` is the line of key `author` too: TOML made it a table.
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[=.]")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1 if start else None
