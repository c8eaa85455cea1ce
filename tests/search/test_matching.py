"""Every match of a query and its score at once (search/matching.py) ranks as Whoosh ranks.

The table is what analysts type; each query, parsed as a search parses it, must find exactly the
records Whoosh's own scored search finds, with the same scores and in the same order, on the
session's index, on an index whose generation has deletions and several segments, and after an
ingest has changed the statistics the scores depend on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from searchcorpus import CARCHI, DOCS, QUITO, make_doc
from whoosh import index as whoosh_index
from whoosh.collectors import UnlimitedCollector
from whoosh.query import DisjunctionMax, Phrase, Query, Require, Term

from acervo.search import matching, schema
from acervo.search.indexer import IndexStore, doc_record
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query
from acervo.search.searcher import Searcher

TYPED = [
    "escuela",  # one word on every text field
    "niñas venezolanas",  # every word required
    "niñas venezolanas carchi escuela",  # most of the words (search/coordination.py)
    '"provincia de carchi"',  # a phrase
    '"escuela de adolescentes" manabí',  # a phrase among words
    "matric*",  # a prefix
    "*scuel*",  # a wildcard
    "vacunasion~",  # a fuzzy word
    "escuela -quito",  # a negation
    "NOT carchi",  # only a negation
    "niñas OR niños escuela",
    "agencia:ACNUR refugees",  # a filter in the query
    "anio:2016..2018 estudio",  # a year range in the query
    "ACNUR",  # thesaurus alternatives (UNHCR...): phrases with a word allowed between
    "NNA adolescentes",  # a form repeating a term ("niños, niñas y adolescentes": nin nin ...)
    "refugees protection",  # English words, Spanish translations
    "palabrainexistente escuela",  # a word in no document: nothing
]


def _whoosh_scores(whoosh_searcher, query: Query) -> dict[int, float]:
    collector = UnlimitedCollector()
    whoosh_searcher.search_with_collector(query, collector)
    return dict(collector.results().items())


def _assert_as_whoosh(whoosh_searcher, query: Query, cache=None) -> dict[int, float]:
    expected = _whoosh_scores(whoosh_searcher, query)
    found = matching.match(whoosh_searcher, query, "consulta", cache)
    got = {int(n): float(found.scores[n]) for n in np.flatnonzero(found.mask)}
    assert set(got) == set(expected)
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-12)
    best_first = sorted(expected, key=lambda n: (-expected[n], n))
    assert sorted(got, key=lambda n: (-got[n], n)) == best_first
    return got


def _doc_query(typed: str) -> Query:
    return Require(parse_query(typed).doc_query, Term("kind", schema.DOC))


@pytest.mark.parametrize("typed", TYPED)
def test_matches_and_scores_are_whooshs(searcher: Searcher, typed: str) -> None:
    _assert_as_whoosh(searcher.whoosh_searcher, _doc_query(typed))


@pytest.mark.parametrize("typed", ["escuela", "niñas venezolanas", "NOT carchi", "matric*"])
def test_a_query_for_one_kind_of_record_matches_as_whoosh(searcher: Searcher, typed: str) -> None:
    """Evaluated over the records of the kind it requires only (lesson records too), a query
    finds what Whoosh finds over every record."""
    query = Require(parse_query(typed).doc_query, Term("kind", schema.RECORD))
    _assert_as_whoosh(searcher.whoosh_searcher, query, matching.TermCache())
    _assert_as_whoosh(searcher.whoosh_searcher, _doc_query(typed), matching.TermCache())


def test_a_words_translations_score_by_the_best_one(searcher: Searcher) -> None:
    """A DisjunctionMax (a word's translations, search/query.py) scores each document by the
    best child that matches it (Whoosh's own matcher can take another document's score)."""
    whoosh_searcher = searcher.whoosh_searcher
    children = [parse_query(word).doc_query for word in ("escuela", "vacunación", "Carchi")]
    each = [_whoosh_scores(whoosh_searcher, child) for child in children]
    found = matching.match(whoosh_searcher, DisjunctionMax(children), "consulta")
    got = {int(n): float(found.scores[n]) for n in np.flatnonzero(found.mask)}
    assert set(got) == set().union(*each)
    assert sum(len(scores) for scores in each) > len(got)  # some documents match two
    for docnum, score in got.items():
        assert score == pytest.approx(max(scores.get(docnum, 0.0) for scores in each))


@pytest.mark.parametrize(
    ("words", "slop", "finds"),
    [
        (("nin", "venezolan"), 1, True),  # "niñas venezolanas enfrentan barreras"
        (("nin", "enfrent"), 1, False),
        (("nin", "enfrent"), 2, True),  # one word between: a thesaurus form's slop
        (("nin", "barrer"), 2, False),
        (("nin", "enfrent", "acces"), 3, True),
        (("enfrent", "nin"), 3, False),  # in order only
    ],
)
def test_phrases_with_words_between_match_as_whoosh(
    searcher: Searcher, words: tuple[str, ...], slop: int, finds: bool
) -> None:
    query = Require(Phrase("body_es", list(words), slop=slop), Term("kind", schema.DOC))
    cache = matching.TermCache()
    got = _assert_as_whoosh(searcher.whoosh_searcher, query, cache)
    assert bool(got) == finds
    assert _assert_as_whoosh(searcher.whoosh_searcher, query, cache) == got  # from the cache


def test_deleted_records_and_several_segments(tmp_path: Path) -> None:
    """A generation with deleted records in one segment and new records in another (what a
    nightly ingest leaves when Whoosh does not merge): deleted records never match, and every
    segment's records score against the whole index's statistics."""
    ix = whoosh_index.create_in(str(tmp_path), schema.build_schema())
    for docs in (DOCS[:8], DOCS[8:]):
        writer = ix.writer()
        for doc in docs:
            writer.add_document(**doc_record(doc, ix.schema))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("doc_id", QUITO)
    writer.commit(merge=False)
    with ix.searcher() as whoosh_searcher:
        assert len(whoosh_searcher.leaf_searchers()) > 1
        for typed in ("escuela", "salud vacunación", '"provincia de carchi"', "NOT carchi"):
            found = _assert_as_whoosh(whoosh_searcher, _doc_query(typed))
            ids = {whoosh_searcher.stored_fields(n)["doc_id"] for n in found}
            assert QUITO not in ids
        carchi = _assert_as_whoosh(whoosh_searcher, _doc_query("carchi"))
        assert {whoosh_searcher.stored_fields(n)["doc_id"] for n in carchi} == {CARCHI}


def test_a_new_generation_scores_with_its_own_statistics(tmp_path: Path) -> None:
    """The cache of scored terms lives as long as its generation: after an ingest makes a word
    common, a search scores it as rare no longer (the same scores as Whoosh's)."""
    store = IndexStore(tmp_path)
    store.update(add=iter(DOCS), remove=())
    with store.open_searcher() as searcher:
        searcher.search(SearchRequest(query="vacunación"))  # fills the generation's cache
        before = _assert_as_whoosh(searcher.whoosh_searcher, _doc_query("vacunación"))
    more = [
        make_doc(f"b{n:015d}", [f"Campaña de vacunación número {n} en Esmeraldas."])
        for n in range(6)
    ]
    store.update(add=iter(more), remove=())
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query="vacunación"))
        after = _assert_as_whoosh(searcher.whoosh_searcher, _doc_query("vacunación"))
    assert result.total == len(before) + len(more)
    assert len(after) == len(before) + len(more)


