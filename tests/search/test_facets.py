"""Disjunctive facets: values of one facet OR, facets AND, counts ignore their own facet."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from acervo.search.facets import DocRow, facet_groups, select
from acervo.search.models import FACETS, SearchRequest
from acervo.search.searcher import Searcher


def _counts(searcher: Searcher, facet: str, query: str = "", **filters: tuple[str, ...]):
    result = searcher.search(SearchRequest(query=query, filters=filters))
    (group,) = [g for g in result.facets if g.name == facet]
    return result.total, {v.value: v.count for v in group.values}


# (query, filters, facet shown, expected total, expected counts of that facet)
TABLE = [
    ("", {}, "agency", 17, {"OIM": 8, "UNICEF": 7, "ACNUR": 2, "PMA": 1}),
    # ticking ACNUR leaves the other agencies' counts: they would be OR-ed in
    ("", {"agency": ("ACNUR",)}, "agency", 2, {"OIM": 8, "UNICEF": 7, "ACNUR": 2, "PMA": 1}),
    ("", {"agency": ("ACNUR",)}, "language", 2, {"es": 1, "en": 1}),
    ("", {"agency": ("ACNUR", "PMA")}, "language", 3, {"es": 2, "en": 1}),
    # AND across facets; selected values stay visible with 0
    ("", {"agency": ("OIM",), "language": ("en",)}, "agency", 0, {"ACNUR": 1, "OIM": 0}),
    ("", {"agency": ("OIM",), "language": ("en",)}, "language", 0, {"es": 8, "en": 0}),
    # the OIM+ACNUR study counts under each agency
    ("", {"agency": ("OIM",), "year": ("2019",)}, "agency", 1, {"ACNUR": 1, "OIM": 1}),
    (
        "",
        {"agency": ("OIM",), "year": ("2019",)},
        "year",
        1,
        {"2015": 3, "2017": 3, "2019": 1, "2022": 1},
    ),
    ("", {"topic": ("educacion",)}, "agency", 13, {"OIM": 7, "UNICEF": 6, "ACNUR": 1}),
    # `escuela` also finds the ACNUR study in English on `schools` (dictionary translation)
    ("escuela", {"agency": ("ACNUR",)}, "agency", 2, {"OIM": 7, "UNICEF": 7, "ACNUR": 2}),
    ("escuela", {"agency": ("PMA",)}, "agency", 0, {"OIM": 7, "UNICEF": 7, "ACNUR": 2, "PMA": 0}),
]


@pytest.mark.parametrize(("query", "filters", "facet", "total", "expected"), TABLE)
def test_facet_counts(
    searcher: Searcher, query: str, filters: dict, facet: str, total: int, expected: dict
) -> None:
    assert _counts(searcher, facet, query, **filters) == (total, expected)


def test_values_sorted_by_count_then_label_and_selected_marked(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(filters={"agency": ("PMA",)}))
    (agency,) = [g for g in result.facets if g.name == "agency"]
    assert [v.value for v in agency.values] == ["OIM", "UNICEF", "ACNUR", "PMA"]
    assert [v.selected for v in agency.values] == [False, False, False, True]
    (topic,) = [g for g in result.facets if g.name == "topic"]
    assert {v.label for v in topic.values} == {"Seguridad alimentaria"}
    assert [g.name for g in result.facets] == list(FACETS)


@pytest.mark.parametrize("facet", ["sdg", "gcm"])
def test_goals_with_equal_counts_are_in_number_order(facet: str) -> None:
    counts = [Counter() for _ in FACETS]
    counts[FACETS.index(facet)].update({"10": 1, "16": 1, "3": 1, "4": 1, "5": 2})
    (group,) = [g for g in facet_groups(counts, {}) if g.name == facet]
    assert [v.value for v in group.values] == ["5", "3", "4", "10", "16"]
    assert group.values[1].label.startswith("3. ")


def _brute_force(rows: list[DocRow], filters: dict, facet: int) -> dict[str, int]:
    """The definition, slowly: count facet `facet` over rows passing every other filter."""
    counts: dict[str, int] = {}
    for row in rows:
        others = (
            set(filters.get(name, ())) & set(row.values[i]) or not filters.get(name)
            for i, name in enumerate(FACETS)
            if i != facet
        )
        if all(others):
            for value in row.values[facet]:
                counts[value] = counts.get(value, 0) + 1
    return counts


def test_one_pass_counts_equal_the_definition_for_every_pair_of_filters(
    searcher: Searcher,
) -> None:
    rows = searcher.table.ordered
    choices = [
        (name, value)
        for name in FACETS
        for value in {v for r in rows for v in r.values[FACETS.index(name)]}
    ]
    for (f1, v1), (f2, v2) in itertools.combinations(choices, 2):
        filters: dict[str, tuple[str, ...]] = {f1: (v1,)}
        filters[f2] = (*filters.get(f2, ()), v2)
        selection = select(rows, filters)
        for i in range(len(FACETS)):
            assert dict(selection.counts[i]) == _brute_force(rows, filters, i), filters
