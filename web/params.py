"""Query string <-> SearchRequest: the only place that reads or writes search parameters.

Parameters: `q`, repeated facet parameters (`agency=ACNUR&agency=OIM`, `topic`, `year`,
`language`, `doc_type`, and any other name in FACETS), `year_from`, `year_to`, `page`,
`per_page`, `orden` (relevancia | recientes | antiguos | titulo), `expandir=0`, `corregir=0`
(search the words as typed, no spelling correction),
`resultado=documentos|registros`, `nuevos=N` (added or updated in the last N days). Page-only state
(`buscar_<facet>`: a text narrowing one facet's list of values) is read by `facet_search`.
Anything else (`lang`) is not part of a search and is ignored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

from acervo.search import query
from acervo.search.errors import BadParameter, SearchError
from acervo.search.models import DEFAULT_PER_PAGE, FACETS, MAX_PER_PAGE, SearchRequest

MAX_QUERY_CHARS = 1000
MAX_VALUES_PER_FACET = 50
MAX_VALUE_CHARS = 200
MIN_YEAR, MAX_YEAR = 1000, 2999
# Whoosh pages through hits; a deep page number costs as much as a full export.
MAX_PAGE = 10_000
PER_PAGE_CHOICES: tuple[int, ...] = (10, 20, 50, 100)  # offered by the page (the API takes 1-100)
# `orden` in the URL (Spanish, what an analyst reads in a shared link) -> SearchRequest.sort
SORT_PARAMS: dict[str, str] = {
    "relevancia": "relevance",
    "recientes": "newest",
    "antiguos": "oldest",
    "titulo": "title",
    "novedades": "added",
}
# `nuevos=N`: documents added or updated in the last N days ("Novedades" offers 7, 30, 90)
MAX_NEW_DAYS = 3650
SORT_NAMES: dict[str, str] = {sort: name for name, sort in SORT_PARAMS.items()}
FACET_SEARCH_PREFIX = "buscar_"

Args = MultiDict[str, str]
# Browsers drop tab, CR and LF inside URLs ("/\t/evil.example" becomes "//evil.example") and
# read a backslash as a slash: a redirect target with any of them is not taken at its word.
_UNSAFE_IN_TARGET = frozenset(chr(c) for c in (*range(0x20), 0x7F)) | {"\\"}


def local_target(value: str) -> str | None:
    """`value` when it is a path on this site ("/seleccion?x=1#a"), else None.

    Parsed, not matched by prefix: no scheme, no host, an absolute path that does not start
    with "//", and no character a browser would drop or reinterpret (controls, backslash).
    """
    if not value or any(ch in _UNSAFE_IN_TARGET for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return None if parts.path.startswith("//") else value


def parse_request(args: Args) -> SearchRequest:
    """Turn request.args into a SearchRequest; raise BadParameter (Spanish) on a bad value.

    Filter values are read as the query's fields read them (`agency=acnur` is ACNUR, an unknown
    agency names the closest ones); a `year` value may be a range (`year=2019-2021`), as
    `anio:` and the CLI's `--year` take it.
    """
    query = args.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise BadParameter(
            f"La consulta es demasiado larga ({len(query)} caracteres); "
            f"use como máximo {MAX_QUERY_CHARS}."
        )
    filters, year_range = _filters(args)
    year_from = _optional_year(args, "year_from", "año inicial")
    year_to = _optional_year(args, "year_to", "año final")
    if year_range is not None:
        if year_from is not None or year_to is not None:
            raise BadParameter(
                "Use un solo rango de años: year=2019-2021 o year_from y year_to, no los dos."
            )
        year_from, year_to = year_range
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadParameter(
            f"El año inicial ({year_from}) es posterior al año final ({year_to}); "
            "inviértalos o corrija uno de los dos."
        )
    return SearchRequest(
        query=query,
        filters=filters,
        year_from=year_from,
        year_to=year_to,
        page=_optional_int(args, "page", "número de página", 1, MAX_PAGE) or 1,
        per_page=_optional_int(args, "per_page", "valor de resultados por página", 1, MAX_PER_PAGE)
        or DEFAULT_PER_PAGE,
        sort=_sort(args),
        expand=_switch(args, "expandir"),
        correct=_switch(args, "corregir"),
        result_type=_result_type(args),
        added_within=_optional_int(args, "nuevos", "número de días", 1, MAX_NEW_DAYS),
    )


# `resultado=documentos|registros`: documents, or the lessons-learned records inside them.
RESULT_TYPE_PARAMS = {"documentos": "documents", "registros": "records"}


def _result_type(args: Args) -> str:
    raw = args.get("resultado", "").strip().lower()
    if not raw:
        return "documents"
    if raw not in RESULT_TYPE_PARAMS:
        raise BadParameter(
            f"Tipo de resultado desconocido «{raw[:40]}»: use resultado=documentos o "
            "resultado=registros."
        )
    return RESULT_TYPE_PARAMS[raw]


def _sort(args: Args) -> str:
    raw = args.get("orden", "").strip()
    if not raw:
        return "relevance"
    if raw not in SORT_PARAMS:
        raise BadParameter(
            f"El orden «{raw[:40]}» no es válido: use uno de {', '.join(SORT_PARAMS)}."
        )
    return SORT_PARAMS[raw]


def facet_search(args: Args) -> tuple[str, str] | None:
    """(facet, text) when the page was asked to narrow one facet's values (`buscar_agency=uni`)."""
    for facet in FACETS:
        text = args.get(FACET_SEARCH_PREFIX + facet, "").strip()
        if len(text) > MAX_VALUE_CHARS:
            raise BadParameter(f"El texto para buscar en «{facet}» es demasiado largo.")
        if text:
            return facet, text
    return None