def test_the_kept_word_counts_are_the_live_generations(tmp_path: Path) -> None:
    """An AND's words are ordered rarest first from counts kept for the generation
    (matching._Frequencies): after an ingest makes a word common, the new generation's
    searches order by its new counts, never the old ones."""
    store = IndexStore(tmp_path)
    store.update(add=iter(DOCS), remove=())
    request = SearchRequest(query="vacunación escuela niñas")
    with store.open_searcher() as searcher:
        searcher.search(request)
        assert searcher._terms.frequencies  # noqa: SLF001
    more = [make_doc(f"b{n:015d}", [f"Vacunación en la escuela {n}."]) for n in range(6)]
    store.update(add=iter(more), remove=())
    with store.open_searcher() as searcher:
        searcher.search(request)
        kept = searcher._terms.frequencies  # noqa: SLF001
        reader = searcher.whoosh_searcher.reader()
        segments = {s.segment().segment_id(): s for s, _ in _leaf_readers(reader)}
        assert kept
        for (segment, field, text), count in kept.items():
            assert count == segments[segment].doc_frequency(field, text)


def _leaf_readers(reader):  # noqa: ANN001, ANN202
    return reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]


def test_the_cache_keeps_at_most_its_postings() -> None:
    cache = matching.TermCache(max_postings=10)
    for n in range(5):
        cache.put(("segment", "body_es", f"w{n}".encode()), np.arange(4), np.ones(4))
    kept = [n for n in range(5) if cache.get(("segment", "body_es", f"w{n}".encode()))]
    assert kept == [3, 4]  # the most recent ones that fit
    cache.put(("segment", "body_es", b"huge"), np.arange(11), np.ones(11))
    assert cache.get(("segment", "body_es", b"huge")) is None  # larger than the whole cache
