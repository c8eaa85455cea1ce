"""Searching one index generation: a SearchRequest in, a SearchResult (or a stream of hits) out.

A query runs once on the doc records; everything else (filters, year range, facet counts,
match-all order) is done in Python on the generation's DocTable, then passages are found for the
hits shown only. A searcher opened with an Access (search/access.py) leaves the documents its
viewer may not see out of the candidate set before anything is counted (`_hidden`), and out of
every other answer (document, similar, related versions, suggestions, missing words).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice

from whoosh.query import And, Query, Require, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo import vocab
from acervo.search import coordination, facets, limits, records, schema, snippets, suggest
from acervo.search.access import PUBLIC, Access
from acervo.search.catalog import DocHistory
from acervo.search.errors import BadParameter, SearchError
from acervo.search.facets import DocRow, DocTable
from acervo.search.models import (
    FACETS,
    MAX_PER_PAGE,
    RESULT_TYPES,
    SORTS,
    Expansion,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarDoc,
)
from acervo.search.query import parse_query, positive_terms
from acervo.search.similar import similar_docnums

EXPORT_BATCH = 50  # hits whose passages are computed together while streaming an export


@dataclass(frozen=True)
class _Ranked:
    """The documents matching a request, best first, with their scores and the facet counts."""

    rows: list[DocRow]
    scores: dict[int, float]  # docnum -> score (empty for match-all)
    passage_query: Query | None  # None: show each document's excerpt
    counts: list[Counter[str]]  # per facet, in FACETS order
    expansions: tuple[Expansion, ...] = ()  # thesaurus alternatives searched too
    kind: str = schema.DOC  # what the rows are: doc records, or lesson record units
    all_words: int | None = None  # rows holding every typed word (None: all words required)


class Searcher:
    """Searches one generation; use as a context manager (it holds open index files)."""

    def __init__(
        self,
        whoosh_searcher: WhooshSearcher,
        table: DocTable | None = None,
        record_table: DocTable | None = None,
        history: Mapping[str, DocHistory] | None = None,
        access: Access | None = None,
    ) -> None:
        self.whoosh_searcher = whoosh_searcher  # public for benchmarks: plain Whoosh queries
        # an empty table is falsy: test for None
        self.table = DocTable.load(whoosh_searcher) if table is None else table
        self._record_table = record_table  # lesson record units, read on the first records search
        self.history = history or {}  # doc_id -> when it was added/updated (search/catalog.py)
        # None: everything (the shell, ingest); the web always passes the user's Access
        self._hidden = _hidden(self.table, access)  # doc ids the viewer may not see
        self._hidden_docnums = {self.table.by_doc_id[i].docnum for i in self._hidden}

    @property
    def record_table(self) -> DocTable:
        if self._record_table is None:
            self._record_table = DocTable.load(self.whoosh_searcher, kind=schema.RECORD)
        return self._record_table

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.whoosh_searcher.close()

    def search(self, req: SearchRequest) -> SearchResult:
        """One page of hits. A word found in no document is searched as its spelling
        correction (the result's request holds the corrected query, `corrected_from` the typed
        one) unless `req.correct` is off; then the correction is only suggested."""
        _validate(req)
        typed = req.query
        corrected = self._correction(req) if req.correct else None
        if corrected is not None:
            req = replace(req, query=corrected)
        ranked = self._rank(req)
        start = (req.page - 1) * req.per_page
        shown = ranked.rows[start : start + req.per_page]
        hits = self._hits(shown, ranked, per_doc=snippets.PASSAGES_PER_DOC)
        groups = facets.facet_groups(ranked.counts, req.filters)
        return SearchResult(
            request=req,
            total=len(ranked.rows),
            hits=tuple(hits),
            facets=groups,
            expansions=ranked.expansions,
            suggestion=None if req.correct else self._suggestion(req, len(ranked.rows)),
            all_words_total=ranked.all_words,
            corrected_from=typed if corrected is not None else None,
        )

    def _correction(self, req: SearchRequest) -> str | None:
        """The query with each word that is in no document replaced by its closest index word,
        or None when there is nothing to correct (or the correction does not parse)."""
        corrected = suggest.corrected_query(self.whoosh_searcher, req.query, self._known)
        if corrected is None:
            return None
        try:
            parse_query(corrected, expand=req.expand)
        except SearchError:
            return None
        return corrected

    def _suggestion(self, req: SearchRequest, total: int) -> str | None:
        """A corrected query ("¿Quiso decir …?") when it finds more documents than `req`."""
        corrected = suggest.corrected_query(self.whoosh_searcher, req.query, self._known)
        if corrected is None:
            return None
        try:
            better = self.count(replace(req, query=corrected, page=1))
        except SearchError:  # a correction that does not parse is no suggestion
            return None
        return corrected if better > total else None

    @property
    def _known(self) -> Callable[[str], bool] | None:
        """What a spelling correction may use: the words of documents the viewer may see (None:
        every word of the index, when nothing is hidden)."""
        return self._known_word if self._hidden_docnums else None

    def _known_word(self, folded: str) -> bool:
        """Whether a document the viewer may see has this word (corrections must not reveal
        the words of documents it may not see)."""
        docs = self.whoosh_searcher.docs_for_query(Term(schema.WORDS_FIELD, folded))
        return any(n not in self._hidden_docnums for n in docs)

    def document_count(self) -> int:
        """How many documents the viewer may see in this generation."""
        return len(self.table) - len(self._hidden_docnums)

    def similar(self, doc_id: str, limit: int = 5) -> tuple[SearchHit, ...]:
        """Más como este: the `limit` documents most like `doc_id` by key terms (no passages)."""
        if doc_id in self._hidden:
            return ()
        found = similar_docnums(self.whoosh_searcher, doc_id, limit, self._hidden_docnums)
        return tuple(
            _hit(self.whoosh_searcher.stored_fields(docnum), score=score, passages=())
            for docnum, score in found
        )

    def iter_hits(self, req: SearchRequest) -> Iterator[SearchHit]:
        """Every matching hit, best first, each with its best passage, in batches (exports)."""
        _validate(req)
        ranked = self._rank(req)
        rows = iter(ranked.rows)
        while batch := list(islice(rows, EXPORT_BATCH)):
            yield from self._hits(batch, ranked, per_doc=1)

    def count(self, req: SearchRequest) -> int:
        """How many documents match `req` (no passages, no page): cheap "what if" searches."""
        _validate(req)
        return len(self._rank(req).rows)

    def facet_pairs(
        self, req: SearchRequest, row_facet: str, col_facet: str
    ) -> Counter[tuple[str, str]]:
        """(row value, column value) -> how many hits of `req` have both (the evidence map).

        Each count equals `count(req)` with `row_facet` and `col_facet` narrowed to those two
        values: the two facets' own filters are set aside here, as facet counts set aside their
        own (the caller keeps only the selected values), every other filter and the year range
        apply.
        """
        _validate(req)
        others = {k: v for k, v in req.filters.items() if k not in (row_facet, col_facet)}
        ranked = self._rank(replace(req, filters=others))
        r, c = FACETS.index(row_facet), FACETS.index(col_facet)
        pairs: Counter[tuple[str, str]] = Counter()
        for row in ranked.rows:
            pairs.update((a, b) for a in row.values[r] for b in row.values[c])
        return pairs

    def missing_terms(self, query: str) -> tuple[str, ...]:
        """The typed words or phrases (not negated) that match no document of the index at all.

        Tells a zero-result search "`xyzzy` is nowhere" apart from "the words exist, not together".
        """
        return tuple(
            text for text, term_query in positive_terms(query) if self._matches_nothing(term_query)
        )

    def _matches_nothing(self, term_query: Query) -> bool:
        # unscored: a scored search with a limit trips a Whoosh assertion (block-quality skipping)
        docs = self.whoosh_searcher.docs_for_query(And([Term("kind", schema.DOC), term_query]))
        return all(n in self._hidden_docnums for n in docs)

    def document(self, doc_id: str) -> SearchHit | None:
        """The indexed document `doc_id` (with every path and its page count), or None (also
        when the viewer may not see it)."""
        if doc_id in self._hidden:
            return None
        query = And([Term("kind", schema.DOC), Term("doc_id", doc_id)])
        docnum = next(iter(self.whoosh_searcher.docs_for_query(query)), None)
        if docnum is None:
            return None
        fields = self.whoosh_searcher.stored_fields(docnum)
        return self._with_related(_hit(fields, score=0.0, passages=()), fields)

    def _rank(self, req: SearchRequest) -> _Ranked:
        parsed = parse_query(req.query, expand=req.expand)
        table, kind = self.table, schema.DOC
        if req.result_type == "records":  # the same query and filters on lesson records
            parsed, table, kind = records.for_records(parsed), self.record_table, schema.RECORD
        if parsed.match_all:
            scores: dict[int, float] = {}
            candidates = table.ordered  # already year desc, then title
        else:
            scores = self._scores(parsed.doc_query, req.query, kind)
            candidates = [table.by_docnum[n] for n in scores]
        if self._hidden:  # the one place access is applied: before any count
            candidates = [row for row in candidates if row.doc_id not in self._hidden]

        def in_years(year: int | None) -> bool:
            return _in_range(year, req.year_from, req.year_to)

        cutoffs = [req.updated_after] if req.updated_after is not None else []
        if req.added_within is not None:
            cutoffs.append(time.time() - req.added_within * 86400)
        if cutoffs:
            cutoff = max(cutoffs)
            candidates = [r for r in candidates if self._updated(r.doc_id) > cutoff]
        selection = facets.select(candidates, req.filters, in_years)
        rows = _sorted(selection.matching, scores, req.sort, self._updated)
        passage_query = None if parsed.match_all else parsed.passage_query
        all_words = None
        if parsed.relaxed_words:
            all_words = sum(coordination.has_every_word(scores[r.docnum]) for r in rows)
        return _Ranked(
            rows, scores, passage_query, selection.counts, parsed.expansions, kind, all_words
        )

    def _updated(self, doc_id: str) -> float:
        """When the document was last added or updated (0: an index from before history)."""
        found = self.history.get(doc_id)
        return found.updated if found else 0.0

    def _scores(self, doc_query: Query, typed: str, kind: str = schema.DOC) -> dict[int, float]:
        """docnum -> score of every doc record (or unit of `kind`) matching the query."""
        # Require keeps the query's own scores and skips page records inside the matcher.
        only_docs = Require(doc_query, Term("kind", kind))
        # bounded: a wildcard or fuzzy query may not hold a server thread (search/limits.py)
        return limits.search_all(self.whoosh_searcher, only_docs, typed)

    def _hits(self, rows: Sequence[DocRow], ranked: _Ranked, per_doc: int) -> list[SearchHit]:
        if ranked.kind == schema.RECORD:
            return records.record_hits(
                self.whoosh_searcher, rows, ranked.scores, ranked.passage_query
            )
        stored = [self.whoosh_searcher.stored_fields(row.docnum) for row in rows]
        found = snippets.passages(
            self.whoosh_searcher,
            ranked.passage_query,
            (snippets.hit_doc(fields) for fields in stored),
            per_doc=per_doc,
        )
        return [
            self._with_related(
                _hit(fields, ranked.scores.get(row.docnum, 0.0), found[fields["doc_id"]]), fields
            )
            for row, fields in zip(rows, stored, strict=True)
        ]

    def _with_related(self, hit: SearchHit, fields: Mapping) -> SearchHit:
        """The hit with its near duplicates (other versions) and its translations (editions in
        another language)."""
        similar = self._related(hit.id, "near_duplicates", fields)
        translations = self._related(hit.id, "translations", fields)
        if not (similar or translations):
            return hit
        return replace(hit, similar=similar, translations=translations)

    def _related(self, doc_id: str, field: str, fields: Mapping) -> tuple[SimilarDoc, ...]:
        """The documents the doc record names in `field` (indexed before it) and the later ones
        that name it (found through the indexed field)."""
        if field not in self.whoosh_searcher.schema:  # an index from before that field
            return ()
        later = And([Term("kind", schema.DOC), Term(field, doc_id)])
        docnums = [self._docnum(i) for i in facets.split_codes(fields.get(field) or "")]
        docnums += list(self.whoosh_searcher.docs_for_query(later))
        related = []
        shown = (n for n in docnums if n is not None and n not in self._hidden_docnums)
        for docnum in dict.fromkeys(shown):
            other = self.whoosh_searcher.stored_fields(docnum)
            path = (other.get("paths") or [""])[0]
            title, language = other.get("title", ""), other.get("language", "")
            related.append(SimilarDoc(other["doc_id"], title, path, language))
        return tuple(related)

    def _docnum(self, doc_id: str) -> int | None:
        query = And([Term("kind", schema.DOC), Term("doc_id", doc_id)])
        return next(iter(self.whoosh_searcher.docs_for_query(query)), None)


def _hidden(table: DocTable, access: Access | None) -> frozenset[str]:
    """Ids of the documents of `table` that `access`'s viewer may not see."""
    if access is None or access.viewer.sees_all:
        return frozenset()
    # with a public default only the rows a sidecar restricted can be hidden by visibility
    rows = table.restricted if access.default_visibility == PUBLIC else table.ordered
    agency = FACETS.index("agency")
    hidden = {
        r.doc_id for r in rows if not access.may_see(r.visibility, r.values[agency], r.doc_id)
    }
    for doc_id in access.statuses:
        row = table.by_doc_id.get(doc_id)
        if row is not None and not access.may_see(row.visibility, row.values[agency], doc_id):
            hidden.add(doc_id)
    return frozenset(hidden)


