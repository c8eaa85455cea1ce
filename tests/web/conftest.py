"""A real index (IndexStore.update) of hand-made documents, built once, and flaskr-style fixtures.

The documents point at small real files (a PDF written with fpdf2, a DOCX with python-docx) so
the original-file route is tested end to end; one document's file is deliberately missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from fpdf import FPDF

from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search.indexer import IndexStore
from acervo.web import create_app

XSS_TITLE = "<script>alert(1)</script> Movilidad humana en la frontera norte"
FILLER_DOCS = 14  # enough Spanish "educación" documents for several result pages


@dataclass(frozen=True)
class Corpus:
    index_dir: Path
    docs: tuple[ExtractedDocument, ...]

    def by_title(self, fragment: str) -> ExtractedDocument:
        return next(d for d in self.docs if fragment in d.metadata.title)


def _write_pdf(path: Path, pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path.read_bytes()


def _write_docx(path: Path, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path.read_bytes()


def _meta(
    title: str, agencies: tuple[str, ...], topic: str, year: int, lang: str, kind: str
) -> Metadata:
    return Metadata(
        title=title, agencies=agencies, topics=(topic,), year=year, language=lang, doc_type=kind
    )


# (file name, page texts, metadata): the hand-made corpus. Search for "educacion" finds more
# than one page of results; "Carchi" only the two-agency PDF; "etiquetas" the hostile one.
DOCUMENTS: list[tuple[str, list[str], Metadata]] = [
    (
        "carchi.pdf",
        [
            "Diagnóstico rápido de la situación de las familias en la provincia de Carchi.",
            "Las niñas venezolanas en edad escolar enfrentan barreras de acceso a la educación "
            "en Carchi: falta de cupos, documentos y transporte.",
            "Recomendaciones: ampliar la matrícula y la protección de la infancia.",
        ],
        _meta(
            "Educación de niñas venezolanas en Carchi",
            ("ACNUR", "OIM"),
            "proteccion-infancia",
            2019,
            "es",
            "diagnostico",
        ),
    ),
    (
        "salud-quito.docx",
        [
            "Informe de salud: la atención médica de personas refugiadas y migrantes en Quito.",
            "La vacunación de niños venezolanos aumentó; la educación sanitaria sigue pendiente.",
        ],
        _meta("Salud de personas migrantes en Quito", ("UNICEF",), "salud", 2021, "es", "informe"),
    ),
    (
        "protection.pdf",
        [
            "Evaluation of the protection response for Venezuelan refugees in Ecuador.",
            "Access to education and asylum procedures for refugees in Huaquillas.",
        ],
        _meta("Protection response evaluation", ("ACNUR",), "proteccion", 2020, "en", "evaluacion"),
    ),
    (
        "hostil.pdf",
        ["Texto con <b>etiquetas</b> & símbolos: la movilidad humana y la educación en Sucumbíos."],
        _meta(XSS_TITLE, ("OIM",), "educacion", 2022, "es", "estudio"),
    ),
    *[
        (
            f"estudio-{n:02d}.pdf",
            [f"Estudio {n} sobre la educación de adolescentes venezolanos en Manabí y El Oro."],
            _meta(
                f"Estudio educativo {n}",
                ("UNICEF",) if n % 2 else ("OIM",),
                "educacion",
                2015 + n % 4,
                "es",
                "estudio",
            ),
        )
        for n in range(FILLER_DOCS)
    ],
]
# Indexed, but its file is not on disk (deleted after ingestion): the file route says 404.
MISSING_FILE = (
    "borrado.pdf",
    ["Documento cuyo archivo fue borrado."],
    _meta("Archivo borrado", ("PMA",), "seguridad-alimentaria", 2018, "es", "informe"),
)


def _document(path: Path, pages: list[str], metadata: Metadata) -> ExtractedDocument:
    """Write the file (PDF or DOCX) and describe it as the ingestion pipeline would."""
    writers = {".pdf": _write_pdf, ".docx": _write_docx}
    content = writers[path.suffix](path, pages)
    sha256 = hashlib.sha256(content).hexdigest()
    return ExtractedDocument(
        doc_id=sha256[:16],
        sha256=sha256,
        paths=(str(path),),
        format=path.suffix.lstrip("."),
        size=len(content),
        pages=[Page(number=i, text=text) for i, text in enumerate(pages, start=1)],
        metadata=metadata,
    )


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    files = tmp_path_factory.mktemp("corpus")
    docs = [_document(files / name, pages, meta) for name, pages, meta in DOCUMENTS]
    missing = _document(files / MISSING_FILE[0], *MISSING_FILE[1:])
    Path(missing.paths[0]).unlink()
    docs.append(missing)
    index_dir = tmp_path_factory.mktemp("index")
    IndexStore(index_dir).update(add=docs, remove=())
    return Corpus(index_dir=index_dir, docs=tuple(docs))


@pytest.fixture(scope="session")
def app(corpus: Corpus) -> Flask:
    return create_app({"INDEX_DIR": corpus.index_dir, "TESTING": True})


@pytest.fixture()
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as client:
        yield client
