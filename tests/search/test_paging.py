"""Only the page shown is ranked: every page, read in turn, gives the order of the whole export.

The searcher scores the hits of one page (Whoosh's top-k) and counts the rest unscored; a page
must still hold exactly the hits a full ranking puts there, in every sort, with filters too.
"""

from __future__ import annotations

import pytest

from acervo.search.models import SORTS, SearchRequest
from acervo.search.searcher import Searcher

QUERIES = ["", "escuela", "educacion OR salud", "migra*", "ninos -escuela"]
FILTERS = [{}, {"agency": ("OIM",)}, {"language": ("es",), "agency": ("OIM", "UNICEF")}]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("filters", FILTERS)
def test_pages_in_turn_equal_the_full_ranking(
    searcher: Searcher, query: str, sort: str, filters: dict
) -> None:
    full = SearchRequest(query=query, sort=sort, filters=filters)
    everything = [(hit.id, round(hit.score, 6)) for hit in searcher.iter_hits(full)]
    total = searcher.search(full).total
    assert total == len(everything) == searcher.count(full)
    paged = []
    for page in range(1, total // 3 + 2):
        result = searcher.search(SearchRequest(query, filters, page=page, per_page=3, sort=sort))
        paged += [(hit.id, round(hit.score, 6)) for hit in result.hits]
    assert paged == everything


def test_a_page_past_the_end_is_empty_but_keeps_the_total(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="escuela", page=50, sort="newest"))
    assert result.hits == () and result.total > 0
