"""Searching one index generation: a SearchRequest in, a SearchResult (or a stream of hits) out.

A query runs once on the doc records; everything else (filters, year range, facet counts,
match-all order) is done in Python on the generation's DocTable, then passages are found for the
hits shown only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from whoosh.query import And, Query, Require, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import facets, schema, snippets
from acervo.search.errors import BadParameter
from acervo.search.facets import DocRow, DocTable
from acervo.search.models import FACETS, MAX_PER_PAGE, SearchHit, SearchRequest, SearchResult
from acervo.search.query import parse_query

EXPORT_BATCH = 50  # hits whose passages are computed together while streaming an export


@dataclass(frozen=True)
class _Ranked:
    """The documents matching a request, best first, with their scores and the facet counts."""

    rows: list[DocRow]
    scores: dict[int, float]  # docnum -> score (empty for match-all)
    passage_query: Query | None  # None: show each document's excerpt
    counts: list[Counter[str]]  # per facet, in FACETS order


class Searcher:
    """Searches one generation; use as a context manager (it holds open index files)."""

    def __init__(self, whoosh_searcher: WhooshSearcher, table: DocTable | None = None) -> None:
        self.whoosh_searcher = whoosh_searcher  # public for benchmarks: plain Whoosh queries
        # an empty table is falsy: test for None
        self.table = DocTable.load(whoosh_searcher) if table is None else table

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.whoosh_searcher.close()

    def search(self, req: SearchRequest) -> SearchResult:
        _validate(req)
        ranked = self._rank(req)
        start = (req.page - 1) * req.per_page
        shown = ranked.rows[start : start + req.per_page]
        hits = self._hits(shown, ranked, per_doc=snippets.PASSAGES_PER_DOC)
        groups = facets.facet_groups(ranked.counts, req.filters)
        return SearchResult(request=req, total=len(ranked.rows), hits=tuple(hits), facets=groups)

    def iter_hits(self, req: SearchRequest) -> Iterator[SearchHit]:
        """Every matching hit, best first, each with its best passage, in batches (exports)."""
        _validate(req)
        ranked = self._rank(req)
        rows = iter(ranked.rows)
        while batch := list(islice(rows, EXPORT_BATCH)):
            yield from self._hits(batch, ranked, per_doc=1)

    def document(self, doc_id: str) -> SearchHit | None:
        """The indexed document `doc_id` (with every path and its page count), or None."""
        query = And([Term("kind", schema.DOC), Term("doc_id", doc_id)])
        docnum = next(iter(self.whoosh_searcher.docs_for_query(query)), None)
        if docnum is None:
            return None
        return _hit(self.whoosh_searcher.stored_fields(docnum), score=0.0, passages=())

    def _rank(self, req: SearchRequest) -> _Ranked:
        parsed = parse_query(req.query)
        if parsed.match_all:
            scores: dict[int, float] = {}
            candidates = self.table.ordered  # already year desc, then title
        else:
            scores = self._scores(parsed.doc_query)
            candidates = [self.table.by_docnum[n] for n in scores]
        in_years = [row for row in candidates if _in_range(row.year, req.year_from, req.year_to)]
        selection = facets.select(in_years, req.filters)
        rows = selection.matching
        if scores:
            rows = sorted(rows, key=lambda r: (-scores[r.docnum], r.docnum))
        passage_query = None if parsed.match_all else parsed.passage_query
        return _Ranked(rows, scores, passage_query, selection.counts)

    def _scores(self, doc_query: Query) -> dict[int, float]:
        """docnum -> score of every doc record matching the query (page records left out)."""
        # Require keeps the query's own scores and skips page records inside the matcher.
        only_docs = Require(doc_query, Term("kind", schema.DOC))
        results = self.whoosh_searcher.search(only_docs, limit=None)
        return {docnum: score for docnum, score in results.items()}

    def _hits(self, rows: Sequence[DocRow], ranked: _Ranked, per_doc: int) -> list[SearchHit]:
        stored = [self.whoosh_searcher.stored_fields(row.docnum) for row in rows]
        found = snippets.passages(
            self.whoosh_searcher,
            ranked.passage_query,
            (snippets.hit_doc(fields) for fields in stored),
            per_doc=per_doc,
        )
        return [
            _hit(fields, ranked.scores.get(row.docnum, 0.0), found[fields["doc_id"]])
            for row, fields in zip(rows, stored, strict=True)
        ]


def _in_range(year: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    # A document without a year cannot be said to fall in a range: leave it out.
    return year is not None and (low is None or year >= low) and (high is None or year <= high)


def _hit(stored: dict, score: float, passages: tuple) -> SearchHit:
    paths = tuple(stored.get("paths", ()))
    return SearchHit(
        id=stored["doc_id"],
        title=stored.get("title", ""),
        agencies=facets.split_codes(stored.get("agency", "")),
        topics=facets.split_codes(stored.get("topic", "")),
        year=stored.get("year"),
        language=stored.get("language", ""),
        doc_type=stored.get("doc_type", ""),
        path=paths[0] if paths else "",
        score=score,
        passages=tuple(passages),
        paths=paths,
        pages=stored.get("pages", 0),
    )


def _validate(req: SearchRequest) -> None:
    if req.page < 1:
        raise BadParameter(f"Página no válida ({req.page}): debe ser 1 o mayor.")
    if not 1 <= req.per_page <= MAX_PER_PAGE:
        raise BadParameter(
            f"Resultados por página no válidos ({req.per_page}): use de 1 a {MAX_PER_PAGE}."
        )
    unknown = sorted(set(req.filters) - set(FACETS))
    if unknown:
        raise BadParameter(
            f"Filtro desconocido: {', '.join(unknown)}. Use uno de: {', '.join(FACETS)}."
        )
