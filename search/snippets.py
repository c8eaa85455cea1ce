"""Best passages of the hits shown: the best-scoring pages of each document, highlighted.

Only the documents of the current result page (or of one export batch) are looked at. A hit's
pages are scored from its doc record's own term positions: the indexer stores where each page's
terms start and end (`page_starts`, search/indexer.py analyse_body), so each query term's
positions in the document map to pages by bisection, and each page gets a BM25 score of the
passage query's words on it (tf saturation, the page's length against the document's average
page, idf; phrases only where their words stand together, AND groups only where all of them
are), ranked first by how many of the query's distinct concepts the page holds (`_Concepts`: a
typed word with its thesaurus forms and translations is one). The best pages' stored text (page
records) is then highlighted, so each passage carries its page number and a hit deep in a long
document is found (PITFALLS: Whoosh's fragmenter stops at 32,768 characters of a text).
"""

from __future__ import annotations

import html
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, compress, count

from whoosh.analysis import Analyzer, CompositeAnalyzer, StopFilter, Token, Tokenizer
from whoosh.highlight import (
    BasicFragmentScorer,
    ContextFragmenter,
    Fragment,
    HtmlFormatter,
    set_matched_filter,
    top_fragments,
)
from whoosh.query import And, CompoundQuery, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import matching, schema
from acervo.search.analysis import TOKEN_PATTERN, CachedChainAnalyzer
from acervo.search.coordination import Concepts
from acervo.search.models import Passage

PASSAGES_PER_DOC = 3
FRAGMENT_CHARS = 300  # longest passage shown
CONTEXT_CHARS = 80  # context kept around the first and last matched word
# Pages are short but some extractors give one huge "page" (TXT, HTML): look at all of it.
CHAR_LIMIT = 10_000_000
BODIES = (schema.text_fields("es")[1], schema.text_fields("en")[1])
# BM25 of a page (Whoosh's BM25F defaults): term-frequency saturation, length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75
# Added to a page's score per distinct concept of the query it holds: far above any BM25 sum
# of a page (benchmarks/README.md, issue 13, "the concepts a page holds").
CONCEPT_STEP = 10_000.0
# How far apart, in word positions (stop words not counted), the query's concepts may stand and
# still count as found together (`concepts_together`): about a paragraph, the passage an analyst
# reads (benchmarks/README.md, issue 13, "the query's concepts together").
TOGETHER_SPAN = 50


@dataclass(frozen=True)
class HitDoc:
    """What snippets needs of a hit: its id, language, fallback excerpt (page, text) and where
    its pages' terms lie in its body ((page, first position, end position); empty for an index
    written before the doc records held them: the excerpt is shown until the next ingest), and
    the docnum of its doc record when the caller knows it (the searcher's DocTable does): its
    records are then found from it, not looked up by `doc_id`."""

    doc_id: str
    language: str
    excerpt: tuple[int, str]
    page_starts: tuple[tuple[int, int, int], ...] = ()
    docnum: int | None = None


def passages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Iterable[HitDoc],
    per_doc: int = PASSAGES_PER_DOC,
    memo: PageMemo | None = None,
) -> dict[str, tuple[Passage, ...]]:
    """doc_id -> up to `per_doc` passages, best page first; the excerpt when no page matches.
    `memo`: page scores already computed for this query (`page_scores` with the same memo),
    and the passages it already holds."""
    docs = list(docs)
    result = memo.shown(passage_query, per_doc, docs) if memo is not None else {}
    docs = [doc for doc in docs if doc.doc_id not in result]
    if not docs:
        return result
    found = _best_pages(searcher, passage_query, docs, per_doc, memo)
    matchers = _matchers(searcher, passage_query)
    made = {}
    for doc in docs:
        field = schema.text_fields(doc.language)[1]
        words = matchers[field]
        highlighted = (
            _highlight(page.number, page.text, words, page.matches(field, words.terms))
            for page in found.get(doc.doc_id, ())
        )
        shown = tuple(p for p in highlighted if p is not None)
        made[doc.doc_id] = shown or (excerpt_passage(doc.excerpt),)
    if memo is not None:
        memo.keep_shown(passage_query, per_doc, made)
    return {**result, **made}


def page_scores(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Sequence[HitDoc],
    memo: PageMemo | None = None,
) -> dict[str, dict[int, float]]:
    """doc_id -> {page number: score} of the pages of each doc where `passage_query` matches."""
    found = _scored(searcher, passage_query, docs, memo)
    return {doc_id: scored.scores for doc_id, scored in found.items()}


def concepts_together(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Sequence[HitDoc],
    memo: PageMemo | None = None,
) -> dict[str, int]:
    """doc_id -> the most of the query's distinct concepts (coordination.Concepts) that one
    stretch of TOGETHER_SPAN word positions on one page of the document holds."""
    found = _scored(searcher, passage_query, docs, memo)
    return {doc_id: scored.together for doc_id, scored in found.items()}


@dataclass(frozen=True)
class _Scored:
    """What a document's pages gave for a query: each matching page's score, the docnums of
    the records that follow its doc record, where the query's words (and the highlighter's)
    stand in it ((field, term) -> positions), and `concepts_together`, worked out when first
    asked (the first page of a search asks; an export's passages do not)."""

    scores: dict[int, float]
    after: list[int]
    positions: Mapping[tuple[str, str], list[int]]
    _pages: _DocPages
    _tree: _Leaf | _Phrase | _Group | _Concepts
    _by_index: dict[int, float]  # the scores by page index in `_pages`

    @cached_property
    def together(self) -> int:
        if not isinstance(self._tree, _Concepts):
            return 0
        return self._tree.together(self._pages, self._by_index)


