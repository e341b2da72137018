"""The reply policy, on tables of drafts: each finding, its words, and no false alarms.

These tests pass phone numbers in as the shell would find them; tests/bot/test_policy_checks.py
runs the same checks with the real phone-number library and sentiment lexicon.
"""

from __future__ import annotations

import pytest

from bot.domain.policy import (
    AuthorProfile,
    Check,
    Disclosure,
    Policy,
    PolicyReport,
    Severity,
    check_reply,
    disclosure_line,
)
from bot.domain.policy_rules import Span, capital_share, luhn_valid, signed_by, tone_text

ANA = AuthorProfile("U0ANA", "Ana", "Support")
POLICY = Policy(
    blocked_terms=("Project Falcon", "Nimbus", "Café Noir"),
    allowed_domains=("acme.com", "acme.help"),
    allowed_contacts=("support@acme.com", "+1 800 555 0199"),
    company="Acme",
    public_url="https://chorus.acme.com",
)
SIGNED = "\n— Ana, Support at Acme"


def check(
    text: str,
    policy: Policy = POLICY,
    *,
    author: AuthorProfile | None = ANA,
    sentiment: float | None = None,
    phones: tuple[Span, ...] = (),
) -> PolicyReport:
    return check_reply(text, policy, author, sentiment, phones)


def kinds(report: PolicyReport) -> list[Check]:
    return [f.kind for f in report.findings]


# -- blocked terms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Project Falcon ships in May!", "Project Falcon"),
        ("project falcon ships in May!", "project falcon"),
        ("PROJECT   FALCON ships", "PROJECT   FALCON"),
        ("We can't say (Nimbus) yet.", "Nimbus"),
        ("Le café noir arrive bientôt.", "café noir"),
        ("CAFÉ NOIR arrive.", "CAFÉ NOIR"),
    ],
)
def test_a_blocked_term_blocks_in_any_case_and_spacing(text: str, written: str) -> None:
    report = check(text + SIGNED)

    [finding] = report.findings
    assert finding.kind is Check.BLOCKED_TERM and finding.severity is Severity.BLOCKING
    assert finding.message == (
        f"The reply mentions “{written}”, an internal name that must not go public: remove it."
    )
    assert report.blocking == (finding,) and not report.clean


@pytest.mark.parametrize(
    "text",
    [
        "Falconry is a fine hobby.",  # a word that starts like a term
        "Our nimbuses are clouds.",
        "The falcon project is a bird sanctuary.",  # the words, in another order
        "Un café, noir ou pas ?",  # punctuation between the words
        "Cafés noirs",
    ],
)
def test_a_blocked_term_matches_only_whole_words_and_phrases(text: str) -> None:
    assert check(text + SIGNED).clean


# -- personal data ---------------------------------------------------------------------------


def test_an_email_address_blocks_and_says_what_to_do() -> None:
    [finding] = check("Write to ana.b+orders@example.co.uk and we'll sort it." + SIGNED).findings

    assert finding.kind is Check.EMAIL and finding.blocking
    assert finding.message == (
        "The reply contains the e-mail address “ana.b+orders@example.co.uk”: remove it — "
        "personal data never goes in a public reply; ask the customer to send it privately."
    )


@pytest.mark.parametrize(
    "text",
    [
        "@ana@social.example thanks for the kind words!",  # a fediverse handle
        "Write to support@acme.com, we answer within the hour.",  # the company's own address
        "Write to SUPPORT@ACME.COM any time.",
        "See https://acme.com/@ana@social.example for the thread.",  # inside a link
        "Tag us @acme and #acmelove!",
    ],
)
def test_handles_and_the_companys_own_addresses_are_not_personal_data(text: str) -> None:
    assert check(text + SIGNED).clean


@pytest.mark.parametrize(
    "number",
    ["4242 4242 4242 4242", "4242-4242-4242-4242", "4242424242424242", "3782 822463 10005"],
)
def test_a_card_number_that_passes_luhn_blocks(number: str) -> None:
    [finding] = check(f"Your card {number} was charged twice." + SIGNED).findings

    assert finding.kind is Check.CARD and finding.blocking
    assert finding.message == (
        f"The reply contains what looks like a card number (ending {number[-4:]}): remove it — "
        "never repeat payment details."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Your order 4242 4242 4242 4241 is on its way.",  # fails Luhn
        "Order 1234567890123 shipped.",  # starts with 1: no card does
        "Tracking: 9400 1000 0000 0000 0000 00.",
        "Version 4.242.424.242.424.242 is out.",
        "We refunded 4,242.42 EUR.",
    ],
)
def test_numbers_that_are_not_cards_are_left_alone(text: str) -> None:
    assert check(text + SIGNED).clean


