"""Searcher.search / iter_hits / document on a real index of hand-made documents."""

from __future__ import annotations

import pytest
from searchcorpus import CARCHI, DOCS, ENGLISH, FILLER_COUNT, FILLERS, HOSTILE, LONG, QUITO

from acervo.search import searcher as searcher_module
from acervo.search.errors import BadParameter
from acervo.search.models import MAX_PER_PAGE, SearchRequest
from acervo.search.searcher import Searcher


def _ids(searcher: Searcher, query: str, **kwargs: object) -> set[str]:
    result = searcher.search(SearchRequest(query=query, per_page=MAX_PER_PAGE, **kwargs))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # and the English document on `schools` (the dictionary's translation, search/translate.py)
        ("escuela", {CARCHI, QUITO, ENGLISH, *FILLERS}),
        ("escuela Carchi", {CARCHI}),  # words are all required by default
        ("Carchi Quito", set()),
        ("refugees", {ENGLISH}),  # English documents are searchable too
        ("Huaquillas", {ENGLISH, LONG}),
        ("palabrainexistente", set()),
    ],
)
def test_totals(searcher: Searcher, query: str, expected: set[str]) -> None:
    assert _ids(searcher, query) == expected


def test_passages_come_from_the_best_pages_with_their_numbers(searcher: Searcher) -> None:
    (hit,) = searcher.search(SearchRequest(query="escuela Carchi")).hits
    pages = [p.page for p in hit.passages]
    assert pages[0] == 2  # the page with both words first
    assert sorted(pages) == [1, 2]  # page 3 mentions neither
    assert "<mark" in hit.passages[0].html and "Carchi" in hit.passages[0].html
    assert "<mark" not in hit.passages[0].text and "Carchi" in hit.passages[0].text


def test_at_most_three_passages(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="escuela OR Anexos OR Estudio OR adolescentes"))
    assert result.hits and all(len(hit.passages) <= 3 for hit in result.hits)


def test_passage_html_escapes_the_page_text(searcher: Searcher) -> None:
    (hit,) = searcher.search(SearchRequest(query="Sucumbíos")).hits
    assert hit.id == HOSTILE
    (passage,) = hit.passages
    assert "<script>" not in passage.html and "<b>" not in passage.html
    assert "&lt;script&gt;" in passage.html and "&amp;" in passage.html
    assert "<mark" in passage.html
    assert "<script>alert(1)</script>" in passage.text  # plain text stays as it is


def test_a_match_deep_in_a_long_page_is_highlighted(searcher: Searcher) -> None:
    hits = {h.id: h for h in searcher.search(SearchRequest(query="Huaquillas")).hits}
    passage = hits[LONG].passages[0]
    assert "<mark" in passage.html and "Huaquillas" in passage.text
    assert len(passage.text) < 400


def test_match_all_lists_everything_by_year_then_title(searcher: Searcher) -> None:
    for query in ("", "*"):
        result = searcher.search(SearchRequest(query=query, per_page=MAX_PER_PAGE))
        assert result.total == len(DOCS) == len(result.hits)
        years = [hit.year for hit in result.hits]
        assert years == sorted(years, reverse=True)
        # no query: the passage is the start of the document, unhighlighted
        assert all(h.passages and "<mark" not in h.passages[0].html for h in result.hits)


def test_match_all_excerpt_is_escaped(searcher: Searcher) -> None:
    (hit,) = searcher.search(SearchRequest(filters={"year": ("2022",)})).hits
    assert hit.id == HOSTILE
    assert hit.passages[0].page == 1
    assert "&lt;script&gt;" in hit.passages[0].html and "<script>" not in hit.passages[0].html


def test_pagination(searcher: Searcher) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        result = searcher.search(SearchRequest(query="escuela", page=page, per_page=5))
        assert result.total == FILLER_COUNT + 3
        seen += [hit.id for hit in result.hits]
    assert len(seen) == len(set(seen)) == FILLER_COUNT + 3
    scores = [h.score for h in searcher.search(SearchRequest(query="escuela", per_page=20)).hits]
    assert scores == sorted(scores, reverse=True)


def test_a_page_out_of_range_is_empty_not_an_error(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="escuela", page=99))
    assert result.hits == () and result.total == FILLER_COUNT + 3


def test_year_range(searcher: Searcher) -> None:
    ids = _ids(searcher, "", year_from=2019, year_to=2021)
    assert ids == {CARCHI, QUITO, ENGLISH}
    assert _ids(searcher, "escuela", year_from=2021) == {QUITO}


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(page=0),
        SearchRequest(per_page=0),
        SearchRequest(per_page=MAX_PER_PAGE + 1),
        SearchRequest(filters={"agencia": ("ACNUR",)}),
    ],
)
def test_bad_requests_are_refused_in_spanish(searcher: Searcher, request_: SearchRequest) -> None:
    with pytest.raises(BadParameter, match="no válid|desconocido"):
        searcher.search(request_)
    with pytest.raises(BadParameter):
        list(searcher.iter_hits(request_))


def test_iter_hits_streams_every_hit_in_batches(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searcher_module, "EXPORT_BATCH", 4)
    req = SearchRequest(query="escuela", page=3, per_page=1)  # paging is ignored
    hits = list(searcher.iter_hits(req))
    top = searcher.search(SearchRequest(query="escuela", per_page=MAX_PER_PAGE))
    assert [h.id for h in hits] == [h.id for h in top.hits]
    assert all(len(h.passages) == 1 for h in hits)


def test_document(searcher: Searcher) -> None:
    hit = searcher.document(CARCHI)
    assert hit is not None
    assert hit.agencies == ("ACNUR", "OIM") and hit.pages == 3
    assert hit.paths == (f"/corpus/{CARCHI}.pdf",) and hit.path == hit.paths[0]
    assert searcher.document("0000000000000000") is None


@pytest.mark.parametrize("field", ["body_es", "body_en"])
def test_word_by_word_matching_marks_what_the_whole_analyzer_marks(
    searcher: Searcher, field: str
) -> None:
    # snippets analyses each distinct word once instead of running the chain over the page
    from whoosh.highlight import set_matched_filter

    from acervo.search.snippets import _WordMatcher

    analyzer = searcher.whoosh_searcher.schema[field].analyzer
    text = "Las niñas y NIÑOS venezolanos; la educación, R4V y el Estado. Children's schools."
    terms = frozenset(t.text for t in analyzer(text, mode="index"))
    for term in sorted(terms):
        chain = set_matched_filter(analyzer(text, chars=True, removestops=False), {term})
        expected = {(t.startchar, t.endchar) for t in chain if t.matched}
        marked = _WordMatcher(analyzer, frozenset({term})).matches(text)
        assert {(t.startchar, t.endchar) for t in marked} == expected, term