class PageMemo:
    """Page scores and passages of documents for a query, kept for later calls: the searcher
    ranks its best documents by their best page, then shows passages of the same pages.

    A searcher's own memo lives for one request. The index store keeps one per generation
    (`shared`), used by the searches of all its requests: a document's page scores and
    passages for a query depend only on the document, the query and the generation's words
    and statistics, which a committed generation never changes, and never on who searches (a
    viewer's Access decides which documents are looked at, before any of this). Entries are
    kept by the query's value (the generation's parsed-query cache gives equal queries), at
    most `max_entries` (query, document) pairs of each kind; past that it starts over (a new
    dict: other threads may be reading the old one)."""

    MAX_ENTRIES = 1_000  # a searcher's own memo
    SHARED_MAX_ENTRIES = 5_000  # one generation's: about 20 MB of passages at most

    def __init__(self, shared: bool = False) -> None:
        self.max_entries = self.SHARED_MAX_ENTRIES if shared else self.MAX_ENTRIES
        self._lock = threading.Lock()  # one writer at a time (readers need none)
        # "found": query -> doc_id -> its `_Scored`; "shown": (query, passages per document)
        # -> doc_id -> its passages
        self._memos: dict[str, dict[object, dict[str, object]]] = {"found": {}, "shown": {}}
        self._sizes = {"found": 0, "shown": 0}

    def scored(self, searcher, passage_query: Query, docs: Sequence[HitDoc]) -> dict:
        known = self._memos["found"].get(passage_query, {})
        todo = [d for d in docs if d.doc_id not in known]
        found = _score_pages(searcher, passage_query, todo) if todo else {}
        if found:
            self._keep("found", passage_query, found)
        return {**{d.doc_id: known[d.doc_id] for d in docs if d.doc_id in known}, **found}

    def shown(
        self, passage_query: Query | None, per_doc: int, docs: Sequence[HitDoc]
    ) -> dict[str, tuple[Passage, ...]]:
        """doc_id -> the passages kept for these documents (those it has)."""
        known = self._memos["shown"].get((passage_query, per_doc), {})
        return {d.doc_id: known[d.doc_id] for d in docs if d.doc_id in known}

    def keep_shown(
        self, passage_query: Query | None, per_doc: int, made: Mapping[str, tuple[Passage, ...]]
    ) -> None:
        self._keep("shown", (passage_query, per_doc), made)

    def _keep(self, kind: str, key: object, values: Mapping) -> None:
        """`values` added under `key`; past `max_entries` the memo starts over."""
        with self._lock:
            if self._sizes[kind] + len(values) > self.max_entries:
                self._memos[kind], self._sizes[kind] = {}, 0
            self._memos[kind].setdefault(key, {}).update(values)
            self._sizes[kind] += len(values)


def _scored(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Sequence[HitDoc],
    memo: PageMemo | None = None,
) -> dict[str, _Scored]:
    """doc_id -> its pages' scores for the query (`_Scored`)."""
    if memo is not None and passage_query is not None:
        return memo.scored(searcher, passage_query, docs)
    return _score_pages(searcher, passage_query, docs)


def _score_pages(
    searcher: WhooshSearcher, passage_query: Query | None, docs: Sequence[HitDoc]
) -> dict[str, _Scored]:
    docs = [doc for doc in docs if doc.page_starts]
    if passage_query is None or not docs:
        return {}
    reader = searcher.reader()
    tree = _page_query(passage_query, reader)
    if tree is None:
        return {}
    located = _located(reader, docs)
    if not located:
        return {}
    # a doc record's words are in its language's body field only (indexer.analyse_body): a
    # term is looked for in the documents of its field's language, not in every one
    by_field: dict[str, list[int]] = {}
    for doc in docs:
        if doc.doc_id in located:
            field = schema.text_fields(doc.language)[1]
            by_field.setdefault(field, []).append(located[doc.doc_id][0])
    for docnums in by_field.values():
        docnums.sort()
    # the highlighter's words too: it counts them on the page shown (`_PageText.matches`)
    highlighted = _query_terms(searcher, passage_query)
    terms = set(tree.terms()).union((f, t) for f, texts in highlighted.items() for t in texts)
    found = _positions(reader, terms, by_field)
    scored = {}
    for doc in docs:
        if doc.doc_id not in located:
            continue
        docnum, *after = located[doc.doc_id]
        at = {term: by_doc[docnum] for term, by_doc in found.items() if docnum in by_doc}
        pages = _DocPages(doc.page_starts, at, searcher.idf)
        by_index = tree.scores(pages)
        pages.idf = None  # scored: a memo keeping `pages` for `together` keeps no searcher
        scores = {pages.numbers[i]: score for i, score in by_index.items()}
        scored[doc.doc_id] = _Scored(scores, after, at, pages, tree, by_index)
    return scored


def _located(reader: IndexReader, docs: Sequence[HitDoc]) -> dict[str, list[int]]:
    """doc_id -> docnums of its doc record and of its page records (`_records`). With its
    doc record's docnum known, a document's page records are taken to be the records right
    after it, one per `page_starts` entry (`_page_texts` checks each record it reads and looks
    them up by `doc_id` if one is not): no lookup per hit, which was a fifth of an export."""
    located = {
        doc.doc_id: list(range(doc.docnum, doc.docnum + 1 + len(doc.page_starts)))
        for doc in docs
        if doc.docnum is not None
    }
    unknown = [doc.doc_id for doc in docs if doc.docnum is None]
    return {**located, **_records(reader, unknown)} if unknown else located


def _records(reader: IndexReader, doc_ids: Iterable[str]) -> dict[str, list[int]]:
    """doc_id -> docnums of its doc record and of the records after it (its page records, in
    `page_starts` order, then its lessons-learned records: GenerationWriter.add writes them in
    that order, and Whoosh keeps a segment's order when it merges); documents not indexed are
    left out. Read from each document's few `doc_id` postings and one pass over the `kind:doc`
    postings (a query intersecting the two cost about a millisecond per hit)."""
    if ("kind", schema.DOC) not in reader:
        return {}
    ids = {}
    for doc_id in doc_ids:
        if ("doc_id", doc_id) in reader:
            ids[doc_id] = list(reader.postings("doc_id", doc_id).all_ids())
    ids = {doc_id: records for doc_id, records in ids.items() if records}  # all deleted
    doc_records = reader.postings("kind", schema.DOC)
    found = {}
    # A document's records are contiguous, so in order of their first docnum the documents'
    # candidates ascend and one matcher skips forward through them all.
    for doc_id, records in sorted(ids.items(), key=lambda item: item[1][0]):
        for i, docnum in enumerate(records):
            if doc_records.is_active() and doc_records.id() < docnum:
                doc_records.skip_to(docnum)
            if not doc_records.is_active():
                return found
            if doc_records.id() == docnum:
                found[doc_id] = records[i:]
                break
    return found


def _best_pages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Sequence[HitDoc],
    per_doc: int,
    memo: PageMemo | None = None,
) -> dict[str, list[_PageText]]:
    """doc_id -> its best-scoring matching pages, best first."""
    spans = {doc.doc_id: doc.page_starts for doc in docs}
    best = {}
    for doc_id, scored in _scored(searcher, passage_query, docs, memo).items():
        scores = scored.scores
        shown = sorted(scores, key=lambda page: (-scores[page], page))[:per_doc]
        where = {number: (first, end) for number, first, end in spans[doc_id]}
        best[doc_id] = [
            _PageText(number, text, scored.positions, *where[number])
            for number, text in _page_texts(searcher, doc_id, shown, spans[doc_id], scored.after)
        ]
    return best


