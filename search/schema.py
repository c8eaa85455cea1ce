"""The index schema: one Whoosh index holding two kinds of records.

- a *doc* record per document: metadata, facet fields, the whole text (indexed, not stored); it
  is what queries match, rank and count;
- a *page* record per page: the page's text (indexed in `page_es`/`page_en`, and stored in `text`
  for highlighting), so that passages carry their page number and long documents do not hit the
  highlighter's 32,768-character limit. Pages have their own text fields, not the doc records'
  `body_*`: a search walks only the doc records' postings (measured 2-3x faster than skipping
  the interleaved page postings of a shared field), and passages only the pages';
- a *record* unit per lessons-learned record (kind "record"): the record's text, its own facets
  (code, area, lesson type, SDG, GCM, places) and its document's metadata, linked by doc_id and
  page; what a search with `result_type="records"` matches.

Text goes to the `*_en` fields when the document's language is "en", to `*_es` otherwise: each is
analysed in its own language.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from acervo.search.analysis import english_analyzer, spanish_analyzer, surface_analyzer

DOC = "doc"
PAGE = "page"
RECORD = "record"  # a lessons-learned record: a searchable unit of its own (search/records.py)
ENGLISH = "en"
# Doc records: title and body words unstemmed (search/limits.py, search/suggest.py).
WORDS_FIELD = "words"


def text_fields(language: str) -> tuple[str, str]:
    """(title field, body field) where a document in `language` is indexed."""
    suffix = "en" if language == ENGLISH else "es"
    return f"title_{suffix}", f"body_{suffix}"


def page_field(body_field: str) -> str:
    """The page records' field holding what `body_field` holds on doc records."""
    return body_field.replace("body_", "page_", 1)


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
        page_es=TEXT(analyzer=spanish),  # page records (page_field)
        page_en=TEXT(analyzer=english),
        words=TEXT(analyzer=surface_analyzer(), phrase=False),  # WORDS_FIELD, doc records only
        # Multi-valued facets: one term per code, so a study by OIM and ACNUR counts under each.
        agency=KEYWORD(commas=True, lowercase=False, stored=True),
        topic=KEYWORD(commas=True, lowercase=False, stored=True),
        year=NUMERIC(int, stored=True, sortable=True),
        language=ID(stored=True),
        doc_type=ID(stored=True),
        visibility=ID(stored=True),  # publico | miembros | agencia; absent: the default
        # Places and lessons-learned record facets: doc records hold the union of their
        # records' values, record units their own (see search/records.py).
        place=KEYWORD(commas=True, lowercase=False, stored=True),
        record_code=KEYWORD(commas=True, lowercase=False, stored=True),
        area=KEYWORD(commas=True, lowercase=False, stored=True),
        lesson_type=KEYWORD(commas=True, lowercase=False, stored=True),
        sdg=KEYWORD(commas=True, lowercase=False, stored=True),
        gcm=KEYWORD(commas=True, lowercase=False, stored=True),
        record=STORED,  # record units: the record's parts, shown with its hit
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
        # sidecar and _metadata.csv entries that could not be used (ingest MetadataProblem as
        # dicts), shown to curators on the document page
        metadata_problems=STORED,
        # Near duplicates (ingest/neardup.py): ids of earlier-indexed versions of this document,
        # indexed so the searcher also finds the later versions that name a document.
        near_duplicates=KEYWORD(commas=True, lowercase=False, stored=True),
        minhash=STORED,  # the document's MinHash, so later runs compare new files with it
        translations=KEYWORD(commas=True, lowercase=False, stored=True),  # editions, other language
        number_minhash=STORED,  # MinHash of its runs of numbers (ingest/neardup.py)
    )
