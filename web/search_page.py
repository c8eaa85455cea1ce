"""What the search page shows beyond the hits: facet panels, chips, year histogram, zero help.

Each part is a frozen dataclass built from the SearchRequest and SearchResult, with every link
already made, so the templates only lay them out (and stay free of logic that needs tests).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext

from acervo.search.models import RECORD_FACETS, FacetGroup, SearchRequest, SearchResult
from acervo.search.searcher import Searcher
from acervo.vocab import fold
from acervo.web import i18n, params

FACET_VALUES_SHOWN = 8  # the rest of a facet folds into "Ver más"
SEARCHABLE_FACET_VALUES = FACET_VALUES_SHOWN + 1  # a facet with "Ver más" gets a search box
MAX_BARS = 40  # years in the histogram (the most recent ones when there are more)
# SVG user units; about the sidebar's width in pixels, so text stays ~1:1 on a desktop
CHART_WIDTH, CHART_HEIGHT, AXIS_HEIGHT = 220, 70, 16
MAX_SLOT = 28  # a bar's slot when there are few years: no wall-wide bars
MIN_BAR_HEIGHT = 2  # a year with one document among hundreds stays visible and clickable
YEAR_LABEL_WIDTH = 34  # room an axis label needs (4 digits at 11 units, and a gap)

UrlFor = Callable[[SearchRequest], str]


@dataclass(frozen=True)
class FacetEntry:
    value: str
    label: str
    count: int
    selected: bool
    href: str  # ticks or unticks it


@dataclass(frozen=True)
class FacetPanel:
    name: str
    title: str
    entries: tuple[FacetEntry, ...]  # all values, or those matching `search_text`
    searchable: bool
    search_text: str  # a `buscar_<facet>` narrowing (no-JS facet search), "" if none
    total_values: int  # before narrowing

    @property
    def first(self) -> tuple[FacetEntry, ...]:
        return self.entries if self.search_text else self.entries[:FACET_VALUES_SHOWN]

    @property
    def rest(self) -> tuple[FacetEntry, ...]:
        return () if self.search_text else self.entries[FACET_VALUES_SHOWN:]


@dataclass(frozen=True)
class Chip:
    label: str
    href: str  # the search without this filter


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str  # "" for a year without documents (nothing to select)
    in_range: bool
    show_label: bool
    label_x: float


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    width: int
    height: int
    chart_height: int
    first_year: int
    last_year: int


@dataclass(frozen=True)
class Relaxation:
    """A search that would find something: the query without one filter, or corrected."""

    what: str  # facet name, "years", "all" or "suggestion"
    label: str  # what is removed or the corrected query
    total: int
    href: str


@dataclass(frozen=True)
class ZeroHelp:
    missing_terms: tuple[str, ...]  # typed words that match no document of the index
    relaxations: tuple[Relaxation, ...]


# ---- facets ------------------------------------------------------------------------------


def facet_panels(
    result: SearchResult, url: UrlFor, narrowing: tuple[str, str] | None
) -> tuple[FacetPanel, ...]:
    """Every facet of the result that has values, in the result's order (any facet name).

    A documents search leaves out the facets of lessons-learned records (area, lesson type,
    SDG, GCM objective) unless one of their values is ticked: they describe records, which the
    "Registros de lecciones" switch searches.
    """
    req = result.request
    panels = []
    for group in result.facets:
        if not group.values or _only_about_records(req, group.name):
            continue
        entries = _entries(req, group, url)
        text = narrowing[1] if narrowing and narrowing[0] == group.name else ""
        if text:
            needle = fold(text)
            entries = tuple(e for e in entries if needle in fold(f"{e.label} {e.value}"))
        panels.append(
            FacetPanel(
                name=group.name,
                title=i18n.facet_label(group.name),
                entries=entries,
                # years have the histogram and the range form instead
                searchable=len(group.values) >= SEARCHABLE_FACET_VALUES and group.name != "year",
                search_text=text,
                total_values=len(group.values),
            )
        )
    return tuple(panels)


def _only_about_records(req: SearchRequest, facet: str) -> bool:
    return facet in RECORD_FACETS and req.result_type == "documents" and not req.filters.get(facet)


def _entries(req: SearchRequest, group: FacetGroup, url: UrlFor) -> tuple[FacetEntry, ...]:
    values = group.values
    if group.name == "year":  # years read best in order, newest first
        values = tuple(sorted(values, key=lambda v: v.value, reverse=True))
    return tuple(
        FacetEntry(
            value=v.value,
            label=i18n.value_label(group.name, v.value, v.label),
            count=v.count,
            selected=v.selected or params.is_selected(req, group.name, v.value),
            href=url(params.toggle_filter(req, group.name, v.value)),
        )
        for v in values
    )


def chips(result: SearchResult, url: UrlFor) -> tuple[Chip, ...]:
    """Active filters, each a link that removes it."""
    req = result.request
    labels = {(g.name, v.value): v.label for g in result.facets for v in g.values}
    found = [
        Chip(
            f"{i18n.facet_label(facet)}: "
            f"{i18n.value_label(facet, value, labels.get((facet, value), ''))}",
            url(params.toggle_filter(req, facet, value)),
        )
        for facet, value in params.selected_filters(req)
    ]
    if req.year_from is not None or req.year_to is not None:
        span = f"{req.year_from or '…'}–{req.year_to or '…'}"
        found.append(
            Chip(gettext("Años: %(span)s", span=span), url(params.without_year_range(req)))
        )
    if req.added_within is not None:
        label = gettext("Añadidos en los últimos %(days)s días", days=req.added_within)
        found.append(Chip(label, url(params.with_added_within(req, None))))
    return tuple(found)


# ---- histogram ---------------------------------------------------------------------------


def histogram(result: SearchResult, url: UrlFor) -> Histogram | None:
    """Bars for the years of the current hits (counts ignore the year range: see facets.select)."""
    group = next((g for g in result.facets if g.name == "year"), None)
    counts = {int(v.value): v.count for v in group.values if v.value.isdigit()} if group else {}
    if not counts:
        return None
    last = max(counts)
    first = max(min(counts), last - MAX_BARS + 1)
    years = range(first, last + 1)
    slot = min(MAX_SLOT, CHART_WIDTH / len(years))
    left = (CHART_WIDTH - slot * len(years)) / 2  # few years: centred
    label_every = math.ceil(YEAR_LABEL_WIDTH / slot)
    tallest = max(counts[y] for y in years if y in counts)
    req = result.request
    bars = []
    for i, year in enumerate(years):
        count = counts.get(year, 0)
        height = max(MIN_BAR_HEIGHT, CHART_HEIGHT * count / tallest) if count else 0.0
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(left + i * slot + slot * 0.1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                href=url(params.bar_request(req, year)) if count else "",
                in_range=_in_range(year, req.year_from, req.year_to),
                show_label=(len(years) - 1 - i) % label_every == 0,
                label_x=round(left + i * slot + slot / 2, 2),
            )
        )
    return Histogram(
        tuple(bars), CHART_WIDTH, CHART_HEIGHT + AXIS_HEIGHT, CHART_HEIGHT, first, last
    )


def _in_range(year: int, low: int | None, high: int | None) -> bool:
    return (low is None or year >= low) and (high is None or year <= high)


# ---- zero results ------------------------------------------------------------------------


def zero_help(searcher: Searcher, result: SearchResult, url: UrlFor) -> ZeroHelp:
    """Why a search found nothing: words absent from the index, and filters that emptied it."""
    req = result.request
    missing = searcher.missing_terms(req.query) if req.query else ()
    tries = [
        (facet, _facet_values_label(result, facet), params.without_facet(req, facet))
        for facet in req.filters
    ]
    if req.year_from is not None or req.year_to is not None:
        span = f"{req.year_from or '…'}–{req.year_to or '…'}"
        tries.append(("years", span, params.without_year_range(req)))
    found = [
        Relaxation(what, label, total, url(relaxed))
        for what, label, relaxed in tries
        if (total := searcher.count(relaxed))
    ]
    if len(tries) > 1 and not found:  # no single filter is to blame: all of them together
        relaxed = params.without_filters(req)
        if total := searcher.count(relaxed):
            found.append(Relaxation("all", "", total, url(relaxed)))
    suggestion = getattr(result, "suggestion", None)
    if suggestion and suggestion != req.query:
        corrected = params.with_query(req, suggestion)
        found.append(
            Relaxation("suggestion", suggestion, searcher.count(corrected), url(corrected))
        )
    return ZeroHelp(missing, tuple(found))


def _facet_values_label(result: SearchResult, facet: str) -> str:
    labels = {v.value: v.label for g in result.facets if g.name == facet for v in g.values}
    values = result.request.filters.get(facet, ())
    shown = ", ".join(i18n.value_label(facet, v, labels.get(v, "")) for v in values)
    return f"{i18n.facet_label(facet)}: {shown}"