@dataclass(frozen=True)
class _PageText:
    """A page to highlight: its number and text, and where its words lie among the positions
    of the query's words in its document (`positions`, positions `first` to `end`)."""

    number: int
    text: str
    positions: Mapping[tuple[str, str], list[int]]
    first: int
    end: int

    def matches(self, field: str, terms: frozenset[str]) -> int:
        """How many of the page's words are `terms` of `field` (the index's own count)."""
        return sum(
            bisect_left(found, self.end) - bisect_left(found, self.first)
            for (in_field, term), found in self.positions.items()
            if in_field == field and term in terms
        )


def _page_texts(
    searcher: WhooshSearcher,
    doc_id: str,
    numbers: list[int],
    spans: Sequence[tuple[int, int, int]],
    after: list[int],
) -> list[tuple[int, str]]:
    """(page number, stored text) of these pages, in the order of `numbers`: the k-th page of
    `spans` is the k-th record after the doc record (checked; else looked for among the
    document's records, found by `doc_id`)."""
    where = {number: k for k, (number, _, _) in enumerate(spans)}
    texts = []
    for number in numbers:
        k = where[number]
        fields = _record_fields(searcher, after[k]) if k < len(after) else {}
        if (
            fields.get("kind") != schema.PAGE
            or fields.get("page") != number
            or fields.get("doc_id") != doc_id
        ):
            after = _records(searcher.reader(), [doc_id]).get(doc_id, [None])[1:]
            records = map(searcher.stored_fields, after)
            fields = next(
                (f for f in records if f.get("kind") == schema.PAGE and f.get("page") == number),
                {},
            )
        if fields:
            texts.append((number, fields.get("text", "")))
    return texts


def _record_fields(searcher: WhooshSearcher, docnum: int) -> dict:
    """The stored fields of a live record; {} for a deleted or missing one."""
    reader = searcher.reader()
    if docnum >= reader.doc_count_all() or reader.is_deleted(docnum):
        return {}
    return searcher.stored_fields(docnum)


def _positions(
    reader: IndexReader, terms: set[tuple[str, str]], docnums: Mapping[str, list[int]]
) -> dict[tuple[str, str], dict[int, list[int]]]:
    """(field, term) -> {docnum: positions of the term in that doc record} for the doc records
    `docnums[field]` (ascending): one posting list read per term, skipping to each doc in turn."""
    found: dict[tuple[str, str], dict[int, list[int]]] = {}
    for field, text in terms:
        if field not in docnums or (field, text) not in reader:
            continue
        matcher = reader.postings(field, text)
        at = found[(field, text)] = {}
        for docnum in docnums[field]:
            if not matching.skip_to(matcher, docnum):
                break
            if matcher.id() == docnum:
                at[docnum] = matcher.value_as("positions")
    return found


class _DocPages:
    """One document's pages (from its `page_starts`) and its query terms' positions."""

    def __init__(
        self,
        spans: Sequence[tuple[int, int, int]],
        positions: Mapping[tuple[str, str], list[int]],
        idf,  # noqa: ANN001 (Searcher.idf: (field, text) -> float)
    ) -> None:
        self.numbers = [number for number, _, _ in spans]
        self.starts = [start for _, start, _ in spans]
        self.lengths = [end - start for _, start, end in spans]
        with_terms = [length for length in self.lengths if length] or [1]
        self.average = sum(with_terms) / len(with_terms)
        self.positions = positions
        self.idf = idf

    def page_of(self, position: int) -> int:
        """Index (in `numbers`) of the page holding the term at `position`."""
        return bisect_right(self.starts, position) - 1

    def counts(self, positions: Sequence[int]) -> dict[int, int]:
        """Page index -> how many of `positions` (ascending) it holds, for the pages holding
        any, in order: two bisections a page instead of one per position."""
        found: dict[int, int] = {}
        if not positions:
            return found
        starts, lo = self.starts, 0
        for page in range(self.page_of(positions[0]), self.page_of(positions[-1]) + 1):
            last = page + 1 == len(starts)
            hi = len(positions) if last else bisect_left(positions, starts[page + 1], lo)
            if hi > lo:
                found[page] = hi - lo
            lo = hi
        return found

    def bm25(self, counts: Mapping[int, int], idf: float, boost: float) -> dict[int, float]:
        """page index -> BM25 of a word found `counts[page]` times on each page."""
        scores = {}
        for page, tf in counts.items():
            norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[page] / self.average)
            scores[page] = boost * idf * tf * (BM25_K1 + 1) / (tf + norm)
        return scores


class _Leaf:
    """A word of the passage query on one body field."""

    def __init__(self, field: str, text: str, boost: float) -> None:
        self.field, self.text, self.boost = field, text, boost

    def terms(self) -> Iterator[tuple[str, str]]:
        yield (self.field, self.text)

    def scores(self, doc: _DocPages) -> dict[int, float]:
        positions = doc.positions.get((self.field, self.text), ())
        return doc.bm25(doc.counts(positions), doc.idf(self.field, self.text), self.boost)

    def positions_in(self, doc: _DocPages, start: int, end: int) -> list[int]:
        """Where the word stands in [start, end)."""
        positions = doc.positions.get((self.field, self.text), [])
        return positions[bisect_left(positions, start) : bisect_left(positions, end)]


class _Phrase:
    """Words that count where they stand in order, at most `slop` positions apart."""

    def __init__(self, field: str, words: Sequence[str], slop: int, boost: float) -> None:
        self.field, self.words, self.slop, self.boost = field, list(words), slop, boost

    def terms(self) -> Iterator[tuple[str, str]]:
        return ((self.field, word) for word in self.words)

    def scores(self, doc: _DocPages) -> dict[int, float]:
        lists = [doc.positions.get((self.field, word), []) for word in self.words]
        starts = [start for start in lists[0] if self._follows(start, lists[1:])]
        idf = sum(doc.idf(self.field, word) for word in self.words)
        return doc.bm25(doc.counts(starts), idf, self.boost)

    def _follows(self, start: int, rest: list[list[int]]) -> bool:
        at = start
        for positions in rest:
            i = bisect_left(positions, at + 1)
            if i == len(positions) or positions[i] > at + self.slop:
                return False
            at = positions[i]
        return True

    def positions_in(self, doc: _DocPages, start: int, end: int) -> list[int]:
        """Where the phrase starts in [start, end)."""
        lists = [doc.positions.get((self.field, word), []) for word in self.words]
        first = lists[0][bisect_left(lists[0], start) : bisect_left(lists[0], end)]
        return [at for at in first if self._follows(at, lists[1:])]


