"""Best passages of the hits shown: the best-scoring pages of each document, highlighted.

Only the documents of the current result page (or of one export batch) are looked at: the
passage query runs on their page records, so each passage carries its page number and a hit deep
in a long document is found (PITFALLS: Whoosh's fragmenter stops at 32,768 characters of a text).
"""

from __future__ import annotations

import copy
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


def on_pages(searcher: WhooshSearcher, query: Query) -> Query:
    """`query` (on the doc records' body fields) moved to the page records' text fields."""
    fields = {body: schema.page_field(body) for body in BODIES}
    if not all(page in searcher.schema for page in fields.values()):
        return query  # an index written before pages had their own fields

    def move(node: Query) -> Query:
        if isinstance(node, Or):
            # Whoosh preloads every posting of an OR's words on an index under 5,000 records
            # (ArrayUnionMatcher); the pages of ten documents need only a few of them.
            node.matcher_type = Or.DEFAULT_MATCHER
        if getattr(node, "fieldname", None) in fields:
            node = copy.copy(node)  # accept() copies compound nodes, not leaves
            node.fieldname = fields[node.fieldname]
            if hasattr(node, "_expansion"):
                node._expansion = None  # a SurfaceQuery's words were looked up for the old field
        return node

    return query.accept(move)


def _best_pages(
    searcher: WhooshSearcher, passage_query: Query | None, doc_ids: list[str], per_doc: int
) -> dict[str, list[tuple[int, str]]]:
    """doc_id -> [(page number, page text)] of its best-scoring matching pages."""
    if passage_query is None or not doc_ids:
        return {}
    # Require, not a filter: the few postings of these doc_ids drive the intersection, so the
    # passage query is not run over the whole index; only its own terms score.
    these_pages = And([Term("kind", schema.PAGE), Or([Term("doc_id", d) for d in doc_ids])])
    query = Require(on_pages(searcher, passage_query), these_pages)
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
        if field.startswith(("body_", "page_"))
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
    tokenizer's regular expression finds the page's words, each distinct word goes through the
    chain once per process (pages repeat their words), giving the same forms the indexer stored,
    and only the text around matched words is made into tokens for the fragmenter.
    """

    def __init__(self, analyzer: Analyzer, terms: frozenset[str]) -> None:
        self.analyzer = analyzer
        self.terms = terms
        self.tokenizer = _tokenizer_of(analyzer)
        if len(_FORMS) > FORMS_CACHE_ANALYZERS:
            _FORMS.clear()  # equal analyzers can print their stop lists in another order
        self.forms = _FORMS.setdefault(repr(analyzer), {})
        self.matched: dict[str, bool] = {}  # word -> one of its forms is a query term

    def tokens(self, text: str) -> Iterator[Token]:
        if self.tokenizer is None:  # not a tokenizer | filters chain: analyse the whole page
            tokens = self.analyzer(text, chars=True, mode="index", removestops=False)
            yield from set_matched_filter(tokens, self.terms)
            return
        # The tokenizer's own expression, one reused Token as Whoosh's tokenizers do, and only
        # what the fragmenter reads (text, characters, matched): the same tokens, cheaper.
        expression = self.tokenizer.expression
        token = Token(chars=True, removestops=False, mode="index")
        for start, end in self._windows(text):
            for found in expression.finditer(text, start, end):
                token.text = found.group()
                token.startchar, token.endchar = found.span()
                token.matched = self._matches(token.text)
                yield token

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Merged character spans around the matched words: the context the fragmenter reads
        before a match and the most it can add after one (the rest of the page cannot change
        the fragments). Spans start and end between words."""
        if len(text) <= WHOLE_PAGE_CHARS:
            return [(0, len(text))]  # a short page: finding the windows costs more than it saves
        windows: list[tuple[int, int]] = []
        for found in self.tokenizer.expression.finditer(text):
            if not self._matches(found.group()):
                continue
            start = _word_start(text, found.start() - CONTEXT_CHARS - 1)
            end = _word_end(text, found.end() + FRAGMENT_CHARS + 1)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows

    def _matches(self, word: str) -> bool:
        matched = self.matched.get(word)
        if matched is None:
            forms = self.forms.get(word)
            if forms is None:
                if len(self.forms) >= FORMS_CACHE_WORDS:
                    self.forms.clear()  # a simple bound; dict operations are atomic under the GIL
                analysed = self.analyzer(word, mode="index", removestops=False)
                forms = self.forms[word] = tuple(form.text for form in analysed)
            matched = self.matched[word] = any(form in self.terms for form in forms)
        return matched


# analyzer (by its repr: the same chain after every unpickling of the schema) -> word -> its
# indexed forms
_FORMS: dict[str, dict[str, tuple[str, ...]]] = {}
FORMS_CACHE_WORDS = 200_000
FORMS_CACHE_ANALYZERS = 16
WHOLE_PAGE_CHARS = 4_000  # pages up to this long are tokenized whole


def _word_start(text: str, at: int) -> int:
    """`at` moved back to the start of the word it falls in (0 at most)."""
    at = max(0, at)
    while at > 0 and text[at - 1].isalnum():
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    at = min(len(text), at)
    while at < len(text) and text[at].isalnum():
        at += 1
    return at


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
