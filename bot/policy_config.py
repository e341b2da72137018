"""`[policy]` in chorus.toml: what a public reply must not contain, and how it should sound."""

from __future__ import annotations

import re
from typing import Annotated

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot.domain.policy import Disclosure, Policy

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class PolicyConfig(BaseModel):
    """Checked on every draft, in the modal as it is typed and again on submit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # Project code names and anything proprietary: a reply naming one cannot be submitted.
    blocked_terms: list[Term] = []
    # Links in replies should lead here (subdomains included); empty: links are not checked.
    allowed_domains: list[str] = []
    # E-mail addresses and phone numbers the company publishes, which replies may give.
    allowed_contacts: list[Term] = []
    # The company named in the disclosure line: "— Ana, Support at Acme".
    company: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    disclosure: Disclosure = Disclosure.WARN
    # Phone numbers written without a country code are read as this country's.
    phone_region: str = "US"
    # Shouting: at least this share of capitals, over at least this many letters.
    shouting_share: Annotated[float, Field(gt=0, le=1)] = 0.6
    shouting_min_letters: Annotated[int, Field(ge=1)] = 20
    # A reply whose tone scores below this (from -1, hostile, to 1, warm) gets a warning.
    negative_below: Annotated[float, Field(ge=-1, le=1)] = -0.5

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        cleaned = []
        for value in values:
            domain = value.strip().lower().removeprefix("*.").removeprefix(".")
            if not DOMAIN.match(domain):
                raise ValueError(
                    f"“{value}” is not a domain; write it as acme.com (subdomains are "
                    "included), without https:// or a path"
                )
            cleaned.append(domain)
        return cleaned

    @field_validator("phone_region")
    @classmethod
    def _region(cls, value: str) -> str:
        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"“{value}” is not a country code; use the two letters of the country whose "
                "numbers customers write without +code, like US, FR or DE"
            )
        return region

    def to_domain(self, public_url: str | None = None) -> Policy:
        return Policy(
            blocked_terms=tuple(self.blocked_terms),
            allowed_domains=tuple(self.allowed_domains),
            allowed_contacts=tuple(self.allowed_contacts),
            company=self.company or None,
            disclosure=self.disclosure,
            shouting_share=self.shouting_share,
            shouting_min_letters=self.shouting_min_letters,
            negative_below=self.negative_below,
            public_url=public_url,
        )