class _Group:
    """An OR (pages matching any part, their scores added) or an AND (pages matching all)."""

    def __init__(self, parts: list, every: bool) -> None:
        self.parts, self.every = parts, every

    def terms(self) -> Iterator[tuple[str, str]]:
        for part in self.parts:
            yield from part.terms()

    def positions_in(self, doc: _DocPages, start: int, end: int) -> list[int]:
        return [at for part in self.parts for at in part.positions_in(doc, start, end)]

    def scores(self, doc: _DocPages) -> dict[int, float]:
        each = [part.scores(doc) for part in self.parts]
        pages = set.intersection(*map(set, each)) if self.every else set().union(*each)
        return {page: sum(scores.get(page, 0.0) for scores in each) for page in pages}


class _Concepts:
    """The passage query's concepts (coordination.Concepts): a page scores the BM25 sum of
    their words plus CONCEPT_STEP for each distinct concept it holds, so a page holding more of
    them comes first, however often another page repeats one frequent word (`concepts_held`)."""

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def terms(self) -> Iterator[tuple[str, str]]:
        for part in self.parts:
            yield from part.terms()

    def scores(self, doc: _DocPages) -> dict[int, float]:
        each = [part.scores(doc) for part in self.parts]
        pages = set().union(*each)
        return {
            page: sum(s.get(page, 0.0) for s in each) + CONCEPT_STEP * sum(page in s for s in each)
            for page in pages
        }

    def together(self, doc: _DocPages, scores: Mapping[int, float]) -> int:
        """The most distinct concepts within TOGETHER_SPAN positions of each other on one page,
        given the pages' `scores`: pages holding no more concepts than already found together
        are not looked at."""
        most = 0
        for page in sorted(scores, key=lambda page: -scores[page]):
            if concepts_held(scores[page]) <= most:
                break
            start = doc.starts[page]
            end = start + doc.lengths[page]
            found = sorted(
                (at, concept)
                for concept, part in enumerate(self.parts)
                for at in part.positions_in(doc, start, end)
            )
            most = max(most, _most_within(found, TOGETHER_SPAN))
        return most


def _most_within(found: list[tuple[int, int]], span: int) -> int:
    """The most distinct concepts of (position, concept) pairs, in position order, that a
    stretch of `span` positions holds."""
    inside: Counter[int] = Counter()
    most, first = 0, 0
    for at, concept in found:
        inside[concept] += 1
        while at - found[first][0] > span:
            left = found[first][1]
            inside[left] -= 1
            if not inside[left]:
                del inside[left]
            first += 1
        most = max(most, len(inside))
    return most


