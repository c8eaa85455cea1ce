"""DOCX pages: Word's rendered page breaks give the page Word showed; without them, explicit page
breaks, "page break before" paragraphs and new-page sections; with neither, one page."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement

from acervo.ingest.extractors import docx as docx_extractor

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"


def _rendered_break_before(paragraph) -> None:
    """What Word writes when it saves: a marker in the first run of a paragraph that began a
    page in its last layout."""
    paragraph.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))


def _texts(path: Path) -> list[tuple[int, str]]:
    return [(page.number, page.text) for page in docx_extractor.extract(path).pages]


def test_explicit_breaks_start_pages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Portada del informe")
    document.add_page_break()
    document.add_paragraph("Resumen ejecutivo")
    document.add_paragraph("Metodología").paragraph_format.page_break_before = True
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("Anexo estadístico")
    document.add_section(WD_SECTION.CONTINUOUS)  # a continuous section stays on its page
    document.add_paragraph("Notas del anexo")
    document.sections[0].header.paragraphs[0].text = "Encabezado OIM"
    document.save(tmp_path / "informe.docx")
    assert _texts(tmp_path / "informe.docx") == [
        (1, "Portada del informe\n\nEncabezado OIM"),  # headers and footers go with page 1
        (2, "Resumen ejecutivo"),
        (3, "Metodología"),
        (4, "Anexo estadístico\n\nNotas del anexo"),
    ]


def test_word_rendered_breaks_give_the_page_word_showed(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Página uno, primer párrafo")
    long_text = document.add_paragraph("Un párrafo largo que Word pasó a la página dos")
    document.add_page_break()  # an explicit break, which Word rendered too
    after_break = document.add_paragraph("Texto tras el salto manual")
    _rendered_break_before(long_text)
    _rendered_break_before(after_break)
    document.save(tmp_path / "largo.docx")
    # The explicit break is not counted twice: Word's markers already include it.
    assert _texts(tmp_path / "largo.docx") == [
        (1, "Página uno, primer párrafo"),
        (2, "Un párrafo largo que Word pasó a la página dos"),
        (3, "Texto tras el salto manual"),
    ]


def test_a_docx_with_neither_is_one_page(tmp_path: Path) -> None:
    document = docx.Document()
    for n in range(1, 40):
        document.add_paragraph(f"Párrafo {n} de un documento sin saltos de página.")
    document.save(tmp_path / "corrido.docx")
    assert [number for number, _ in _texts(tmp_path / "corrido.docx")] == [1]


@pytest.mark.realdocs
@pytest.mark.skipif(not REALDOCS.exists(), reason="realdocs corpus not found")
def test_a_real_report_saved_by_word_has_its_pages() -> None:
    """A technical report of 11 pages as Word laid it out: each chapter begins a page."""
    pages = _texts(REALDOCS / "es" / "jeremycardo-informe-migrantes-amco-geih.docx")
    assert len(pages) == 11
    assert "CARACTERIZACIÓN SOCIOLABORAL" in pages[0][1]
    assert pages[1][1].startswith("1. Resumen Ejecutivo")
    assert pages[2][1].startswith("2. Introducción")
