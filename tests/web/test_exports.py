"""Every export of a search, downloaded from the app and read back with the tools researchers
use: csv, openpyxl, rispy, bibtexparser, json line by line."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import TYPE_CHECKING

import bibtexparser
import openpyxl
import pytest
import rispy
from flask.testing import FlaskClient

from acervo.search.export import FORMULA_STARTS

if TYPE_CHECKING:  # the session fixtures' types; conftest is not an importable module
    from conftest import Corpus, DocCorpus

QUERY = "educacion"  # more hits than one page (tests/web/conftest.py)


def total_of(client: FlaskClient, query: str = QUERY, **filters: str) -> int:
    return client.get("/api/search", query_string={"q": query, **filters}).get_json()["total"]


def download(client: FlaskClient, extension: str, query: str = QUERY, **args: str) -> bytes:
    response = client.get(f"/export.{extension}", query_string={"q": query, **args})
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=acervo-")
    assert disposition.endswith(f".{extension}")
    return response.get_data()


def xlsx_rows(data: bytes, sheet: str = "resultados") -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    return list(book[sheet].iter_rows(values_only=True))


def test_xlsx_has_every_hit_and_a_sheet_saying_how_it_was_made(client: FlaskClient) -> None:
    total = total_of(client)
    assert total > 10  # more than one page of results
    data = download(client, "xlsx")
    rows = xlsx_rows(data)
    assert rows[0][:4] == ("titulo", "agencias", "temas", "anio")
    assert len(rows) - 1 == total
    assert all(isinstance(row[3], int) for row in rows[1:])  # years stay numbers
    url = rows[0].index("url")
    assert all(str(row[url]).startswith("http://localhost/documento/") for row in rows[1:])
    about = dict(xlsx_rows(data, "consulta"))
    assert about["query"] == QUERY and about["total"] == total
    assert about["index_version"].startswith("gen-")
    datetime.fromisoformat(about["exported_at"])


def test_jsonl_first_line_is_the_export_then_one_hit_per_line(client: FlaskClient) -> None:
    total = total_of(client, agency="OIM")
    lines = download(client, "jsonl", agency="OIM").decode("utf-8").splitlines()
    head = json.loads(lines[0])["export"]
    assert head["query"] == QUERY and head["filters"] == {"agency": ["OIM"]}
    assert head["total"] == total and head["index_version"].startswith("gen-")
    hits = [json.loads(line) for line in lines[1:]]
    assert len(hits) == total
    assert all("OIM" in hit["agencies"] and hit["url"].endswith(hit["id"]) for hit in hits)


def test_ris_reads_back_with_rispy(client: FlaskClient, corpus: Corpus) -> None:
    total = total_of(client)
    entries = rispy.loads(download(client, "ris").decode("utf-8"))
    assert len(entries) == total
    carchi = corpus.by_title("Carchi")
    entry = next(e for e in entries if e["id"] == carchi.doc_id)
    assert entry["type_of_reference"] == "RPRT"  # diagnostico
    assert entry["title"] == carchi.metadata.title
    assert entry["authors"] == ["ACNUR", "OIM"]
    assert entry["year"] == "2019"
    assert entry["urls"] == [f"http://localhost/documento/{carchi.doc_id}"]
    assert entry["notes"][0].startswith(f"Exportado de Acervo: búsqueda «{QUERY}»")
    assert any(note.startswith("pág. ") for note in entry["notes"][1:])


def test_bibtex_reads_back_with_bibtexparser(client: FlaskClient, corpus: Corpus) -> None:
    total = total_of(client)
    text = download(client, "bib").decode("utf-8")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == total
    assert f"búsqueda «{QUERY}»" in library.comments[0].comment
    carchi = corpus.by_title("Carchi")
    entry = next(e for e in library.entries if e["url"].endswith(carchi.doc_id))
    assert entry.entry_type == "techreport"
    assert entry.key == f"ACNUR2019_{carchi.doc_id}"
    assert entry["author"] == "{ACNUR} and {OIM}"  # corporate authors, braced
    assert "author = {{ACNUR} and {OIM}}" in text
    assert entry["year"] == "2019" and entry["title"] == "{" + carchi.metadata.title + "}"
    assert len({e.key for e in library.entries}) == total  # keys are unique


def test_bibtex_escapes_latex_specials_in_hostile_text(client: FlaskClient) -> None:
    library = bibtexparser.parse_string(download(client, "bib", "etiquetas").decode("utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == 1
    assert r"\&" in library.entries[0]["note"]  # "<b>etiquetas</b> & símbolos"


def test_csv_carries_the_query_filters_index_and_date_in_every_row(client: FlaskClient) -> None:
    total = total_of(client, language="es")
    text = download(client, "csv", language="es").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == total
    assert {row["consulta"] for row in rows} == {QUERY}
    assert {row["filtros"] for row in rows} == {"language=es"}
    assert all(row["version_indice"].startswith("gen-") for row in rows)
    assert all(row["url"].startswith("http://localhost/documento/") for row in rows)
    datetime.fromisoformat(rows[0]["exportado"])


def test_json_export_records_the_date(client: FlaskClient) -> None:
    data = json.loads(download(client, "json"))
    datetime.fromisoformat(data["exported_at"])
    assert data["total"] == len(data["hits"]) == total_of(client)


def test_formulas_are_neutralised_in_csv_and_never_formulas_in_xlsx(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    text = download(doc_client, "csv", "").decode("utf-8").removeprefix("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
    assert '\'=HYPERLINK("http://x") Fórmula' in cells

    book = openpyxl.load_workbook(io.BytesIO(download(doc_client, "xlsx", "")))
    cells = [cell for row in book["resultados"].iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    title = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert title.data_type == "s" and title.quotePrefix  # shown as typed, kept as text
    passage = next(c for c in cells if str(c.value).startswith("+52"))
    assert passage.data_type == "s" and passage.quotePrefix


@pytest.mark.parametrize("extension", ["xlsx", "jsonl", "ris", "bib"])
def test_a_bad_search_is_400_before_any_download(client: FlaskClient, extension: str) -> None:
    response = client.get(f"/export.{extension}", query_string={"q": '"educacion'})
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
    assert client.get(f"/export.{extension}?year_from=abc").status_code == 400


@pytest.mark.parametrize("extension", ["jsonl", "ris", "bib", "csv"])
def test_text_exports_are_streamed(client: FlaskClient, extension: str) -> None:
    response = client.get(f"/export.{extension}", query_string={"q": QUERY})
    assert response.is_streamed
    response.close()


def test_empty_search_exports_are_valid(client: FlaskClient) -> None:
    assert rispy.loads(download(client, "ris", "zzzzqqq").decode("utf-8")) == []
    assert bibtexparser.parse_string(download(client, "bib", "zzzzqqq").decode()).entries == []
    assert xlsx_rows(download(client, "xlsx", "zzzzqqq"))[1:] == []
    lines = download(client, "jsonl", "zzzzqqq").decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["export"]["total"] == 0


def test_search_page_links_every_export_format(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&agency=OIM&page=2").get_data(as_text=True)
    for extension in ("csv", "json", "jsonl", "xlsx", "ris", "bib"):
        assert f'href="/export.{extension}?q=educacion&amp;agency=OIM"' in html
