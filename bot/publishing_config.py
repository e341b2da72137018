"""The publishing part of chorus.toml: short links, reply limits and the score's weights."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.engagement import ScoreWeights
from bot.domain.model import Network

Weight = Annotated[float, Field(ge=0, le=100)]


class PublishingConfig(BaseModel):
    """`[publishing]`: how replies go out."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # None: on when CHORUS_PUBLIC_URL is set (short links must be reachable to count).
    track_links: bool | None = None
    # Characters a reply may have, for networks without a rule of their own (LinkedIn, …).
    reply_limits: dict[Network, Annotated[int, Field(gt=0, le=100_000)]] = {}


class ScoreConfig(BaseModel):
    """`[score]`: what each kind of engagement is worth in a reply's score."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    shares: Weight = 3
    quotes: Weight = 3
    replies: Weight = 2
    clicks: Weight = 2
    likes: Weight = 1
    positive_follow_up: Weight = 5

    def weights(self) -> ScoreWeights:
        return ScoreWeights(**self.model_dump())
