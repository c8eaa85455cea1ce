""" "Más como este": documents similar to one, from its key terms.

The body fields are indexed but not stored; a document's text is the stored text of its page
records, so no term vectors are needed (they would grow the index). Whoosh picks the document's
key terms (Bo1 model) in its own language's body field and searches doc records for them.

Across languages (`similar_in_other_language`): the key terms are stems, so each is taken back
to the word of the text it most often comes from (`fertiliz` -> fertilizantes), translated with
the bilingual dictionaries (search/translate.py) and searched in the other language's body
field, each key word the OR of its translations scored by the best one (Pirkola's synonym set),
weighted by the key term's weight. Key words that share a translation are one concept
(volunteer, voluntary -> voluntario). A document of the other language is offered only when

- one of its pages holds MIN_SHARED_KEY_WORDS of the concepts and MIN_SHARED_SHARE of their
  rarity in that language (log of documents / documents holding it): a page with three common
  words (psicológico, trastornos, actitudes) is not a page on obesity;
- and the same holds the other way: its own key words, translated back, on one page of the
  document shown (a tax form holds the money words of a study of cash transfers, payments and
  banking, but the study holds none of the form's own, tax and income).

benchmarks/relevance/similar_crosslang.py (judged by reading, realdocs es + en): on one page
only (the first rule alone, without rarity), 49 of 134 documents got one of the other language,
14 of 35 on their subject; with both rules 9, every one on its subject or a neighbouring one
(EU energy taxes <-> biofuels and hydrogen laws, a software guide <-> the Debian reference),
one relevant pair lost (a schizophrenia abstract -> mental health in prisons, whose key words
the dictionaries translate badly). Nothing is better than something off topic.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass

from whoosh.query import And, Or, Query, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import limits, matching, schema, translate
from acervo.search.coordination import BestOf

KEY_TERMS = 12  # more terms: slower, a little more precise (Whoosh's advice)
MAX_TEXT_CHARS = 200_000  # key terms of a very long document come from its first pages
MIN_SHARED_KEY_WORDS = 3  # of the translated key words, for a document of the other language
MIN_SHARED_SHARE = 0.5  # ...and at least this share of them, on one of its pages
CANDIDATES = 10  # documents of the other language checked, best scores first
CHECKED_BACK = 3  # candidates whose own key terms are computed, at most (the costly step)
CACHED_CONCEPTS = 5_000  # documents' translated key words kept per generation (a few KB each)
COMMON_SHARE = 0.5  # a translation in this share of the other language's documents is too common
COMMON_AT_LEAST = 10  # ...and in this many (of six documents, every subject word is in three)


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
    searcher: WhooshSearcher,
    keys: KeyTerms | None,
    limit: int,
    hidden: set[int] | None = None,
    cache: MutableMapping[tuple[int, str], list[_Concept]] | None = None,
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` doc records of the other language (English for a Spanish
    document and the reverse) most like the document of `keys`, through its translated key
    words; [] when none is close enough, or without the dictionaries. `cache` keeps the
    documents' translated key words for the next calls (one per index generation: they depend
    on its documents only)."""
    if keys is None:
        return []
    source = _language(keys.body)
    target = translate.OTHER[source]
    cache = {} if cache is None else cache
    concepts = _cached_concepts(searcher, keys.docnum, target, cache, keys)
    only = _doc_records(searcher, target) - {keys.docnum} - (hidden or set())
    if len(concepts) < MIN_SHARED_KEY_WORDS or not only:  # (an empty filter is no filter)
        return []
    results = searcher.search(_query(concepts), filter=only, limit=CANDIDATES)
    close = [hit for hit in results if _close(searcher, hit.docnum, concepts)]
    kept = []
    for hit in close[:CHECKED_BACK]:
        if limits.seconds_left() <= 0 or len(kept) == limit:
            break  # better nothing than a document not checked both ways
        back = _cached_concepts(searcher, hit.docnum, source, cache)
        if len(back) >= MIN_SHARED_KEY_WORDS and _close(searcher, keys.docnum, back):
            kept.append((hit.docnum, hit.score))
    return kept


@dataclass(frozen=True)
class _Concept:
    """A key word of a document as it reads in the other language: its translations' terms in
    that language's body field, its key-term weight, and how rare it is there."""

    body: str
    terms: tuple[str, ...]
    weight: float
    frequency: int  # documents of that language holding its commonest term
    documents: int  # documents of that language

    @property
    def rarity(self) -> float:
        return math.log(self.documents / self.frequency)


def _language(body: str) -> str:
    return "en" if body == schema.text_fields(schema.ENGLISH)[1] else "es"


def _doc_records(searcher: WhooshSearcher, language: str) -> set[int]:
    query = And([Term("kind", schema.DOC), Term("language", language)])
    return set(searcher.docs_for_query(query))


