"""The year histogram's geometry and links (web/search_page.histogram), from facet counts."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from acervo.search.models import FacetGroup, FacetValue, SearchRequest, SearchResult
from acervo.web import search_page
from acervo.web.search_page import CHART_HEIGHT, MAX_BARS, YEAR_LABEL_WIDTH
from acervo.web.views import search_url


def _histogram(app: Flask, counts: dict[str, int], **req: object) -> search_page.Histogram:
    years = FacetGroup("year", tuple(FacetValue(y, n) for y, n in counts.items()))
    result = SearchResult(SearchRequest(query="x", **req), sum(counts.values()), (), (years,))
    with app.test_request_context("/"):
        histogram = search_page.histogram(result, search_url)
    assert histogram is not None
    return histogram


def test_every_year_between_first_and_last_has_a_slot(app: Flask) -> None:
    h = _histogram(app, {"2015": 4, "2018": 2, "2016": 8})
    assert [b.year for b in h.bars] == [2015, 2016, 2017, 2018]
    by_year = {b.year: b for b in h.bars}
    assert by_year[2016].height == CHART_HEIGHT and by_year[2016].y == 0  # tallest fills it
    assert by_year[2015].height == CHART_HEIGHT / 2
    assert by_year[2017].height == 0 and by_year[2017].href == ""  # nothing to select
    assert all(b.href for b in h.bars if b.count)
    assert [b.x for b in h.bars] == sorted(b.x for b in h.bars)
    assert all(0 <= b.x and b.x + b.width <= h.width for b in h.bars)


def test_a_bar_selects_its_year_then_a_second_bar_the_range(app: Flask) -> None:
    first = {b.year: b for b in _histogram(app, {"2015": 1, "2019": 1}).bars}[2015]
    assert parse_qs(urlsplit(first.href).query) == {
        "q": ["x"],
        "year_from": ["2015"],
        "year_to": ["2015"],
    }
    chosen = _histogram(app, {"2015": 1, "2019": 1}, year_from=2015, year_to=2015)
    second = {b.year: b for b in chosen.bars}[2019]
    assert parse_qs(urlsplit(second.href).query)["year_to"] == ["2019"]
    assert [b.in_range for b in chosen.bars] == [True, False, False, False, False]


def test_one_document_among_many_stays_visible(app: Flask) -> None:
    tiny = {b.year: b for b in _histogram(app, {"2010": 1, "2011": 5000}).bars}[2010]
    assert tiny.height >= search_page.MIN_BAR_HEIGHT


@pytest.mark.parametrize("span", [3, 12, 40, 90])
def test_axis_labels_do_not_overlap_and_the_last_year_is_labelled(app: Flask, span: int) -> None:
    h = _histogram(app, {str(1950 + i): 1 for i in range(span)})
    assert len(h.bars) == min(span, MAX_BARS)  # the most recent years when there are many
    assert h.bars[-1].year == 1950 + span - 1 and h.bars[-1].show_label
    labelled = [b.label_x for b in h.bars if b.show_label]
    assert all(b - a >= YEAR_LABEL_WIDTH for a, b in itertools.pairwise(labelled))


def test_no_years_no_histogram(app: Flask) -> None:
    empty = SearchResult(SearchRequest(), 0, (), (FacetGroup("year", ()),))
    with app.test_request_context("/"):
        assert search_page.histogram(empty, search_url) is None
