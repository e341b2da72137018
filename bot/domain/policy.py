"""The reply policy: what a public reply must not contain, and how it should sound.

Each check yields findings in plain words, saying what to fix. Blocking findings stop a
draft in its modal; warnings travel with the draft to the reviewer. The sentiment of the
reply and the phone numbers in it come from the shell (a lexicon and a numbering-plan
library); everything else is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import policy_rules as rules
from bot.domain.policy_rules import Span


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"


class Disclosure(StrEnum):
    """What happens to a reply without its author's disclosure line."""

    OFF = "off"
    WARN = "warn"
    BLOCK = "block"


class Check(StrEnum):
    BLOCKED_TERM = "blocked_term"
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    DISCLOSURE = "disclosure"
    LINK = "link"
    SHOUTING = "shouting"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class Finding:
    kind: Check
    severity: Severity
    message: str  # a sentence for the author: what is wrong and what to do

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING


@dataclass(frozen=True)
class PolicyReport:
    findings: tuple[Finding, ...] = ()

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking)

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class AuthorProfile:
    """Who signs a reply, as their Slack profile says; names unknown when Slack was silent."""

    user_id: str
    first_name: str | None = None
    title: str | None = None

    @property
    def display(self) -> str:
        return self.first_name or self.user_id


@dataclass(frozen=True)
class Policy:
    """`[policy]` of chorus.toml, as the checks use it."""

    blocked_terms: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()  # empty: links are not checked
    allowed_contacts: tuple[str, ...] = ()  # the company's own e-mail addresses and numbers
    company: str | None = None
    disclosure: Disclosure = Disclosure.WARN
    shouting_share: float = 0.6
    shouting_min_letters: int = 20
    negative_below: float = -0.5
    public_url: str | None = None  # Chorus's own short links are always fine


@dataclass(frozen=True)
class Guidelines:
    """What `/chorus guidelines` (and the App Home) explain, for one person."""

    policy: Policy
    suggested_line: str | None  # their own disclosure line; None when disclosure is off
    trusted_lanes: tuple[str, ...] = ()  # names of departments with the trusted lane open
    trusted_in: tuple[str, ...] = ()  # those of them where this person is trusted


def disclosure_line(author: AuthorProfile, company: str | None) -> str:
    """The line that tells the customer who answers: "— Ana, Support at Acme"."""
    line = f"— {author.display}"
    if author.title:
        line += f", {author.title}"
    if company:
        line += f" at {company}"
    return line


def check_reply(
    text: str,
    policy: Policy,
    author: AuthorProfile | None,
    sentiment: float | None,
    phones: Sequence[Span] = (),
) -> PolicyReport:
    """Check a reply against the policy; `sentiment` is the score of its `tone_text`, or None
    where it cannot be scored, and `phones` the phone numbers the shell found in it."""
    findings = [
        *_blocked_terms(text, policy),
        *_personal_data(text, policy, phones),
        *_disclosure(text, policy, author),
        *_links(text, policy),
        *_tone(text, policy, sentiment),
    ]
    return PolicyReport(tuple(findings))


def _blocked_terms(text: str, policy: Policy) -> list[Finding]:
    return [
        Finding(
            Check.BLOCKED_TERM,
            Severity.BLOCKING,
            f"The reply mentions “{span.text}”, an internal name that must not go public: "
            "remove it.",
        )
        for span in rules.find_terms(text, policy.blocked_terms)
    ]


PRIVATELY = "personal data never goes in a public reply; ask the customer to send it privately."


def _personal_data(text: str, policy: Policy, phones: Sequence[Span]) -> list[Finding]:
    allowed = [c.lower() for c in policy.allowed_contacts]
    findings = [
        Finding(
            Check.EMAIL,
            Severity.BLOCKING,
            f"The reply contains the e-mail address “{s.text}”: remove it — {PRIVATELY}",
        )
        for s in rules.find_emails(text)
        if s.text.lower() not in allowed
    ]
    cards = rules.find_cards(text)
    findings += [
        Finding(
            Check.CARD,
            Severity.BLOCKING,
            f"The reply contains what looks like a card number (ending "
            f"{rules.digits_of(s.text)[-4:]}): remove it — never repeat payment details.",
        )
        for s in cards
    ]
    links = rules.link_spans(text)
    findings += [
        Finding(
            Check.PHONE,
            Severity.BLOCKING,
            f"The reply contains the phone number “{s.text}”: remove it — {PRIVATELY}",
        )
        for s in phones
        if not any(s.overlaps(other) for other in [*cards, *links])
        and not any(rules.same_number(s.text, contact) for contact in allowed)
    ]
    return findings


def _disclosure(text: str, policy: Policy, author: AuthorProfile | None) -> list[Finding]:
    if policy.disclosure is Disclosure.OFF:
        return []
    first_name = author.first_name if author else None
    if rules.signed_by(text, first_name):
        return []
    severity = Severity.BLOCKING if policy.disclosure is Disclosure.BLOCK else Severity.WARNING
    if author is None:
        wanted = "a line that starts with a dash and says who you are"
    else:
        wanted = f"“{disclosure_line(author, policy.company)}”"
    return [
        Finding(
            Check.DISCLOSURE,
            severity,
            f"The reply does not say who wrote it: end it with {wanted}, so the customer "
            "knows a person from the company answers.",
        )
    ]


def _links(text: str, policy: Policy) -> list[Finding]:
    if not policy.allowed_domains:
        return []
    allowed = ", ".join(policy.allowed_domains)
    return [
        Finding(
            Check.LINK,
            Severity.WARNING,
            f"The link to {host} leads outside the sites replies may link to ({allowed}): "
            "link to one of those instead, or make sure the reviewer agrees.",
        )
        for host in rules.foreign_hosts(text, policy.allowed_domains, policy.public_url)
    ]


def _tone(text: str, policy: Policy, sentiment: float | None) -> list[Finding]:
    findings = []
    capitals, letters = rules.capital_share(text)
    if letters >= policy.shouting_min_letters and capitals >= policy.shouting_share * letters:
        findings.append(
            Finding(
                Check.SHOUTING,
                Severity.WARNING,
                "Most of the reply is in capitals, which reads as shouting: write it in "
                "normal case.",
            )
        )
    if sentiment is not None and sentiment < policy.negative_below:
        findings.append(
            Finding(
                Check.NEGATIVE,
                Severity.WARNING,
                "The reply sounds negative or hostile: keep it calm and kind, even when the "
                "customer is not.",
            )
        )
    return findings
