"""The policy's checks that need libraries: phone numbers (phonenumbers) and the reply's tone
(lingua and VADER, through the classifier). The decisions stay in `bot.domain.policy`."""

from __future__ import annotations

import phonenumbers

from bot.classify import Classifier
from bot.domain.policy import AuthorProfile, Policy, PolicyReport, check_reply
from bot.domain.policy_rules import Span, tone_text


def find_phones(text: str, region: str) -> tuple[Span, ...]:
    """Phone numbers as the numbering plans know them: valid numbers only, so dates, prices
    and order numbers are not taken for one. Numbers without a country code are `region`'s."""
    return tuple(
        Span(match.start, match.end, match.raw_string)
        for match in phonenumbers.PhoneNumberMatcher(text, region)
    )


def tone_of(text: str, classifier: Classifier) -> float | None:
    """The sentiment of the clauses worth scoring, or None when the reply is not in English
    (VADER's lexicon is English: scoring other languages would only raise false alarms)."""
    scored = tone_text(text)
    if not scored or classifier.language(text) != "en":
        return None
    return classifier.sentiment(scored)


def assess_reply(
    text: str,
    policy: Policy,
    author: AuthorProfile | None,
    classifier: Classifier,
    region: str,
) -> PolicyReport:
    """Check a reply against the policy, with the phone numbers and tone found here."""
    return check_reply(
        text,
        policy,
        author,
        tone_of(text, classifier),
        phones=find_phones(text, region),
    )