def concepts_held(score: float) -> int:
    """How many of the query's concepts a page with this score (`page_scores`) holds."""
    return int(score // CONCEPT_STEP)


def plain_page_score(score: float) -> float:
    """A page's score without its concepts' tier: the BM25 of the query's words on it."""
    return score % CONCEPT_STEP


def _page_query(query: Query, reader: IndexReader) -> _Leaf | _Phrase | _Group | None:
    """The passage query as page scorers: words on body fields; prefixes, wildcards and fuzzy
    words expanded to the index's terms (Whoosh's `simplify`); None when nothing is left."""
    if isinstance(query, Concepts):
        parts = [p for p in (_page_query(q, reader) for q in query.subqueries) if p is not None]
        return _Concepts(parts) if parts else None
    if isinstance(query, Term):
        if query.fieldname not in BODIES:
            return None
        text = query.text.decode("utf-8") if isinstance(query.text, bytes) else query.text
        return _Leaf(query.fieldname, text, query.boost)
    if isinstance(query, Phrase):
        if query.fieldname not in BODIES:
            return None
        return _Phrase(query.fieldname, query.words, query.slop, query.boost)
    if isinstance(query, CompoundQuery):
        parts = [p for p in (_page_query(q, reader) for q in query.children()) if p is not None]
        every = isinstance(query, And)
        if not parts or (every and len(parts) < len(query.subqueries)):
            return None
        return parts[0] if len(parts) == 1 else _Group(parts, every)
    simpler = query.simplify(reader)  # Prefix, SurfaceQuery... -> their words in the index
    if simpler is query or type(simpler) is type(query):
        return None
    return _page_query(simpler, reader)


def _matchers(searcher: WhooshSearcher, passage_query: Query | None) -> dict[str, _WordMatcher]:
    """Body field -> the matcher of the query's words on it, for pages in its language: each
    only with its own field's terms (a Spanish page's `de` is not the English `de` of a
    phrase's translation)."""
    terms = _query_terms(searcher, passage_query)
    return {
        field: _WordMatcher(searcher.schema[field].analyzer, terms.get(field, frozenset()))
        for field in BODIES
    }


def _query_terms(
    searcher: WhooshSearcher, passage_query: Query | None
) -> dict[str, frozenset[str]]:
    """Body field -> indexed forms of the query's words on it, prefixes and wildcards expanded
    against the index."""
    if passage_query is None:
        return {}
    reader = searcher.reader()
    # One leaf at a time: Query.existing_terms reuses its `fieldname` argument as a loop
    # variable (whoosh 2.7.5), so on a whole tree it skips every field after the first one.
    pairs = (
        pair for leaf in passage_query.leaves() for pair in leaf.existing_terms(reader, expand=True)
    )
    found: dict[str, set[str]] = {}
    for field, text in pairs:
        if field in BODIES:
            found.setdefault(field, set()).add(
                text.decode("utf-8") if isinstance(text, bytes) else text
            )
    return {field: frozenset(texts) for field, texts in found.items()}


def _highlight(
    page: int, text: str, words: _WordMatcher, matches: int | None = None
) -> Passage | None:
    """The best fragment of a page, as escaped HTML with <mark> and as the same plain text.
    `matches`: how many of its words are query words, when the index has told."""
    fragment = words.best_fragment(text, matches)
    return _passage(page, fragment) if fragment is not None else None


@dataclass(frozen=True)
class _Located:
    """The words of a page, or of a stretch of it, in order: where each starts and ends in the
    page (`bounds[2 * i]`, `bounds[2 * i + 1]`), which are query words (`hits`, ascending word
    numbers), and whether the page has more text before and after the stretch."""

    words: list[str]
    bounds: list[int]
    hits: list[int]
    more_before: bool = False
    more_after: bool = False

    def match(self, i: int) -> Token:
        start, end = self.bounds[2 * i], self.bounds[2 * i + 1]
        return Token(text=self.words[i], startchar=start, endchar=end, matched=True)


@dataclass(frozen=True)
class _Choice:
    """A fragment of a page: its score (Whoosh's BasicFragmentScorer), characters, matches."""

    score: int
    start: int
    end: int
    matches: list[Token]


@dataclass(frozen=True)
class _Stretch:
    """Characters of a page around some of its matches, and the most a fragment made of them
    could score (their number times their number of distinct words, as BasicFragmentScorer)."""

    start: int
    end: int
    most: int


class _Cut(Exception):
    """The best fragment of a stretch may depend on text outside it: read the whole page."""


class _WordMatcher:
    """Finds a page's words whose analysed forms are query terms, and its best fragment.

    Running the whole analyzer chain over every page was half the time of a search, and then
    Whoosh's fragmenter, a Python loop over every token of the page, most of what was left; the
    tokenizer's expression over a whole page is still slow (about 65 ns a character, for its
    Unicode classes). So a page is first cut into whitespace-separated chunks (`str.split`, a
    few ns a character), each distinct chunk analysed once per process, and the chunks holding
    a query word found by set operations in C; only the stretches of text around them are
    tokenized (each distinct word through the chain once per process, giving the forms the
    indexer stored), and only the words of each fragment visited in Python.

    When the index has counted the page's query words (`_PageText.matches`), even the chunks
    are not looked at: the query words' spellings met so far are looked for in the page with
    one expression, and if they are found as often as the index counts, those are all of the
    page's matches (`_counted_stretches`); else the chunks are read as above.
    """

    def __init__(self, analyzer: Analyzer, terms: frozenset[str]) -> None:
        self.analyzer = analyzer
        self.terms = terms
        self.tokenizer = _tokenizer_of(analyzer)
        self.splitter = _splitter(self.tokenizer)
        self.plain_splitter = _PLAIN_SPLITTERS.get(self.splitter)
        self.latin_splitter = _LATIN_SPLITTERS.get(self.splitter)
        if len(_FORMS) > FORMS_CACHE_ANALYZERS:
            _FORMS.clear()  # equal analyzers can print their stop lists in another order
            _CHUNK_FORMS.clear()
            _SPELLINGS.clear()
            _STOPPED.clear()
        self.key = _analyzer_key(analyzer)
        self.forms = _FORMS.setdefault(self.key, {})
        self.chunk_forms = _CHUNK_FORMS.setdefault(self.key, {})
        # chunk -> whether it holds a query word, for this matcher's query (the pages of one
        # result page or export batch share many chunks: one dictionary lookup each)
        self.holds_term: dict[str, bool] = {}
        self.is_term: dict[str, bool] = {}  # word -> whether it is a query word, likewise
        # The spellings of the query's words met so far (this process, any query): words of
        # letters only, whose forms hold a query term. Counting them against the index is
        # sound only if every matched word of a page has a position in the index: not so for
        # a stop word, which the highlighter marks but the index leaves out.
        self.countable = self.splitter is not None and self.terms.isdisjoint(
            _stopped_forms(analyzer, self.key)
        )
        known = _SPELLINGS.setdefault(self.key, {})
        self.spellings = set().union(*(known.get(term, ()) for term in terms))
        self._spelled: re.Pattern | None = None  # the expression finding them

    def best_fragment(self, text: str, matches: int | None = None) -> Fragment | None:
        """The fragment of the page Whoosh's `ContextFragmenter(FRAGMENT_CHARS, CONTEXT_CHARS)`
        and `BasicFragmentScorer` pick as the best (None without a match). `matches`: how many
        of the page's words are query words, by the index's count."""
        if self.splitter is None:  # not a tokenizer | filters chain: Whoosh's own way
            fragmenter = ContextFragmenter(FRAGMENT_CHARS, CONTEXT_CHARS, charlimit=CHAR_LIMIT)
            fragments = fragmenter.fragment_tokens(text, self.tokens(text))
            best = top_fragments(fragments, 1, BasicFragmentScorer(), _first_char)
            return best[0] if best else None
        choice = None
        try:
            if len(text) > WHOLE_PAGE_CHARS:
                choice = self._best_of_stretches(text, matches)
            else:
                choice = _best_fragment(self.locate(text))
        except _Cut:
            choice = _best_fragment(self.locate(text))
        return Fragment(text, choice.matches, choice.start, choice.end) if choice else None

    def locate(self, text: str, start: int = 0, end: int | None = None) -> _Located:
        """The words of the page, or of its characters `start:end` (cut between words)."""
        end = len(text) if end is None else end
        part = text[start:end] if start or end < len(text) else text
        splitter = self.splitter
        if self.latin_splitter is not None and not BEYOND_LATIN.search(part):
            splitter = self.latin_splitter  # the same words, found in two fifths of the time
        elif self.plain_splitter is not None and not COMBINING_MARKS.search(part):
            splitter = self.plain_splitter  # the same words, found in two thirds of the time
        pieces = splitter.split(part)
        words = pieces[1::2]  # pieces: [gap, word, gap, word, ..., gap]
        matched = self.is_term
        if new := set(words).difference(matched):
            forms = self.forms = _FORMS[self.key] = _filled(self.forms, new, self._analysed)
            matched.update({word: not self.terms.isdisjoint(forms[word]) for word in new})
            self._learn(word for word in new if matched[word])
        hits = list(compress(count(), map(matched.__getitem__, words)))
        # running sums of the pieces' lengths: where each word starts and ends
        bounds = list(accumulate(map(len, pieces), initial=start))[1:] if hits else []
        return _Located(words, bounds, hits, start > 0, end < len(text))

    def matches(self, text: str) -> list[Token]:
        """The page's words that are query words, as tokens with their characters."""
        if self.splitter is None:
            # Tokenizers reuse one Token object: copy the matched ones before the next is read.
            return [token.copy() for token in self.tokens(text) if token.matched]
        located = self.locate(text)
        return [located.match(i) for i in located.hits]

    def tokens(self, text: str) -> Iterator[Token]:
        """Every token of the page through the whole analyzer, query terms marked."""
        tokens = self.analyzer(text, chars=True, mode="index", removestops=False)
        yield from set_matched_filter(tokens, self.terms)

    def _best_of_stretches(self, text: str, matches: int | None = None) -> _Choice | None:
        """The best fragment of the stretches around the page's matches, the most promising
        first: a stretch that could not hold a better fragment than one found is not read."""
        best = None
        found = self._counted_stretches(text, matches) if matches is not None else None
        found = self._stretches(text) if found is None else found
        stretches = sorted(found, key=lambda s: (s.most, s.start), reverse=True)
        for stretch in stretches:
            if best is not None and (stretch.most, stretch.end) <= (best.score, best.start):
                continue  # the later of two equal fragments wins (Whoosh's top_fragments)
            found = _best_fragment(self.locate(text, stretch.start, stretch.end))
            if found and (best is None or (found.score, found.start) > (best.score, best.start)):
                best = found
        return best

    def _stretches(self, text: str) -> list[_Stretch]:
        """Characters around each chunk holding a query word (the context Whoosh's fragmenter
        reads before a match, the most it adds after one), merged where they meet."""
        chunks = text.split()
        held = self.holds_term
        if new := set(chunks).difference(held):
            known = self.chunk_forms = _CHUNK_FORMS[self.key] = _filled(
                self.chunk_forms, new, self._chunk_forms
            )
            held.update({chunk: not self.terms.isdisjoint(known[chunk]) for chunk in new})
        found = []  # (where the chunk starts, where it ends, its matched words)
        at = 0
        for chunk in compress(chunks, map(held.__getitem__, chunks)):
            at = _chunk_at(text, chunk, at)
            words = [word for word in self.splitter.findall(chunk) if self._matches(word)]
            self._learn(words)
            found.append((at, at + len(chunk), words))
            at += len(chunk)
        return _stretches_around(text, found)

    def _counted_stretches(self, text: str, matches: int) -> list[_Stretch] | None:
        """`_stretches` from the known spellings of the query's words, if they are found on the
        page as often as the index counts its query words (then they are all of them: each is
        checked as a word of the page and as a query word); else None."""
        if not self.countable or (matches and not self.spellings) or COMBINING_MARKS.search(text):
            return None
        if self._spelled is None:  # the longest first: a word is not found as its beginning
            spellings = sorted(self.spellings, key=len, reverse=True)
            self._spelled = re.compile("|".join(map(re.escape, spellings)) or "(?!)")
        found: list[tuple[int, int, list[str]]] = []  # as in `_stretches`
        count = 0
        for match in self._spelled.finditer(text):
            start, end = match.span()
            if (start and _LETTER.match(text, start - 1)) or _LETTER.match(text, end):
                continue  # part of a longer word
            count += 1
            if count > matches:
                return None
            if found and start < found[-1][1]:  # another word of the same chunk
                found[-1][2].append(match[0])
            else:
                found.append((_chunk_start(text, start), _chunk_end(text, end), [match[0]]))
        return _stretches_around(text, found) if count == matches else None

    def _learn(self, words: Iterable[str]) -> None:
        """Keep the spellings of query words met (words of letters only, see `_LETTERS`)."""
        new = [w for w in words if w not in self.spellings and _LETTERS.fullmatch(w)]
        if not new:
            return
        self.spellings.update(new)
        self._spelled = None
        known = _SPELLINGS.setdefault(self.key, {})
        if len(known) > CACHE_WORDS:
            known = _SPELLINGS[self.key] = {}
        for word in new:
            for form in self.forms.get(word) or self._analysed(word):
                known[form] = known.get(form, frozenset()) | {word}  # a new set: others read

    def _matches(self, word: str) -> bool:
        forms = self.forms.get(word)
        return not self.terms.isdisjoint(self._analysed(word) if forms is None else forms)

    def _analysed(self, word: str) -> tuple[str, ...]:
        return tuple(token.text for token in self.analyzer(word, mode="index", removestops=False))

    def _chunk_forms(self, chunk: str) -> frozenset[str]:
        words = self.splitter.findall(chunk)
        forms = self.forms = _FORMS[self.key] = _filled(self.forms, words, self._analysed)
        return frozenset(form for word in words for form in forms[word])


def _analyzer_key(analyzer: Analyzer) -> str:
    """The analyzer's repr, made once per analyzer object: the English chain prints its stop
    list of thousands of words (about 0.15 ms, on every search that makes passages)."""
    found = _ANALYZER_KEYS.get(id(analyzer))
    if found is None or found[0] is not analyzer:
        if len(_ANALYZER_KEYS) > FORMS_CACHE_ANALYZERS:
            _ANALYZER_KEYS.clear()
        found = _ANALYZER_KEYS[id(analyzer)] = (analyzer, repr(analyzer))
    return found[1]


def _stretches_around(text: str, chunks: Iterable[tuple[int, int, list[str]]]) -> list[_Stretch]:
    """The stretches around chunks holding query words ((start, end, the words), in order):
    the characters Whoosh's fragmenter could read around them (the context before a match,
    the most it adds after one), merged where they meet."""
    stretches: list[tuple[int, int, list[str]]] = []
    for at, chunk_end, words in chunks:
        start = _chunk_start(text, at - STRETCH_BEFORE_CHARS)
        end = _chunk_end(text, chunk_end + STRETCH_AFTER_CHARS)
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end, stretches[-1][2] + words)
        else:
            stretches.append((start, end, words))
    return [_Stretch(a, b, len(words) * len(set(words)) * 100) for a, b, words in stretches]