def _concepts(
    searcher: WhooshSearcher, keys: KeyTerms, target: str, documents: int
) -> list[_Concept]:
    """The key words of `keys` translated into `target`, one concept per meaning: key words
    that share a translation (volunteer, voluntary -> voluntario) are one concept. Left out:
    a key word without translation, or whose translation no document of `target` holds (it
    tells nothing), or one in COMMON_SHARE or more of them (`report` -> informe) and in
    COMMON_AT_LEAST."""
    _, body = schema.text_fields(target)
    analyzer = searcher.schema[body].analyzer
    reader = searcher.reader()
    words_of = _key_words(searcher, keys)
    found = translate.translations(words_of, _language(keys.body))
    concepts: list[_Concept] = []
    for word, weight in words_of.items():
        terms = tuple(dict.fromkeys(t.text for w in found.get(word, ()) for t in analyzer(w)))
        frequency = max((reader.doc_frequency(body, term) for term in terms), default=0)
        if not frequency or frequency >= max(COMMON_AT_LEAST, documents * COMMON_SHARE):
            continue
        same = next((c for c in concepts if set(c.terms) & set(terms)), None)
        if same is not None:
            concepts.remove(same)
            terms = tuple(dict.fromkeys(same.terms + terms))
            weight, frequency = max(weight, same.weight), max(frequency, same.frequency)
        concepts.append(_Concept(body, terms, weight, frequency, documents))
    return concepts


def _query(concepts: list[_Concept]) -> Query:
    """Each concept the OR of its translations scored by the best one (Pirkola's synonym
    set), weighted by the key term's weight."""
    return Or([BestOf([Term(c.body, t) for t in c.terms], boost=c.weight) for c in concepts])


def _close(searcher: WhooshSearcher, docnum: int, concepts: list[_Concept]) -> bool:
    """Whether one page of the document holds MIN_SHARED_KEY_WORDS of the concepts, and
    MIN_SHARED_SHARE of their rarity (a common word counts less than a rare one)."""
    total = sum(c.rarity for c in concepts)
    pages = _pages_holding(searcher, docnum, concepts)
    return any(
        len(held) >= MIN_SHARED_KEY_WORDS
        and sum(concepts[i].rarity for i in held) >= MIN_SHARED_SHARE * total
        for held in pages.values()
    )


def _cached_concepts(
    searcher: WhooshSearcher,
    docnum: int,
    target: str,
    cache: MutableMapping[tuple[int, str], list[_Concept]],
    keys: KeyTerms | None = None,
) -> list[_Concept]:
    """The concepts of the document `docnum` (from `keys`, or its key terms computed here: most
    of the cost of this list) in `target`, from `cache` when they were computed before."""
    concepts = cache.get((docnum, target))
    if concepts is None:
        keys = keys or key_terms(searcher, searcher.stored_fields(docnum).get("doc_id", ""))
        documents = len(_doc_records(searcher, target))
        concepts = _concepts(searcher, keys, target, documents) if keys else []
        if len(cache) >= CACHED_CONCEPTS:
            cache.clear()  # a simple bound, as for parsed queries
        cache[(docnum, target)] = concepts
    return concepts


def _key_words(searcher: WhooshSearcher, keys: KeyTerms) -> dict[str, float]:
    """The key terms as the words of the text they most often come from (the dictionaries
    translate words, not stems), with the key terms' weights."""
    analyzer = searcher.schema[keys.body].analyzer
    seen: dict[str, Counter[str]] = {}
    for token in analyzer(keys.text, keeporiginal=True):
        if token.text in keys.terms and token.original.isalpha():
            seen.setdefault(token.text, Counter())[token.original.lower()] += 1
    return {seen[k].most_common(1)[0][0]: w for k, w in keys.terms.items() if k in seen}


def _pages_holding(
    searcher: WhooshSearcher, docnum: int, concepts: list[_Concept]
) -> dict[int, set[int]]:
    """page -> the concepts (indexes) it holds, from the doc record's term positions and its
    pages' spans (`page_starts`): a 350-page book holds every common word somewhere, a
    document on the same subject holds several of them together."""
    reader = searcher.reader()
    starts = [start for _, start, _ in searcher.stored_fields(docnum).get("page_starts") or ()]
    pages: dict[int, set[int]] = {}
    for i, concept in enumerate(concepts):
        for term in concept.terms:
            if (concept.body, term) not in reader:
                continue
            postings = reader.postings(concept.body, term)
            if matching.skip_to(postings, docnum) and postings.id() == docnum:
                for position in postings.value_as("positions"):
                    pages.setdefault(bisect_right(starts, position), set()).add(i)
    return pages
