"""The index schema: one Whoosh index holding two kinds of records.

- a *doc* record per document: metadata, facet fields, the whole text (indexed, not stored); it
  is what queries match, rank and count;
- a *page* record per page: the page's text (indexed, and stored in `text` for highlighting), so
  that passages carry their page number and long documents do not hit the highlighter's
  32,768-character limit.

Text goes to the `*_en` fields when the document's language is "en", to `*_es` otherwise: each is
analysed in its own language.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from acervo.search.analysis import english_analyzer, spanish_analyzer

DOC = "doc"
PAGE = "page"
ENGLISH = "en"


def text_fields(language: str) -> tuple[str, str]:
    """(title field, body field) where a document in `language` is indexed."""
    suffix = "en" if language == ENGLISH else "es"
    return f"title_{suffix}", f"body_{suffix}"


def build_schema() -> Schema:
    spanish, english = spanish_analyzer(), english_analyzer()
    return Schema(
        kind=ID(stored=True),
        doc_id=ID(stored=True),
        page=NUMERIC(int, stored=True),  # 0 on doc records
        title_es=TEXT(analyzer=spanish),
        title_en=TEXT(analyzer=english),
        body_es=TEXT(analyzer=spanish),
        body_en=TEXT(analyzer=english),
        # Multi-valued facets: one term per code, so a study by OIM and ACNUR counts under each.
        agency=KEYWORD(commas=True, lowercase=False, stored=True),
        topic=KEYWORD(commas=True, lowercase=False, stored=True),
        year=NUMERIC(int, stored=True, sortable=True),
        language=ID(stored=True),
        doc_type=ID(stored=True),
        path=ID,  # every source path, one term each (given as a list)
        text=STORED,  # page records: the page text the highlighter reads
        excerpt=STORED,  # doc records: start of the first page, the passage of match-all hits
        title=STORED,
        paths=STORED,
        sha256=STORED,
        format=STORED,
        pages=STORED,
        size=STORED,
        provenance=STORED,
    )
