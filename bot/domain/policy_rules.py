"""What the policy looks for in a reply: each detector finds spans of text, nothing more.

`policy` turns what these find into findings in plain words. Phone numbers need a library
that knows every country's numbering plan, so the shell finds them and passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.links import LINK, find_links

DASHES = "-–—―−"


@dataclass(frozen=True)
class Span:
    """A piece of the reply: where it starts and ends, and its text as written."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def term_pattern(term: str) -> re.Pattern[str]:
    """Match a term as a whole word or phrase, in any case, with any spacing between words."""
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def find_terms(text: str, terms: Sequence[str]) -> list[Span]:
    """Return the first place each term appears (as written in the reply), in term order."""
    found = []
    for term in terms:
        if not term.split():
            continue
        match = term_pattern(term).search(text)
        if match:
            found.append(Span(match.start(), match.end(), match.group()))
    return found


# Not after "@": "@ana@social.example" is a fediverse handle, not an e-mail address.
EMAIL = re.compile(r"(?<![\w.@+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


def find_emails(text: str) -> list[Span]:
    """Return the e-mail addresses in the text, outside links."""
    links = link_spans(text)
    spans = [Span(m.start(), m.end(), m.group()) for m in EMAIL.finditer(text)]
    return [s for s in spans if not any(s.overlaps(link) for link in links)]


# 13 to 19 digits, the first 2-6 as issuers use, single spaces or dashes between groups.
CARD = re.compile(r"(?<![\d.,/])[2-6](?:[ -]?\d){12,18}(?![\d])")


def luhn_valid(digits: str) -> bool:
    """Tell whether a number passes the Luhn checksum every payment card carries."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def find_cards(text: str) -> list[Span]:
    """Return the card numbers in the text; order numbers fail Luhn and are left alone."""
    found = []
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(Span(match.start(), match.end(), match.group()))
    return found


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def same_number(a: str, b: str) -> bool:
    """Tell whether two phone numbers are the same, with or without the country code."""
    x, y = digits_of(a).lstrip("0"), digits_of(b).lstrip("0")
    short = min(len(x), len(y))
    return short >= 6 and (x.endswith(y) or y.endswith(x))


def link_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in LINK.finditer(text)]


def host_allowed(host: str, domains: Iterable[str]) -> bool:
    """Tell whether a host is one of the domains or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def foreign_hosts(text: str, domains: Sequence[str], public_url: str | None) -> list[str]:
    """Return, once each, the hosts of links that lead outside the allowed domains."""
    hosts: list[str] = []
    for link in find_links(text, public_url):
        host = (urlsplit(link).hostname or "").lower()
        if host and not host_allowed(host, domains) and host not in hosts:
            hosts.append(host)
    return hosts


# A sign-off at the very end of a one-line reply: "Fixed now, thanks! — Ana".
LAST_SIGN_OFF = re.compile(rf"(?:^|\s)[{DASHES}]+\s*([^{DASHES}\n.!?]{{1,60}})$")


def signed_by(text: str, first_name: str | None) -> bool:
    """Tell whether a line starts with a dash and names the author, or the reply ends with a
    dash and their name (any such line will do when the name is unknown)."""
    name = (
        re.compile(rf"(?<!\w){re.escape(first_name)}(?!\w)", re.IGNORECASE) if first_name else None
    )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    signs = [line for line in lines if line[:1] in DASHES]
    last = LAST_SIGN_OFF.search(lines[-1]) if lines else None
    if last:
        signs.append(last.group(1))
    return any(name is None or name.search(sign) for sign in signs)


# Handles, hashtags and links are written as they are, whatever their case.
NOT_PROSE = re.compile(r"https?://\S+|[@#]\S+|\S+@\S+")
WORD = re.compile(r"[^\W\d_]+")


def _is_upper(word: str) -> bool:
    cased = [c for c in word if c.isupper() or c.islower()]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def capital_share(text: str, acronym_letters: int = 4) -> tuple[int, int]:
    """Return (capital letters, cased letters) of the prose, without short acronyms.

    An all-capital word of up to `acronym_letters` letters is an acronym (FAQ, API) unless
    a neighbour is in capitals too: "SO SORRY" shouts, "see the FAQ" does not."""
    words = WORD.findall(NOT_PROSE.sub(" ", text))
    upper = [_is_upper(w) for w in words]
    capitals = letters = 0
    for index, word in enumerate(words):
        beside = upper[index - 1 : index] + upper[index + 1 : index + 2]
        if upper[index] and len(word) <= acronym_letters and not any(beside):
            continue
        letters += sum(1 for c in word if c.isupper() or c.islower())
        capitals += sum(1 for c in word if c.isupper())
    return capitals, letters


# Saying sorry or naming the customer's trouble is empathy, not hostility; a sentiment
# lexicon scores "so sorry, that outage was awful" as angry, so those clauses are not scored.
EMPATHY = re.compile(
    r"(?<!\w)(sorry|apolog\w*|our (fault|mistake|bad)|unfortunately|sad to hear|"
    r"understand\w*|frustrat\w*|we hate that|(not|un)acceptable)(?!\w)",
    re.IGNORECASE,
)
CLAUSE = re.compile(r"[^.!?;。！？\n]+(?:[.!?;。！？]+|$)")
BUT = re.compile(r",?\s+but\s+", re.IGNORECASE)


def tone_text(text: str) -> str:
    """Return the clauses of the reply whose tone should be scored: every clause but those
    that apologise or sympathise ("Sorry, but …" still scores what follows "but")."""
    kept = []
    for sentence in CLAUSE.findall(text):
        for clause in BUT.split(sentence):
            if clause.strip() and not EMPATHY.search(clause):
                kept.append(clause.strip())
    return " ".join(kept)
