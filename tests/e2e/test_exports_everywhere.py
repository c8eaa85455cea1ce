"""One export path: the same search exported from the search page, from the selection and by
`acervo export` gives the same content (only the export's time differs), in every format; and
no export names a file by the server's absolute path."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import CORPUS, acervo
from flask.testing import FlaskClient

from acervo.search.export import CSV_INFO_HEADER, TABLE_HEADER
from acervo.web import create_app

FORMATS = ("csv", "json", "jsonl", "xlsx", "ris", "bib")
# the same search as the command line writes it and as the web's query string does
SEARCH = {"q": "migrantes", "agency": "UNHCR", "year": "2018-2023"}
CLI_SEARCH = ("migrantes", "--agency", "UNHCR", "--year", "2018-2023")
BASE_URL = "http://localhost/"  # where the test client's app answers
EXPORTED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


@pytest.fixture(scope="module")
def app_client(corpus_index) -> FlaskClient:
    index, _ = corpus_index
    app = create_app({"INDEX_DIR": index, "CORPUS_DIRS": (CORPUS,), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    """Where the CLI finds the corpus folder and the web's public address."""
    path = tmp_path_factory.mktemp("config") / "acervo.toml"
    path.write_text(f'[acervo]\ncorpus_dirs = ["{CORPUS}"]\nbase_url = "{BASE_URL}"\n')
    return path


def cli_export(corpus_index, config_file: Path, tmp_path: Path, fmt: str) -> bytes:
    index, _ = corpus_index
    out = tmp_path / f"export.{fmt}"
    run = acervo(
        "--config", config_file, "--index", index, "export", *CLI_SEARCH, "--format", fmt, "-o", out
    )
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


def web_export(client: FlaskClient, fmt: str) -> bytes:
    response = client.get(f"/export.{fmt}", query_string=SEARCH)
    assert response.status_code == 200
    return response.get_data()


def content(data: bytes, fmt: str) -> object:
    """What a reader sees, with the export's time masked: text, or XLSX cells by sheet."""
    if fmt != "xlsx":
        return EXPORTED_AT.sub("<exportado>", data.decode("utf-8"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [EXPORTED_AT.sub("<exportado>", str(c)) if c is not None else None for c in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_line_and_the_search_page_export_the_same(
    corpus_index, config_file, app_client, tmp_path, fmt
):
    web = web_export(app_client, fmt)
    assert EXPORTED_AT.search(web.decode("utf-8", "replace")) or fmt == "xlsx"
    assert content(cli_export(corpus_index, config_file, tmp_path, fmt), fmt) == content(web, fmt)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_selection_exports_the_rows_the_search_exports(app_client, corpus_index):
    searched = csv_rows(web_export(app_client, "csv"))
    assert len(searched) >= 2
    with create_app(
        {"INDEX_DIR": corpus_index[0], "CORPUS_DIRS": (CORPUS,), "TESTING": True}
    ).test_client() as client:
        page = client.get("/", query_string=SEARCH).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        for row in searched:
            data = {"csrf_token": token, "doc_id": row["id"], "q": SEARCH["q"], "next": "/"}
            assert client.post("/seleccion/agregar", data=data).status_code == 303
        selected = csv_rows(client.get("/seleccion/export.csv").get_data())

    def table(rows: list[dict[str, str]]) -> dict[str, list[str]]:
        return {row["id"]: [row[column] for column in TABLE_HEADER] for row in rows}

    assert table(selected) == table(searched)
    assert {row["consulta"] for row in selected} == {""}  # a selection, not one search
    assert set(CSV_INFO_HEADER) <= set(selected[0])


def test_exports_name_files_relative_to_the_corpus_with_labels(app_client, corpus_index):
    rows = csv_rows(web_export(app_client, "csv"))
    for row in rows:
        assert (CORPUS / row["ruta"]).is_file() and not row["ruta"].startswith("/")
    everything = b"".join(web_export(app_client, fmt) for fmt in FORMATS if fmt != "xlsx")
    assert str(CORPUS.resolve()).encode() not in everything
    xlsx = str(content(web_export(app_client, "xlsx"), "xlsx"))
    assert str(CORPUS.resolve()) not in xlsx
    # the types are labels a reader understands; their codes are in a column of their own
    sheets = csv_rows(client_csv(app_client, {"q": "", "doc_type": "hoja"}))
    assert sheets and {(r["tipo"], r["tipo_codigo"]) for r in sheets} == {
        ("Hoja informativa", "hoja")
    }


def client_csv(client: FlaskClient, search: dict[str, str]) -> bytes:
    response = client.get("/export.csv", query_string=search)
    assert response.status_code == 200
    return response.get_data()
