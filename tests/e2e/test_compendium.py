"""The compendium of lessons-learned records (`/compendio.docx`), read back with python-docx:
a section per area with its table of codes, every field of every record, and a citation that
points at the document page where the record is."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from flask.testing import FlaskClient

from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.ingest.records import find_records
from acervo.search import schema
from acervo.search.indexer import IndexStore
from acervo.web import create_app

FIELD_LABELS = [
    "Hallazgo",
    "Descripción de la lección",
    "Contexto y condiciones previas relacionadas",
    "Metas del proyecto",
    "Beneficiarios",
    "Relación con ODS",
    "Relación con el Pacto Mundial para la Migración",
    "Tipo de lección",
    "Éxito / Cuestiones positivas",
    "Desafíos, dificultades, problemas",
]
CITATION = re.compile(
    r"^Fuente: (.+), pág\. (\d+)\. http://localhost/documento/([0-9a-f]{16})#p-\2$"
)


@pytest.fixture(scope="module")
def index(corpus_index: tuple[Path, object]) -> Path:
    return corpus_index[0]


@pytest.fixture()
def client(index: Path) -> FlaskClient:
    return create_app({"INDEX_DIR": index, "TESTING": True}).test_client()


def _read(client: FlaskClient, query: str) -> docx.document.Document:
    response = client.get(f"/compendio.docx?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    return docx.Document(io.BytesIO(response.data))


def _outline(document: docx.document.Document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.rsplit(" ", 1)[1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ") and p.style.name[-1].isdigit()
    ]


def test_every_record_with_every_field_under_its_area(client: FlaskClient, index: Path) -> None:
    document = _read(client, "")
    outline = _outline(document)
    areas = [text for level, text in outline if level == 1 and text != "Contenido"]
    records = [text for level, text in outline if level == 2]
    assert len(records) == 11  # every record of the sample corpus
    assert "TRANSFERENCIAS MONETARIAS (TM)" in areas and "EDUCACIÓN (ED)" in areas
    # each area opens with its table: Código | Descripción, one row per record of that area
    assert len(document.tables) == len(areas)
    codes_in_tables = []
    for table, area in zip(document.tables, areas, strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows]
        assert rows[0] == ["Código", "Descripción"]
        suffix = area.rsplit("(", 1)[1].rstrip(")")
        assert all(code.endswith("_" + suffix) and text for code, text in rows[1:])
        codes_in_tables += [code for code, _ in rows[1:]]
    assert sorted(codes_in_tables) == sorted(r.split(":")[0] for r in records)
    # every field, in order, under every record
    for n, (level, text) in enumerate(outline):
        if level == 2:
            labels = [t for lvl, t in outline[n + 1 : n + 1 + len(FIELD_LABELS)]]
            assert labels == FIELD_LABELS, text


def test_citations_point_at_the_page_where_the_record_is(client: FlaskClient, index: Path) -> None:
    document = _read(client, "")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    citations = [p.text for p in document.paragraphs if p.text.startswith("Fuente: ")]
    assert len(citations) == len(headings) == 11
    with IndexStore(index).open_searcher() as searcher:
        for heading, citation in zip(headings, citations, strict=True):
            match = CITATION.match(citation)
            assert match, citation
            page = searcher.whoosh_searcher.document(
                kind=schema.PAGE, doc_id=match[3], page=int(match[2])
            )
            code = heading.split(":")[0]
            assert page is not None and code in page["text"], (code, citation)
    assert any("Lecciones aprendidas y buenas prácticas" in c for c in citations)


def test_first_page_says_which_search_made_it(client: FlaskClient) -> None:
    document = _read(client, "q=escolar&area=educacion&year_from=2020")
    first = "\n".join(p.text for p in document.paragraphs[:12])
    assert "Consulta: escolar" in first
    assert "area: educacion" in first and "años: 2020–…" in first
    assert re.search(r"Índice: gen-\d{6} \(\d+ documentos\)", first)
    assert re.search(r"Fecha: \d{4}-\d\d-\d\dT", first)
    assert "Contenido" in first
    assert b"TOC \\o" in _xml(document)
    records = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert records and all(r.split(":")[0].endswith("_ED") for r in records)


def _xml(document: docx.document.Document) -> bytes:
    from lxml import etree

    return etree.tostring(document.element)


def test_filters_by_gcm_and_a_bad_query(client: FlaskClient) -> None:
    document = _read(client, "gcm=7")
    records = [p.text.split(":")[0] for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(records) == 2
    bad = client.get("/compendio.docx?q=%22salud")
    assert bad.status_code == 400 and "comillas" in bad.get_data(as_text=True)


def test_records_search_page_links_to_the_compendium(client: FlaskClient) -> None:
    page = client.get("/?resultado=registros&q=educacion").get_data(as_text=True)
    assert "/compendio.docx?q=educacion" in page


SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_4277ee8af15f2fd8.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not there")
def test_seed_record_prints_every_part(tmp_path: Path) -> None:
    """The seed document (one of the records our users write) indexed, then its compendium:
    LN2_GN with each part's text under its label, as the seed has it."""
    text = SEED.read_text(encoding="utf-8")
    meta = Metadata(title="Lecciones GTRM (semilla)", agencies=("GTRM",), year=2022, language="es")
    doc = ExtractedDocument(
        doc_id="5eed5eed5eed5eed", sha256="5eed" * 16, paths=(str(SEED),), format="txt",
        size=len(text), pages=[Page(1, text)], metadata=meta, records=find_records([Page(1, text)]),
    )  # fmt: skip
    IndexStore(tmp_path).update(add=[doc], remove=())
    client = create_app({"INDEX_DIR": tmp_path, "TESTING": True}).test_client()
    paragraphs = [p.text for p in _read(client, "codigo=LN2_GN").paragraphs]
    start = paragraphs.index(
        "LN2_GN: No se evidencia un mecanismo para compartir información de monitoreo, "
        "evaluación y producción de conocimiento entre agencias del sistema."
    )
    after = paragraphs[start + 1 : start + 21]
    parts = dict(zip(after[::2], after[1::2], strict=True))
    assert list(parts) == FIELD_LABELS
    assert parts["Hallazgo"].startswith("Distintas agencias del Sistema de Naciones Unidas")
    assert parts["Beneficiarios"].startswith("Instituciones y organismos")
    assert parts["Relación con el Pacto Mundial para la Migración"].startswith("1. Recopilar")
    assert "23. Fortalecer la cooperación internacional" in parts[FIELD_LABELS[6]]
    assert parts["Éxito / Cuestiones positivas"].startswith("La creación de un repositorio")
    assert parts["Desafíos, dificultades, problemas"].startswith("El desafío radica")
    assert parts["Relación con ODS"] == "No consta."  # the seed leaves it empty
    assert "GENERAL (GN)" in paragraphs
