""" "Más como este": documents similar to one, from its key terms.

The body fields are indexed but not stored; a document's text is the stored text of its page
records, so no term vectors are needed (they would grow the index). Whoosh picks the document's
key terms (Bo1 model) in its own language's body field and searches doc records for them.
"""

from __future__ import annotations

from whoosh.query import And, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema

KEY_TERMS = 12  # more terms: slower, a little more precise (Whoosh's advice)
MAX_TEXT_CHARS = 200_000  # key terms of a very long document come from its first pages


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
