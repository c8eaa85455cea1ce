"""Some of the words: a query of several words that also finds documents missing a few of them.

Requiring every typed word loses the document an analyst wants as soon as one word is misspelt,
inflected otherwise or replaced by a synonym. `MostWords` matches the documents holding at least
`required_words(n)` of its n words (minimum-should-match, as Lucene and Elasticsearch do: a
third of them, two at least) and scores them in two tiers, in one pass over the postings:

- documents with every word: their plain score plus `ALL_WORDS_BONUS`, so they come first, as
  before;
- the others by how many of the words they hold (coordination: more words outrank fewer), then
  by score. Scaling the score by the share of words held (Lucene's classic coord) ranked the
  judged queries of benchmarks/relevance/kinds.yaml exactly alike; tiers are simpler to explain.

The tiers are added to the score, which is how the searcher tells them apart without a second
search: a score at or above ALL_WORDS_BONUS means "every word" (`has_every_word`; `plain_score`
takes the tier off for display). The tiers choose the first page of hits, with the few documents
below them whose words score highest; within it the searcher ranks by the most of the words one
passage holds (search/searcher.py `_best_page_first`).

Why a third: a paraphrase can replace half of an analyst's words. `permiso de residencia
extranjeras indocumentadas que denunciaron maltrato machista` is answered by a two-page notice
that says "autorización", "situación irregular" and "violencia de género": three of the seven
words (benchmarks/README.md, issue 13, "a third of the words"). The tiers keep the documents
holding more of the words above it.
"""

from __future__ import annotations

import numpy as np
from whoosh import matching
from whoosh.query import DisjunctionMax, Or, Query

# Tiers added to the BM25F score: far above any score sum, so a tier is never outranked.
WORD_STEP = 10_000.0  # per word held, when not all are
ALL_WORDS_BONUS = 1_000_000.0  # every word (more than WORD_STEP times any query's word count)
MIN_WORDS = 3  # fewer words are all required: "some" of two is one, which is no longer a search
MIN_HELD = 2  # a document holding one word of several is not shown


def required_words(n: int) -> int:
    """How many of `n` words a document must hold: a third of them, and two at least."""
    if n < MIN_WORDS:
        return n
    return max(MIN_HELD, -(-n // 3))


def has_every_word(score: float) -> bool:
    return score >= ALL_WORDS_BONUS


def plain_score(score: float) -> float:
    """The score without its tier (what a hit shows)."""
    return score % WORD_STEP


class MostWords(Or):
    """Documents with at least `required_words(n)` of the n subqueries (see the module doc).

    Everything is derived from the subqueries, so Whoosh's `apply`, `normalize` and `with_boost`
    (which rebuild a compound query from its subqueries and boost alone) keep the behaviour.
    """

    JOINT = " MOST "

    def __init__(self, subqueries: list[Query], boost: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)

    def normalize(self) -> Query:
        norm = super().normalize()
        if isinstance(norm, Or) and not isinstance(norm, MostWords):
            return type(self)(norm.subqueries, boost=norm.boost)
        return norm

    def matcher(self, searcher, context=None):
        subs = self.subqueries
        if not subs:
            return matching.NullMatcher()
        counts: dict[int, int] = {}
        sums: dict[int, float] = {}
        for sub in subs:
            m = sub.matcher(searcher, context)
            while m.is_active():
                docnum = m.id()
                counts[docnum] = counts.get(docnum, 0) + 1
                sums[docnum] = sums.get(docnum, 0.0) + m.score()
                m.next()
        # A word no document holds (an English word no dictionary translates, over Spanish
        # documents) cannot raise the bar: `most` is counted over the words the index has.
        n, minimum = len(subs), minimum_words(subs, searcher)
        ids = sorted(d for d, c in counts.items() if c >= minimum)
        if not ids:
            return matching.NullMatcher()
        weights = [self.boost * _tiered(sums[d], counts[d], n) for d in ids]
        return matching.ListMatcher(ids, weights=weights)


def minimum_words(subs: list[Query], searcher) -> int:
    """How many of `subs` a document must match: some of those the index has (see below)."""
    return required_words(sum(_in_index(sub, searcher) for sub in subs))


def _in_index(query: Query, searcher) -> bool:
    """Some term of `query` is in the whole index (a segment's searcher asks its parent, so
    every segment counts alike); a query without terms (a wildcard) is taken as present."""
    reader = searcher.get_parent().reader()
    terms = list(query.iter_all_terms())
    return not terms or any(reader.doc_frequency(field, text) > 0 for field, text in terms)


def _tiered(score: float, count: int, n: int) -> float:
    return score + (ALL_WORDS_BONUS if count == n else count * WORD_STEP)


def tiered_scores(sums: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """`_tiered` over arrays (search/matching.py scores every match at once)."""
    return sums + np.where(counts == n, ALL_WORDS_BONUS, counts * WORD_STEP)


class BestOf(DisjunctionMax):
    """The documents matching any subquery, each scored by its best-scoring one (a word's
    translations: Pirkola's synonym set). Whoosh's own DisjunctionMax scores a document with the
    higher of its two sub-matchers' current scores even when one of them stands on another
    document (whoosh-reloaded 2.7.5): `care` gave cara, matched once at 0.25, the score of
    cuidado's posting elsewhere. search/matching.py evaluates it in numpy, as any DisjunctionMax;
    this matcher is for the paths Whoosh still runs."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(
            subs, _BestOfMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )


class _BestOfMatcher(matching.DisjunctionMaxMatcher):
    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active() or (b.is_active() and b.id() < a.id()):
            return b.score()
        if not b.is_active() or a.id() < b.id():
            return a.score()
        return max(a.score(), b.score())


class Concepts(Or):
    """The passage query of a search: one subquery per typed word, phrase or thesaurus concept
    (the typed form OR its alternatives and translations, which count as one), so a page can be
    ranked by how many of the distinct concepts it holds before how often it holds them
    (search/snippets.py). Whoosh matches it as the plain OR of every form."""
