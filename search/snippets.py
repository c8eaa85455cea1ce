"""Best passages of the hits shown: the best-scoring pages of each document, highlighted.

Only the documents of the current result page (or of one export batch) are looked at: the
passage query runs on their page records, so each passage carries its page number and a hit deep
in a long document is found (PITFALLS: Whoosh's fragmenter stops at 32,768 characters of a text).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from whoosh.analysis import Analyzer, CompositeAnalyzer, Token, Tokenizer
from whoosh.highlight import (
    BasicFragmentScorer,
    ContextFragmenter,
    Fragment,
    HtmlFormatter,
    NullFormatter,
    set_matched_filter,
    top_fragments,
)
from whoosh.query import And, Or, Query, Require, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema
from acervo.search.analysis import CachedChainAnalyzer
from acervo.search.models import Passage

PASSAGES_PER_DOC = 3
FRAGMENT_CHARS = 300  # longest passage shown
CONTEXT_CHARS = 80  # context kept around the first and last matched word
# Pages are short but some extractors give one huge "page" (TXT, HTML): look at all of it.
CHAR_LIMIT = 10_000_000
BODIES = (schema.text_fields("es")[1], schema.text_fields("en")[1])


@dataclass(frozen=True)
class HitDoc:
    """What snippets needs of a hit: its id, language and fallback excerpt (page, text)."""

    doc_id: str
    language: str
    excerpt: tuple[int, str]


def passages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    docs: Iterable[HitDoc],
    per_doc: int = PASSAGES_PER_DOC,
) -> dict[str, tuple[Passage, ...]]:
    """doc_id -> up to `per_doc` passages, best page first; the excerpt when no page matches."""
    docs = list(docs)
    found = _best_pages(searcher, passage_query, [d.doc_id for d in docs], per_doc)
    terms = _query_terms(searcher, passage_query)
    matchers = {field: _WordMatcher(searcher.schema[field].analyzer, terms) for field in BODIES}
    result = {}
    for doc in docs:
        words = matchers[schema.text_fields(doc.language)[1]]
        highlighted = (_highlight(p, text, words) for p, text in found.get(doc.doc_id, ()))
        shown = tuple(p for p in highlighted if p is not None)
        result[doc.doc_id] = shown or (excerpt_passage(doc.excerpt),)
    return result


def _best_pages(
    searcher: WhooshSearcher, passage_query: Query | None, doc_ids: list[str], per_doc: int
) -> dict[str, list[tuple[int, str]]]:
    """doc_id -> [(page number, page text)] of its best-scoring matching pages."""
    if passage_query is None or not doc_ids:
        return {}
    # Require, not a filter: the few postings of these doc_ids drive the intersection, so the
    # passage query is not run over the whole index; only its own terms score.
    these_pages = And([Term("kind", schema.PAGE), Or([Term("doc_id", d) for d in doc_ids])])
    query = Require(passage_query, these_pages)
    best: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # Results come best first, so the first `per_doc` pages seen of a document are its best.
    for hit in searcher.search(query, limit=None):
        pages = best[hit["doc_id"]]
        if len(pages) < per_doc:
            pages.append((hit["page"], hit["text"]))
    return best


def _query_terms(searcher: WhooshSearcher, passage_query: Query | None) -> frozenset[str]:
    """Indexed forms of the query's words, prefixes and wildcards expanded against the index."""
    if passage_query is None:
        return frozenset()
    reader = searcher.reader()
    # One leaf at a time: Query.existing_terms reuses its `fieldname` argument as a loop
    # variable (whoosh 2.7.5), so on a whole tree it skips every field after the first one.
    pairs = (
        pair for leaf in passage_query.leaves() for pair in leaf.existing_terms(reader, expand=True)
    )
    return frozenset(
        text.decode("utf-8") if isinstance(text, bytes) else text
        for field, text in pairs
        if field.startswith("body_")
    )


def _highlight(page: int, text: str, words: _WordMatcher) -> Passage | None:
    """The best fragment of a page, as escaped HTML with <mark> and as the same plain text."""
    fragmenter = ContextFragmenter(FRAGMENT_CHARS, CONTEXT_CHARS, charlimit=CHAR_LIMIT)
    fragments = fragmenter.fragment_tokens(text, words.tokens(text))
    best = top_fragments(fragments, 1, BasicFragmentScorer(), _first_char)
    return _passage(page, best[0]) if best else None


