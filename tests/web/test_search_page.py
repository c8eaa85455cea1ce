"""The search page over HTTP: every facet, "ver más", facet search, chips, histogram, sort,
zero-results explanations, and escaping of every value that comes from the URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from widecorpus import AGENCIES, build_wide_index

from acervo import vocab
from acervo.search.models import FacetGroup, FacetValue, SearchRequest, SearchResult
from acervo.web import create_app, search_page
from acervo.web.search_page import FACET_VALUES_SHOWN
from acervo.web.views import search_url

BAR = re.compile(r'<a href="([^"]+)" class="histogram__bar[^"]*" aria-label="(\d{4}): (\d+) docum')


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href.replace("&amp;", "&")).query)


def _total(html: str) -> int:
    return int(re.search(r'data-total="(\d+)"', html).group(1))


def test_every_facet_has_a_panel_with_counts(client: FlaskClient) -> None:
    html = client.get("/?q=educacion").get_data(as_text=True)
    for facet in ("agency", "topic", "year", "language", "doc_type"):
        assert f'id="facet-{facet}"' in html
    assert re.search(r'facet-value__count">\d+<', html)


def test_histogram_bars_link_to_their_year_and_ignore_the_range(client: FlaskClient) -> None:
    whole = client.get("/?q=educacion").get_data(as_text=True)
    bars = {int(year): (href, int(n)) for href, year, n in BAR.findall(whole)}
    assert len(bars) >= 4
    year = min(bars)
    assert _query(bars[year][0]) == {
        "q": ["educacion"],
        "year_from": [str(year)],
        "year_to": [str(year)],
    }
    ranged = client.get(bars[year][0].replace("&amp;", "&")).get_data(as_text=True)
    assert _total(ranged) == bars[year][1]
    again = {int(y): int(n) for _href, y, n in BAR.findall(ranged)}
    assert again == {y: n for y, (_h, n) in bars.items()}  # the histogram did not collapse


def test_chips_remove_one_filter_each(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&agency=OIM&year_from=2016&year_to=2018").get_data(as_text=True)
    chips = re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<', html)
    labels = [label.strip() for _href, label in chips]
    assert labels == ["Agencia: OIM", "Años: 2016–2018"]
    assert _query(chips[0][0]) == {"q": ["educacion"], "year_from": ["2016"], "year_to": ["2018"]}
    assert _query(chips[1][0]) == {"q": ["educacion"], "agency": ["OIM"]}
    clear = re.search(r'class="clear-filters" href="([^"]+)"', html).group(1)
    assert _query(clear) == {"q": ["educacion"]}


def test_sort_changes_the_order_of_every_hit(client: FlaskClient) -> None:
    def years(sort: str) -> list[int]:
        data = client.get(f"/api/search?q=educacion&per_page=100&orden={sort}").get_json()
        return [hit["year"] for hit in data["hits"]]

    assert years("recientes") == sorted(years("recientes"), reverse=True)
    assert years("antiguos") == sorted(years("antiguos"))
    assert years("recientes") != years("antiguos")
    titles = [
        hit["title"]
        for hit in client.get("/api/search?per_page=100&orden=titulo").get_json()["hits"]
    ]
    assert titles == sorted(titles, key=vocab.fold)


def test_sort_and_page_size_stay_in_every_link(client: FlaskClient) -> None:
    html = client.get("/?q=educacion&orden=antiguos&per_page=20").get_data(as_text=True)
    assert '<option value="antiguos" selected>' in html
    assert '<option value="20" selected>' in html
    facet = re.search(r'href="([^"]+)"\s+data-facet="agency"', html).group(1)
    assert _query(facet)["orden"] == ["antiguos"] and _query(facet)["per_page"] == ["20"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/?orden=aleatorio", "orden"),
        ("/?per_page=0", "resultados por página"),
        ("/?per_page=101", "resultados por página"),
        ("/?buscar_agency=" + "x" * 201, "demasiado largo"),
    ],
)
def test_bad_sort_and_page_size_are_400(client: FlaskClient, url: str, words: str) -> None:
    response = client.get(url)
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_zero_results_name_the_word_that_matches_nothing(client: FlaskClient) -> None:
    html = client.get("/?q=Carchi+zzqxwv").get_data(as_text=True)
    assert _total(html) == 0
    assert "La palabra «zzqxwv» no aparece en ningún documento del índice." in html
    assert "«Carchi»" not in html


def test_zero_results_name_the_filter_that_emptied_the_set(client: FlaskClient) -> None:
    html = client.get("/?q=Carchi&language=en&topic=proteccion-infancia").get_data(as_text=True)
    assert _total(html) == 0
    relaxed = re.findall(r'data-relax="(\w+)">\s*(.*?)<a href="([^"]+)"', html, re.S)
    assert [what for what, _text, _href in relaxed] == ["language"]
    assert "Idioma: Inglés" in relaxed[0][1]
    assert _query(relaxed[0][2]) == {"q": ["Carchi"], "topic": ["proteccion-infancia"]}


def test_zero_results_name_the_year_range(client: FlaskClient) -> None:
    html = client.get("/?q=Carchi&year_from=2021&year_to=2022").get_data(as_text=True)
    assert "El rango de años 2021–2022 deja la búsqueda sin resultados." in html


def test_zero_results_when_only_filters_together_empty_the_set(client: FlaskClient) -> None:
    # UNICEF alone and English alone both find something for "educacion"; together nothing
    html = client.get("/?q=educacion&agency=UNICEF&language=en&year=2016").get_data(as_text=True)
    assert _total(html) == 0
    assert 'data-relax="all"' in html or 'data-relax="language"' in html


def test_values_from_the_url_are_escaped_everywhere(client: FlaskClient) -> None:
    evil = "<img src=x onerror=alert(1)>"
    for url in (
        f"/?q={evil}",
        f"/?q=educacion&agency={evil}",
        f"/?q=educacion&buscar_topic={evil}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<img" not in html and "&lt;img" in html


# ---- a corpus with long facets -----------------------------------------------------------


@pytest.fixture(scope="module")
def wide_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """One document per agency: a facet longer than FACET_VALUES_SHOWN."""
    index_dir = build_wide_index(tmp_path_factory.mktemp("wide-index"))
    app = create_app({"INDEX_DIR": index_dir, "TESTING": True})
    with app.test_client() as client:
        yield client


def test_long_facets_fold_the_rest_into_ver_mas(wide_client: FlaskClient) -> None:
    html = wide_client.get("/?q=movilidad").get_data(as_text=True)
    panel = html.split('id="facet-agency"')[1].split("</section>")[0]
    first, rest = panel.split('<details class="facet__more"')
    assert first.count('data-facet="agency"') == FACET_VALUES_SHOWN
    assert rest.count('data-facet="agency"') == len(AGENCIES) - FACET_VALUES_SHOWN
    assert f"Ver más ({len(AGENCIES) - FACET_VALUES_SHOWN})" in rest
    assert 'name="buscar_agency"' in first  # a long facet has a search box


def test_facet_search_without_javascript_narrows_the_values(wide_client: FlaskClient) -> None:
    html = wide_client.get("/?q=movilidad&buscar_agency=unic").get_data(as_text=True)
    panel = html.split('id="facet-agency"')[1].split("</section>")[0]
    assert re.findall(r'data-facet="agency" data-value="([^"]+)"', panel) == ["UNICEF"]
    assert "1 de 14 valores" in panel
    assert "<details" not in panel
    # the box's form keeps the search: query, and nothing else is lost
    assert '<input type="hidden" name="q" value="movilidad">' in panel


def test_unknown_facets_get_a_readable_label_and_a_suggestion_a_link(app: Flask) -> None:
    group = FacetGroup("result_kind", (FacetValue("registro", 3, label="Registro"),))
    result = SearchResult(
        request=SearchRequest(query="x"),
        total=0,
        hits=(),
        facets=(group,),
        suggestion="educacion",
    )
    with app.test_request_context("/?q=x"):
        panels = search_page.facet_panels(result, search_url, None)
        html = render_template(
            "_facets.html",
            req=result.request,
            result=result,
            panels=panels,
            chips=(),
            histogram=None,
        )
        interpretation = render_template(
            "_interpretation.html",
            req=result.request,
            suggestion=result.suggestion,
            expansions=(),
        )
    assert "Result kind" in html and "Registro" in html
    assert re.search(r'<a href="/\?q=educacion" data-suggestion>educacion</a>', interpretation)
