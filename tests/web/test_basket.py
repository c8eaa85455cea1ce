"""The "selección" over a real index: ticked across searches with CSRF-protected POST forms,
listed, exported in every format and as a Word dossier read back with python-docx."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING

import bibtexparser
import docx
import openpyxl
import pytest
import rispy
from flask.testing import FlaskClient

from acervo.web import basket

if TYPE_CHECKING:  # the session fixtures' types; conftest is not an importable module
    from conftest import Corpus

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token of the forms on `url`, as a browser would read it."""
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no form with a CSRF token on {url}"
    return match.group(1)


def add(client: FlaskClient, doc_id: str, query: str, next_url: str = "/") -> str:
    response = client.post(
        "/seleccion/agregar",
        data={
            "csrf_token": token(client, next_url),
            "doc_id": doc_id,
            "q": query,
            "next": next_url,
        },
    )
    assert response.status_code == 303
    return response.headers["Location"]


def selection_page(client: FlaskClient) -> str:
    return client.get("/seleccion").get_data(as_text=True)


def test_basket_keeps_hits_from_two_searches(client: FlaskClient, corpus: Corpus) -> None:
    carchi, salud = corpus.by_title("Carchi"), corpus.by_title("Salud de personas")
    assert add(client, carchi.doc_id, "Carchi", "/?q=Carchi") == f"/?q=Carchi#hit-{carchi.doc_id}"
    add(client, salud.doc_id, "vacunacion", "/?q=vacunacion")
    html = selection_page(client)
    assert 'data-total="2"' in html
    assert carchi.metadata.title in html and salud.metadata.title in html
    assert "<q>Carchi</q>" in html and "<q>vacunacion</q>" in html
    assert f'href="/documento/{carchi.doc_id}?q=Carchi"' in html
    hits_page = client.get("/?q=Carchi").get_data(as_text=True)
    assert "En la selección" in hits_page and "Selección <span" in hits_page
    assert "(2)" in hits_page


def test_adding_twice_keeps_one_and_remove_takes_it_out(
    client: FlaskClient, corpus: Corpus
) -> None:
    carchi = corpus.by_title("Carchi")
    add(client, carchi.doc_id, "Carchi")
    add(client, carchi.doc_id, "otra")
    assert basket_ids(client) == [carchi.doc_id]
    response = client.post(
        "/seleccion/quitar",
        data={"csrf_token": token(client), "doc_id": carchi.doc_id, "next": "/seleccion"},
    )
    assert response.status_code == 303
    assert basket_ids(client) == []


def basket_ids(client: FlaskClient) -> list[str]:
    with client.session_transaction() as session:
        return [doc_id for doc_id, _ in session.get(basket.SESSION_KEY, [])]


@pytest.mark.parametrize("sent", [None, "", "not-the-token"])
def test_forms_without_the_session_token_are_rejected(
    client: FlaskClient, corpus: Corpus, sent: str | None
) -> None:
    token(client)  # the session has a token; the form below does not carry it
    data = {"doc_id": corpus.by_title("Carchi").doc_id, "q": "x"}
    if sent is not None:
        data["csrf_token"] = sent
    for url in ("/seleccion/agregar", "/seleccion/quitar", "/seleccion/vaciar"):
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert "El formulario caducó" in response.get_data(as_text=True)
    assert basket_ids(client) == []


def test_a_token_from_another_session_is_rejected(app, corpus: Corpus) -> None:  # noqa: ANN001
    other = app.test_client()
    stolen = token(other)
    with app.test_client() as victim:
        token(victim)
        data = {"csrf_token": stolen, "doc_id": corpus.by_title("Carchi").doc_id}
        assert victim.post("/seleccion/agregar", data=data).status_code == 400


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", ""])
def test_next_never_leaves_the_site(client: FlaskClient, corpus: Corpus, target: str) -> None:
    location = add(client, corpus.by_title("Carchi").doc_id, "", next_url="/")
    assert location.startswith("/?") or location.startswith("/#")
    data = {"csrf_token": token(client), "doc_id": corpus.by_title("Carchi").doc_id}
    response = client.post("/seleccion/quitar", data=data | {"next": target})
    assert response.headers["Location"].startswith("/seleccion")


