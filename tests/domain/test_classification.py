"""Classification: what a customer wants (intent), how soon it needs an answer (priority),
and, through the real detectors, the language and mood of what they wrote.

The domain functions take the sentiment as an argument; the scores below are the ones
VADER gives these very sentences (checked by the classifier tests at the end).
"""

from __future__ import annotations

import pytest

from bot.classify import Classifier
from bot.domain.classification import Intent, Priority, assess, intent_of, urgent_term
from bot.listening_config import ClassificationConfig

URGENT_TERMS = ("lawyer", "lawsuit", "cancel my account", "data breach", "scam")
HIGH_REACH = 10_000


def assessed(
    text: str,
    sentiment: float,
    *,
    followers: int | None = None,
    is_advocate: bool = False,
) -> tuple[Intent, Priority, str]:
    verdict = assess(
        text,
        sentiment,
        followers=followers,
        is_advocate=is_advocate,
        urgent_terms=URGENT_TERMS,
        high_reach=HIGH_REACH,
    )
    return verdict.intent, verdict.priority, verdict.reason


# -- intent ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentiment", "intent"),
    [
        ("How do I export my data?", 0.0, Intent.QUESTION),
        ("Is the export broken for anyone else?", -0.4767, Intent.QUESTION),
        ("anyone using acme for invoices", 0.0, Intent.QUESTION),
        ("Can I pay yearly", 0.0, Intent.QUESTION),
        ("Why is this STILL broken?! Worst service ever", -0.8172, Intent.COMPLAINT),
        ("The export is broken again", -0.4767, Intent.COMPLAINT),
        ("Export crashed", 0.0, Intent.COMPLAINT),
        ("Your app is terrible and useless, I hate it", -0.8625, Intent.COMPLAINT),
        ("I love the new export", 0.6369, Intent.PRAISE),
        ("Thanks team", 0.4404, Intent.PRAISE),
        ("Kudos to the support team, brilliant work!", 0.8777, Intent.PRAISE),
        ("Just switched to the new plan", 0.0, Intent.OTHER),
        ("Reading the release notes tonight", 0.0, Intent.OTHER),
    ],
)
def test_the_intent_of_clear_posts(text: str, sentiment: float, intent: Intent) -> None:
    assert intent_of(text, sentiment) is intent


def test_a_furious_question_is_a_complaint() -> None:
    assert intent_of("Why does nothing ever work?", -0.7) is Intent.COMPLAINT
    assert intent_of("Why does nothing ever work?", -0.2) is Intent.QUESTION


def test_a_complaint_word_in_a_cheerful_post_is_not_a_complaint() -> None:
    assert intent_of("Best refund experience ever, so easy", 0.8) is Intent.PRAISE


def test_a_praise_word_without_warmth_is_not_praise() -> None:
    assert intent_of("Great, the meeting moved", 0.0) is Intent.OTHER


# -- urgent terms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("I'm calling my lawyer", "lawyer"),
        ("My LAWYER will hear about this", "lawyer"),
        ("Lawyer.", "lawyer"),
        ("Please CANCEL MY ACCOUNT today", "cancel my account"),
        ("(data breach?)", "data breach"),
        ("this is a scam", "scam"),
    ],
)
def test_urgent_terms_match_whole_words_in_any_case(text: str, term: str) -> None:
    assert urgent_term(text, URGENT_TERMS) == term


@pytest.mark.parametrize(
    "text",
    [
        "The lawyers' conference app is great",
        "scammers are impersonating you",
        "cancel my accounts page is slow",
        "databreach.example is not us",
        "",
    ],
)
def test_urgent_terms_inside_other_words_do_not_count(text: str) -> None:
    assert urgent_term(text, URGENT_TERMS) is None


def test_the_first_configured_urgent_term_is_the_one_named() -> None:
    text = "This scam made me call a lawyer"

    assert urgent_term(text, URGENT_TERMS) == "lawyer"
    assert urgent_term(text, ("scam", "lawyer")) == "scam"


def test_no_urgent_terms_configured_means_nothing_is_urgent_by_words() -> None:
    assert urgent_term("I'm calling my lawyer", ()) is None


