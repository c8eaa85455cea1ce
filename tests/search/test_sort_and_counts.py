"""Sorting every hit, year counts that ignore the year range, and words that match nothing."""

from __future__ import annotations

import pytest
from searchcorpus import CARCHI, DOCS, QUITO

from acervo import vocab
from acervo.search.errors import BadParameter
from acervo.search.models import MAX_PER_PAGE, SearchRequest
from acervo.search.searcher import Searcher

YEARS = {doc.doc_id: doc.metadata.year for doc in DOCS}
TITLES = {doc.doc_id: doc.metadata.title for doc in DOCS}


def _order(searcher: Searcher, query: str, sort: str, per_page: int = MAX_PER_PAGE) -> list[str]:
    """Hit ids of every page, in order, paging through (sorting covers all hits, not one page)."""
    ids: list[str] = []
    page = 1
    while True:
        result = searcher.search(
            SearchRequest(query=query, sort=sort, per_page=per_page, page=page)
        )
        ids.extend(hit.id for hit in result.hits)
        if len(ids) >= result.total:
            return ids
        page += 1


@pytest.mark.parametrize("query", ["escuela", ""])
def test_newest_and_oldest_order_every_hit_by_year(searcher: Searcher, query: str) -> None:
    newest = [YEARS[i] for i in _order(searcher, query, "newest", per_page=3)]
    oldest = [YEARS[i] for i in _order(searcher, query, "oldest", per_page=3)]
    dated_new = [y for y in newest if y is not None]
    dated_old = [y for y in oldest if y is not None]
    assert dated_new == sorted(dated_new, reverse=True) and len(set(dated_new)) > 2
    assert dated_old == sorted(dated_old)
    assert newest[len(dated_new) :] == [None] * (len(newest) - len(dated_new))  # undated last


def test_title_order_folds_accents_and_case(searcher: Searcher) -> None:
    titles = [TITLES[i] for i in _order(searcher, "", "title")]
    assert titles == sorted(titles, key=vocab.fold)


def test_relevance_differs_from_year_order(searcher: Searcher) -> None:
    relevance = _order(searcher, "escuela Carchi OR Quito", "relevance")
    assert set(relevance) == {CARCHI, QUITO}
    assert _order(searcher, "escuela Carchi OR Quito", "newest") == [QUITO, CARCHI]


def test_unknown_sort_is_a_spanish_error(searcher: Searcher) -> None:
    with pytest.raises(BadParameter, match="Orden desconocido"):
        searcher.search(SearchRequest(sort="random"))


def test_year_counts_ignore_the_year_range(searcher: Searcher) -> None:
    whole = searcher.search(SearchRequest(query="escuela"))
    ranged = searcher.search(SearchRequest(query="escuela", year_from=2016, year_to=2016))
    years = {g.name: g for g in whole.facets}["year"]
    ranged_years = {g.name: g for g in ranged.facets}["year"]
    assert ranged.total < whole.total
    assert [(v.value, v.count) for v in ranged_years.values] == [
        (v.value, v.count) for v in years.values
    ]
    # the other facets do count only the documents in range
    agency = {g.name: g for g in ranged.facets}["agency"]
    assert sum(v.count for v in agency.values) <= ranged.total * 2


def test_count_matches_search_total(searcher: Searcher) -> None:
    req = SearchRequest(query="escuela", filters={"year": ("2016",)})
    assert searcher.count(req) == searcher.search(req).total


@pytest.mark.parametrize(
    ("query", "missing"),
    [
        ("escuela Carchi", ()),
        ("escuela palabrainexistente", ("palabrainexistente",)),
        ('"escuela Carchi" zzzqqq', ("zzzqqq",)),
        ("escuela -zzzqqq", ()),  # a negated word is not required
        ("zzzq* OR Carchi", ("zzzq",)),
        ("", ()),
        ("agencia:ACNUR", ()),
    ],
)
def test_missing_terms(searcher: Searcher, query: str, missing: tuple[str, ...]) -> None:
    assert searcher.missing_terms(query) == missing