class _WordMatcher:
    """Marks the tokens of a page whose analysed forms are query terms.

    Running the whole analyzer chain over every page was half the time of a search; here the
    tokenizer alone splits the page and each distinct word goes through the chain once per
    request (pages repeat their words), giving the same forms the indexer stored.
    """

    def __init__(self, analyzer: Analyzer, terms: frozenset[str]) -> None:
        self.analyzer = analyzer
        self.terms = terms
        self.tokenizer = _tokenizer_of(analyzer)
        self.matches: dict[str, bool] = {}

    def tokens(self, text: str) -> Iterator[Token]:
        if self.tokenizer is None:  # not a tokenizer | filters chain: analyse the whole page
            tokens = self.analyzer(text, chars=True, mode="index", removestops=False)
            yield from set_matched_filter(tokens, self.terms)
            return
        for token in self.tokenizer(text, chars=True, mode="index"):
            token.matched = self._matches(token.text)
            yield token

    def _matches(self, word: str) -> bool:
        if word not in self.matches:
            forms = self.analyzer(word, mode="index", removestops=False)
            self.matches[word] = any(form.text in self.terms for form in forms)
        return self.matches[word]


def _tokenizer_of(analyzer: Analyzer) -> Tokenizer | None:
    if isinstance(analyzer, CachedChainAnalyzer):
        return analyzer.tokenizer
    # an index written before CachedChainAnalyzer pickled a plain chain
    first = analyzer.items[0] if isinstance(analyzer, CompositeAnalyzer) else None
    return first if isinstance(first, Tokenizer) else None


def _first_char(fragment: Fragment) -> int:
    return fragment.startchar


def _passage(page: int, fragment: Fragment) -> Passage:
    # HtmlFormatter escapes the text around the matches (& < >); the plain one leaves it as is.
    marked = HtmlFormatter(tagname="mark", classname="match", termclass="term")
    plain = NullFormatter()
    # An ellipsis tells the reader the passage is cut from a longer page.
    before = "… " if _has_words(fragment.text[: fragment.startchar]) else ""
    after = " …" if _has_words(fragment.text[fragment.endchar :]) else ""
    return Passage(
        page=page,
        text=before + plain.format_fragment(fragment).strip() + after,
        html=before + marked.format_fragment(fragment).strip() + after,
    )


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


def excerpt_passage(excerpt: tuple[int, str] | list) -> Passage:
    page, text = excerpt
    return Passage(page=page, text=text, html=html.escape(text, quote=False))


def hit_doc(stored: Mapping) -> HitDoc:
    return HitDoc(
        stored["doc_id"], stored.get("language", ""), tuple(stored.get("excerpt", (1, "")))
    )


def mark_pages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    language: str,
    pages: Iterable[tuple[int, str]],
) -> Iterator[tuple[int, str]]:
    """(page, whole page as escaped HTML with the query's words in <mark>): the document page."""
    terms = _query_terms(searcher, passage_query)
    body = schema.text_fields(language)[1]
    words = _WordMatcher(searcher.schema[body].analyzer, terms)
    marked = HtmlFormatter(tagname="mark", classname="match", termclass="term")
    for number, text in pages:
        if not terms:
            yield number, html.escape(text, quote=False)
            continue
        # Tokenizers reuse one Token object: copy the matched ones before the next is read.
        matches = [token.copy() for token in words.tokens(text) if token.matched]
        yield number, marked.format_fragment(Fragment(text, matches, 0, len(text)))


def text_passages(
    searcher: WhooshSearcher,
    passage_query: Query | None,
    texts: Iterable[tuple[int, str, str]],
) -> list[Passage | None]:
    """For each (page, text, language), its best highlighted fragment, or None without a match.

    For texts that are not page records, such as a lessons-learned record (search/records.py).
    """
    terms = _query_terms(searcher, passage_query)
    matchers = {field: _WordMatcher(searcher.schema[field].analyzer, terms) for field in BODIES}
    return [
        _highlight(page, text, matchers[schema.text_fields(language)[1]]) if terms else None
        for page, text, language in texts
    ]
