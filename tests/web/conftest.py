"""A real index (IndexStore.update) of hand-made documents, built once, and flaskr-style fixtures.

The documents point at small real files (a PDF written with fpdf2, a DOCX with python-docx) so
the original-file route is tested end to end; one document's file is deliberately missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import docx
import pytest

# The browser fixtures (waitress server, chromium, pages that record CSP violations) for every
# browser test module of this folder.
from browser_support import base_url, browser, new_page  # noqa: E402, F401, I001
from flask import Flask
from flask.testing import FlaskClient
from fpdf import FPDF

from acervo.ingest.models import ExtractedDocument, Metadata, Page, Provenance
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


# ---- the document page, exports and the selection (issue 6, part B) -----------------------

REPORT_PAGES = [
    "Informe de monitoreo de protección en la provincia de Carchi.",
    "En la frontera norte las familias esperan varios días para cruzar.",
    "Metodología: entrevistas a hogares en albergues y terminales.",
    'Página hostil: <script>alert("x")</script> & la frontera de Rumichaca.',
    "Conclusiones: la frontera exige una respuesta conjunta.",
]
REPORT_META = Metadata(
    title="Monitoreo de protección en la frontera",
    agencies=("ACNUR",),
    topics=("proteccion",),
    year=2019,
    language="es",
    doc_type="",  # no source gave it: "sin dato"
    provenance={
        "title": Provenance.SIDECAR,
        "agencies": Provenance.FOLDER,
        "topics": Provenance.INFERRED,
        "year": Provenance.FOLDER,
        "language": Provenance.PROPERTIES,
        "doc_type": Provenance.NONE,
    },
)


@dataclass(frozen=True)
class DocCorpus:
    root: Path
    index_dir: Path
    report: ExtractedDocument  # 5 pages, "frontera" on pages 2, 4, 5; two copies (exact dup)
    bare: ExtractedDocument  # a PDF whose file name has no extension
    formula: ExtractedDocument  # title and text that a spreadsheet would run as formulas
    draft: ExtractedDocument  # a near duplicate of `report`, indexed after it


@pytest.fixture(scope="session")
def doc_corpus(tmp_path_factory: pytest.TempPathFactory) -> DocCorpus:
    root = tmp_path_factory.mktemp("doc-corpus")
    (root / "ACNUR" / "2019").mkdir(parents=True)
    (root / "copias").mkdir()
    report = _document(root / "ACNUR" / "2019" / "monitoreo.pdf", REPORT_PAGES, REPORT_META)
    copy = root / "copias" / "monitoreo.pdf"
    copy.write_bytes(Path(report.paths[0]).read_bytes())
    report = replace(report, paths=(report.paths[0], str(copy)))
    bare = _document(root / "sin-extension.pdf", ["Documento sin extensión."], REPORT_META)
    Path(bare.paths[0]).rename(root / "sin-extension")
    bare = replace(bare, paths=(str(root / "sin-extension"),))
    formula_meta = _meta('=HYPERLINK("http://x") Fórmula', ("OIM",), "salud", 2020, "es", "hoja")
    formula = _document(root / "formula.pdf", ["+52 593 hogares; @usuario -5 grados"], formula_meta)
    draft_meta = replace(REPORT_META, title="Borrador del monitoreo de protección")
    draft = _document(root / "borrador.pdf", REPORT_PAGES[:4], draft_meta)
    draft = replace(draft, near_duplicates=(report.doc_id,))
    index_dir = tmp_path_factory.mktemp("doc-index")
    IndexStore(index_dir).update(add=[report, bare, formula, draft], remove=())
    return DocCorpus(root, index_dir, report, bare, formula, draft)


@pytest.fixture(scope="session")
def doc_app(doc_corpus: DocCorpus) -> Flask:
    config = {"INDEX_DIR": doc_corpus.index_dir, "CORPUS_DIRS": (doc_corpus.root,)}
    return create_app({**config, "TESTING": True})


@pytest.fixture()
def doc_client(doc_app: Flask) -> Iterator[FlaskClient]:
    with doc_app.test_client() as client:
        yield client
