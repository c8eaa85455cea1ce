"""Every file of ../shared/realdocs must end as its MANIFEST.tsv row says.

All files are extracted once per session through the worker pool (in parallel), then each
row is one test that checks its own outcome.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from acervo.ingest.models import ExtractedText, ExtractionFailure, FailureKind
from acervo.ingest.worker import extract_many

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
MANIFEST = REALDOCS / "MANIFEST.tsv"
TEXT_EXPECTS = {"text", "hostile_text"}
MIN_TEXT_CHARS = 10  # the SHORT rows have 17 to 38 characters
FAILURE_KINDS = {
    "encrypted": FailureKind.ENCRYPTED,
    "needs_ocr": FailureKind.NEEDS_OCR,
    "corrupt": FailureKind.CORRUPT,
    "empty": FailureKind.EMPTY,
    "unsupported": FailureKind.UNSUPPORTED,
    "bomb": FailureKind.BOMB,
}

pytestmark = [
    pytest.mark.realdocs,
    pytest.mark.skipif(not MANIFEST.exists(), reason=f"realdocs corpus not found at {REALDOCS}"),
]


def _rows() -> list[dict[str, str]]:
    if not MANIFEST.exists():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _rows()


@pytest.fixture(scope="session")
def outcomes() -> dict[str, ExtractedText | ExtractionFailure]:
    paths = [REALDOCS / row["path"] for row in ROWS]
    return {str(path.relative_to(REALDOCS)): outcome for path, outcome in extract_many(paths)}


@pytest.mark.parametrize("row", ROWS, ids=[row["path"] for row in ROWS])
def test_manifest_outcome(row: dict[str, str], outcomes: dict) -> None:
    outcome = outcomes[row["path"]]
    expect = row["expect"]
    if expect in TEXT_EXPECTS:
        assert isinstance(outcome, ExtractedText), f"{outcome}"
        text = "\n".join(page.text for page in outcome.pages)
        assert len(text) >= MIN_TEXT_CHARS
        if row["format"] == "pdf" and row["pages"]:
            assert len(outcome.pages) == int(row["pages"])
        assert [p.number for p in outcome.pages] == list(range(1, len(outcome.pages) + 1))
    else:
        # truncated-tracemonkey-40pct.pdf: pypdfium2 cannot open it either ("Data format
        # error"), and pdfminer raises PSEOF, so it is reported as corrupt as the manifest says.
        assert isinstance(outcome, ExtractionFailure), "expected a failure, got text"
        assert outcome.kind == FAILURE_KINDS[expect], outcome.reason
        assert outcome.reason


def _text(outcomes: dict, relative: str) -> str:
    outcome = outcomes[relative]
    assert isinstance(outcome, ExtractedText)
    return "\n".join(page.text for page in outcome.pages)


def test_xxe_entities_are_not_resolved(outcomes: dict) -> None:
    text = _text(outcomes, "hostile/xxe-docx-entity.docx")
    assert "XXE-MARKER" in text
    assert "Bold" in text  # the words after the unresolved entity are kept
    assert "root:x:0" not in text


def test_xss_page_prose_is_indexed_and_scripts_are_not(outcomes: dict) -> None:
    outcome = outcomes["hostile/xss-title-script.html"]
    assert isinstance(outcome, ExtractedText)
    text = _text(outcomes, "hostile/xss-title-script.html")
    assert "lighthouse, marmalade" in text
    assert "injected by script" not in text
    assert "alert(" not in text and "document.cookie" not in text
    assert "<script" not in outcome.properties.title


def test_spanish_split_accents_are_repaired(outcomes: dict) -> None:
    text = _text(outcomes, "es/urbina-tesis-eficiencia-educacion-medellin.pdf")
    assert "Economía" in text
    assert "´" not in text and "ı" not in text


def test_legacy_encodings_are_decoded(outcomes: dict) -> None:
    assert "Агентство недвижимости" in _text(outcomes, "hostile/cp1251-tika-big-preamble.html")
    assert "é" in _text(outcomes, "hostile/résumé-latin1.txt")
