"""Every match of a query and its BM25F score at once, as numpy arrays over the index's records.

Whoosh evaluates a query document by document: a tree of matcher objects that pass each posting
up through several Python calls (`next`, `id`, `score`). Building and walking that tree was most
of the time of a search (about three quarters on 5,000 generated documents, benchmarks/README.md),
and a search walked it twice: unscored for the candidate set and the facet counts, then again
for the top k of the page shown. Here each term's posting list is read block by block into arrays
(docnums, term weights), scored with the formula and the statistics Whoosh's own scorer holds
(idf, average field length, B, K1: search/weighting.py), and the query tree is evaluated with
whole-array operations. One pass gives every match and its score: the candidate set, the page's
top k, the tie groups of the other sorts and an export's order all come from the same arrays.

The scores are Whoosh's: the same formula in the same double arithmetic per term, summed as its
matchers sum them (only the order of the additions may differ, in the last bit). Boolean nodes
follow Whoosh's matchers: And and Or add their children's scores, Require and AndNot keep the
first one's, a Not scores 1.0 where it matches (Whoosh's InverseMatcher), a compound boost
multiplies; phrases are the words at consecutive positions, prefixes the OR of their words. A
DisjunctionMax takes the best score of the children that match the document (Whoosh's own
matcher can take another document's, a bug in whoosh-reloaded 2.7.5). Other nodes (numeric
ranges, anything else) are run by Whoosh's own matcher over that subtree.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.query import (
    And,
    AndNot,
    DisjunctionMax,
    Not,
    Or,
    Phrase,
    Prefix,
    Query,
    Require,
    Term,
)
from whoosh.query.qcore import _NullQuery
from whoosh.reading import IndexReader
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.util.numeric import _length_byte_cache

from acervo.search import limits
from acervo.search.coordination import MostWords, minimum_words, tiered_scores

CACHE_POSTINGS = 2_000_000  # scored postings kept per generation (12 bytes each: 24 MB)
# Whoosh stores each field length as one byte (a logarithmic approximation): byte -> length.
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    """Over every record of the index (docnums 0..n-1): which match, and their scores (0.0
    where they do not match)."""

    mask: np.ndarray  # bool
    scores: np.ndarray  # float64
    # a most-words query's subqueries (coordination.MostWords), each with the records holding
    # it: which typed words a hit lacks (search/searcher.py)
    held: dict[Query, np.ndarray] = field(default_factory=dict)


class TermCache:
    """Scored posting lists of one index generation, most recently used first, bounded by
    their total number of postings (a term is read and scored once while it stays here).

    Committed generations never change, and the scoring statistics are the generation's, so
    an entry stays right for the generation's life; IndexStore keeps one per generation,
    shared by the requests (threads) of a process.
    """

    def __init__(self, max_postings: int | None = None) -> None:
        self.max_postings = CACHE_POSTINGS if max_postings is None else max_postings
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._postings = 0
        self._lock = threading.Lock()
        # (segment, field, text) -> how many records hold the term (`_Frequencies`)
        self.frequencies: dict[tuple, int] = {}

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, ids: np.ndarray, scores: np.ndarray) -> None:
        if len(ids) > self.max_postings:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (ids, scores)
            self._postings += len(ids)
            while self._postings > self.max_postings:
                old_ids, _ = self._entries.popitem(last=False)[1]
                self._postings -= len(old_ids)


def match(
    searcher: WhooshSearcher, query: Query, shown: str, cache: TermCache | None = None
) -> Matches:
    """Every record `query` matches with its score, as Whoosh would score it (module doc).
    Checks the request's deadline between terms (QueryTooExpensive with `shown`). `cache`:
    the generation's scored posting lists, kept between searches.

    A query that requires one kind of record (`Require(q, Term("kind", k))`, as every search
    asks for doc records) is evaluated over the records of that kind only: its arrays are
    an eighth as long as over every record (pages are records too), and each node's result
    for a record depends on that record alone, so the matches and scores are the same."""
    size = searcher.doc_count_all()
    mask, scores = np.zeros(size, dtype=bool), np.zeros(size)
    held: dict[Query, np.ndarray] = {}
    query, kind = _required_kind(query)
    for sub, offset in searcher.leaf_searchers():
        segment = _Segment(sub, searcher.context(), shown, cache, kind)
        found = segment.evaluate(query)
        if segment.domain is None:
            docnums = slice(offset, offset + len(found.mask))
        else:
            docnums = segment.domain + offset
        mask[docnums], scores[docnums] = found.mask, found.scores
        for word, records in segment.held.items():
            held.setdefault(word, np.zeros(size, dtype=bool))[docnums] = records
    return Matches(mask, scores, held)


def _required_kind(query: Query) -> tuple[Query, str | None]:
    """(q, k) for `Require(q, Term("kind", k))`; else (query, None)."""
    if type(query) is Require and type(query.b) is Term and query.b.fieldname == "kind":
        kind = query.b.text
        return query.a, kind.decode("utf-8") if isinstance(kind, bytes) else kind
    return query, None


class _Segment:
    """Evaluates query trees on one segment (a leaf searcher), docnums local to it: over
    every record, or over the live records of one `kind` only (`domain`, ascending docnums:
    array position i is record domain[i])."""

    def __init__(
        self,
        searcher: WhooshSearcher,
        context,
        shown: str,
        cache: TermCache | None,
        kind: str | None = None,
    ) -> None:
        self.searcher, self.context, self.shown = searcher, context, shown
        self.reader: IndexReader = searcher.reader()
        self._field_lengths: dict[str, np.ndarray] = {}
        segment = self.reader.segment() if self.reader.is_atomic() else None
        # entries are per segment: the same segment is shared by later generations' readers
        # only through a new cache, so the segment's name (and the domain's kind) is key enough
        self.cache = cache if segment is not None else None
        self.segment_id = segment.segment_id() if segment is not None else ""
        self.kind = kind or ""
        self.domain = self._kind_records(kind) if kind is not None else None
        self.size = self.reader.doc_count_all() if self.domain is None else len(self.domain)
        self.held: dict[Query, np.ndarray] = {}  # see Matches.held

    def _kind_records(self, kind: str) -> np.ndarray:
        """Live docnums of the records of `kind` (unscored postings of `kind:<kind>`)."""
        key = (self.segment_id, "kind", kind)
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            return cached[0]
        if ("kind", kind) not in self.reader:
            ids = np.zeros(0, dtype=np.int32)
        else:
            ids, _ = _posting_arrays(self.reader.postings("kind", kind))
        if self.cache is not None:
            self.cache.put(key, ids, np.zeros(0))
        return ids

    def _in_domain(self, ids: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, ...]:
        """Docnums (ascending) and their values as positions in the domain and those values,
        leaving out records outside it."""
        if self.domain is None:
            return (ids, *values)
        at = np.searchsorted(self.domain, ids)
        inside = at < len(self.domain)
        inside[inside] = self.domain[at[inside]] == ids[inside]
        return (at[inside], *(v[inside] for v in values))

    def empty(self) -> Matches:
        return Matches(np.zeros(self.size, dtype=bool), np.zeros(self.size))

    def evaluate(self, node: Query) -> Matches:
        limits.check_time(self.shown)
        kind = type(node)
        if kind is Term:
            return self._term(node)
        if kind is Phrase:
            return self._phrase(node)
        if kind is Prefix:  # as Whoosh matches it: one word alone (unboosted), several OR-ed
            words = [Term(node.fieldname, w) for w in node._btexts(self.reader) if w]
            if len(words) <= 1:
                return self.evaluate(words[0]) if words else self.empty()
            return self.evaluate(Or(words, boost=node.boost))
        if isinstance(node, MostWords):
            return self._most_words(node)
        if kind is And or (kind is Or and not node.minmatch and not node.scale):
            return self._compound(node)
        if issubclass(kind, DisjunctionMax):  # coordination.BestOf too
            return self._best_of(node)
        if kind is Require or kind is AndNot:
            return self._binary(node)
        if kind is Not:
            found = self._mask(node.query)
            inverse = ~found & self._live()
            return Matches(inverse, inverse * 1.0)
        if isinstance(node, _NullQuery):
            return self.empty()
        if isinstance(node, limits.SurfaceQuery):
            return self.evaluate(node.expanded(self.reader))
        return self._by_whoosh(node)

    def _frequencies(self) -> IndexReader | _Frequencies:
        if self.cache is None:
            return self.reader
        return _Frequencies(self.reader, self.cache.frequencies, self.segment_id)

    def _mask(self, node: Query) -> np.ndarray:
        return self.evaluate(node).mask

    def _compound(self, node: And | Or) -> Matches:
        subs = node.subqueries
        if not subs:
            return self.empty()
        if len(subs) == 1:  # Whoosh uses the child's matcher as it is: no boost
            return self.evaluate(subs[0])
        conjunction = type(node) is And
        if conjunction:  # the rarest first, as Whoosh orders an intersection: an empty one ends it
            sizes = self._frequencies()
            subs = sorted(subs, key=lambda q: q.estimate_size(sizes))
        found = self.evaluate(subs[0])
        mask, scores = found.mask.copy(), found.scores.copy()
        combine = np.logical_and if conjunction else np.logical_or
        for sub in subs[1:]:
            if conjunction and not mask.any():
                return self.empty()
            found = self.evaluate(sub)
            combine(mask, found.mask, out=mask)
            scores += found.scores
        scores[~mask] = 0.0
        if node.boost != 1.0:
            scores *= node.boost
        return Matches(mask, scores)

    def _best_of(self, node: DisjunctionMax) -> Matches:
        """The best child's score (a word's translations: search/query.py). Whoosh's own
        DisjunctionMaxMatcher takes the maximum of its children's current postings even when
        they sit on different documents (another document's score); this is the maximum over
        the children that match the document."""
        subs = node.subqueries
        if len(subs) <= 1:
            return self.evaluate(subs[0]) if subs else self.empty()
        mask, scores = np.zeros(self.size, dtype=bool), np.zeros(self.size)
        for sub in subs:
            found = self.evaluate(sub)
            mask |= found.mask
            np.maximum(scores, found.scores, out=scores)  # scores are 0.0 where not matched
        if node.boost != 1.0:
            scores *= node.boost
        return Matches(mask, scores)

    def _binary(self, node: Require | AndNot) -> Matches:
        first, second = self.evaluate(node.a), self._mask(node.b)
        mask = first.mask & second if type(node) is Require else first.mask & ~second
        return Matches(mask, np.where(mask, first.scores, 0.0))

    def _most_words(self, node: MostWords) -> Matches:
        subs = node.subqueries
        if not subs:
            return self.empty()
        counts, sums = np.zeros(self.size, dtype=np.int64), np.zeros(self.size)
        for sub in subs:  # in order, from 0.0: the sums MostWords.matcher makes
            found = self.evaluate(sub)
            counts += found.mask
            sums += found.scores
            self.held[sub] = found.mask
        mask = counts >= minimum_words(subs, self.searcher)
        scores = np.where(mask, node.boost * tiered_scores(sums, counts, len(subs)), 0.0)
        return Matches(mask, scores)

    def _term(self, node: Term) -> Matches:
        found = self.empty()
        scored = self._cached(node.fieldname, node.text)
        if scored is None:
            text = self._indexed(node.fieldname, node.text)
            if text is None:
                return found
            scored = self._scored(node.fieldname, text)
        if scored is None:  # another weighting model: its own score, posting by posting
            return self._by_whoosh(node)
        ids, scores = scored
        found.mask[ids] = True
        found.scores[ids] = scores * node.boost if node.boost != 1.0 else scores
        return found

    def _phrase(self, node: Phrase) -> Matches:
        """The words in order, each at most `slop` positions after the one before (Whoosh's
        SpanNear2: slop 1 is next to each other), scored as the sum of the words' scores, as
        Whoosh's phrase matcher scores them. Kept in the cache like a term: thesaurus forms
        (search/query.py) come back query after query, and reading positions is the slow part."""
        schema = self.searcher.schema
        field = schema[node.fieldname] if node.fieldname in schema else None
        positional = field is not None and field.format and field.format.supports("positions")
        if not positional or node.slop < 1:  # Whoosh's own answer (or its QueryError)
            return self._by_whoosh(node)
        texts = [self._indexed(node.fieldname, word) for word in node.words]
        if any(text is None for text in texts):
            return self.empty()
        key = (self.segment_id, self.kind, node.fieldname, tuple(texts), node.slop)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is None:
            scored = [self._scored(node.fieldname, text) for text in texts]
            if any(s is None for s in scored):
                return self._by_whoosh(node)
            cached = self._phrase_scores(node.fieldname, texts, scored, node.slop)
            if self.cache is not None:
                self.cache.put(key, *cached)
        matched, total = cached
        found = self.empty()
        found.mask[matched] = True
        found.scores[matched] = total * node.boost if node.boost != 1.0 else total
        return found

    def _phrase_scores(
        self, fieldname: str, texts: list[bytes], scored: list, slop: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the domain, unboosted scores) of the records where the words stand
        in order."""
        candidates = reduce(np.intersect1d, (ids for ids, _ in scored))
        docnums = self.domain[candidates] if self.domain is not None else candidates
        # candidate -> positions where the words so far can end
        ends: dict[int, set[int]] = {int(d): set() for d in candidates}
        steps = range(1, slop + 1)
        for offset, text in enumerate(texts):
            found = self._positions(fieldname, text, docnums)
            for candidate, (_, positions) in zip(candidates.tolist(), found, strict=True):
                before = ends[candidate]
                if offset == 0:
                    ends[candidate] = set(positions)
                elif before:
                    ends[candidate] = {p for p in positions if any(p - d in before for d in steps)}
        matched = np.array([d for d in candidates.tolist() if ends[d]], dtype=np.int64)
        total = np.zeros(len(matched))
        for ids, scores in scored:
            total += scores[np.searchsorted(ids, matched)]
        return matched, total

    def _indexed(self, fieldname: str, text: str) -> bytes | None:
        """The term as the index holds it, or None when it is not in this segment."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return None
        try:
            indexed = schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        return indexed if (fieldname, indexed) in self.reader else None

    def _cached(self, fieldname: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """A term's cached `_scored` arrays, None when not cached (or not a term of the index)."""
        if self.cache is None or fieldname not in self.searcher.schema:
            return None
        try:
            indexed = self.searcher.schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        return self.cache.get((self.segment_id, self.kind, fieldname, indexed))

    def _scored(self, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(positions in the domain, scores) of a term's postings (None: a scorer this module
        does not know)."""
        key = (self.segment_id, self.kind, fieldname, text)
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            return cached
        scorer = self.context.weighting.scorer(self.searcher, fieldname, text)
        if not isinstance(scorer, (WeightScorer, BM25FScorer)):
            return None
        ids, weights = _posting_arrays(self.reader.postings(fieldname, text, scorer=scorer))
        if isinstance(scorer, WeightScorer):
            scores = weights
        else:
            scores = _bm25(scorer, weights, self._lengths(fieldname)[ids])
        ids, scores = self._in_domain(ids, scores)
        if self.cache is not None:
            self.cache.put(key, ids, scores)
        return ids, scores

    def _positions(
        self, fieldname: str, text: bytes, docnums: np.ndarray
    ) -> Iterator[tuple[int, list[int]]]:
        """(docnum, positions of the term) for each of `docnums` (all in its postings)."""
        postings = self.reader.postings(fieldname, text)
        decode = self.searcher.schema[fieldname].format.decode_positions
        for docnum in docnums.tolist():
            skip_to(postings, docnum)  # every docnum is in the postings
            yield docnum, decode(postings.value())

    def _by_whoosh(self, node: Query) -> Matches:
        """`node` through Whoosh's own matcher (the nodes this module does not rebuild)."""
        found = self.empty()
        matcher = node.matcher(self.searcher, self.context)
        ids, scores = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            if len(ids) % limits.CHECK_EVERY == 0:
                limits.check_time(self.shown)
            matcher.next()
        at, values = self._in_domain(np.array(ids, dtype=np.int64), np.array(scores))
        found.mask[at] = True
        found.scores[at] = values
        return found

    def _lengths(self, field: str) -> np.ndarray:
        """The length of `field` in every record of the segment, as Whoosh's scorer reads it."""
        if field not in self._field_lengths:
            self._field_lengths[field] = _field_lengths(
                self.reader, field, self.reader.doc_count_all()
            )
        return self._field_lengths[field]

    def _live(self) -> np.ndarray:
        live = np.ones(self.size, dtype=bool)
        if self.reader.has_deletions() and self.domain is None:  # a domain holds live records
            live[[n for n in range(self.size) if self.reader.is_deleted(n)]] = False
        return live


class _Frequencies:
    """A segment's reader as `Query.estimate_size` reads it, its terms' document frequencies
    kept in the generation's memo: ordering an AND's parts looked each of their words up in
    the term table on every search (a tenth of a search whose postings are in the cache)."""

    MAX_TERMS = 200_000

    def __init__(self, reader: IndexReader, memo: dict[tuple, int], segment_id: str) -> None:
        self._reader, self._memo, self._segment_id = reader, memo, segment_id

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        key = (self._segment_id, fieldname, text)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= self.MAX_TERMS:
                self._memo.clear()  # a simple bound; dict operations are atomic under the GIL
            found = self._memo[key] = self._reader.doc_frequency(fieldname, text)
        return found

    def __getattr__(self, name: str) -> object:  # everything else: the reader's own
        return getattr(self._reader, name)


def skip_to(postings, docnum: int) -> bool:
    """Move `postings` to its first posting at or after `docnum` (it must not be past it);
    False when none is left. Whoosh's own `skip_to` skips whole blocks, then steps through the
    block one posting at a time (two Python calls each: a third of a page of hits' passages);
    here the block's docnums are bisected. Deleted records are not hidden: give live docnums."""
    if isinstance(postings, FilterMatcher):
        postings = postings.child
    if not isinstance(postings, W3LeafMatcher) or postings._byteids:
        if postings.is_active() and postings.id() < docnum:
            postings.skip_to(docnum)
        return postings.is_active()
    if not postings.is_active():
        return False
    if docnum > postings._maxid:
        postings._skip_to_block(lambda: docnum > postings._maxid)
        if not postings.is_active():
            return False
    if postings._ids is None:
        postings._read_ids()
    # the block's last docnum is >= docnum: the posting is in this block
    postings._i = bisect_left(postings._ids, docnum, postings._i)
    return True


def _bm25(scorer: BM25FScorer, weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    # whoosh.scoring.bm25, term for term (the same operations in the same order)
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1  # noqa: N806
    return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


def _posting_arrays(postings) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, weights) of a posting list, read a block at a time."""
    deleted: frozenset[int] = frozenset()
    if isinstance(postings, FilterMatcher):  # a segment with deletions hides them this way
        deleted, postings = postings._ids, postings.child
    if isinstance(postings, W3LeafMatcher) and not postings._byteids:
        postings.reset()  # from the first block, whatever a wrapper skipped
        ids, weights = _w3_blocks(postings)
    else:  # another codec: posting by posting
        pairs = []
        while postings.is_active():
            pairs.append((postings.id(), postings.weight()))
            postings.next()
        ids = np.array([i for i, _ in pairs], dtype=np.int64)
        weights = np.array([w for _, w in pairs], dtype=np.float64)
    if deleted:
        keep = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64))
        ids, weights = ids[keep], weights[keep]
    return ids.astype(np.int32), weights  # docnums of one segment: 4 bytes are plenty


def _w3_blocks(leaf: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    # Whoosh 3 postings: blocks of (delta-encoded ids, float32 weights or one shared weight or
    # None for all 1.0, values), each a pickled tuple (whoosh/codec/whoosh3.py, _write_block).
    id_parts, weight_parts = [], []
    while leaf.is_active():
        leaf._read_data()
        deltas, weights = leaf._data[0], leaf._data[1]
        id_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        count = leaf._blocklength
        if weights is None:
            weight_parts.append(np.ones(count))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        leaf._next_block()
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def _field_lengths(reader: IndexReader, field: str, size: int) -> np.ndarray:
    """Lengths of `field` for records 0..size-1 (1 where none is stored: Whoosh's default)."""
    column = _length_column(reader, field)
    lengths = np.ones(size)
    if column is None:
        return lengths
    raw = np.zeros(size, dtype=np.uint8)
    try:  # the column is one byte per record: read it at once
        data = column._dbfile.get(column._basepos, column._count)
        raw[: column._count] = np.frombuffer(data, dtype=np.uint8)[:size]
    except AttributeError:  # another column layout: record by record
        raw[:] = [column[n] for n in range(size)]
    stored = raw > 0
    lengths[stored] = _BYTE_TO_LENGTH[raw[stored]]
    return lengths


def _length_column(reader: IndexReader, field: str):
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    return perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