def _sorted(
    rows: list[DocRow],
    scores: dict[int, float],
    sort: str,
    updated: Callable[[str], float] = lambda _: 0.0,
) -> list[DocRow]:
    """Every matching row in the asked order (ties by score, then a stable docnum order).

    Match-all rows come in the DocTable's order (year desc, then title) and have no scores.
    """
    if sort == "relevance":
        return sorted(rows, key=lambda r: (-scores[r.docnum], r.docnum)) if scores else rows

    def tier(row: DocRow) -> bool:
        # documents with every word before those with most of them, in every order
        return bool(scores) and not coordination.has_every_word(scores[row.docnum])

    def tie(row: DocRow) -> tuple[float, int]:
        return (-scores.get(row.docnum, 0.0), row.docnum)

    if sort == "added":
        return sorted(rows, key=lambda r: (tier(r), -updated(r.doc_id), *tie(r)))
    if sort == "title":
        # accent- and case-folded, untitled documents last: `Évaluation` sorts under E
        return sorted(rows, key=lambda r: (tier(r), not r.title, vocab.fold(r.title), *tie(r)))
    sign = -1 if sort == "newest" else 1
    # documents without a year come last in both directions
    return sorted(rows, key=lambda r: (tier(r), r.year is None, sign * (r.year or 0), *tie(r)))


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
        score=coordination.plain_score(score),
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
    if req.result_type not in RESULT_TYPES:
        raise BadParameter(
            f"Tipo de resultado desconocido: «{req.result_type}». Use documents o records."
        )
    if req.sort not in SORTS:
        raise BadParameter(f"Orden desconocido: «{req.sort}». Use uno de: {', '.join(SORTS)}.")
    unknown = sorted(set(req.filters) - set(FACETS))
    if unknown:
        raise BadParameter(
            f"Filtro desconocido: {', '.join(unknown)}. Use uno de: {', '.join(FACETS)}."
        )
