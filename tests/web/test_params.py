"""params: the query string <-> SearchRequest table is the specification."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from acervo.search.errors import BadParameter, SearchError
from acervo.search.models import SearchRequest
from acervo.web import params
from acervo.web.views import page_numbers


def parse(query: list[tuple[str, str]]) -> SearchRequest:
    return params.parse_request(MultiDict(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ([], SearchRequest()),
        ([("q", "  educacion  ")], SearchRequest(query="educacion")),
        (
            [("agency", "ACNUR"), ("agency", "OIM"), ("agency", "ACNUR"), ("agency", " ")],
            SearchRequest(filters={"agency": ("ACNUR", "OIM")}),
        ),
        (
            [("topic", "salud"), ("year", "2019"), ("language", "es"), ("doc_type", "informe")],
            SearchRequest(
                filters={
                    "topic": ("salud",),
                    "year": ("2019",),
                    "language": ("es",),
                    "doc_type": ("informe",),
                }
            ),
        ),
        ([("year_from", "2019"), ("year_to", "2021")], SearchRequest(year_from=2019, year_to=2021)),
        ([("page", "3"), ("per_page", "50")], SearchRequest(page=3, per_page=50)),
        ([("orden", "relevancia")], SearchRequest()),
        ([("orden", "recientes")], SearchRequest(sort="newest")),
        ([("orden", "antiguos")], SearchRequest(sort="oldest")),
        ([("orden", "titulo")], SearchRequest(sort="title")),
        ([("expandir", "0")], SearchRequest(expand=False)),
        ([("corregir", "0")], SearchRequest(correct=False)),
        ([("page", ""), ("lang", "en"), ("unknown", "x")], SearchRequest()),
        # filter values are read as the query's fields read them (agencia:UNHCR = ACNUR)
        ([("agency", "acnur")], SearchRequest(filters={"agency": ("ACNUR",)})),
        ([("agency", "UNHCR"), ("agency", "ACNUR")], SearchRequest(filters={"agency": ("ACNUR",)})),
        ([("agency", "ONU Mujeres")], SearchRequest(filters={"agency": ("ONU-MUJERES",)})),
        ([("agency", "OPS/OMS")], SearchRequest(filters={"agency": ("OPS-OMS",)})),
        ([("topic", "Educación")], SearchRequest(filters={"topic": ("educacion",)})),
        ([("doc_type", "hoja informativa")], SearchRequest(filters={"doc_type": ("hoja",)})),
        ([("language", "inglés")], SearchRequest(filters={"language": ("en",)})),
        ([("place", "Lago Agrio")], SearchRequest(filters={"place": ("nueva-loja",)})),
        ([("sdg", "ODS 4")], SearchRequest(filters={"sdg": ("4",)})),
        # one year grammar: `year=` takes what `anio:` and `--year` take
        ([("year", "2019-2021")], SearchRequest(year_from=2019, year_to=2021)),
        ([("year", "2019..2021")], SearchRequest(year_from=2019, year_to=2021)),
        ([("year", ">2019")], SearchRequest(year_from=2020)),
        ([("year", "..2019")], SearchRequest(year_to=2019)),
    ],
)
def test_parse_request(query: list[tuple[str, str]], expected: SearchRequest) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ([("page", "0")], "número de página"),
        ([("page", "-2")], "número de página"),
        ([("page", "dos")], "número de página"),
        ([("page", "²")], "número de página"),
        ([("per_page", "101")], "resultados por página"),
        ([("year_from", "19999")], "año inicial"),
        ([("year_to", "abc")], "año final"),
        ([("year_from", "2021"), ("year_to", "2019")], "posterior"),
        ([("year", "20x9")], "Año no válido en «year=20x9»"),
        ([("year", "2021-2019")], "Rango de años invertido en «year=2021-2019»"),
        ([("year", "2019-2020"), ("year_from", "2018")], "un solo rango"),
        ([("year", "2019-2020"), ("year", "2015-2016")], "un solo rango"),
        ([("agency", "acnurr")], "Agencia desconocida «acnurr» en el filtro agencia. ¿Quiso"),
        ([("agency", "UNICEFF")], "¿Quiso decir UNICEF"),
        ([("language", "fr")], "Idioma desconocido «fr»"),
        ([("sdg", "99")], "ODS desconocido «99»"),
        ([("q", "x" * 1001)], "demasiado larga"),
        ([("agency", str(n)) for n in range(51)], "Demasiados valores"),
        ([("orden", "newest")], "orden"),
        ([("orden", "<script>")], "no es válido"),
        ([("per_page", "0")], "resultados por página"),
    ],
)
def test_bad_parameters(query: list[tuple[str, str]], words: str) -> None:
    with pytest.raises(SearchError, match=re.escape(words)):
        parse(query)


def test_request_args_round_trip() -> None:
    req = SearchRequest(
        query="migra*",
        filters={"agency": ("ACNUR", "OIM"), "year": ("2020",)},
        year_from=2018,
        page=2,
        per_page=20,
        sort="oldest",
    )
    args = params.request_args(req)
    assert args == {
        "q": "migra*",
        "agency": ["ACNUR", "OIM"],
        "year": ["2020"],
        "year_from": "2018",
        "page": "2",
        "per_page": "20",
        "orden": "antiguos",
    }
    flat = [(k, v) for k, vs in args.items() for v in ([vs] if isinstance(vs, str) else vs)]
    assert parse(flat) == req


def test_defaults_are_left_out_of_urls() -> None:
    assert params.request_args(SearchRequest()) == {}


def test_toggle_filter_adds_removes_and_goes_back_to_page_one() -> None:
    req = SearchRequest(query="x", filters={"agency": ("ACNUR",)}, page=4)
    ticked = params.toggle_filter(req, "agency", "OIM")
    assert ticked.filters == {"agency": ("ACNUR", "OIM")} and ticked.page == 1
    assert params.toggle_filter(ticked, "agency", "ACNUR").filters == {"agency": ("OIM",)}
    assert params.toggle_filter(req, "agency", "ACNUR").filters == {}


def test_without_filters_and_export_request() -> None:
    req = SearchRequest(query="x", filters={"topic": ("salud",)}, year_to=2020, page=3)
    assert params.without_filters(req) == SearchRequest(query="x")
    assert params.export_request(req) == SearchRequest(
        query="x", filters={"topic": ("salud",)}, year_to=2020
    )


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
    ],
)
def test_page_numbers(current: int, last: int, expected: list[int | None]) -> None:
    assert page_numbers(current, last) == expected


def test_ticking_a_year_drops_the_range_and_a_range_drops_ticked_years() -> None:
    ranged = SearchRequest(year_from=2016, year_to=2018)
    ticked = params.toggle_filter(ranged, "year", "2020")
    assert ticked.filters == {"year": ("2020",)} and ticked.year_from is None
    assert params.with_year_range(ticked, 2015, 2016) == SearchRequest(year_from=2015, year_to=2016)


@pytest.mark.parametrize(
    ("year_from", "year_to", "bar", "expected"),
    [
        (None, None, 2019, (2019, 2019)),  # first click: that year alone
        (2019, 2019, 2016, (2016, 2019)),  # second click: the range between the two
        (2019, 2019, 2021, (2019, 2021)),
        (2019, 2019, 2019, (None, None)),  # the same bar again: no range
        (2016, 2019, 2021, (2021, 2021)),  # a range chosen: start again
    ],
)
def test_histogram_bars_choose_a_range_in_two_clicks(
    year_from: int | None, year_to: int | None, bar: int, expected: tuple
) -> None:
    req = SearchRequest(query="x", year_from=year_from, year_to=year_to, page=3)
    after = params.bar_request(req, bar)
    assert (after.year_from, after.year_to) == expected and after.page == 1


def test_facet_search_reads_one_facet() -> None:
    assert params.facet_search(MultiDict([("buscar_agency", " unic ")])) == ("agency", "unic")
    assert params.facet_search(MultiDict([("buscar_nada", "x")])) is None
    with pytest.raises(BadParameter):
        params.facet_search(MultiDict([("buscar_topic", "x" * 201)]))


@pytest.mark.parametrize("raw, expected", [("0", False), ("no", False), ("1", True), ("", True)])
def test_expandir_turns_expansion_off_or_on(raw: str, expected: bool) -> None:
    args = MultiDict({"q": "ACNUR", "expandir": raw} if raw else {"q": "ACNUR"})
    assert params.parse_request(args).expand is expected


@pytest.mark.parametrize("name", ["expandir", "corregir"])
def test_unknown_switch_value_is_a_bad_parameter(name: str) -> None:
    with pytest.raises(BadParameter, match=name):
        params.parse_request(MultiDict({"q": "ACNUR", name: "quizás"}))