def _stopped_forms(analyzer: Analyzer, key: str) -> frozenset[str]:
    """The forms the analyzer gives its stop words when they are kept (the highlighter keeps
    them; the index has no position for them). `key`: the analyzer's `_analyzer_key`."""
    if key not in _STOPPED:
        items = getattr(analyzer, "filters", None) or getattr(analyzer, "items", ())
        stops = [word for f in items if isinstance(f, StopFilter) for word in f.stops]
        tokens = (t for w in stops for t in analyzer(w, mode="index", removestops=False))
        _STOPPED[key] = frozenset(t.text for t in tokens if t.stopped)
    return _STOPPED[key]


def _filled(cache: dict, keys: Iterable[str], compute: Callable[[str], object]) -> dict:
    """`cache` with every key of `keys` in it (computed), or a new dict of them if it would
    pass CACHE_WORDS entries: a new one, as other threads may be reading the old one."""
    new = set(keys).difference(cache)
    if new and len(cache) + len(new) > CACHE_WORDS:
        cache, new = {}, set(keys)
    for key in new:
        cache[key] = compute(key)
    return cache


# analyzer (by its repr: the same chain after every unpickling of the schema) -> word -> its
# indexed forms; and -> whitespace-separated chunk -> the indexed forms of its words
_FORMS: dict[str, dict[str, tuple[str, ...]]] = {}
_CHUNK_FORMS: dict[str, dict[str, frozenset[str]]] = {}
# analyzer -> a term -> the spellings met of words with that form (`_WordMatcher._learn`);
# analyzer -> the forms of its stop words
_SPELLINGS: dict[str, dict[str, frozenset[str]]] = {}
_STOPPED: dict[str, frozenset[str]] = {}
_LETTER = re.compile(r"[^\W\d_]")  # what TOKEN_SCAN_NO_MARKS makes words of
_LETTERS = re.compile(r"[^\W\d_]+")
CACHE_WORDS = 200_000  # words or chunks in each cache
# id(analyzer) -> (the analyzer, its repr): the analyzer is kept, so its id is not reused
_ANALYZER_KEYS: dict[int, tuple[Analyzer, str]] = {}
FORMS_CACHE_ANALYZERS = 16
# Pages up to this long are tokenized whole: cutting them into stretches saves too little.
WHOLE_PAGE_CHARS = 600
# Text read around a matched chunk: the context before a match (a little more, so that a
# stretch whose context reaches its first word is rare: then the whole page is read), and the
# most a fragment goes on after its last match (twice the context when it has none before).
STRETCH_BEFORE_CHARS = CONTEXT_CHARS + 20
STRETCH_AFTER_CHARS = 2 * CONTEXT_CHARS + 60