def test_malformed_doc_id_is_400(client: FlaskClient) -> None:
    data = {"csrf_token": token(client), "doc_id": "../../etc/passwd"}
    assert client.post("/seleccion/agregar", data=data).status_code == 400


def test_the_basket_is_capped_with_a_message(
    client: FlaskClient, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(basket, "MAX_ITEMS", 2)
    ids = [d.doc_id for d in corpus.docs[:3]]
    add(client, ids[0], "")
    add(client, ids[1], "")
    assert add(client, ids[2], "") == "/seleccion"
    assert basket_ids(client) == ids[:2]
    assert "La selección está llena" in selection_page(client)
    assert "Selección llena" in client.get("/").get_data(as_text=True)  # the buttons say so


def test_the_cookie_stays_under_4_kb_at_the_cap(client: FlaskClient) -> None:
    for n in range(basket.MAX_ITEMS + 5):
        query = f"consulta larga numero {n} " * 8
        client.post(
            "/seleccion/agregar",
            data={"csrf_token": token(client), "doc_id": f"{n:016x}", "q": query},
        )
    cookie = client.get_cookie("session")
    assert cookie is not None and len(cookie.value) <= basket.MAX_COOKIE_BYTES
    assert 0 < len(basket_ids(client)) <= basket.MAX_ITEMS


def test_clear_empties_the_basket(client: FlaskClient, corpus: Corpus) -> None:
    add(client, corpus.by_title("Carchi").doc_id, "Carchi")
    response = client.post("/seleccion/vaciar", data={"csrf_token": token(client, "/seleccion")})
    assert response.status_code == 303 and basket_ids(client) == []
    assert "La selección está vacía" in selection_page(client)


@pytest.fixture()
def two_selected(client: FlaskClient, corpus: Corpus) -> list[str]:
    """Carchi picked under "Carchi", the Quito health report picked with no query."""
    carchi, salud = corpus.by_title("Carchi"), corpus.by_title("Salud de personas")
    add(client, carchi.doc_id, "Carchi")
    add(client, salud.doc_id, "")
    return [carchi.doc_id, salud.doc_id]


def test_selection_exports_hold_just_those_documents(
    client: FlaskClient, two_selected: list[str]
) -> None:
    def get(extension: str) -> str:
        response = client.get(f"/seleccion/export.{extension}")
        assert response.status_code == 200
        assert "acervo-seleccion-" in response.headers["Content-Disposition"]
        return response.get_data(as_text=extension != "xlsx")

    rows = list(csv.DictReader(io.StringIO(get("csv").removeprefix("\ufeff"))))
    assert [r["url"].rsplit("/", 1)[1] for r in rows] == two_selected
    lines = get("jsonl").splitlines()
    assert json.loads(lines[0])["export"]["source"] == "seleccion"
    assert [json.loads(line)["id"] for line in lines[1:]] == two_selected
    assert [e["id"] for e in rispy.loads(get("ris"))] == two_selected
    assert len(bibtexparser.parse_string(get("bib")).entries) == 2
    assert [h["id"] for h in json.loads(get("json"))["hits"]] == two_selected
    book = openpyxl.load_workbook(io.BytesIO(client.get("/seleccion/export.xlsx").data))
    assert book["resultados"].max_row == 3  # header + 2


def test_dossier_has_metadata_and_passages_with_pages(
    client: FlaskClient, corpus: Corpus, two_selected: list[str]
) -> None:
    response = client.get("/seleccion/dossier.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "acervo-dossier-" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == [
        corpus.by_title("Carchi").metadata.title,
        "Salud de personas migrantes en Quito",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(r"pág\. 2: .*Carchi", text)  # the passage for "Carchi" with its page
    assert "Primeras páginas" in text and "pág. 1: Informe de salud" in text
    marked = [r.text for p in document.paragraphs for r in p.runs if r.font.highlight_color]
    assert "Carchi" in marked
    facts = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Carchi" in facts and f"http://localhost/documento/{two_selected[0]}" in facts
