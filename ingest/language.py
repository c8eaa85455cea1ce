"""Language of a document's body, or "" when langdetect is not confident."""

from __future__ import annotations

from collections.abc import Iterable

from langdetect import DetectorFactory, LangDetectException, detect_langs
from langdetect.detector_factory import init_factory

# langdetect samples randomly; a fixed seed makes re-ingests give the same answer.
DetectorFactory.seed = 0

SAMPLE_CHARS = 5000
MIN_LETTERS = 40
MIN_PROBABILITY = 0.80


def load_language_profiles() -> None:
    """Load langdetect's language profiles now (0.25 s) rather than on the first detection."""
    init_factory()


def detect_language(text: str | Iterable[str]) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability); ("", p) when unsure or the text is too short.

    `text` may be one string or the pages' texts: a sample is taken across them, so a cover
    page in another language does not decide alone.
    """
    sample = _sample(text)
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return "", 0.0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return "", 0.0
    if best.prob < MIN_PROBABILITY:
        return "", best.prob
    return best.lang, best.prob


def _sample(text: str | Iterable[str]) -> str:
    """Up to SAMPLE_CHARS characters, spread over the pages rather than the first one only."""
    pages = [text] if isinstance(text, str) else [p for p in text if p.strip()]
    if not pages:
        return ""
    per_page = max(SAMPLE_CHARS // len(pages), 500)
    sample = "\n".join(page[:per_page] for page in pages)
    return sample[:SAMPLE_CHARS]