def _chunk_at(text: str, chunk: str, at: int) -> int:
    """Where `chunk` next stands whole (between whitespace) in `text` from `at`. The chunks
    between two matched chunks do not match, so none of them is this one."""
    while True:
        i = text.find(chunk, at)
        if i < 0:
            raise _Cut  # cannot be: the chunk came from this text
        j = i + len(chunk)
        if (i == 0 or text[i - 1].isspace()) and (j == len(text) or text[j].isspace()):
            return i
        at = i + 1


def _chunk_start(text: str, at: int) -> int:
    """`at` moved back to the start of the whitespace-separated chunk it falls in."""
    at = max(0, at)
    if at == 0 or text[at - 1].isspace():
        return at
    # the last whitespace of the few characters before (a chunk is rarely longer)
    found = _UP_TO_LAST_SPACE.match(text, max(0, at - CHUNK_LOOKBACK_CHARS), at)
    if found is not None:
        return found.end()
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _chunk_end(text: str, at: int) -> int:
    """`at` moved on to the end of the whitespace-separated chunk it falls in."""
    return _NO_SPACE.match(text, min(len(text), at)).end()


CHUNK_LOOKBACK_CHARS = 40
_UP_TO_LAST_SPACE = re.compile(r"(?s).*\s")  # whitespace as str.isspace() and str.split() see it
_NO_SPACE = re.compile(r"\S*")


def _splitter(tokenizer: Tokenizer | None) -> re.Pattern | None:
    """The tokenizer's expression in a group, so that `split` gives the words and the text
    between them in one scan; None for an expression with groups of its own."""
    expression = tokenizer.expression if tokenizer is not None else None
    if expression is None or expression.groups:
        return None
    pattern = expression.pattern
    if pattern not in _SPLITTERS:
        scan = TOKEN_SCAN_PATTERN if pattern == TOKEN_PATTERN else pattern
        _SPLITTERS[pattern] = re.compile(f"({scan})", expression.flags)
        if pattern == TOKEN_PATTERN:
            plain = re.compile(f"({TOKEN_SCAN_NO_MARKS})", expression.flags)
            _PLAIN_SPLITTERS[_SPLITTERS[pattern]] = plain
            latin = re.compile(f"({TOKEN_SCAN_LATIN})", expression.flags)
            _LATIN_SPLITTERS[_SPLITTERS[pattern]] = latin
    return _SPLITTERS[pattern]


# TOKEN_PATTERN's own words, found in about half the time: whole runs of letters or accents at
# a time instead of one alternation per character (atomic: a failed match never tries the ways
# to cut a run; tests/search/test_highlight.py compares the two).
TOKEN_SCAN_PATTERN = (
    r"(?>(?:[^\W\d_]+|[\u0300-\u036f]+)+)"
    r"|\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d{1,3}(?:,\d{3})+(?![.,]?\d)"
    r"|\d+|%"
)
# TOKEN_SCAN_PATTERN for a text without combining marks (U+0300-U+036F, as in a decomposed
# `a` + `´`), the most common case: without them its first alternative, a run of letters and
# marks, is a run of letters, which this finds a third faster (tests/search/test_highlight.py).
TOKEN_SCAN_NO_MARKS = (
    r"[^\W\d_]+"
    r"|\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d{1,3}(?:,\d{3})+(?![.,]?\d)"
    r"|\d+|%"
)
COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
# Below U+0250 (Latin letters with every accent of Spanish, Portuguese, French...), the classes
# of TOKEN_SCAN_NO_MARKS spelt out as the characters they match there: the same words, found in
# two thirds of its time (a Unicode category test per character is the slow part). Made from
# the expression itself at import; a text with any character from U+0250 up takes the others.
LATIN_END = 0x250


def _spelt_out(category: str) -> str:
    """The characters below LATIN_END that `category` (a regex class) matches, as a class."""
    codes = [n for n in range(LATIN_END) if re.fullmatch(category, chr(n))]
    runs: list[list[int]] = []
    for n in codes:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    ends = (re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs)
    return "[" + "".join(ends) + "]"


_LATIN_LETTER, _LATIN_DIGIT = _spelt_out(r"[^\W\d_]"), _spelt_out(r"\d")
TOKEN_SCAN_LATIN = TOKEN_SCAN_NO_MARKS.replace(r"[^\W\d_]", _LATIN_LETTER).replace(
    r"\d", _LATIN_DIGIT
)
BEYOND_LATIN = re.compile(f"[^\\x00-{re.escape(chr(LATIN_END - 1))}]")
_SPLITTERS: dict[str, re.Pattern] = {}
_PLAIN_SPLITTERS: dict[re.Pattern, re.Pattern] = {}  # a splitter -> its TOKEN_SCAN_NO_MARKS twin
_LATIN_SPLITTERS: dict[re.Pattern, re.Pattern] = {}  # a splitter -> its TOKEN_SCAN_LATIN twin


