"""The web layer over a real index: search page, facets, errors, API, exports and files."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from acervo.web import create_app
from acervo.web.app import SECURITY_HEADERS

if TYPE_CHECKING:  # the session fixture's type; conftest is not an importable module
    from conftest import Corpus

TOTAL = re.compile(r'data-total="(\d+)"')


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append({k: v or "" for k, v in attrs})


def links(html: str) -> list[dict[str, str]]:
    """Every <a> of a page as a dict of its attributes (href unescaped)."""
    parser = _LinkCollector()
    parser.feed(html)
    return parser.links


def total_of(html: str) -> int:
    match = TOTAL.search(html)
    assert match, "the page shows no total"
    return int(match.group(1))


def facet_link(html: str, facet: str, value: str) -> dict[str, str]:
    return next(
        a for a in links(html) if a.get("data-facet") == facet and a.get("data-value") == value
    )


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# ---- search page -------------------------------------------------------------------------


def test_search_page_shows_total_passages_pages_and_marks(client: FlaskClient) -> None:
    html = client.get("/?q=educacion+Carchi").get_data(as_text=True)
    assert total_of(html) == 1
    assert "1 documento" in html
    assert "Educación de niñas venezolanas en Carchi" in html
    assert re.search(r"pág\. \d+", html)
    assert "<mark" in html
    assert 'lang="es"' in html


def test_passage_links_open_the_pdf_at_its_page(client: FlaskClient, corpus: Corpus) -> None:
    html = client.get("/?q=Carchi").get_data(as_text=True)
    doc = corpus.by_title("Carchi")
    page_links = [a["href"] for a in links(html) if a.get("class") == "page-ref"]
    assert page_links, "no passage link"
    assert all(re.fullmatch(rf"/documento/{doc.doc_id}/archivo#page=\d+", h) for h in page_links)


def test_empty_query_lists_every_document(client: FlaskClient, corpus: Corpus) -> None:
    html = client.get("/").get_data(as_text=True)
    assert total_of(html) == len(corpus.docs)
    assert f"{len(corpus.docs)} documentos" in html


def test_query_box_is_prefilled_and_escaped(client: FlaskClient) -> None:
    html = client.get('/?q="educación"').get_data(as_text=True)
    assert 'value="&#34;educación&#34;"' in html or 'value="&quot;educación&quot;"' in html


def test_ticking_and_unticking_a_facet_via_the_url(client: FlaskClient) -> None:
    before = client.get("/?q=educacion").get_data(as_text=True)
    tick = facet_link(before, "agency", "ACNUR")
    assert query_of(tick["href"]) == {"q": ["educacion"], "agency": ["ACNUR"]}
    assert "is-selected" not in tick["class"]

    after = client.get(tick["href"]).get_data(as_text=True)
    assert 0 < total_of(after) < total_of(before)
    untick = facet_link(after, "agency", "ACNUR")
    assert "is-selected" in untick["class"] and "✓" in after
    assert query_of(untick["href"]) == {"q": ["educacion"]}


def test_two_values_of_one_facet_combine_with_or(client: FlaskClient) -> None:
    one = total_of(client.get("/?q=educacion&agency=ACNUR").get_data(as_text=True))
    both = total_of(client.get("/?q=educacion&agency=ACNUR&agency=UNICEF").get_data(as_text=True))
    assert both > one


def facet_count(html: str, facet: str, value: str) -> int:
    """The count shown beside one facet value on the page."""
    link = re.search(
        rf'data-facet="{facet}" data-value="{re.escape(value)}">.*?facet-value__count">([\d.,]+)<',
        html,
        re.S,
    )
    assert link, f"no {facet}={value} on the page"
    return int(re.sub(r"[.,]", "", link.group(1)))


def test_a_two_agency_document_counts_under_each(client: FlaskClient) -> None:
    # "Carchi" finds one document, by ACNUR and OIM: it counts once under each agency
    html = client.get("/?q=Carchi").get_data(as_text=True)
    assert total_of(html) == 1
    assert facet_count(html, "agency", "ACNUR") == facet_count(html, "agency", "OIM") == 1
    # ticking OIM keeps ACNUR's count (the same document), and ACNUR ticked alone finds it
    ticked = client.get("/?q=Carchi&agency=OIM").get_data(as_text=True)
    assert facet_count(ticked, "agency", "ACNUR") == 1
    assert total_of(client.get("/?q=Carchi&agency=ACNUR").get_data(as_text=True)) == 1


@pytest.mark.parametrize(
    "name", ["acnur", "UNHCR", "Alto Comisionado de las Naciones Unidas para los Refugiados"]
)
def test_agency_filter_takes_any_name_of_the_agency(client: FlaskClient, name: str) -> None:
    expected = total_of(client.get("/?q=educacion&agency=ACNUR").get_data(as_text=True))
    html = client.get("/", query_string={"q": "educacion", "agency": name}).get_data(as_text=True)
    assert expected > 0 and total_of(html) == expected
    assert "is-selected" in facet_link(html, "agency", "ACNUR")["class"]
    api = client.get("/api/search", query_string={"q": "educacion", "agency": name}).get_json()
    assert api["total"] == expected


def test_an_unknown_filter_value_is_400_naming_the_closest(client: FlaskClient) -> None:
    page = client.get("/?q=educacion&agency=UNICEFF")
    assert page.status_code == 400
    assert "Agencia desconocida «UNICEFF»" in page.get_data(as_text=True)
    api = client.get("/api/search?q=educacion&agency=UNICEFF")
    assert api.status_code == 400 and "¿Quiso decir UNICEF" in api.get_json()["error"]


def test_year_parameter_takes_a_range_as_the_query_does(client: FlaskClient) -> None:
    def total(url: str) -> int:
        return client.get(url).get_json()["total"]

    ranged = total("/api/search?year_from=2019&year_to=2020")
    assert 0 < ranged < total("/api/search")
    assert total("/api/search?year=2019-2020") == ranged
    assert total("/api/search?q=anio:2019-2020") == ranged


def test_pagination_keeps_query_and_filters(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&topic=educacion&per_page=5").get_data(as_text=True)
    assert total_of(html) > 10
    numbered = [a["href"] for a in links(html) if a.get("aria-label", "").startswith("Página")]
    next_link = next(a["href"] for a in links(html) if a.get("rel") == "next")
    assert query_of(next_link) == {
        "q": ["educacion"],
        "topic": ["educacion"],
        "page": ["2"],
        "per_page": ["5"],
    }
    assert len(numbered) == 3  # 15 hits, 5 per page
    assert query_of(numbered[0]) == {"q": ["educacion"], "topic": ["educacion"], "per_page": ["5"]}
    page2 = client.get(next_link).get_data(as_text=True)
    assert 'aria-current="page"' in page2 and any(a.get("rel") == "prev" for a in links(page2))


def test_api_pages_through_every_hit(client: FlaskClient, corpus: Corpus) -> None:
    seen: set[str] = set()
    for page in (1, 2, 3, 4):
        data = client.get(f"/api/search?q=Manabi&per_page=5&page={page}").get_json()
        seen.update(hit["id"] for hit in data["hits"])
    assert len(seen) == sum("Estudio educativo" in d.metadata.title for d in corpus.docs)


def test_title_with_script_is_escaped(client: FlaskClient) -> None:
    html = client.get("/?q=Sucumbios").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_passage_html_is_escaped_except_marks(client: FlaskClient) -> None:
    html = client.get("/?q=etiquetas").get_data(as_text=True)
    assert "<b>" not in html
    assert "&lt;b&gt;" in html and "<mark" in html


def test_no_results_offers_the_search_without_filters_and_shows_syntax(
    client: FlaskClient,
) -> None:
    html = client.get("/?q=educacion&agency=UNICEF&year=2019&language=en").get_data(as_text=True)
    assert total_of(html) == 0
    assert "Sin resultados" in html
    # each filter alone leaves documents; together they empty it: one link drops them all
    relaxations = re.findall(r'data-relax="(\w+)"', html)
    assert relaxations == ["all"]
    link = re.search(r'<a href="([^"]+)">Buscar sin filtros</a> \((\d+) documentos\)', html)
    assert link and query_of(link.group(1)) == {"q": ["educacion"]}
    assert int(link.group(2)) == total_of(client.get(link.group(1)).get_data(as_text=True)) > 0
    assert "anio:2019..2021" in html and "migra*" in html


def test_zero_results_offer_the_spelling_once_and_no_empty_filters_column(
    client: FlaskClient,
) -> None:
    # searched as typed (corregir=0): by default the correction would be searched instead
    html = client.get("/?q=educasion&corregir=0").get_data(as_text=True)
    assert total_of(html) == 0
    # offered once, in the zero-results box, with what it finds
    assert html.count("¿Quiso decir") == 1
    assert re.search(
        r'¿Quiso decir <a href="/\?q=educacion&amp;corregir=0">educacion</a>\? \(\d+ documentos\)',
        html,
    )
    assert 'id="filtros"' not in html  # no facet has a value and none is ticked
    # with a filter ticked the column stays, so the filter can be unticked there
    ticked = client.get("/?q=educasion&agency=OIM").get_data(as_text=True)
    assert 'id="filtros"' in ticked and facet_link(ticked, "agency", "OIM")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/?per_page=500", "El valor de resultados por página «500» no es válido"),
        ("/?page=abc", "página"),
        ("/?page=0", "página"),
        ("/?per_page=100000", "resultados por página"),
        ("/?year_from=dos+mil", "año inicial"),
        ("/?year_from=2022&year_to=2019", "posterior"),
        ("/?year=19", "año"),
        ("/?q=" + "a" * 1001, "demasiado larga"),
    ],
)
def test_bad_parameters_are_400_with_a_spanish_message(
    client: FlaskClient, url: str, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and words in html


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('"educacion', "comillas"),
        ("(salud", "paréntesis"),
        ("agencia:", "agencia:"),
        ("agencia:XYZ", "XYZ"),
        ("educacion OR", "OR"),
    ],
)
def test_query_syntax_errors_are_400_with_the_message(
    client: FlaskClient, query: str, words: str
) -> None:
    response = client.get("/", query_string={"q": query})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and words in html
    assert f'value="{escape(query)}"' in html  # the query stays in the box to be corrected


@pytest.mark.parametrize("query", ["campo_raro:valor", "*", ")(", "a:b:c", "\\", "OR", "NOT"])
def test_odd_queries_never_give_500(client: FlaskClient, query: str) -> None:
    assert client.get("/", query_string={"q": query}).status_code in (200, 400)
    assert client.get("/api/search", query_string={"q": query}).status_code in (200, 400)


def test_missing_index_is_a_friendly_503(tmp_path) -> None:
    app = create_app({"INDEX_DIR": tmp_path / "no-index", "TESTING": True})
    response = app.test_client().get("/?q=salud")
    assert response.status_code == 503
    assert "acervo ingest" in response.get_data(as_text=True)
    api = app.test_client().get("/api/search?q=salud")
    assert api.status_code == 503 and "error" in api.get_json()


# ---- language ----------------------------------------------------------------------------


def test_language_switch_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    english = client.get("/?q=salud&lang=en")
    html = english.get_data(as_text=True)
    assert 'lang="en"' in html and "documents" in html
    assert "acervo_lang=en" in english.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/?q=salud").get_data(as_text=True)
    assert 'lang="es"' in client.get("/?q=salud&lang=es").get_data(as_text=True)


def test_default_language_comes_from_config(corpus: Corpus) -> None:
    app = create_app({"INDEX_DIR": corpus.index_dir, "LANGUAGE": "en", "TESTING": True})
    assert 'lang="en"' in app.test_client().get("/").get_data(as_text=True)


# ---- API ---------------------------------------------------------------------------------


def test_api_returns_the_documented_json_shape(client: FlaskClient) -> None:
    data = client.get("/api/search?q=educacion&agency=OIM&per_page=3").get_json()
    # the documented keys first; the search layer may add more after them (expansions...)
    assert list(data)[:6] == ["query", "total", "page", "per_page", "hits", "facets"]
    assert data["query"] == "educacion" and data["per_page"] == 3 and len(data["hits"]) == 3
    hit_keys = {
        "id",
        "title",
        "agencies",
        "topics",
        "year",
        "language",
        "doc_type",
        "path",
        "score",
        "passages",
        "url",
    }
    assert all(set(hit) == hit_keys for hit in data["hits"])
    assert all("OIM" in hit["agencies"] for hit in data["hits"])
    assert {"agency", "topic", "year", "language", "doc_type"} <= set(data["facets"])
    assert all({"page", "text", "html"} == set(p) for h in data["hits"] for p in h["passages"])


def test_api_errors_are_400_json(client: FlaskClient) -> None:
    response = client.get("/api/search?page=-1")
    assert response.status_code == 400
    assert "página" in response.get_json()["error"]


# ---- exports -----------------------------------------------------------------------------


def test_csv_export_streams_every_hit(client: FlaskClient) -> None:
    total = client.get("/api/search?q=educacion").get_json()["total"]
    assert total > 10  # more than one page
    response = client.get("/export.csv?q=educacion")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=acervo-\d{4}-\d{2}-\d{2}\.csv", disposition)
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == total


def test_json_export_carries_filters_and_every_hit(client: FlaskClient) -> None:
    total = client.get("/api/search?q=educacion&language=es").get_json()["total"]
    response = client.get("/export.json?q=educacion&language=es&page=2")
    assert response.headers["Content-Disposition"].endswith(".json")
    data = json.loads(response.get_data(as_text=True))
    assert list(data) == [
        "source",
        "query",
        "filters",
        "year_from",
        "year_to",
        "index_version",
        "exported_at",
        "total",
        "hits",
    ]
    assert data["total"] == len(data["hits"]) == total
    assert data["query"] == "educacion" and data["filters"] == {"language": ["es"]}


def test_export_links_carry_query_and_filters(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&agency=OIM&page=2&per_page=5").get_data(as_text=True)
    exports = [a["href"] for a in links(html) if a["href"].startswith("/export.")]
    paths = {urlsplit(h).path for h in exports}
    assert paths == {f"/export.{x}" for x in ("csv", "json", "xlsx", "ris", "bib", "jsonl")}
    assert all(query_of(h) == {"q": ["educacion"], "agency": ["OIM"]} for h in exports)


def test_export_of_a_bad_query_is_400_before_streaming(client: FlaskClient) -> None:
    assert client.get("/export.csv?year_from=abc").status_code == 400


# ---- original files ----------------------------------------------------------------------


def test_pdf_is_served_inline_by_id(client: FlaskClient, corpus: Corpus) -> None:
    doc = corpus.by_title("Carchi")
    response = client.get(f"/documento/{doc.doc_id}/archivo")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.data.startswith(b"%PDF")
    response.close()


def test_docx_is_served_as_attachment(client: FlaskClient, corpus: Corpus) -> None:
    doc = corpus.by_title("Salud de personas")
    response = client.get(f"/documento/{doc.doc_id}/archivo")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"PK")
    response.close()


def test_result_titles_link_to_the_file(client: FlaskClient, corpus: Corpus) -> None:
    doc = corpus.by_title("Salud de personas")
    html = client.get("/?q=vacunacion").get_data(as_text=True)
    assert f'href="/documento/{doc.doc_id}/archivo"' in html


@pytest.mark.parametrize(
    "doc_id",
    [
        "0000000000000000",  # well formed, unknown
        "abc",
        "ABCDEF0123456789",  # ids are lowercase hex
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "0123456789abcdef0",
    ],
)
def test_unknown_or_malformed_ids_are_404(client: FlaskClient, doc_id: str) -> None:
    assert client.get(f"/documento/{doc_id}/archivo").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/documento/../../etc/passwd/archivo",
        "/documento/archivo?path=/etc/passwd",
        "/static/../app.py",
        "/documento//etc/passwd/archivo",
    ],
)
def test_path_traversal_is_rejected(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (404, 308) and b"root:" not in response.data


def test_missing_file_is_404(client: FlaskClient, corpus: Corpus) -> None:
    doc = corpus.by_title("Archivo borrado")
    assert client.get(f"/documento/{doc.doc_id}/archivo").status_code == 404


# ---- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/?page=x", "/api/search", "/export.csv", "/static/style.css", "/no-such-page"]
)
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    response.close()


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&agency=OIM").get_data(as_text=True)
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/filters.js" defer>']


def test_app_factory_builds_independent_apps(app: Flask, corpus: Corpus, tmp_path) -> None:
    other = create_app({"INDEX_DIR": corpus.index_dir, "LANGUAGE": "en"})
    assert other is not app and not other.testing
    # the new app serves the same index on its own, in its own default language
    with other.test_client() as other_client, app.test_client() as client:
        theirs, ours = other_client.get("/?q=educacion"), client.get("/?q=educacion")
        assert theirs.status_code == ours.status_code == 200
        assert total_of(theirs.get_data(as_text=True)) == total_of(ours.get_data(as_text=True))
        assert '<html lang="en"' in theirs.get_data(as_text=True)
        assert '<html lang="es"' in ours.get_data(as_text=True)
    # and an app on another (empty) index folder says so, while this one still searches
    empty = create_app({"INDEX_DIR": tmp_path / "nothing"})
    assert empty.test_client().get("/?q=educacion").status_code == 503
    assert app.test_client().get("/?q=educacion").status_code == 200
