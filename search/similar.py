""" "Más como este": documents similar to one, from its key terms.

The body fields are indexed but not stored; a document's text is the stored text of its page
records, so no term vectors are needed (they would grow the index). Whoosh picks the document's
key terms (Bo1 model) in its own language's body field and searches doc records for them.

Across languages (`similar_in_other_language`): the key terms are stems, so each is taken back
to the word of the text it most often comes from (`fertiliz` -> fertilizantes), translated with
the bilingual dictionaries (search/translate.py), and searched in the other language's body
field, each key word the OR of its translations scored by the best one (Pirkola's synonym set),
weighted by the key term's weight. A document of the other language is shown only when one of
its pages holds MIN_SHARED_KEY_WORDS of them, and half of them: on realdocs (es + en), counted
anywhere in the document, 116 of 144 documents got one of the other language, most often a
350-page book that holds every common word; on one page, 50, mostly on their subject (EU
energy taxes -> biofuels and hydrogen laws; a software guide -> the Debian reference).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from whoosh.query import And, Or, Query, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema, translate
from acervo.search.coordination import BestOf

KEY_TERMS = 12  # more terms: slower, a little more precise (Whoosh's advice)
MAX_TEXT_CHARS = 200_000  # key terms of a very long document come from its first pages
MIN_SHARED_KEY_WORDS = 3  # of the translated key words, for a document of the other language
MIN_SHARED_SHARE = 0.5  # ...and at least this share of them, on one of its pages
CANDIDATES = 10  # documents of the other language checked, best scores first
COMMON_SHARE = 0.5  # a translation in this share of the other language's documents is too common


def _doc_number(searcher: WhooshSearcher, doc_id: str) -> int | None:
    query = And([Term("kind", schema.DOC), Term("doc_id", doc_id)])
    return next(iter(searcher.docs_for_query(query)), None)


def _text(searcher: WhooshSearcher, doc_id: str) -> str:
    pages = And([Term("kind", schema.PAGE), Term("doc_id", doc_id)])
    stored = sorted(
        (searcher.stored_fields(n) for n in searcher.docs_for_query(pages)),
        key=lambda fields: fields.get("page", 0),
    )
    return "\n\n".join(fields.get("text", "") for fields in stored)[:MAX_TEXT_CHARS]


@dataclass(frozen=True)
class KeyTerms:
    """A document's key terms (stem -> weight, in its language's body field) and its text:
    computed once for both lists (Whoosh's Bo1 model is most of their cost)."""

    docnum: int
    body: str
    text: str
    terms: dict[str, float]


def key_terms(searcher: WhooshSearcher, doc_id: str) -> KeyTerms | None:
    """None for an unknown document or one without text."""
    docnum = _doc_number(searcher, doc_id)
    text = _text(searcher, doc_id) if docnum is not None else ""
    if docnum is None or not text.strip():
        return None
    _, body = schema.text_fields(searcher.stored_fields(docnum).get("language", ""))
    terms = dict(searcher.key_terms_from_text(body, text, numterms=KEY_TERMS))
    return KeyTerms(docnum, body, text, terms)


def similar_docnums(
    searcher: WhooshSearcher, keys: KeyTerms | None, limit: int, hidden: set[int] | None = None
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` doc records most like the document of `keys`, best first,
    none of them in `hidden` (doc records the viewer may not see); [] without keys. (Whoosh's
    `more_like`, with the key terms computed once.)"""
    if keys is None or not keys.terms:
        return []
    only_docs = {n for n in searcher.docs_for_query(Term("kind", schema.DOC))} - (hidden or set())
    only_docs.discard(keys.docnum)
    if not only_docs:  # (Whoosh takes an empty filter for no filter at all)
        return []
    words = Or([Term(keys.body, term, boost=weight) for term, weight in keys.terms.items()])
    return [
        (hit.docnum, hit.score) for hit in searcher.search(words, limit=limit, filter=only_docs)
    ]


def similar_in_other_language(
    searcher: WhooshSearcher, keys: KeyTerms | None, limit: int, hidden: set[int] | None = None
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` doc records of the other language (English for a Spanish
    document and the reverse) most like the document of `keys`, through its translated key
    words; [] when none shares enough of them, or without the dictionaries."""
    if keys is None:
        return []
    source = "en" if keys.body == schema.text_fields(schema.ENGLISH)[1] else "es"
    target = translate.OTHER[source]
    words_of = _key_words(searcher, keys)
    found = translate.translations(words_of, source)
    _, other_body = schema.text_fields(target)
    others = And([Term("kind", schema.DOC), Term("language", target)])
    only = set(searcher.docs_for_query(others)) - {keys.docnum}
    common = max(1, int(len(only) * COMMON_SHARE))
    words = [
        query
        for word, weight in words_of.items()
        if (query := _translated(searcher, other_body, found.get(word, ()), weight, common))
    ]
    if len(words) < MIN_SHARED_KEY_WORDS:
        return []
    only -= hidden or set()
    if not only:  # (Whoosh takes an empty filter for no filter at all)
        return []
    results = searcher.search(Or(words), filter=only, limit=CANDIDATES)
    needed = max(MIN_SHARED_KEY_WORDS, math.ceil(len(words) * MIN_SHARED_SHARE))
    kept = [
        (hit.docnum, hit.score) for hit in results if _on_one_page(searcher, hit, words) >= needed
    ]
    return kept[:limit]


def _key_words(searcher: WhooshSearcher, keys: KeyTerms) -> dict[str, float]:
    """The key terms as the words of the text they most often come from (the dictionaries
    translate words, not stems), with the key terms' weights."""
    analyzer = searcher.schema[keys.body].analyzer
    seen: dict[str, Counter[str]] = {}
    for token in analyzer(keys.text, keeporiginal=True):
        if token.text in keys.terms and token.original.isalpha():
            seen.setdefault(token.text, Counter())[token.original.lower()] += 1
    return {seen[k].most_common(1)[0][0]: w for k, w in keys.terms.items() if k in seen}


def _translated(
    searcher: WhooshSearcher, body: str, translations: tuple[str, ...], weight: float, common: int
) -> Query | None:
    """A key word's translations on the other language's body, scored by the best one; None
    when a translation is in `common` or more documents: a key word of the document (`report`
    in an English audit) whose translation most documents hold (`informe`) tells nothing."""
    analyzer = searcher.schema[body].analyzer
    reader = searcher.reader()
    terms = list(dict.fromkeys(t.text for word in translations for t in analyzer(word)))
    if not terms or any(reader.doc_frequency(body, term) >= common for term in terms):
        return None
    return BestOf([Term(body, term) for term in terms], boost=weight)


def _on_one_page(searcher: WhooshSearcher, hit, words: list[Query]) -> int:
    """The most key words one page of the hit holds (from the doc record's term positions and
    its pages' spans, `page_starts`): a 350-page book holds every common word somewhere, a
    document on the same subject holds several of them together."""
    reader = searcher.reader()
    starts = [start for _, start, _ in hit.fields().get("page_starts") or ()]
    pages: dict[int, set[int]] = {}
    for i, word in enumerate(words):
        for field, text in word.iter_all_terms():
            if (field, text) not in reader:
                continue
            postings = reader.postings(field, text)
            postings.skip_to(hit.docnum)
            if postings.is_active() and postings.id() == hit.docnum:
                for position in postings.value_as("positions"):
                    pages.setdefault(bisect_right(starts, position), set()).add(i)
    return max(map(len, pages.values()), default=0)
