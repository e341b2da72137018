"""Language (lingua) and sentiment (VADER) of a mention, then the domain's assessment."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lingua import LanguageDetector, LanguageDetectorBuilder
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.domain.classification import Intent, Priority, assess
from bot.listening_config import ClassificationConfig


@dataclass(frozen=True)
class Classification:
    language: str | None
    sentiment: float
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
                # Low-accuracy mode reads short posts well enough and keeps memory small.
                self._languages = (
                    LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
                )
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
        """Classify a mention; a language the source already gave is trusted."""
        score = self.sentiment(text)
        verdict = assess(
            text,
            score,
            followers=followers,
            is_advocate=is_advocate,
            urgent_terms=self.config.urgent_terms,
            high_reach=self.config.high_reach_followers,
        )
        lang = language.lower() if language else self.language(text)
        return Classification(lang, score, verdict.intent, verdict.priority, verdict.reason)
