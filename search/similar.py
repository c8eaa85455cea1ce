""" "Más como este": documents similar to one, from its key terms.

The body fields are indexed but not stored; a document's text is the stored text of its page
records, so no term vectors are needed (they would grow the index). Whoosh picks the document's
key terms (Bo1 model) in its own language's body field and searches doc records for them.

Across languages (`similar_in_other_language`): the key terms are stems, so each is taken back
to the word of the text it most often comes from (`fertiliz` -> fertilizantes), translated with
the bilingual dictionaries (search/translate.py), and searched in the other language's body
field, each key word the OR of its translations scored by the best one (Pirkola's synonym set),
weighted by the key term's weight. A document of the other language is shown only when it holds
MIN_SHARED_KEY_WORDS of them: a Spanish study on cattle and fertilisers finds the English
article on phosphorus in pastures, not every English text that says "soil" once.
"""

from __future__ import annotations

from collections import Counter

from whoosh.query import And, Or, Query, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema, translate
from acervo.search.coordination import BestOf

KEY_TERMS = 12  # more terms: slower, a little more precise (Whoosh's advice)
MAX_TEXT_CHARS = 200_000  # key terms of a very long document come from its first pages
MIN_SHARED_KEY_WORDS = 3  # of the translated key words, for a document of the other language
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


def similar_docnums(
    searcher: WhooshSearcher, doc_id: str, limit: int, hidden: set[int] | None = None
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` doc records most like `doc_id`, best first, none of them
    in `hidden` (doc records the viewer may not see); [] if unknown."""
    docnum = _doc_number(searcher, doc_id)
    text = _text(searcher, doc_id) if docnum is not None else ""
    if docnum is None or not text.strip():
        return []
    language = searcher.stored_fields(docnum).get("language", "")
    _, body = schema.text_fields(language)
    only_docs = {n for n in searcher.docs_for_query(Term("kind", schema.DOC))} - (hidden or set())
    results = searcher.more_like(
        docnum, body, text=text, top=limit, numterms=KEY_TERMS, filter=only_docs
    )
    return [(hit.docnum, hit.score) for hit in results]


def similar_in_other_language(
    searcher: WhooshSearcher, doc_id: str, limit: int, hidden: set[int] | None = None
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` doc records of the other language (English for a Spanish
    document and the reverse) most like `doc_id`, through its translated key words; [] when
    none shares MIN_SHARED_KEY_WORDS of them, or without the dictionaries."""
    docnum = _doc_number(searcher, doc_id)
    if docnum is None:
        return []
    language = searcher.stored_fields(docnum).get("language", "")
    source = "en" if language == schema.ENGLISH else "es"
    target = translate.OTHER[source]
    text = _text(searcher, doc_id)
    keys = _key_words(searcher, schema.text_fields(source)[1], text)
    found = translate.translations(keys, source)
    _, other_body = schema.text_fields(target)
    others = And([Term("kind", schema.DOC), Term("language", target)])
    only = set(searcher.docs_for_query(others)) - {docnum}
    common = max(1, int(len(only) * COMMON_SHARE))
    words = [
        query
        for word, weight in keys.items()
        if (query := _translated(searcher, other_body, found.get(word, ()), weight, common))
    ]
    if len(words) < MIN_SHARED_KEY_WORDS:
        return []
    only -= hidden or set()
    results = searcher.search(Or(words), filter=only, limit=None, terms=True)
    shared = [(hit.docnum, hit.score, _key_words_held(hit, words)) for hit in results]
    kept = [(n, score) for n, score, held in shared if held >= MIN_SHARED_KEY_WORDS]
    return kept[:limit]


def _key_words(searcher: WhooshSearcher, body: str, text: str) -> dict[str, float]:
    """The text's key terms (Bo1) as the words of the text they most often come from (the
    dictionaries translate words, not stems), with the key terms' weights."""
    keys = dict(searcher.key_terms_from_text(body, text, numterms=KEY_TERMS))
    analyzer = searcher.schema[body].analyzer
    seen: dict[str, Counter[str]] = {}
    for token in analyzer(text, keeporiginal=True):
        if token.text in keys and token.original.isalpha():
            seen.setdefault(token.text, Counter())[token.original.lower()] += 1
    return {seen[k].most_common(1)[0][0]: w for k, w in keys.items() if k in seen}


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


def _key_words_held(hit, words: list[Query]) -> int:
    matched = {(field, _text_of(term)) for field, term in hit.matched_terms()}
    return sum(any(t in matched for t in word.iter_all_terms()) for word in words)


def _text_of(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
