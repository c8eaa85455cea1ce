"""One document at a time: its stored record, its pages, which pages match a query (document page),
and the hits of a basket of (document, query) pairs (selection exports and the dossier).

Everything here reads what the indexer stored (doc records: title, paths, provenance, format,
size, pages; page records: `text`); nothing re-reads the original files.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace

from whoosh.query import And, Query, Term

from acervo.ingest.models import MetadataProblem
from acervo.search import schema, snippets
from acervo.search.errors import SearchError
from acervo.search.models import DocumentInfo, PageText, Passage, SearchHit
from acervo.search.query import parse_query
from acervo.search.searcher import Searcher

FIRST_PAGES = 2  # a basket item without a query shows the start of its first pages
FIRST_PAGE_CHARS = 1200


def document_info(searcher: Searcher, doc_id: str) -> DocumentInfo | None:
    """The document's metadata with provenance, its sources, format and size; None if unknown."""
    stored = _doc_fields(searcher, doc_id)
    hit = searcher.document(doc_id)
    if stored is None or hit is None:
        return None
    return DocumentInfo(
        hit=hit,
        sha256=stored.get("sha256", ""),
        format=stored.get("format", ""),
        size=stored.get("size", 0),
        provenance=dict(stored.get("provenance", {})),
        near_duplicates=_near_duplicate_ids(searcher, stored),
        metadata_problems=tuple(
            str(MetadataProblem(**problem)) for problem in stored.get("metadata_problems") or ()
        ),
    )


def _near_duplicate_ids(searcher: Searcher, stored: dict) -> tuple[str, ...]:
    """The earlier versions this document names (`near_duplicates`, comma-joined) and the later
    ones that name it (the field is indexed for that)."""
    named = [d for d in str(stored.get("near_duplicates") or "").split(",") if d]
    whoosh = searcher.whoosh_searcher
    naming = And([Term("kind", schema.DOC), Term("near_duplicates", stored["doc_id"])])
    if "near_duplicates" not in whoosh.schema:  # an index from before near duplicates
        return tuple(named)
    later = (whoosh.stored_fields(n)["doc_id"] for n in whoosh.docs_for_query(naming))
    return tuple(dict.fromkeys([*named, *later]))


def near_duplicates(searcher: Searcher, info: DocumentInfo) -> list[SearchHit]:
    """The near-duplicate documents still in the index (none until ingestion records them)."""
    found = (searcher.document(doc_id) for doc_id in info.near_duplicates if doc_id != info.hit.id)
    return [hit for hit in found if hit is not None]


def pages(searcher: Searcher, doc_id: str) -> list[tuple[int, str]]:
    """(page number, stored text) of every page that has text, in page order."""
    whoosh = searcher.whoosh_searcher
    query = And([Term("kind", schema.PAGE), Term("doc_id", doc_id)])
    stored = map(whoosh.stored_fields, whoosh.docs_for_query(query))
    return sorted((fields["page"], fields.get("text", "")) for fields in stored)


def hit_pages(searcher: Searcher, doc_id: str, query: str) -> list[int]:
    """Pages of `doc_id` that match `query`'s words, in page order; none for an empty query.

    Raises QuerySyntaxError / UnknownField (SearchError) for a query that does not parse.
    """
    passage_query = _passage_query(query)
    stored = _doc_fields(searcher, doc_id)
    if passage_query is None or stored is None:
        return []
    doc = snippets.hit_doc(stored)
    return sorted(
        snippets.page_scores(searcher.whoosh_searcher, passage_query, [doc]).get(doc_id, ())
    )


def read_pages(searcher: Searcher, info: DocumentInfo, query: str) -> list[PageText]:
    """Every page as escaped HTML with `query`'s words in <mark>, the matching pages flagged."""
    doc_id = info.hit.id
    hits = set(hit_pages(searcher, doc_id, query))
    marked = snippets.mark_pages(
        searcher.whoosh_searcher,
        _passage_query(query),
        info.hit.language,
        pages(searcher, doc_id),
    )
    return [PageText(number, html, number in hits) for number, html in marked]


def selected_hits(
    searcher: Searcher, selection: Sequence[tuple[str, str]], per_doc: int
) -> list[SearchHit]:
    """Hits for (doc_id, query) pairs in their order, each with up to `per_doc` passages for its
    own query (the first page's excerpt when the query is empty or no longer parses); documents
    no longer in the index are left out.
    """
    by_query: dict[str, list[SearchHit]] = {}
    for doc_id, query in dict(selection).items():
        hit = searcher.document(doc_id)
        if hit is not None:
            by_query.setdefault(query, []).append(hit)
    found: dict[str, SearchHit] = {}
    for query, hits in by_query.items():
        if _lenient_passage_query(query) is None:
            found.update(
                {hit.id: replace(hit, passages=first_pages(searcher, hit.id)) for hit in hits}
            )
            continue
        stored = [_doc_fields(searcher, hit.id) or {} for hit in hits]
        passages = snippets.passages(
            searcher.whoosh_searcher,
            _lenient_passage_query(query),
            (snippets.hit_doc(fields) for fields in stored),
            per_doc=per_doc,
        )
        found.update({hit.id: replace(hit, passages=passages[hit.id]) for hit in hits})
    return [found[doc_id] for doc_id in dict(selection) if doc_id in found]


def first_pages(searcher: Searcher, doc_id: str) -> tuple[Passage, ...]:
    """The start of the first FIRST_PAGES pages with text: what a dossier shows without a query."""
    shown = []
    for number, text in pages(searcher, doc_id)[:FIRST_PAGES]:
        cut = text.strip()
        if len(cut) > FIRST_PAGE_CHARS:
            cut = cut[:FIRST_PAGE_CHARS].rsplit(" ", 1)[0] + " …"
        shown.append(Passage(number, cut, html.escape(cut, quote=False)))
    return tuple(shown)


def _doc_fields(searcher: Searcher, doc_id: str) -> dict | None:
    whoosh = searcher.whoosh_searcher
    query = And([Term("kind", schema.DOC), Term("doc_id", doc_id)])
    docnum = next(iter(whoosh.docs_for_query(query)), None)
    return None if docnum is None else whoosh.stored_fields(docnum)


def _passage_query(query: str) -> Query | None:
    parsed = parse_query(query)
    return None if parsed.match_all else parsed.passage_query


def _lenient_passage_query(query: str) -> Query | None:
    # A basket keeps the query a document was picked under; the query syntax may have changed
    # since (a newer Acervo): show the excerpt rather than fail the whole export.
    try:
        return _passage_query(query)
    except SearchError:
        return None