# -- priority ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentiment", "followers", "is_advocate", "expected"),
    [
        pytest.param(
            "Just spoke to my lawyer about the new plan",
            0.0,
            12,
            False,
            (Intent.OTHER, Priority.URGENT, "mentions “lawyer”"),
            id="urgent term",
        ),
        pytest.param(
            "Thanks! Now please cancel my account",
            0.4,
            None,
            True,
            (Intent.PRAISE, Priority.URGENT, "mentions “cancel my account”"),
            id="urgent term beats advocate",
        ),
        pytest.param(
            "The export is broken again",
            -0.4767,
            25_000,
            False,
            (
                Intent.COMPLAINT,
                Priority.URGENT,
                "complaint from an account with 25,000 followers",
            ),
            id="complaint with reach",
        ),
        pytest.param(
            "The export is broken again",
            -0.4767,
            HIGH_REACH,
            False,
            (
                Intent.COMPLAINT,
                Priority.URGENT,
                "complaint from an account with 10,000 followers",
            ),
            id="reach counts from the threshold itself",
        ),
        pytest.param(
            "Why is this STILL broken?! Worst service ever",
            -0.8172,
            40,
            False,
            (Intent.COMPLAINT, Priority.URGENT, "angry complaint"),
            id="angry complaint",
        ),
        pytest.param(
            "Angry now",
            -0.75,
            None,
            False,
            (Intent.COMPLAINT, Priority.URGENT, "angry complaint"),
            id="anger counts from -0.75 itself",
        ),
        pytest.param(
            "The export is broken again",
            -0.4767,
            9_999,
            False,
            (Intent.COMPLAINT, Priority.HIGH, "complaint"),
            id="complaint",
        ),
        pytest.param(
            "How do I export my data?",
            0.0,
            30,
            True,
            (Intent.QUESTION, Priority.HIGH, "from an advocate"),
            id="advocate",
        ),
        pytest.param(
            "I love the new export",
            0.6369,
            50_000,
            False,
            (Intent.PRAISE, Priority.HIGH, "from an account with 50,000 followers"),
            id="reach",
        ),
        pytest.param(
            "How do I export my data?",
            0.0,
            30,
            False,
            (Intent.QUESTION, Priority.NORMAL, "question"),
            id="question",
        ),
        pytest.param(
            "I love the new export",
            0.6369,
            None,
            False,
            (Intent.PRAISE, Priority.NORMAL, "praise"),
            id="praise",
        ),
        pytest.param(
            "Just switched to the new plan",
            0.0,
            None,
            False,
            (Intent.OTHER, Priority.LOW, "other"),
            id="other",
        ),
    ],
)
def test_the_priority_table(
    text: str,
    sentiment: float,
    followers: int | None,
    is_advocate: bool,
    expected: tuple[Intent, Priority, str],
) -> None:
    assert assessed(text, sentiment, followers=followers, is_advocate=is_advocate) == expected


def test_unknown_reach_is_no_reach() -> None:
    _, priority, reason = assessed("The export is broken again", -0.4767, followers=None)

    assert (priority, reason) == (Priority.HIGH, "complaint")


def test_the_reach_threshold_is_configurable() -> None:
    verdict = assess(
        "I love the new export",
        0.6369,
        followers=600,
        is_advocate=False,
        urgent_terms=(),
        high_reach=500,
    )

    assert verdict.priority is Priority.HIGH
    assert verdict.reason == "from an account with 600 followers"


# -- the classifier, with the real lingua and VADER ------------------------------------


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(ClassificationConfig())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Is the export broken for anyone else? It has been failing all morning.", "en"),
        (
            "Bonjour, je n'arrive pas à exporter mes données depuis hier, pouvez-vous m'aider ?",
            "fr",
        ),
        ("Hallo, der Export funktioniert seit gestern nicht mehr. Könnt ihr helfen?", "de"),
        ("エクスポート機能が昨日から動きません。助けてください。", "ja"),
    ],
)
def test_the_language_of_a_post_is_detected(
    classifier: Classifier, text: str, language: str
) -> None:
    verdict = classifier.classify(text, language=None, followers=None, is_advocate=False)

    assert verdict.language == language


