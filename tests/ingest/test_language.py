from __future__ import annotations

import pytest

from acervo.ingest.language import detect_language

SPANISH = (
    "La migración internacional es un fenómeno complejo que afecta a millones de personas. "
    "Los estudios de las agencias de las Naciones Unidas analizan sus causas y consecuencias."
)
ENGLISH = (
    "International migration is a complex phenomenon affecting millions of people. "
    "Studies by United Nations agencies analyse its causes and its consequences."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [(SPANISH, "es"), (ENGLISH, "en"), ([SPANISH, "", SPANISH], "es"), ([ENGLISH] * 30, "en")],
    ids=["spanish", "english", "spanish pages", "many english pages"],
)
def test_detects_language_of_body(text: str | list[str], language: str) -> None:
    code, probability = detect_language(text)
    assert code == language
    assert probability >= 0.80


@pytest.mark.parametrize("text", ["", "Hola", "Informe 2023 — 12 pp.", ["", "  "]])
def test_short_text_gives_no_language(text: str | list[str]) -> None:
    assert detect_language(text)[0] == ""


def test_detection_is_deterministic() -> None:
    mixed = "Migración y desarrollo. Migration and development. " * 3
    assert len({detect_language(mixed) for _ in range(5)}) == 1