def _best_fragment(page: _Located) -> _Choice | None:
    """The fragment Whoosh's `ContextFragmenter(FRAGMENT_CHARS, CONTEXT_CHARS)` and
    `BasicFragmentScorer` would pick as the best of the words (the same fragments, made in the
    same order and scored the same, the later one winning a tie as in `top_fragments`), but
    visiting only the words of each fragment: between fragments it jumps to the next match.
    Raises _Cut when a stretch's words are not enough to tell: a fragment reaching its first
    or last word could go on outside it.

    Whoosh's fragmenter, for the record: a fragment starts at a match, with the words of the
    CONTEXT_CHARS characters before it (not before the end of the previous fragment), grows
    while matches follow within CONTEXT_CHARS characters of words, and ends there or where it
    would pass FRAGMENT_CHARS characters of words (the word that passes it ends it, unmarked).
    """
    bounds, hits, surround = page.bounds, page.hits, CONTEXT_CHARS
    if not hits:
        return None
    total = len(page.words)
    starts = bounds[::2]
    hit_set = set(hits)
    # words ending past CHAR_LIMIT are not looked at (Whoosh's charlimit)
    size = bisect_right(bounds, CHAR_LIMIT) // 2 if bounds[-1] > CHAR_LIMIT else total
    best: _Choice | None = None
    after = 0  # the first word that can be context before the next fragment
    k = 0
    while True:
        k = bisect_left(hits, after, k)
        if k == len(hits) or hits[k] >= size:
            break
        i = hits[k]
        # the context: words before the match that start within `surround` of the end of the
        # word before it
        j = bisect_left(starts, bounds[2 * i - 1] - surround, after, i) if i > after else i
        if j == 0 and page.more_before:
            raise _Cut
        first, countdown = (starts[j], surround) if j < i else (starts[i], 2 * surround)
        marked, length = [], 0
        while i < size:
            word_length = bounds[2 * i + 1] - starts[i]
            if length + word_length > FRAGMENT_CHARS:
                countdown = 0
            elif i in hit_set:
                if marked:  # a later match: CONTEXT_CHARS more (the first one's is set above)
                    countdown = surround
                marked.append(i)
            length += word_length
            countdown -= word_length
            if countdown <= 0:
                break
            i += 1
        if i == total and page.more_after:
            raise _Cut
        end = bounds[2 * min(i, total - 1) + 1]  # past the last word: Whoosh's too
        if marked:
            score = len(marked) * len({page.words[m] for m in marked}) * 100
            if best is None or (score, first) > (best.score, best.start):
                best = _Choice(score, first, end, [page.match(m) for m in marked])
        # A fragment whose countdown ran out exactly lets Whoosh's fragmenter swallow the next
        # word: it is no context for the next fragment unless it is a match.
        after = i + 2 if countdown == 0 and i + 1 not in hit_set else i + 1
    return best


def _tokenizer_of(analyzer: Analyzer) -> Tokenizer | None:
    if isinstance(analyzer, CachedChainAnalyzer):
        return analyzer.tokenizer
    # an index written before CachedChainAnalyzer pickled a plain chain
    first = analyzer.items[0] if isinstance(analyzer, CompositeAnalyzer) else None
    return first if isinstance(first, Tokenizer) else None


def _first_char(fragment: Fragment) -> int:
    return fragment.startchar


def _passage(page: int, fragment: Fragment) -> Passage:
    """The fragment as plain text and as HTML, in one pass: what Whoosh's `NullFormatter` and
    `HtmlFormatter(tagname="mark", classname="match", termclass="term")` make of it (the text
    around the matches escaped, & < >; each distinct match numbered `term0`..`term4` in order
    of appearance; overlapping matches: the first, longest one), as in
    tests/search/test_highlight.py."""
    text, index, end = fragment.text, fragment.startchar, fragment.endchar
    plain: list[str] = []
    marked: list[str] = []
    seen: dict[str, int] = {}
    for token in sorted(fragment.matches, key=_token_order):
        if token.startchar is None or token.startchar < index:
            continue
        if token.startchar > index:
            between = text[index : token.startchar]
            plain.append(between)
            marked.append(html.escape(between, quote=False))
        word = text[token.startchar : token.endchar]
        escaped = html.escape(word, quote=False)
        number = seen.setdefault(escaped, len(seen) % MARK_CLASSES)
        plain.append(word)
        marked.append(f'<mark class="match term{number}">{escaped}</mark>')
        index = token.endchar
    plain.append(text[index:end])
    marked.append(html.escape(text[index:end], quote=False))
    # An ellipsis tells the reader the passage is cut from a longer page.
    before = "… " if _WORD_CHAR.search(text, 0, fragment.startchar) else ""
    after = " …" if _WORD_CHAR.search(text, end) else ""
    return Passage(
        page=page,
        text=before + "".join(plain).strip() + after,
        html=before + "".join(marked).strip() + after,
    )


MARK_CLASSES = 5  # HtmlFormatter's maxclasses: term0..term4, then term0 again
_WORD_CHAR = re.compile(r"[^\W_]")  # a character str.isalnum() accepts (re's \w without _)


def _token_order(token: Token) -> tuple[int, int]:
    # Whoosh's Formatter.format_fragment: by position, the longest of overlapping ones first
    return (token.startchar, -(token.endchar - token.startchar))


def excerpt_passage(excerpt: tuple[int, str] | list) -> Passage:
    page, text = excerpt
    return Passage(page=page, text=text, html=html.escape(text, quote=False))


def hit_doc(stored: Mapping, docnum: int | None = None) -> HitDoc:
    """The HitDoc of a doc record's stored fields (and its docnum, when known)."""
    return HitDoc(
        stored["doc_id"],
        stored.get("language", ""),
        tuple(stored.get("excerpt", (1, ""))),
        tuple(map(tuple, stored.get("page_starts", ()))),
        docnum,
    )


def mark_pages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    language: str,
    pages: Iterable[tuple[int, str]],
) -> Iterator[tuple[int, str]]:
    """(page, whole page as escaped HTML with the query's words in <mark>): the document page."""
    words = _matchers(searcher, passage_query)[schema.text_fields(language)[1]]
    marked = HtmlFormatter(tagname="mark", classname="match", termclass="term")
    for number, text in pages:
        if not words.terms:
            yield number, html.escape(text, quote=False)
            continue
        matches = words.matches(text)
        yield number, marked.format_fragment(Fragment(text, matches, 0, len(text)))


def text_passages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    texts: Iterable[tuple[int, str, str]],
) -> list[Passage | None]:
    """For each (page, text, language), its best highlighted fragment, or None without a match.

    For texts that are not page records, such as a lessons-learned record (search/records.py).
    """
    matchers = _matchers(searcher, passage_query)
    found = []
    for page, text, language in texts:
        words = matchers[schema.text_fields(language)[1]]
        found.append(_highlight(page, text, words) if words.terms else None)
    return found