def _filters(args: Args) -> tuple[dict[str, tuple[str, ...]], tuple[int | None, int | None] | None]:
    """(facet -> codes, a year range given as `year=2019-2021` or None)."""
    raw: dict[str, list[str]] = {}
    for facet in FACETS:
        values = [v.strip() for v in args.getlist(facet) if v.strip()]
        if len(values) > MAX_VALUES_PER_FACET or any(len(v) > MAX_VALUE_CHARS for v in values):
            raise BadParameter(f"Demasiados valores o valores demasiado largos en «{facet}».")
        if values:
            raw[facet] = values
    # each year value by the query's year grammar: one year is ticked, a range is the range
    years = [(v, query.year_range(v, "year=")) for v in raw.pop("year", ())]
    ranges = [(v, span) for v, span in years if span[0] is None or span[0] != span[1]]
    if len(ranges) > 1:
        shown = ", ".join(v for v, _ in ranges)
        raise BadParameter(f"Use un solo rango de años, no {len(ranges)}: {shown}.")
    ticked = [str(low) for _, (low, high) in years if low is not None and low == high]
    filters = query.resolve_filters(raw | ({"year": ticked} if ticked else {}))
    ordered = {facet: filters[facet] for facet in FACETS if facet in filters}
    return ordered, ranges[0][1] if ranges else None


