"""Titles: the cover's title, wrapped lines joined, institution and imprint lines skipped, a table
of contents looked past, and the file's name when the text has none (never "(sin título)").

The tables of expected titles are in expected_titles.py; the realdocs measurement is in
test_realdocs.py (it reuses that module's extraction of every file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from expected_titles import CORPUS_TITLES, title_matches

from acervo.ingest.metadata import infer_title, resolve_metadata, title_from_file_name
from acervo.ingest.models import ExtractedText, Page
from acervo.ingest.pipeline import Indexed, run_ingest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_every_sample_document_gets_its_title() -> None:
    """Before: 36 of 39 (two lost their last line, one took an institution line)."""
    titles = {}
    for event in run_ingest([CORPUS], {}, workers=2):
        assert isinstance(event, Indexed), event
        for path in event.doc.paths:
            titles[Path(path).relative_to(CORPUS).as_posix()] = event.doc.metadata.title
    assert set(titles) == set(CORPUS_TITLES)
    wrong = {
        path: (titles[path], expected)
        for path, expected in CORPUS_TITLES.items()
        if not title_matches(titles[path], expected, CORPUS / path)
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("pages", "title"),
    [
        # a title that wraps after a word no title ends with
        (["GTRM Ecuador\n\nHoja informativa: situación de refugiados y migrantes en\nEcuador, "
          "primer semestre 2024\nQuito, julio de 2024"],
         "Hoja informativa: situación de refugiados y migrantes en Ecuador, primer semestre 2024"),
        # over three lines, the second starting in lower case
        (["Movilidad en tránsito hacia el norte: personas\nvenezolanas que salen de Ecuador "
          "rumbo a\nEstados Unidos\nQuito, octubre de 2023"],
         "Movilidad en tránsito hacia el norte: personas venezolanas que salen de Ecuador rumbo a "
         "Estados Unidos"),
        # an institution line, then the title; the imprint line ends it
        (["UNICEF Ecuador, en coordinación con el Ministerio de Inclusión Económica y Social\n\n"
          "Guía para la gestión de Espacios Amigables para la\nNiñez en puntos de frontera\n"
          "Primera edición. Quito, noviembre de 2018."],
         "Guía para la gestión de Espacios Amigables para la Niñez en puntos de frontera"),
        # a thesis cover: university, faculty and degree lines are not the title
        (["Universidad de Chile\nFacultad de Ciencias Sociales\nMemoria para optar al título "
          "profesional de Sociólogo/a\n¿Quién justifica qué?"], "¿Quién justifica qué?"),
        # a first page that is a table of contents: the title is on the next page
        (["Índice\n1. Introducción 3\n2. Desigualdades educativas 6\nBibliografía 53",
          "Segregación escolar en Chile\nTesis de sociología"], "Segregación escolar en Chile"),
        # a cover word alone on its line
        (["Política\nNacional de\nSalud Mental\nMinisterio de Salud"],
         "Política Nacional de Salud Mental"),
    ],
)  # fmt: skip
def test_cover_titles(pages: list[str], title: str) -> None:
    assert infer_title(pages) == title


def test_a_file_without_a_title_in_its_text_is_named_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "budnevich-tesis_segregacion-escolar.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    index_only = ExtractedText("pdf", [Page(1, "Índice\n1. Introducción 3\n2. Métodos 6")])
    meta = resolve_metadata([path], index_only, [tmp_path])
    assert meta.title == "Budnevich tesis segregacion escolar" == title_from_file_name(path)
    assert str(meta.provenance["title"]) == "inferred"
