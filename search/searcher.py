"""Searching one index generation: a SearchRequest in, a SearchResult (or a stream of hits) out.

A query runs once, unscored, on the doc records (a row mask); filters, year range and facet
counts are numpy operations on the generation's DocTable; only the hits of the page shown are
scored (Whoosh's top-k) and get passages. A most-words query (search/coordination.py) scores
every match while it matches, so its scores are kept and ranked instead. A searcher opened with
an Access (search/access.py) leaves the documents its viewer may not see out of the candidate
set (`_match`, the one place it is formed) before anything is counted, and out of every other
answer (document, similar, related versions, suggestions, missing words).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice

import numpy as np
from whoosh.query import And, Query, Require, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import (
    coordination,
    facets,
    limits,
    matching,
    records,
    schema,
    snippets,
    suggest,
)
from acervo.search.access import PUBLIC, Access
from acervo.search.catalog import DocHistory
from acervo.search.errors import BadParameter, SearchError
from acervo.search.facets import DocRow, DocTable
from acervo.search.models import (
    FACETS,
    MAX_PER_PAGE,
    RESULT_TYPES,
    SORTS,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarDoc,
)
from acervo.search.query import ParsedQuery, parse_query, positive_terms
from acervo.search.similar import key_terms, similar_docnums, similar_in_other_language

EXPORT_BATCH = 500  # hits whose passages are computed together while streaming an export
PARSED_CACHE_QUERIES = 2_000  # parsed queries kept per generation
# The best-ranked documents are ranked again with the score of their best page added (`_ranked`):
# a document whose words stand together on one page (the passage an analyst is after) before one
# that holds them pages apart. benchmarks/README.md, issue 13: the right document first for 53
# of kinds.yaml's 64 queries instead of 50, the judged set's nDCG@10 0.9701 -> 0.9740; and by
# the concepts their best page holds in a most-words query, 53 -> 55; by the most concepts one
# passage holds (snippets.concepts_together), 59 -> 61 and 9 -> 13 of 16 held-out synonym
# queries. Ten: the first page of hits, whose passages then reuse these page scores
# (snippets.PageMemo).
BEST_PAGE_WINDOW = 10
# In a query ranked by how many of its words a document holds, the documents below the first
# page whose words score highest (BM25) are ranked with it by their best passage too: a short
# notice holding three rare words of five on one page is a better answer than a long report
# holding four of them pages apart, and would otherwise wait below every report with four.
# benchmarks/README.md, issue 13, "a third of the words".
BEST_PAGE_CHALLENGERS = 5
OTHER_LANGUAGE_SIMILAR = (
    2  # "más como este" of the other language shown at most (search/similar.py)
)


@dataclass(frozen=True)
class _Matched:
    """The candidate set of a request, formed in one place (`Searcher._match`): the rows the
    query matches that the viewer may see, passing the filters, with the facet counts."""

    parsed: ParsedQuery
    table: DocTable
    kind: str  # what the rows are: doc records, or lesson record units
    selected: np.ndarray  # row mask over `table`
    counts: list[Counter[str]]  # per facet, in FACETS order
    typed: str  # the query as searched, for messages
    scores: np.ndarray | None = None  # per row of `table` (0.0 where not matched); None: match-all
    all_words: int | None = None  # rows holding every typed word (None: all words required)
    # by docnum, the records holding each word of a most-words query (matching.Matches.held)
    held: Mapping[Query, np.ndarray] = field(default_factory=dict)

    @property
    def passage_query(self) -> Query | None:  # None: show each document's excerpt
        return None if self.parsed.match_all else self.parsed.passage_query


class Searcher:
    """Searches one generation; use as a context manager (it holds open index files)."""

    def __init__(
        self,
        whoosh_searcher: WhooshSearcher,
        table: DocTable | None = None,
        record_table: DocTable | None = None,
        history: Mapping[str, DocHistory] | None = None,
        access: Access | None = None,
        release: Callable[[WhooshSearcher], None] | None = None,
        parsed_cache: MutableMapping | None = None,
        term_cache: matching.TermCache | None = None,
        similar_cache: MutableMapping | None = None,
        page_memo: snippets.PageMemo | None = None,
    ) -> None:
        self.whoosh_searcher = whoosh_searcher  # public for benchmarks: plain Whoosh queries
        # an empty table is falsy: test for None
        self.table = DocTable.load(whoosh_searcher) if table is None else table
        self._record_table = record_table  # lesson record units, read on the first records search
        self.history = history or {}  # doc_id -> when it was added/updated (search/catalog.py)
        # None: everything (the shell, ingest); the web always passes the user's Access
        self._hidden = _hidden(self.table, access)  # doc ids the viewer may not see
        self._hidden_docnums = {self.table.by_doc_id[i].docnum for i in self._hidden}
        self._visible: dict[int, np.ndarray] = {}  # id(table) -> rows the viewer may see
        self._release = release  # gives a shared Whoosh searcher back to its generation's pool
        # (query, expand) -> ParsedQuery: shared by the searchers of one generation
        self._parsed = {} if parsed_cache is None else parsed_cache
        # page scores of the best documents (_best_page_first) and passages shown: the
        # generation's (shared by its requests) when given
        self._pages = snippets.PageMemo() if page_memo is None else page_memo
        # docnum -> stored fields of the documents _best_page_first read, until _hits shows them
        self._head_fields: dict[int, dict] = {}
        self._terms = term_cache  # scored posting lists, shared likewise (search/matching.py)
        # documents' translated key words ("más como este" across languages), shared likewise
        self._similar = {} if similar_cache is None else similar_cache

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
        if self._release is not None:
            self._release(self.whoosh_searcher)
            self._release = None
        else:
            self.whoosh_searcher.close()

    def search(self, req: SearchRequest) -> SearchResult:
        """One page of hits. A word found in no document is searched as its spelling
        correction (the result's request holds the corrected query, `corrected_from` the typed
        one) unless `req.correct` is off; then the correction is only suggested."""
        with limits.budget():  # one deadline for the whole search (the caller's, if it set one)
            return self._search(req)

    def _search(self, req: SearchRequest) -> SearchResult:
        _validate(req)
        typed = req.query
        corrected = self._correction(req) if req.correct else None
        if corrected is not None:
            req = replace(req, query=corrected)
        matched = self._match(req)
        start = (req.page - 1) * req.per_page
        shown = self._page(matched, req.sort, start, start + req.per_page)
        hits = self._with_missing(self._hits(shown, matched, snippets.PASSAGES_PER_DOC), matched)
        total = int(matched.selected.sum())
        return SearchResult(
            request=req,
            total=total,
            hits=tuple(hits),
            facets=facets.facet_groups(matched.counts, req.filters),
            expansions=matched.parsed.expansions,
            suggestion=None if req.correct else self._suggestion(req, total),
            all_words_total=matched.all_words,
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
        """Más como este: the `limit` documents most like `doc_id` by key terms (no passages):
        those of its language, then up to OTHER_LANGUAGE_SIMILAR of the other language (English
        for a Spanish document and the reverse) through its translated key words."""
        if doc_id in self._hidden:
            return ()
        searcher, hidden = self.whoosh_searcher, self._hidden_docnums
        keys = key_terms(searcher, doc_id)
        with limits.budget():  # the other language's checks stop at the request's deadline
            across = similar_in_other_language(
                searcher, keys, OTHER_LANGUAGE_SIMILAR, hidden, self._similar
            )
        across = across[: max(0, limit - 1)]  # at least one of its own language, if any
        found = similar_docnums(searcher, keys, limit - len(across), hidden) + across
        return tuple(
            _hit(self.whoosh_searcher.stored_fields(docnum), score=score, passages=())
            for docnum, score in found
        )

    def iter_hits(self, req: SearchRequest) -> Iterator[SearchHit]:
        """Every matching hit, best first, each with its best passage, in batches (exports)."""
        yield from self.export_hits(req)[1]

    def export_hits(self, req: SearchRequest) -> tuple[int, Iterator[SearchHit]]:
        """How many documents match `req`, and `iter_hits`'s stream of them: the search runs
        now (a bad query raises here, before anything is written), the passages as the stream
        is read."""
        _validate(req)
        # an export's own memo: its thousands of documents would push the shared memo's out
        self._pages = snippets.PageMemo()
        started = time.monotonic()  # one deadline for the whole export, checked batch by batch
        with limits.budget(limits.EXPORT_TIME_S, started):
            matched = self._match(req)
            ranked = self._all_ranked(matched, req.sort)
        return len(ranked), self._hit_batches(iter(ranked), matched, started)

    def _hit_batches(
        self, ranked: Iterator[tuple[DocRow, float]], matched: _Matched, started: float
    ) -> Iterator[SearchHit]:
        while True:
            with limits.budget(limits.EXPORT_TIME_S, started):
                batch = self._hits(list(islice(ranked, EXPORT_BATCH)), matched, per_doc=1)
            if not batch:
                return
            yield from batch

    def count(self, req: SearchRequest) -> int:
        """How many documents match `req` (no passages, no page, no scores): cheap "what if"."""
        _validate(req)
        with limits.budget():
            return int(self._match(req).selected.sum())

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
        with limits.budget():
            matched = self._match(replace(req, filters=others))
        r, c = FACETS.index(row_facet), FACETS.index(col_facet)
        pairs: Counter[tuple[str, str]] = Counter()
        for position in np.flatnonzero(matched.selected):
            row = matched.table.ordered[position]
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
        row = self.table.by_doc_id.get(doc_id)
        if row is None or doc_id in self._hidden:
            return None
        fields = self.whoosh_searcher.stored_fields(row.docnum)
        return self._with_related(_hit(fields, score=0.0, passages=()), row)

    # ---- the candidate set ---------------------------------------------------------------

    def _match(self, req: SearchRequest) -> _Matched:
        """The one place where a request's candidate rows are formed (then counted, ranked)."""
        return self._matched(req, self._parse(req))

    def _matched(self, req: SearchRequest, parsed: ParsedQuery) -> _Matched:
        table, kind = self.table, schema.DOC
        if req.result_type == "records":  # the same query and filters on lesson records
            parsed, table, kind = records.for_records(parsed), self.record_table, schema.RECORD
        scores, held = None, {}
        if parsed.match_all:
            matched = table.mask()
        else:  # every match and its score in one pass (search/matching.py)
            only = Require(parsed.doc_query, Term("kind", kind))
            found = matching.match(self.whoosh_searcher, only, req.query, self._terms)
            matched, scores = found.mask[table.docnums], found.scores[table.docnums]
            held = found.held
        if self._hidden:  # the one place access is applied: before any count
            matched &= self._visible_rows(table)
        cutoffs = [req.updated_after] if req.updated_after is not None else []
        if req.added_within is not None:
            cutoffs.append(time.time() - req.added_within * 86400)
        if cutoffs:
            cutoff = max(cutoffs)
            matched &= np.array([self._updated(r.doc_id) > cutoff for r in table.ordered])
        selection = facets.counts(table, matched, req.filters, (req.year_from, req.year_to))
        all_words = None
        if parsed.relaxed_words and scores is not None:
            every_word = coordination.has_every_word(scores[selection.selected])
            all_words = int(np.count_nonzero(every_word))
        return _Matched(
            parsed, table, kind, selection.selected, selection.counts, req.query,
            scores, all_words, held,
        )  # fmt: skip

    def _visible_rows(self, table: DocTable) -> np.ndarray:
        if id(table) not in self._visible:
            hidden = self._hidden
            self._visible[id(table)] = np.array([r.doc_id not in hidden for r in table.ordered])
        return self._visible[id(table)]

    def _parse(self, req: SearchRequest) -> ParsedQuery:
        """The parsed query, from this generation's cache when the same text was searched."""
        key = (req.query, req.expand)
        parsed = self._parsed.get(key)
        if parsed is None:
            limits.check_query_size(req.query)  # refuse before doing any work
            parsed = parse_query(req.query, expand=req.expand)
            if len(self._parsed) >= PARSED_CACHE_QUERIES:
                self._parsed.clear()  # a simple bound; dict operations are atomic under the GIL
            self._parsed[key] = parsed
        return parsed

    def _updated(self, doc_id: str) -> float:
        """When the document was last added or updated (0: an index from before history)."""
        found = self.history.get(doc_id)
        return found.updated if found else 0.0

    # ---- ranking only what is shown ------------------------------------------------------

    def _page(self, m: _Matched, sort: str, start: int, end: int) -> list[tuple[DocRow, float]]:
        """The rows at [start, end) of the selection in `sort` order, with their scores."""
        return self._with_scores(m, self._ranked(m, sort)[start:end])

    def _all_ranked(self, m: _Matched, sort: str) -> list[tuple[DocRow, float]]:
        """Every selected row in `sort` order with its score (exports: everything is shown)."""
        return self._with_scores(m, self._ranked(m, sort))

    def _ranked(self, m: _Matched, sort: str) -> np.ndarray:
        """Positions of the selected rows in `sort` order.

        Relevance: best score first. Other orders: their key (year, title, ingest time), then
        score; in every order the documents with every typed word before those with most of
        them (search/coordination.py). Remaining ties: the stable docnum order. A match-all
        query has no scores: relevance is the table's own order (year desc, then title).
        """
        positions = np.flatnonzero(m.selected)
        if m.scores is None and sort == "relevance":
            return positions
        columns = [m.table.docnums[positions]]  # np.lexsort: the last column sorts first
        if m.scores is not None:
            scores = m.scores[positions]
            columns.append(-scores)
        if sort != "relevance":
            columns.append(self._sort_keys(m.table, sort)[positions])
            if m.scores is not None:
                columns.append(~coordination.has_every_word(scores))
        ranked = positions[np.lexsort(columns)]
        return self._best_page_first(m, ranked) if sort == "relevance" else ranked

    def _best_page_first(self, m: _Matched, ranked: np.ndarray) -> np.ndarray:
        """The first BEST_PAGE_WINDOW positions ranked again with their best page (search/
        snippets.py page_scores: the most of the query's concepts, then the BM25 of its words):
        by their score plus the best page's BM25, far below a most-words tier step. In a
        most-words query, the BEST_PAGE_CHALLENGERS positions below them with the highest plain
        score join them, and they come by the most concepts one passage of theirs holds
        (snippets.concepts_together), then by that score: the passage an analyst is after holds
        most of the words together, and a document holding every word pages apart is weaker
        evidence than one whose passage says one of them otherwise (benchmarks/README.md, issue
        13, "the query's concepts together")."""
        head, rest = ranked[:BEST_PAGE_WINDOW], ranked[BEST_PAGE_WINDOW:]
        if m.kind != schema.DOC or m.passage_query is None or m.scores is None or len(head) < 2:
            return ranked
        if m.parsed.relaxed_words and len(rest):
            strongest = np.argsort(-coordination.plain_score(m.scores[rest]), kind="stable")
            challengers = np.sort(strongest[:BEST_PAGE_CHALLENGERS])
            head, rest = np.concatenate([head, rest[challengers]]), np.delete(rest, challengers)
        docnums = m.table.docnums[head]
        stored = [self.whoosh_searcher.stored_fields(d) for d in docnums.tolist()]
        self._head_fields = dict(zip(docnums.tolist(), stored, strict=True))
        docs = [snippets.hit_doc(f, n) for f, n in zip(stored, docnums.tolist(), strict=True)]
        pages = snippets.page_scores(self.whoosh_searcher, m.passage_query, docs, self._pages)
        best = [max(pages.get(doc.doc_id, {}).values(), default=0.0) for doc in docs]
        page_bm25 = np.array([snippets.plain_page_score(b) for b in best])
        scores = m.scores[head]
        if m.parsed.relaxed_words:
            found = snippets.concepts_together(
                self.whoosh_searcher, m.passage_query, docs, self._pages
            )
            together = np.array([found.get(doc.doc_id, 0) for doc in docs])
            plain = coordination.plain_score(scores) + page_bm25
            keys = (docnums, -plain, -together)
        else:
            keys = (docnums, -(scores + page_bm25))
        return np.concatenate([head[np.lexsort(keys)], rest])

    @staticmethod
    def _with_scores(m: _Matched, positions: np.ndarray) -> list[tuple[DocRow, float]]:
        scores = m.scores[positions].tolist() if m.scores is not None else [0.0] * len(positions)
        return [(m.table.ordered[p], s) for p, s in zip(positions.tolist(), scores, strict=True)]

    def _sort_keys(self, table: DocTable, sort: str) -> np.ndarray:
        if sort == "added":  # newest ingest first; read from this generation's catalog
            return np.array([-self._updated(row.doc_id) for row in table.ordered])
        return table.sort_keys[sort]

    # ---- hits ----------------------------------------------------------------------------

    def _hits(
        self, ranked: Sequence[tuple[DocRow, float]], m: _Matched, per_doc: int
    ) -> list[SearchHit]:
        rows = [row for row, _ in ranked]
        scores = {row.docnum: score for row, score in ranked}
        if m.kind == schema.RECORD:
            return records.record_hits(self.whoosh_searcher, rows, scores, m.passage_query)
        head, self._head_fields = self._head_fields, {}  # read once, for the page shown next
        stored = [
            head.get(row.docnum) or self.whoosh_searcher.stored_fields(row.docnum) for row in rows
        ]
        found = snippets.passages(
            self.whoosh_searcher,
            m.passage_query,
            (snippets.hit_doc(f, row.docnum) for f, row in zip(stored, rows, strict=True)),
            per_doc=per_doc,
            memo=self._pages,
        )
        return [
            self._with_related(_hit(fields, scores[row.docnum], found[fields["doc_id"]]), row)
            for row, fields in zip(rows, stored, strict=True)
        ]

    def _with_missing(self, hits: list[SearchHit], m: _Matched) -> list[SearchHit]:
        """The hits shown, each lacking some of the typed words with those words (`missing`),
        as search engines say "Falta: …" under such a result: in a query ranked by how many of
        its words a document holds, a hit may hold only a third of them."""
        if m.kind != schema.DOC or not m.held or not hits:
            return hits
        docnums = [self.table.by_doc_id[hit.id].docnum for hit in hits]
        held = [
            (typed, m.held[query][docnums])
            for typed, query in m.parsed.relaxed_parts
            if query in m.held
        ]
        return [
            replace(hit, missing=lacks) if (lacks := tuple(t for t, f in held if not f[i])) else hit
            for i, hit in enumerate(hits)
        ]

    def _with_related(self, hit: SearchHit, row: DocRow) -> SearchHit:
        """The hit with its near duplicates (other versions) and its translations (editions in
        another language), from the generation's table: no query per hit."""
        similar, translations = (self._related(row, i) for i in range(len(facets.RELATED_FIELDS)))
        if not (similar or translations):
            return hit
        return replace(hit, similar=similar, translations=translations)

    def _related(self, row: DocRow, field: int) -> tuple[SimilarDoc, ...]:
        related = []
        for other_row in self.table.related(row, field):
            if other_row.doc_id in self._hidden:
                continue
            other = self.whoosh_searcher.stored_fields(other_row.docnum)
            path = (other.get("paths") or [""])[0]
            title, language = other.get("title", ""), other.get("language", "")
            related.append(SimilarDoc(other["doc_id"], title, path, language))
        return tuple(related)


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