def _optional_year(args: Args, name: str, what: str) -> int | None:
    """`year_from`/`year_to`: one year, read by the query's year grammar."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        low, high = query.year_range(raw)
    except SearchError:
        low, high = None, None
    if low is None or low != high or not MIN_YEAR <= low <= MAX_YEAR:
        raise BadParameter(
            f"El {what} «{raw[:40]}» no es válido: escriba un año de cuatro cifras, p. ej. 2019."
        )
    return low


def _optional_int(args: Args, name: str, what: str, low: int, high: int) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    # the length first: int() of a few thousand digits raises (Python's digit limit)
    too_long = len(raw.lstrip("0")) > len(str(high))
    if not (raw.isascii() and raw.isdigit()) or too_long or not low <= int(raw) <= high:
        raise BadParameter(
            f"El {what} «{raw[:40]}» no es válido: debe ser un número entero entre {low} y {high}."
        )
    return int(raw)


def request_args(req: SearchRequest) -> dict[str, str | list[str]]:
    """The query string of a request (defaults left out), for url_for: shareable URLs."""
    args: dict[str, str | list[str]] = {}
    if req.query:
        args["q"] = req.query
    for facet in FACETS:
        if req.filters.get(facet):
            args[facet] = list(req.filters[facet])
    optional = {
        "year_from": req.year_from,
        "year_to": req.year_to,
        "page": req.page if req.page != 1 else None,
        "per_page": req.per_page if req.per_page != DEFAULT_PER_PAGE else None,
        "orden": SORT_NAMES.get(req.sort) if req.sort != "relevance" else None,
        "expandir": None if req.expand else 0,
        "corregir": None if req.correct else 0,
        "resultado": "registros" if req.result_type == "records" else None,
        "nuevos": req.added_within,
    }
    args.update({k: str(v) for k, v in optional.items() if v is not None})
    return args


def toggle_filter(req: SearchRequest, facet: str, value: str) -> SearchRequest:
    """The request with `value` ticked or unticked in `facet`, back on page 1.

    Ticked years and a year range would AND into nothing: ticking a year drops the range.
    """
    current = req.filters.get(facet, ())
    values = tuple(v for v in current if v != value) if value in current else (*current, value)
    filters = {k: v for k, v in {**req.filters, facet: values}.items() if v}
    changed = replace(req, filters=filters, page=1)
    return without_year_range(changed) if facet == "year" else changed


def with_year_range(req: SearchRequest, low: int | None, high: int | None) -> SearchRequest:
    """The request limited to `low`..`high` (ticked years dropped: the range replaces them)."""
    filters = {k: v for k, v in req.filters.items() if k != "year"}
    return replace(req, filters=filters, year_from=low, year_to=high, page=1)


def without_year_range(req: SearchRequest) -> SearchRequest:
    return replace(req, year_from=None, year_to=None, page=1)


def bar_request(req: SearchRequest, year: int) -> SearchRequest:
    """Where a histogram bar leads: two clicks choose a range, without JavaScript.

    With no range or a range of several years, a bar selects its year alone; with one year
    chosen, another bar extends it into a range and the same bar again clears it.
    """
    single = req.year_from if req.year_from is not None and req.year_from == req.year_to else None
    if single is None:
        return with_year_range(req, year, year)
    if single == year:
        return without_year_range(req)
    return with_year_range(req, min(single, year), max(single, year))


def without_facet(req: SearchRequest, facet: str) -> SearchRequest:
    """The request with every value of one facet unticked (one facet's values OR: all go)."""
    return replace(req, filters={k: v for k, v in req.filters.items() if k != facet}, page=1)


def with_query(req: SearchRequest, query: str) -> SearchRequest:
    return replace(req, query=query, page=1)


def as_typed(req: SearchRequest, query: str) -> SearchRequest:
    """`query` searched as typed, without spelling correction ("Buscar en cambio …")."""
    return replace(req, query=query, correct=False, page=1)


def with_sort(req: SearchRequest, sort: str) -> SearchRequest:
    return replace(req, sort=sort, page=1)


def without_filters(req: SearchRequest) -> SearchRequest:
    """The same query with no facet or year filter, on page 1."""
    return replace(req, filters={}, year_from=None, year_to=None, page=1)


def export_request(req: SearchRequest) -> SearchRequest:
    """What an export link carries: query and filters, not the page."""
    return replace(req, page=1, per_page=DEFAULT_PER_PAGE)


def has_filters(req: SearchRequest) -> bool:
    return bool(req.filters) or req.year_from is not None or req.year_to is not None


def with_added_within(req: SearchRequest, days: int | None) -> SearchRequest:
    """The same search over the documents added or updated in the last `days` (None: all)."""
    return replace(req, added_within=days, page=1)


def selected_filters(req: SearchRequest) -> list[tuple[str, str]]:
    """(facet, value) pairs that are ticked, in facet order."""
    return [(facet, value) for facet in FACETS for value in req.filters.get(facet, ())]


def is_selected(req: SearchRequest, facet: str, value: str) -> bool:
    return value in req.filters.get(facet, ())


def as_mapping(req: SearchRequest) -> Mapping[str, object]:
    """The request as plain data (the JSON export's metadata)."""
    return {
        "query": req.query,
        "filters": {k: list(v) for k, v in req.filters.items()},
        "year_from": req.year_from,
        "year_to": req.year_to,
    }


def with_result_type(req: SearchRequest, result_type: str) -> SearchRequest:
    """The same search over documents or over the lessons-learned records inside them."""
    return replace(req, result_type=result_type, page=1)


_SWITCH_VALUES = {"1": True, "true": True, "si": True, "sí": True, "0": False, "false": False,
                  "no": False}  # fmt: skip


def _switch(args: Args, name: str) -> bool:
    """`expandir=0` turns the thesaurus expansion off, `corregir=0` the spelling correction; an
    unknown value is a 400, not a guess."""
    raw = args.get(name, "1").strip().lower()
    if raw not in _SWITCH_VALUES:
        raise BadParameter(f"Valor no válido para {name} «{raw[:20]}»: use {name}=0 o {name}=1.")
    return _SWITCH_VALUES[raw]
