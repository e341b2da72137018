"""The listening part of chorus.toml: sources, routing rules, webhook mappings, spikes."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.domain.classification import Intent
from bot.domain.model import Network

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")]


class SourceConfig(BaseModel):
    """One `[[sources]]` table: a feed or network Chorus polls."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Name
    kind: Literal["rss", "mastodon", "bluesky"]
    every_minutes: Annotated[float, Field(gt=0)] = 5
    backfill_hours: Annotated[float, Field(ge=0)] = 24
    network: Network | None = None
    url: HttpUrl | None = None
    base_url: HttpUrl | None = None
    access_token_env: EnvName | None = None
    handle: str | None = None
    app_password_env: EnvName | None = None
    hashtags: list[str] = []
    search_terms: list[str] = []
    mentions: bool = True
    timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10
    max_bytes: Annotated[int, Field(gt=0)] = 5 * 1024 * 1024

    @model_validator(mode="after")
    def _needs_for_kind(self) -> SourceConfig:
        needs = {
            "rss": ("url",),
            "mastodon": ("base_url",),
            "bluesky": (),
        }[self.kind]
        missing = [key for key in needs if getattr(self, key) is None]
        if missing:
            raise ValueError(f"a {self.kind} source needs `{missing[0]}`")
        return self

    @property
    def mention_network(self) -> Network:
        """The network its mentions are on: set, or implied by the kind."""
        if self.network is not None:
            return self.network
        return {"rss": Network.BLOG, "mastodon": Network.MASTODON, "bluesky": Network.BLUESKY}[
            self.kind
        ]


class RouteConfig(BaseModel):
    """One `[[routes]]` rule: the first that matches picks the department."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    department: Name
    name: str | None = None
    keywords: list[Annotated[str, StringConstraints(min_length=1)]] = []
    patterns: list[str] = []
    networks: list[Network] = []
    languages: list[Annotated[str, StringConstraints(to_lower=True, min_length=2)]] = []
    intents: list[Intent] = []
    sentiment_min: Annotated[float, Field(ge=-1, le=1)] | None = None
    sentiment_max: Annotated[float, Field(ge=-1, le=1)] | None = None
    min_followers: Annotated[int, Field(ge=0)] | None = None
    authors: list[str] = []

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"pattern {pattern!r} is not a valid regular expression: {error}"
                ) from None
        return patterns

    @model_validator(mode="after")
    def _has_a_condition(self) -> RouteConfig:
        conditions = (
            self.keywords,
            self.patterns,
            self.networks,
            self.languages,
            self.intents,
            self.authors,
        )
        numbers = (self.sentiment_min, self.sentiment_max, self.min_followers)
        if not any(conditions) and all(n is None for n in numbers):
            raise ValueError(
                "a route needs at least one condition (keywords, patterns, "
                "networks, languages, intents, sentiment_min/max, min_followers, authors)"
            )
        return self


class WebhookMapping(BaseModel):
    """One `[[webhooks]]` table: another tool's JSON, mapped onto the mention object."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Name
    network: Network | None = None
    items: str | None = None  # dotted path to the list of posts, when a payload carries several
    fields: dict[str, str]

    @model_validator(mode="after")
    def _maps_required(self) -> WebhookMapping:
        required = ["external_id", "text"] + ([] if self.network else ["network"])
        missing = [key for key in required if key not in self.fields]
        if missing:
            raise ValueError(f"fields must map `{missing[0]}` (a dotted path in the tool's JSON)")
        return self


class ClassificationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Languages Chorus tells apart (ISO 639-1). Each Latin-script one adds about 35 MB of
    # language model; list the ones your customers write in. A post in another language gets
    # the closest of these, or none, unless its source says which language it is.
    languages: list[Annotated[str, StringConstraints(to_lower=True, pattern=r"^[a-zA-Z]{2}$")]] = [
        "en", "fr", "de", "es",
        # Languages with a script of their own cost nothing until a post in it arrives.
        "ja", "zh", "ko", "ru", "ar", "el", "he", "th",
    ]  # fmt: skip

    @field_validator("languages")
    @classmethod
    def _lingua_knows(cls, codes: list[str]) -> list[str]:
        from lingua import IsoCode639_1

        unknown = [code for code in codes if not hasattr(IsoCode639_1, code.upper())]
        if unknown:
            raise ValueError(f"“{unknown[0]}” is not an ISO 639-1 language code Chorus knows")
        return codes

    urgent_terms: list[str] = ["lawyer", "lawsuit", "cancel my account", "data breach", "scam"]
    high_reach_followers: Annotated[int, Field(gt=0)] = 10_000


class SpikeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    threshold: Annotated[int, Field(gt=0)] = 20
    show_next: Annotated[int, Field(gt=0, le=20)] = 10
    quiet_minutes: Annotated[float, Field(gt=0)] = 10