def test_a_phone_number_the_shell_found_blocks() -> None:
    text = "Call me on +1 415-555-0132 tonight." + SIGNED
    phone = Span(11, 26, "+1 415-555-0132")

    [finding] = check(text, phones=(phone,)).findings

    assert finding.kind is Check.PHONE and finding.blocking
    assert finding.message.startswith("The reply contains the phone number “+1 415-555-0132”")


def test_the_companys_own_number_and_a_card_read_as_a_phone_are_not_phone_findings() -> None:
    text = "Call us on 800-555-0199 or check card 4242 4242 4242 4242." + SIGNED
    ours = Span(11, 23, "800-555-0199")
    card_as_phone = Span(38, 57, "4242 4242 4242 4242")

    report = check(text, phones=(ours, card_as_phone))

    assert kinds(report) == [Check.CARD]


def test_luhn() -> None:
    assert luhn_valid("4242424242424242") and luhn_valid("79927398713")
    assert not luhn_valid("4242424242424241") and not luhn_valid("79927398710")


# -- disclosure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "company", "line"),
    [
        (ANA, "Acme", "— Ana, Support at Acme"),
        (ANA, None, "— Ana, Support"),
        (AuthorProfile("U0BEN", "Ben"), "Acme", "— Ben at Acme"),
        (AuthorProfile("U0ZED"), "Acme", "— U0ZED at Acme"),  # Slack said nothing
    ],
)
def test_the_disclosure_line_names_the_author_their_title_and_the_company(
    author: AuthorProfile, company: str | None, line: str
) -> None:
    assert disclosure_line(author, company) == line


@pytest.mark.parametrize(
    "reply",
    [
        "Fixed now, thanks!\n— Ana, Support at Acme",
        "Fixed now, thanks!\n\n- ana",
        "Fixed now, thanks!\n–Ana (Acme support)",
        "Fixed now, thanks! — Ana",
        "Fixed now, thanks!\n-- Ana\nPS: the status page has more.",
    ],
)
def test_any_dash_line_with_the_authors_first_name_is_a_disclosure(reply: str) -> None:
    assert check(reply).clean
    assert signed_by(reply, "Ana")


@pytest.mark.parametrize(
    "reply",
    [
        "Fixed now, thanks!",
        "Fixed now, thanks!\n— Ben",  # someone else's line
        "Hi Ana - we fixed it. Thanks for telling us!",  # a dash mid-sentence, then more
        "Anastasia — fixed now!",  # the name only as part of another word, before the dash
    ],
)
def test_a_reply_without_the_authors_line_gets_the_suggested_one(reply: str) -> None:
    [finding] = check(reply).findings

    assert finding.kind is Check.DISCLOSURE and finding.severity is Severity.WARNING
    assert finding.message == (
        "The reply does not say who wrote it: end it with “— Ana, Support at Acme”, so the "
        "customer knows a person from the company answers."
    )


def test_disclosure_can_block_or_be_off() -> None:
    blocking = Policy(disclosure=Disclosure.BLOCK, company="Acme")
    off = Policy(disclosure=Disclosure.OFF)

    assert check("Fixed now!", blocking).blocking[0].kind is Check.DISCLOSURE
    assert check("Fixed now!", off).clean


def test_without_a_known_name_any_dash_line_will_do() -> None:
    nameless = AuthorProfile("U0ZED")

    assert check("Fixed now!\n— Zed from Acme", author=nameless).clean
    assert check("Fixed now!\n— Zed from Acme", author=None).clean
    [finding] = check("Fixed now!", author=None).findings
    assert "a line that starts with a dash and says who you are" in finding.message


# -- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "See https://acme.com/help.",
        "See https://status.acme.com/incidents/42 and http://www.acme.help",
        "Tracked: https://chorus.acme.com/r/Ab12Cd",  # Chorus's own short link
        "Docs: HTTPS://Docs.ACME.com/export",
    ],
)
def test_links_to_allowed_domains_and_their_subdomains_are_fine(text: str) -> None:
    assert check(text + SIGNED).clean