@pytest.mark.parametrize(
    "text",
    [
        "How do I export my data to CSV?",
        "How do I export my data to a CSV file for my accountant?",
        "Where is my refund?",
        "Is the export broken for anyone else?",
        "What time does the webinar start on Thursday?",
    ],
)
def test_a_short_english_post_is_never_given_another_language(
    classifier: Classifier, text: str
) -> None:
    """Short posts are the norm; "don't know" is fine, a wrong language is not (routing
    rules and the card rely on it)."""
    verdict = classifier.classify(text, language=None, followers=None, is_advocate=False)

    assert verdict.language in ("en", None)


def test_a_language_the_source_gives_is_trusted(classifier: Classifier) -> None:
    french = "Bonjour, je n'arrive pas à exporter mes données depuis hier"

    verdict = classifier.classify(french, language="EN", followers=None, is_advocate=False)

    assert verdict.language == "en"


@pytest.mark.parametrize("text", ["ok", "👍", "!!!", "12345", "🙂🙂"])
def test_a_post_with_almost_no_words_is_classified_without_crashing(
    classifier: Classifier, text: str
) -> None:
    verdict = classifier.classify(text, language=None, followers=None, is_advocate=False)

    assert verdict.language is None or (verdict.language.isalpha() and len(verdict.language) == 2)
    assert -1.0 <= verdict.sentiment <= 1.0
    assert verdict.intent in set(Intent)
    assert verdict.priority in set(Priority)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ሰላም እንዴት ነህ ዛሬ", id="Amharic (Ethiopic)"),
        pytest.param("ជំរាបសួរ សុខសប្បាយទេ", id="Khmer"),
        pytest.param("ආයුබෝවන් ඔබට කොහොමද", id="Sinhala"),
    ],
)
def test_a_script_lingua_does_not_know_has_no_language(classifier: Classifier, text: str) -> None:
    verdict = classifier.classify(text, language=None, followers=None, is_advocate=False)

    assert verdict.language is None
    assert verdict.intent is Intent.OTHER


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Is the export broken for anyone else?", -0.4767),
        ("Why is this STILL broken?! Worst service ever", -0.8172),
        ("I love the new export", 0.6369),
        ("Thanks team", 0.4404),
        ("Kudos to the support team, brilliant work!", 0.8777),
        ("Just switched to the new plan", 0.0),
    ],
)
def test_sentiment_is_vaders_compound_score(
    classifier: Classifier, text: str, sentiment: float
) -> None:
    assert classifier.sentiment(text) == pytest.approx(sentiment, abs=1e-4)


def test_the_classifier_applies_the_configured_urgent_terms_and_reach(
    classifier: Classifier,
) -> None:
    custom = Classifier(ClassificationConfig(urgent_terms=["chargeback"], high_reach_followers=500))
    text = "I love it, but I filed a chargeback by mistake"

    mine = custom.classify(text, language="en", followers=10, is_advocate=False)
    default = classifier.classify(text, language="en", followers=10, is_advocate=False)

    assert (mine.priority, mine.reason) == (Priority.URGENT, "mentions “chargeback”")
    assert default.priority is not Priority.URGENT
    reach = custom.classify(
        "Nice work on the release", language="en", followers=800, is_advocate=False
    )
    assert (reach.priority, reach.reason) == (Priority.HIGH, "from an account with 800 followers")


def test_only_the_configured_languages_are_told_apart() -> None:
    italian = "Ciao, l'esportazione dei dati non funziona più da ieri. Potete aiutarmi?"
    with_italian = Classifier(ClassificationConfig(languages=["en", "it"]))
    without = Classifier(ClassificationConfig(languages=["en", "fr"]))

    assert (
        with_italian.classify(italian, language=None, followers=None, is_advocate=False).language
        == "it"
    )
    assert (
        without.classify(italian, language=None, followers=None, is_advocate=False).language != "it"
    )
