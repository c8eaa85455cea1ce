"""The researcher formats (JSON Lines, XLSX, RIS, BibTeX, DOCX dossier) written from hits and
read back with openpyxl, rispy, bibtexparser and python-docx; their memory does not grow with
the number of hits."""

from __future__ import annotations

import io
import json
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import bibtexparser
import docx
import openpyxl
import pytest
import rispy
from searchcorpus import CARCHI, DOCS

from acervo.search import document
from acervo.search.export import (
    BIBTEX_TYPES,
    RIS_TYPES,
    ExportInfo,
    Links,
    bibtex_chunks,
    csv_chunks,
    jsonl_chunks,
    ris_chunks,
    write_dossier,
    write_xlsx,
)
from acervo.search.indexer import IndexStore
from acervo.search.models import Passage, SearchHit
from acervo.search.searcher import Searcher

INFO = ExportInfo(
    query="educacion",
    filters={"agency": ("ACNUR", "OIM")},
    year_from=2019,
    index_version="gen-000007 (3 documentos)",
    exported_at="2026-11-24T12:00:00+00:00",
    total=3,
)


def url(doc_id: str) -> str:
    return f"https://acervo.example/documento/{doc_id}"


LINKS = Links("https://acervo.example/", (Path("/corpus"),))


def hit(n: int, **changes: object) -> SearchHit:
    fields: dict = {
        "id": f"{n:016x}",
        "title": f"Estudio {n} sobre educación",
        "agencies": ("ACNUR", "OIM"),
        "topics": ("educacion",),
        "year": 2019,
        "language": "es",
        "doc_type": "estudio",
        "path": f"/corpus/{n}.pdf",
        "score": 1.0,
        "passages": (Passage(3, f"la educación de {n} niñas", "la <mark>educación</mark>"),),
        "pages": 12,
    }
    return SearchHit(**(fields | changes))


def hits(count: int) -> Iterator[SearchHit]:
    return (hit(n) for n in range(count))


@pytest.mark.parametrize(
    ("doc_type", "ris", "bibtex"),
    [
        ("informe", "RPRT", "techreport"),
        ("evaluacion", "RPRT", "techreport"),
        ("guia", "RPRT", "manual"),
        ("hoja", "PAMP", "booklet"),
        ("normativa", "LEGAL", "misc"),
        ("", "GEN", "misc"),
        ("desconocido", "GEN", "misc"),
    ],
)
def test_document_types_map_to_ris_and_bibtex(doc_type: str, ris: str, bibtex: str) -> None:
    one = [hit(1, doc_type=doc_type)]
    assert rispy.loads("".join(ris_chunks(INFO, one, LINKS)))[0]["type_of_reference"] == ris
    library = bibtexparser.parse_string("".join(bibtex_chunks(INFO, one, LINKS)))
    assert library.entries[0].entry_type == bibtex
    assert RIS_TYPES.get(doc_type, "GEN") == ris and BIBTEX_TYPES.get(doc_type, "misc") == bibtex


def test_ris_records_carry_the_export_summary() -> None:
    entries = rispy.loads("".join(ris_chunks(INFO, hits(3), LINKS)))
    assert len(entries) == 3
    note = entries[0]["notes"][0]
    assert "búsqueda «educacion»" in note and "agency=ACNUR|OIM; year_from=2019" in note
    assert "gen-000007" in note and "2026-11-24T12:00:00+00:00" in note
    assert entries[0]["authors"] == ["ACNUR", "OIM"] and entries[0]["notes"][1].startswith("pág. 3")


@pytest.mark.parametrize(
    "title",
    ["Unbalanced { brace", "50% & #1 $cost_x ~ ^", "back\\slash }{", "Línea\npartida"],
)
def test_bibtex_values_stay_parseable_whatever_the_title(title: str) -> None:
    text = "".join(bibtex_chunks(INFO, [hit(1, title=title), hit(2)], LINKS))
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [
        "ACNUR2019_0000000000000001",
        "ACNUR2019_0000000000000002",
    ]
    assert "\n" not in library.entries[0]["title"]


def test_bibtex_key_without_agency_or_year() -> None:
    one = [hit(1, agencies=(), year=None)]
    entry = bibtexparser.parse_string("".join(bibtex_chunks(INFO, one, LINKS))).entries[0]
    assert entry.key == "Acervo_0000000000000001" and "author" not in entry.fields_dict


def test_jsonl_lines() -> None:
    lines = "".join(jsonl_chunks(INFO, hits(3), LINKS)).splitlines()
    assert json.loads(lines[0]) == {"export": INFO.to_json()}
    assert [json.loads(line)["url"] for line in lines[1:]] == [url(f"{n:016x}") for n in range(3)]


def test_xlsx_strips_characters_xml_cannot_hold() -> None:
    target = io.BytesIO()
    write_xlsx(target, INFO, [hit(1, title="con\x0ccontrol\x01")], LINKS)
    sheet = openpyxl.load_workbook(target)["resultados"]
    assert sheet["A2"].value == "concontrol"
    assert sheet["H2"].value == 3 and sheet["D2"].value == 2019


def test_index_version_counts_in_the_singular_too(tmp_path) -> None:
    store = IndexStore(tmp_path / "index")
    store.update(add=iter(DOCS[:1]), remove=())
    assert store.version() == "gen-000001 (1 documento)"


def test_dossier_of_searcher_hits_reads_back(searcher: Searcher) -> None:
    picked = document.selected_hits(searcher, [(CARCHI, "escuela")], per_doc=3)
    target = io.BytesIO()
    assert write_dossier(target, INFO, [(picked[0], "escuela")], LINKS) == 1
    paragraphs = [p.text for p in docx.Document(target).paragraphs]
    assert "Niñas venezolanas en Carchi" in paragraphs
    assert paragraphs[1].startswith("1 documento · exportado")  # not "1 documentos"
    assert any(p.startswith("pág. 2: ") and "escuela" in p for p in paragraphs)


# ---- memory: streamed, not held -------------------------------------------------------------


def _peak_bytes(write: Callable[[Iterator[SearchHit]], None], count: int) -> int:
    tracemalloc.start()
    try:
        write(hits(count))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _drain(chunks: Iterator[str]) -> None:
    for _ in chunks:
        pass


def _xlsx_to_temporary_file(rows: Iterator[SearchHit]) -> None:
    with tempfile.TemporaryFile() as target:  # as the web does
        write_xlsx(target, INFO, rows, LINKS)


WRITERS: dict[str, Callable[[Iterator[SearchHit]], None]] = {
    "csv": lambda h: _drain(csv_chunks(INFO, h, LINKS)),
    "jsonl": lambda h: _drain(jsonl_chunks(INFO, h, LINKS)),
    "ris": lambda h: _drain(ris_chunks(INFO, h, LINKS)),
    "bibtex": lambda h: _drain(bibtex_chunks(INFO, h, LINKS)),
    "xlsx": lambda h: _xlsx_to_temporary_file(h),
}


@pytest.mark.parametrize("name", WRITERS)
def test_memory_does_not_grow_with_the_number_of_hits(name: str) -> None:
    """Ten times the hits, about the same peak: rows are written, not collected."""
    small, large = (_peak_bytes(WRITERS[name], n) for n in (1_000, 10_000))
    assert large < small + 200_000, f"{name}: {small} -> {large} bytes"