def test_a_link_elsewhere_warns_once_per_site() -> None:
    text = (
        "Try https://evil.example/a, https://evil.example/b, https://acme.com.evil.example/ "
        "and https://notacme.com/x" + SIGNED
    )

    report = check(text)

    assert kinds(report) == [Check.LINK] * 3
    assert all(f.severity is Severity.WARNING for f in report.findings)
    assert report.findings[0].message == (
        "The link to evil.example leads outside the sites replies may link to (acme.com, "
        "acme.help): link to one of those instead, or make sure the reviewer agrees."
    )
    assert report.warnings == report.findings and not report.blocking


def test_without_allowed_domains_links_are_not_checked() -> None:
    assert check("See https://anywhere.example" + SIGNED, Policy(company="Acme")).clean


# -- tone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "WE ARE SO SORRY ABOUT THIS, IT IS FIXED NOW!",
        "THANK YOU SO MUCH FOR THIS, YOU ARE THE BEST (see https://acme.com/Faq)",
        "Hi! PLEASE READ THE DOCUMENTATION BEFORE WRITING TO US AGAIN.",
    ],
)
def test_a_reply_mostly_in_capitals_is_shouting(text: str) -> None:
    [finding] = check(text + SIGNED).findings

    assert finding.kind is Check.SHOUTING and finding.severity is Severity.WARNING
    assert finding.message == (
        "Most of the reply is in capitals, which reads as shouting: write it in normal case."
    )


@pytest.mark.parametrize(
    "text",
    [
        "OK!",  # too short to shout
        "Check the FAQ, the API docs and the USB-C guide at https://acme.com/HELP-CENTER",
        "I think NASA and the ESA use our API too; see the SDK and CLI docs.",
        "@ACME_SUPPORT #ACMEFAIL thanks for the report, we are on it.",
        "Die Rückerstattung Ist Unterwegs, Vielen Dank Für Ihre Geduld.",  # capitalised words
        "ご連絡ありがとうございます。すぐに確認いたします。",  # no capitals at all
    ],
)
def test_acronyms_handles_links_and_capitalised_words_are_not_shouting(text: str) -> None:
    assert check(text + SIGNED).clean


def test_capital_share_ignores_a_lone_acronym_but_counts_a_run_of_capitals() -> None:
    assert capital_share("see the FAQ") == (0, 6)
    assert capital_share("SO SORRY") == (7, 7)


def test_a_negative_tone_warns_below_the_threshold_only() -> None:
    [finding] = check("Stop spamming us." + SIGNED, sentiment=-0.87).findings

    assert finding.kind is Check.NEGATIVE and finding.severity is Severity.WARNING
    assert finding.message == (
        "The reply sounds negative or hostile: keep it calm and kind, even when the customer "
        "is not."
    )
    assert check("Hmm." + SIGNED, sentiment=-0.5).clean  # at the threshold: fine
    assert check("Hmm." + SIGNED, sentiment=None).clean  # could not be scored


@pytest.mark.parametrize(
    ("text", "scored"),
    [
        ("So sorry about the outage, that was awful. It is fixed now.", "It is fixed now."),
        ("Sorry, but your complaint is ridiculous.", "your complaint is ridiculous."),
        ("We apologise! Unfortunately the export failed; it works again.", "it works again."),
        ("That is frustrating, we understand.", ""),
        ("Thanks! Your idea is great.", "Thanks! Your idea is great."),
    ],
)
def test_the_tone_is_scored_without_apologies_and_sympathy(text: str, scored: str) -> None:
    assert tone_text(text) == scored


# -- several findings ------------------------------------------------------------------------


def test_blocking_findings_and_warnings_are_told_apart() -> None:
    report = check("Nimbus is ready: https://evil.example", sentiment=-0.9)

    assert [f.kind for f in report.blocking] == [Check.BLOCKED_TERM]
    assert [f.kind for f in report.warnings] == [Check.DISCLOSURE, Check.LINK, Check.NEGATIVE]
    assert not report.clean


def test_an_empty_policy_only_asks_for_a_disclosure_line() -> None:
    report = check("Anything goes, https://x.example, 4242 4242 4242 4241.", Policy())

    assert kinds(report) == [Check.DISCLOSURE]
