"""Language (lingua) and sentiment (VADER) of a mention, then the domain's assessment."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.domain.classification import Intent, Priority, assess
from bot.listening_config import ClassificationConfig


def known_languages(codes: list[str]) -> list[Language]:
    """The lingua languages for ISO 639-1 codes; raise ValueError naming an unknown one."""
    languages = []
    for code in codes:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            raise ValueError(f"“{code}” is not a language code lingua knows") from None
    return languages


@dataclass(frozen=True)
class Classification:
    language: str | None
    sentiment: float | None
    intent: Intent
    priority: Priority
    reason: str


class Classifier:
    """Built once per process: the detectors load their models lazily and are thread-safe."""

    def __init__(self, config: ClassificationConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._languages: LanguageDetector | None = None
        self._sentiment = SentimentIntensityAnalyzer()

    def _detector(self) -> LanguageDetector:
        with self._lock:
            if self._languages is None:
                # High accuracy: low-accuracy mode takes short English posts for Italian.
                # Memory grows with each language, so only the configured ones are known.
                self._languages = LanguageDetectorBuilder.from_languages(
                    *known_languages(self.config.languages)
                ).build()
            return self._languages

    def language(self, text: str) -> str | None:
        """ISO 639-1 code of the text's language, or None when lingua cannot tell."""
        detected = self._detector().detect_language_of(text)
        return detected.iso_code_639_1.name.lower() if detected is not None else None

    def sentiment(self, text: str) -> float:
        """VADER's compound score, from -1 (angry) to 1 (delighted)."""
        return float(self._sentiment.polarity_scores(text)["compound"])

    def classify(
        self, text: str, *, language: str | None, followers: int | None, is_advocate: bool
    ) -> Classification:
        """Classify a mention; a language the source already gave is trusted. VADER's lexicon
        is English, so other languages get no sentiment rather than a wrong one."""
        lang = language.lower() if language else self.language(text)
        score = self.sentiment(text) if lang in (None, "en") else None
        verdict = assess(
            text,
            score or 0.0,
            followers=followers,
            is_advocate=is_advocate,
            urgent_terms=self.config.urgent_terms,
            high_reach=self.config.high_reach_followers,
        )
        return Classification(lang, score, verdict.intent, verdict.priority, verdict.reason)
