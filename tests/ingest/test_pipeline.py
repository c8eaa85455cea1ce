"""run_ingest end to end over real PDF and DOCX files written into tmp_path (no mocks).

Extraction runs in the worker's child processes, as in production.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from acervo.ingest.models import Actor, FailureKind, Provenance
from acervo.ingest.pipeline import Failed, Indexed, IngestEvent, Summary, Unchanged, run_ingest

PDF_PAGES = [
    "Acceso a la educación de niñas y niños venezolanos en Carchi\n"
    "La matrícula escolar de la población venezolana creció. Las escuelas de Tulcán reciben "
    "estudiantes nuevos cada semana y los docentes piden apoyo para la nivelación.",
    "Las escuelas rurales y la educación a distancia: los docentes describen la matrícula de "
    "estudiantes que llegan sin documentos, y la escuela busca cupos para todos.",
]
DOCX_PARAGRAPHS = [
    "Diagnóstico de salud de la población en movilidad humana",
    "El Ministerio de Salud Pública y UNICEF revisaron la atención médica en el hospital de "
    "Huaquillas. La vacunación de niños llegó al ochenta por ciento y el hospital amplió su "
    "atención médica para las familias venezolanas que cruzan la frontera.",
]


def write_pdf(path: Path, pages: list[str]) -> Path:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 7, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def write_docx(path: Path, paragraphs: list[str], author: str = "") -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.author = author
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@dataclass(frozen=True)
class Corpus:
    root: Path
    pdf: Path  # ACNUR/2020/educacion.pdf
    pdf_copy: Path  # OIM/2021/copia.pdf, same bytes
    docx: Path  # UNICEF/2019/salud.docx
    corrupt: Path  # claims to be a PDF, is not


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    root = tmp_path / "corpus"
    pdf = write_pdf(root / "ACNUR" / "2020" / "educacion.pdf", PDF_PAGES)
    pdf_copy = root / "OIM" / "2021" / "copia.pdf"
    pdf_copy.parent.mkdir(parents=True)
    shutil.copyfile(pdf, pdf_copy)
    (pdf_copy.parent / "copia.pdf.meta.yaml").write_text("title: Educación en Carchi\n")
    docx_path = write_docx(root / "UNICEF" / "2019" / "salud.docx", DOCX_PARAGRAPHS, "UNICEF")
    corrupt = root / "rotos" / "roto.pdf"
    corrupt.parent.mkdir()
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\x00garbage" * 50)
    (root / ".oculto.pdf").write_bytes(b"not a candidate")
    return Corpus(root, pdf, pdf_copy, docx_path, corrupt)


def run(roots: list[Path], known: dict[str, tuple[str, ...]] | None = None) -> list[IngestEvent]:
    return list(run_ingest(roots, known or {}, workers=2, timeout_s=60))


def of_type(events: Iterable[IngestEvent], kind: type) -> list:
    return [event for event in events if isinstance(event, kind)]


def by_first_path(events: Iterable[IngestEvent]) -> dict[str, Indexed]:
    return {event.doc.paths[0]: event for event in of_type(events, Indexed)}


def known_from(events: Iterable[IngestEvent]) -> dict[str, tuple[str, ...]]:
    return {event.doc.doc_id: event.doc.paths for event in of_type(events, Indexed)}


def test_first_run_indexes_groups_and_reports(corpus: Corpus) -> None:
    events = run([corpus.root])
    indexed = by_first_path(events)
    assert sorted(indexed) == [str(corpus.pdf), str(corpus.docx)]
    [failed] = of_type(events, Failed)
    assert failed.failure.path == str(corpus.corrupt)
    assert failed.failure.kind is FailureKind.CORRUPT
    assert failed.failure.actor is Actor.ADMINISTRATOR
    assert of_type(events, Unchanged) == []


def test_same_content_in_two_folders_is_one_document(corpus: Corpus) -> None:
    doc = by_first_path(run([corpus.root]))[str(corpus.pdf)].doc
    assert doc.paths == (str(corpus.pdf), str(corpus.pdf_copy))
    assert (doc.format, doc.size, len(doc.pages)) == ("pdf", corpus.pdf.stat().st_size, 2)
    assert doc.doc_id == doc.sha256[:16]
    assert "matrícula escolar" in doc.pages[0].text


def test_metadata_of_a_duplicated_pdf(corpus: Corpus) -> None:
    meta = by_first_path(run([corpus.root]))[str(corpus.pdf)].doc.metadata
    # Folder of the first copy in sort order; the sidecar beside the second copy still counts.
    assert (meta.agencies, meta.year) == (("ACNUR",), 2020)
    assert (meta.title, meta.provenance["title"]) == ("Educación en Carchi", Provenance.SIDECAR)
    assert (meta.topics, meta.provenance["topics"]) == (("educacion",), Provenance.INFERRED)
    assert meta.language == "es"


def test_metadata_of_a_docx(corpus: Corpus) -> None:
    meta = by_first_path(run([corpus.root]))[str(corpus.docx)].doc.metadata
    assert meta.title == "Diagnóstico de salud de la población en movilidad humana"
    assert meta.provenance["title"] is Provenance.INFERRED
    assert (meta.agencies, meta.provenance["agencies"]) == (("UNICEF",), Provenance.FOLDER)
    assert (meta.doc_type, meta.topics) == ("diagnostico", ("salud",))


def test_second_run_with_known_documents_extracts_nothing(corpus: Corpus) -> None:
    known = known_from(run([corpus.root]))
    events = run([corpus.root], known)
    assert of_type(events, Indexed) == []
    assert {(e.doc_id, e.paths) for e in of_type(events, Unchanged)} == set(known.items())
    assert [e.failure.path for e in of_type(events, Failed)] == [str(corpus.corrupt)]


def test_a_new_copy_reindexes_only_that_document(corpus: Corpus) -> None:
    known = known_from(run([corpus.root]))
    third = corpus.root / "PMA" / "tercera.docx"
    third.parent.mkdir()
    shutil.copyfile(corpus.docx, third)
    events = run([corpus.root], known)
    [reindexed] = of_type(events, Indexed)
    assert reindexed.doc.paths == (str(third), str(corpus.docx))
    # The first path now lies in PMA/: the folder convention follows it.
    assert reindexed.doc.metadata.agencies == ("PMA",)
    assert [e.paths[0] for e in of_type(events, Unchanged)] == [str(corpus.pdf)]


def test_changed_content_is_a_new_document(corpus: Corpus) -> None:
    known = known_from(run([corpus.root]))
    write_docx(corpus.docx, [*DOCX_PARAGRAPHS, "Un párrafo añadido."], "UNICEF")
    [changed] = of_type(run([corpus.root], known), Indexed)
    assert changed.doc.paths == (str(corpus.docx),)
    assert changed.doc.doc_id not in known


def test_failed_copies_each_get_a_failure(corpus: Corpus) -> None:
    shutil.copyfile(corpus.corrupt, corpus.root / "rotos" / "otra-copia.pdf")
    paths = sorted(e.failure.path for e in of_type(run([corpus.root]), Failed))
    assert paths == [str(corpus.root / "rotos" / "otra-copia.pdf"), str(corpus.corrupt)]


def test_summary_counts_every_file(corpus: Corpus) -> None:
    summary = Summary()
    events = list(run_ingest([corpus.root], {}, workers=1))
    for event in events:
        summary.add(event)
    assert (summary.seen, summary.indexed, summary.unchanged, summary.duplicates) == (4, 2, 0, 1)
    assert [Path(f.path).name for f in summary.failed] == [corpus.corrupt.name]
    assert summary.pages == sum(len(e.doc.pages) for e in events if isinstance(e, Indexed))


def test_events_stream_before_the_run_ends(corpus: Corpus) -> None:
    events = run_ingest([corpus.root], {}, workers=1)
    first = next(events)  # the generator yields without collecting the whole corpus first
    events.close()
    assert isinstance(first, Indexed | Failed)
