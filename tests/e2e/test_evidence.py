"""The evidence map ("¿Qué se ha estudiado?") over the sample corpus ingested by the CLI: every
cell is the count of the search it links to, gaps say what nobody studied, and the CSV, XLSX and
SVG downloads hold the same numbers as the page."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient

from acervo.search import evidence
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.web import create_app

SEARCHES = [
    SearchRequest(),
    SearchRequest(query="salud"),
    SearchRequest(query="frontera", filters={"agency": ("OIM", "ACNUR")}, year_from=2019),
    SearchRequest(filters={"topic": ("salud", "educacion"), "language": ("es",)}),
    SearchRequest(result_type="records"),
    SearchRequest(query="educacion", result_type="records"),
]


@pytest.fixture(scope="module")
def index(corpus_index: tuple[Path, object]) -> Path:
    return corpus_index[0]


@pytest.fixture()
def client(index: Path) -> FlaskClient:
    return create_app({"INDEX_DIR": index, "TESTING": True}).test_client()


@pytest.mark.parametrize("req", SEARCHES, ids=range(len(SEARCHES)))
def test_every_cell_is_the_count_of_its_search(index: Path, req: SearchRequest) -> None:
    row_facet, col_facets, _ = evidence.AXES[req.result_type]
    with IndexStore(index).open_searcher() as searcher:
        for col_facet in col_facets:
            emap = evidence.evidence_map(searcher, req, col_facet)
            assert emap.rows and emap.cols
            for row in emap.rows:
                for col in emap.cols:
                    narrowed = {**req.filters, row_facet: (row.code,), col_facet: (col.code,)}
                    expected = searcher.count(replace(req, filters=narrowed))
                    assert emap.count(row.code, col.code) == expected, (row, col, col_facet)
            assert sum(emap.counts.values()) > 0


def _cells(page: str) -> dict[tuple[str, str], tuple[int, str]]:
    """(row code, column code) -> (count, link) read from the page's table."""
    cols = re.findall(r'<th scope="col" title="[^"]*" data-col="([^"]+)"', page)
    found = {}
    for row in re.finditer(r'<th scope="row" data-row="([^"]+)">.*?</tr>', page, re.S):
        cells = re.findall(r'<td class="evidence__cell[^"]*" data-count="(\d+)"(.*?)</td>', row[0])
        assert len(cells) == len(cols)
        for col, (count, rest) in zip(cols, cells, strict=True):
            link = re.search(r'href="([^"]+)"', rest)
            found[(row[1], col)] = (int(count), html.unescape(link[1]) if link else "")
    return found


def _total(page: str) -> int:
    return int(re.search(r'data-total="(\d+)"', page)[1])


def test_page_cells_link_to_searches_that_find_that_many(client: FlaskClient) -> None:
    response = client.get("/mapa?q=frontera&year_from=2019&eje=anio")
    assert response.status_code == 200
    cells = _cells(response.get_data(as_text=True))
    assert any(count for count, _ in cells.values())
    for (row, col), (count, link) in cells.items():
        if count:
            assert f"topic={row}" in link and f"year={col}" in link
            assert _total(client.get(link).get_data(as_text=True)) == count
        else:
            assert link == ""


def test_gaps_say_who_has_not_published_on_what(client: FlaskClient) -> None:
    page = client.get("/mapa?eje=lugar&year_from=2021").get_data(as_text=True)
    cells = _cells(page)
    assert cells[("proteccion", "sucumbios")][0] == 0
    assert "Nadie ha publicado sobre Protección en Sucumbíos desde 2021." in page
    agencies = client.get("/mapa?year_to=2019").get_data(as_text=True)
    assert "PMA no ha publicado sobre Educación hasta 2019." in agencies
    english = client.get("/mapa?eje=lugar&year_from=2021&lang=en").get_data(as_text=True)
    assert "What has been studied?" in english
    assert "Nobody has published on Protection in Sucumbíos since 2021." in english


def test_lessons_map_shows_every_gcm_objective_with_or_without_lessons(
    client: FlaskClient,
) -> None:
    page = client.get("/mapa?resultado=registros").get_data(as_text=True)
    cells = _cells(page)
    cols = {col for _, col in cells}
    assert cols == {str(n) for n in range(1, 24)}
    assert cells[("educacion", "1")][0] == 1 and cells[("educacion", "2")][0] == 0
    assert "Ninguna lección sobre Educación para 2. Minimizar los factores adversos" in page
    sdg = _cells(client.get("/mapa?resultado=registros&eje=ods").get_data(as_text=True))
    assert {col for _, col in sdg} == {str(n) for n in range(1, 18)}


def _page_matrix(client: FlaskClient, query: str) -> list[list[int]]:
    page = client.get(f"/mapa?{query}").get_data(as_text=True)
    rows = re.findall(r'<th scope="row" data-row="[^"]+">.*?</tr>', page, re.S)
    return [[int(n) for n in re.findall(r'data-count="(\d+)"', row)] for row in rows]


@pytest.mark.parametrize("query", ["eje=agencia", "q=salud&eje=lugar", "resultado=registros"])
def test_downloads_hold_the_numbers_of_the_page(client: FlaskClient, query: str) -> None:
    matrix = _page_matrix(client, query)
    csv_rows = list(csv.reader(io.StringIO(client.get(f"/mapa.csv?{query}").get_data(True))))
    assert [[int(n) for n in row[1:]] for row in csv_rows[1:]] == matrix
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/mapa.xlsx?{query}").data))
    sheet = book["Mapa"]
    assert [c.value for c in sheet[1]] == csv_rows[0]
    rows = sheet.iter_rows(min_row=2, max_row=len(matrix) + 1)
    assert [[c.value for c in row[1:]] for row in rows] == matrix
    notes = [row[0].value for row in sheet.iter_rows(min_row=len(matrix) + 2) if row[0].value]
    assert any(n.startswith("Índice: gen-") for n in notes)
    svg = client.get(f"/mapa.svg?{query}")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    numbers = [
        int(t.text) if t.text != "–" else 0
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("class") == "count"
    ]
    width = len(csv_rows[0]) - 1
    assert [numbers[i : i + width] for i in range(0, len(numbers), width)] == matrix


def test_bad_axis_is_a_spanish_400(client: FlaskClient) -> None:
    for query in ("eje=color", "eje=ods", "resultado=registros&eje=lugar"):
        for path in ("/mapa", "/mapa.csv", "/mapa.svg"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert "Eje desconocido" in response.get_data(as_text=True)
    assert client.get("/mapa?q=%22salud").status_code == 400


def test_too_many_columns_are_capped_and_said(index: Path) -> None:
    app = create_app({"INDEX_DIR": index, "TESTING": True, "EVIDENCE_MAX_COLUMNS": 5})
    client = app.test_client()
    page = client.get("/mapa?eje=lugar").get_data(as_text=True)
    cells = _cells(page)
    assert len({col for _, col in cells}) == 5
    assert re.search(r"Se muestran las 5 columnas con más resultados; \d+ columnas más", page)
    # the most-studied places are kept: Ecuador is named by most documents
    assert ("salud", "ecuador") in cells
    header = next(csv.reader(io.StringIO(client.get("/mapa.csv?eje=lugar").get_data(True))))
    assert len(header) == 6


def test_search_page_links_to_its_map(client: FlaskClient) -> None:
    page = client.get("/?q=salud&agency=UNICEF").get_data(as_text=True)
    link = re.search(r'<p class="evidence-link"><a href="([^"]+)"', page)
    assert link and "q=salud" in link[1] and "agency=UNICEF" in link[1]
    assert client.get(html.unescape(link[1])).status_code == 200
