"""The index schema: one Whoosh index holding two kinds of records.

- a *doc* record per document: metadata, facet fields, the whole text (indexed, not stored); it
  is what queries match, rank and count;
- a *page* record per page: the page's text, stored (`text`) and not indexed, with its page
  number and doc_id. Passages find a hit's best pages from the doc record's own term positions:
  the doc record stores where each page's terms start (`page_starts`), so each text is analysed
  once (search/snippets.py), and long documents do not hit the highlighter's 32,768-character
  limit;
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
# The index's format beyond its field names and types: bump it when what the fields hold changes
# (an analyzer, the positions, the records' layout), and the next ingest rebuilds an index
# written with another (IndexStore.schema_is_current). The one place this is decided.
# 2: passages from the doc record's positions (page_starts); 3: Spanish words stemmed with their
# likely accents restored (search/analysis.py).
INDEX_FORMAT = 3
# Doc records: title and body words unstemmed (search/limits.py, search/suggest.py).
WORDS_FIELD = "words"


def text_fields(language: str) -> tuple[str, str]:
    """(title field, body field) where a document in `language` is indexed."""
    suffix = "en" if language == ENGLISH else "es"
    return f"title_{suffix}", f"body_{suffix}"


def build_schema() -> Schema:
    spanish, english = spanish_analyzer(), english_analyzer()
    return Schema(
        kind=ID(stored=True),
        doc_id=ID(stored=True),
        # 0 on doc records; looked up exactly, never by range: one term per value, not the tiers
        # of a range field (they were an eighth of all postings)
        page=NUMERIC(int, stored=True, shift_step=0),
        title_es=TEXT(analyzer=spanish),
        title_en=TEXT(analyzer=english),
        body_es=TEXT(analyzer=spanish),
        body_en=TEXT(analyzer=english),
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
        # doc records: (page number, first body position, position after its last) of each
        # page with text (search/indexer.py analyse_body)
        page_starts=STORED,
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
