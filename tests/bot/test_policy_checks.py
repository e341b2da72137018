"""The policy with its real helpers: phone numbers from their numbering plans, the tone from
the sentiment lexicon (English only), on ordinary replies in several languages."""

from __future__ import annotations

import pytest

from bot.classify import Classifier
from bot.domain.policy import AuthorProfile, Check, Policy, PolicyReport
from bot.listening_config import ClassificationConfig
from bot.policy_checks import assess_reply, find_phones, tone_of

POLICY = Policy(
    blocked_terms=("Project Falcon",),
    allowed_domains=("acme.com",),
    allowed_contacts=("support@acme.com", "+1 800 555 0199"),
    company="Acme",
)
ANA = AuthorProfile("U0ANA", "Ana", "Support")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(ClassificationConfig())


def assess(classifier: Classifier, text: str, region: str = "US") -> PolicyReport:
    return assess_reply(text, POLICY, ANA, classifier, region)


ORDINARY = {
    "en": [
        "Hi Ana! We're looking into the export right now. Version 4.2.1 fixes it, out on "
        "2026-11-20 at 14:30. Order #20261120-4471 is refunded ($49.99).\n— Ana, Support at Acme",
        "So sorry about the outage yesterday, that was awful. It is fixed now: "
        "https://status.acme.com/incidents/42\n— Ana",
        "Thanks so much for the kind words, @ana@social.example! The FAQ and the API docs are "
        "at https://acme.com/docs. Call us on +1 800 555 0199 if you need anything. — Ana",
        "Sorry to hear the app crashed and you lost your work. That is really frustrating. "
        "Could you send us the details privately? We'll fix it.\n— Ana",
    ],
    "fr": [
        "Bonjour Ana, merci pour votre message ! Nous regardons cela tout de suite. La version "
        "4.2.1 corrige le problème (commande n° 2026-4471, 49,99 €).\n— Ana, Support chez Acme",
        "Désolés pour la panne d'hier, c'était vraiment pénible. Tout refonctionne depuis 10h30. "
        "Voir https://acme.com/fr/statut\n— Ana",
    ],
    "de": [
        "Hallo Ben, danke für die Nachricht. Wir kümmern uns sofort darum. Die Rückerstattung "
        "über 49,99 € ist unterwegs (Bestellung 2026-4471).\n— Ana, Support bei Acme",
        "Es tut uns leid, das Update 4.2 hat einen Fehler. Ab Montag, 20.11.2026, ist er "
        "behoben.\n— Ana",
    ],
    "es": [
        "Hola, gracias por escribirnos. Lo revisamos ahora mismo; el pedido 2026-4471 ya está "
        "reembolsado (49,99 €).\n— Ana, Soporte en Acme",
        "¡Qué pena! Sentimos mucho las molestias. Ya está arreglado desde las 10:30.\n— Ana",
    ],
    "ja": [
        "ご連絡ありがとうございます。すぐに確認いたします。バージョン4.2.1で修正済みです。\n— Ana",
        "ご不便をおかけして申し訳ございません。2026年11月20日に返金いたしました。\n— Ana",
    ],
    "pt": [
        "Olá! Obrigada pela mensagem. Já estamos a tratar disso, o pedido 2026-4471 foi "
        "reembolsado.\n— Ana",
    ],
    "it": ["Ciao, grazie per il messaggio! Ci stiamo lavorando, a presto.\n— Ana"],
}


@pytest.mark.parametrize(
    ("language", "reply"),
    [(lang, reply) for lang, replies in ORDINARY.items() for reply in replies],
)
def test_ordinary_replies_raise_no_alarm(classifier: Classifier, language: str, reply: str) -> None:
    report = assess(classifier, reply)

    assert report.clean, [f.message for f in report.findings]


@pytest.mark.parametrize(
    ("text", "region", "found"),
    [
        ("Call me on +1 415-555-0132 tonight", "US", "+1 415-555-0132"),
        ("Call me on (415) 555-0132 tonight", "US", "(415) 555-0132"),
        ("Appelez le +33 1 23 45 67 89 demain", "US", "+33 1 23 45 67 89"),
        ("Appelez le 01 23 45 67 89 demain", "FR", "01 23 45 67 89"),
        ("Ruf an: 030 1234567", "DE", "030 1234567"),
    ],
)
def test_phone_numbers_are_found_with_the_default_region(
    text: str, region: str, found: str
) -> None:
    assert [span.text for span in find_phones(text, region)] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "Released 2026-11-20, version 10.4.2, order 1234567890, price $1,299.00",
        "Between 09:00 and 18:00, room 415, ticket #5550132",
    ],
)
def test_dates_versions_and_order_numbers_are_not_phone_numbers(text: str) -> None:
    assert find_phones(text, "US") == ()


def test_a_phone_number_in_a_reply_blocks(classifier: Classifier) -> None:
    report = assess(classifier, "Call Ana directly: +1 415-555-0132.\n— Ana")

    assert [f.kind for f in report.blocking] == [Check.PHONE]


def test_a_hostile_english_reply_warns(classifier: Classifier) -> None:
    report = assess(classifier, "That is a stupid question, read the docs you idiot.\n— Ana")

    assert [f.kind for f in report.warnings] == [Check.NEGATIVE]
    assert not report.blocking


def test_an_apology_is_not_hostile(classifier: Classifier) -> None:
    reply = "Sorry for the delay and the confusion, the outage was our fault. Fixed now!\n— Ana"

    assert assess(classifier, reply).clean


def test_the_tone_of_other_languages_is_not_scored(classifier: Classifier) -> None:
    # The lexicon is English: it would score this German apology as angry.
    assert tone_of("Hallo Ben, danke für die Nachricht. Wir kümmern uns darum.", classifier) is None
    assert tone_of("Stop spamming us with your nonsense complaints.", classifier) == pytest.approx(
        -0.87, abs=0.01
    )
