"""Streaming CSV and JSON exports read back with the csv and json modules."""

from __future__ import annotations

import csv
import io
import json

import pytest
from searchcorpus import CARCHI, DOCS, LONG

from acervo.search.export import CSV_HEADER, ExportInfo, Links, csv_chunks, json_chunks, neutralise
from acervo.search.models import SearchHit, SearchRequest
from acervo.search.searcher import Searcher

LINKS = Links("http://acervo.example/")


def _csv_rows(searcher: Searcher, query: str = "") -> tuple[str, list[list[str]]]:
    hits = searcher.iter_hits(SearchRequest(query=query))
    text = "".join(csv_chunks(ExportInfo(query), hits, LINKS))
    return text, list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_has_bom_header_and_one_row_per_hit(searcher: Searcher) -> None:
    text, rows = _csv_rows(searcher)
    assert text.startswith("\ufeff")
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) - 1 == len(DOCS)
    by_title = {row[0]: row for row in rows[1:]}
    carchi = by_title["Niñas venezolanas en Carchi"]
    # facet values as labels, the codes in their own column
    assert carchi[1:4] == ["ACNUR; OIM", "Educación; Protección de la infancia", "2019"]
    assert carchi[CSV_HEADER.index("temas_codigos")] == "educacion; proteccion-infancia"
    assert carchi[7] == "1"  # match-all: the excerpt of page 1


def test_csv_neutralises_formulas(searcher: Searcher) -> None:
    _, rows = _csv_rows(searcher, "Huaquillas")
    titles = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x") Un documento muy largo' in titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+1", "'=1+1"), ("+52", "'+52"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("a=b", "a=b")],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_passage_has_the_page_of_the_best_match(searcher: Searcher) -> None:
    _, rows = _csv_rows(searcher, "escuela Carchi")
    assert len(rows) == 2 and rows[1][7] == "2" and "Carchi" in rows[1][8]


def test_json_is_one_document_with_every_hit(searcher: Searcher) -> None:
    req = SearchRequest(query="escuela")
    total = searcher.search(req).total
    info = ExportInfo("escuela", total=total)
    chunks = list(json_chunks(info, searcher.iter_hits(req), LINKS))
    assert len(chunks) > 2  # streamed, not one string
    data = json.loads("".join(chunks))
    assert data["query"] == "escuela" and data["total"] == len(data["hits"]) == total
    assert any(hit["id"] == CARCHI for hit in data["hits"])


def test_json_with_no_hits_is_valid() -> None:
    info = ExportInfo("x")
    assert json.loads("".join(json_chunks(info, iter(()), LINKS))) == {**info.to_json(), "hits": []}


def test_json_escapes_titles(searcher: Searcher) -> None:
    hit = searcher.document(LONG)
    assert isinstance(hit, SearchHit)
    data = json.loads("".join(json_chunks(ExportInfo(""), [hit], LINKS)))
    assert data["hits"][0]["title"].startswith('=HYPERLINK("http://x")')
