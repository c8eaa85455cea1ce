"""Dataclasses at the seams of search: a request in, a result out (for HTML, JSON and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Facet names as used in SearchRequest.filters, SearchResult.facets and the JSON shape.
FACETS: tuple[str, ...] = (
    "agency",
    "topic",
    "year",
    "language",
    "doc_type",
    "place",  # places the document (or record) names: acervo/vocab/places.csv
    # Lessons-learned records (search/records.py); a document counts under its records' values.
    "area",
    "lesson_type",
    "sdg",
    "gcm",
)
# Facets that describe lessons-learned records: a document has them only through its records.
RECORD_FACETS: frozenset[str] = frozenset({"area", "lesson_type", "sdg", "gcm"})
# What a search returns: documents, or the lessons-learned records inside them.
RESULT_TYPES: tuple[str, ...] = ("documents", "records")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
# Hit orders: best score first; year (newest/oldest, ties by score); title A-Z (ties by score).
# "added": most recently added or updated in the index first (feeds, "Novedades").
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest", "title", "added")


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""  # empty or "*" lists every document
    # facet name -> selected values; values of one facet OR, different facets AND
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None  # inclusive range, AND-ed with everything else
    year_to: int | None = None
    page: int = 1  # 1-based
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"  # one of SORTS; applies to every matching hit, not one page
    expand: bool = True  # thesaurus expansion (ACNUR -> UNHCR, ...); `expandir=0` turns it off
    # search with the spelling correction of words found in no document (`corregir=0`: as typed)
    correct: bool = True
    result_type: str = "documents"  # one of RESULT_TYPES; web `resultado=documentos|registros`
    # "Novedades": only documents added or updated in the index in the last N days (`nuevos=30`)
    added_within: int | None = None
    # only documents added or updated after this UNIX time (saved searches, digests; not in URLs)
    updated_after: float | None = None


@dataclass(frozen=True)
class Passage:
    page: int
    text: str  # plain text of the fragment
    html: str  # same fragment, HTML-escaped, query terms wrapped in <mark>


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    agencies: tuple[str, ...]
    topics: tuple[str, ...]
    year: int | None
    language: str
    doc_type: str
    path: str  # first source path
    score: float
    passages: tuple[Passage, ...] = ()
    paths: tuple[str, ...] = ()  # every source path
    pages: int = 0  # page count of the document
    record: RecordInfo | None = None  # set on the hits of a records search (id is the doc's)
    # Near duplicates: other versions of this study (a draft, a new cover): "versión similar de…"
    similar: tuple[SimilarDoc, ...] = ()
    # The same study in another language (its numbers agree): "otra edición (inglés)…"
    translations: tuple[SimilarDoc, ...] = ()
    # The typed words it lacks, when a query also lists documents holding some of them
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimilarDoc:
    """A near-duplicate version of a hit: enough to name it and link to it."""

    id: str
    title: str
    path: str = ""  # its first source: versions often share a title, not a file name
    language: str = ""


@dataclass(frozen=True)
class RecordInfo:
    """A lessons-learned record shown as a hit: its own facets, parts and where it is."""

    code: str
    area: str  # topic code
    lesson_type: str
    sdg: tuple[str, ...]
    gcm: tuple[str, ...]
    page: int
    document_title: str
    places: tuple[str, ...] = ()
    finding: str = ""
    description: str = ""
    context: str = ""
    goals: str = ""
    beneficiaries: str = ""
    success: str = ""  # "Éxito / Cuestiones positivas"
    challenges: str = ""  # "Desafíos, dificultades, problemas"
    text: str = ""


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False
    label: str = ""  # human label (Spanish) for the UI; value is the code


@dataclass(frozen=True)
class FacetGroup:
    name: str  # one of FACETS
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Expansion:
    """How one typed term was widened by the thesaurus: `ACNUR` -> UNHCR, Alto Comisionado..."""

    term: str  # as the analyst typed it
    alternatives: tuple[str, ...]  # the other forms also searched (the UI: "buscando también")
    # "" for thesaurus forms; "es" or "en" for dictionary translations into that language
    # (search/translate.py; the UI: "buscando también en español")
    language: str = ""


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    total: int
    hits: tuple[SearchHit, ...]
    facets: tuple[FacetGroup, ...]
    expansions: tuple[Expansion, ...] = ()  # empty when nothing was expanded or expand=False
    suggestion: str | None = None  # "¿Quiso decir …?": a corrected query with more hits
    # the query as typed when `request.query` is its spelling correction (searched instead)
    corrected_from: str | None = None
    # Of `total`, the documents holding every typed word; None when every word was required.
    # The rest hold most of the words (search/coordination.py) and are listed after them.
    all_words_total: int | None = None

    @property
    def relaxed(self) -> bool:
        """Some of the documents counted (and listed) lack one of the typed words."""
        return self.all_words_total is not None and self.all_words_total < self.total

    def to_json(self) -> dict:
        """The documented JSON shape (README): used by the CLI, the API and the JSON export."""
        return {
            "query": self.request.query,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "hits": [hit_to_json(h) for h in self.hits],
            "facets": {
                g.name: [{"value": v.value, "count": v.count} for v in g.values]
                for g in self.facets
            },
            "expansions": [
                {"term": e.term, "alternatives": list(e.alternatives)}
                | ({"translated_to": e.language} if e.language else {})
                for e in self.expansions
            ],
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "relaxed": self.relaxed,
            "all_words_total": self.all_words_total,
        }


def hit_to_json(hit: SearchHit) -> dict:
    return (
        {
            "id": hit.id,
            "title": hit.title,
            "agencies": list(hit.agencies),
            "topics": list(hit.topics),
            "year": hit.year,
            "language": hit.language,
            "doc_type": hit.doc_type,
            "path": hit.path,
            "score": round(hit.score, 4),
            "passages": [{"page": p.page, "text": p.text, "html": p.html} for p in hit.passages],
        }
        | ({"record": record_to_json(hit.record)} if hit.record else {})
        | ({"missing_words": list(hit.missing)} if hit.missing else {})
        | ({"also_in": [p for p in hit.paths if p != hit.path]} if len(hit.paths) > 1 else {})
        | (
            {"similar": [{"id": s.id, "title": s.title, "path": s.path} for s in hit.similar]}
            if hit.similar
            else {}
        )
        | (
            {
                "translations": [
                    {"id": t.id, "title": t.title, "path": t.path, "language": t.language}
                    for t in hit.translations
                ]
            }  # fmt: skip
            if hit.translations
            else {}
        )
    )


def record_to_json(record: RecordInfo) -> dict:
    return {
        "code": record.code,
        "area": record.area,
        "lesson_type": record.lesson_type,
        "sdg": list(record.sdg),
        "gcm": list(record.gcm),
        "page": record.page,
        "document_title": record.document_title,
        "places": list(record.places),
        "finding": record.finding,
        "description": record.description,
        "context": record.context,
        "goals": record.goals,
        "beneficiaries": record.beneficiaries,
        "success": record.success,
        "challenges": record.challenges,
        "text": record.text,
    }


@dataclass(frozen=True)
class DocumentInfo:
    """Everything the document page shows about one indexed document (its doc record)."""

    hit: SearchHit  # the metadata as a hit (no passages, score 0)
    sha256: str
    format: str  # pdf | docx | ...
    size: int  # bytes
    # field name (title, agencies, topics, year, language, doc_type) -> source: sidecar | folder |
    # properties | inferred | none (acervo.ingest.models.Provenance values)
    provenance: dict[str, str] = field(default_factory=dict)
    # ids of near-duplicate documents (drafts, re-publications), when ingestion recorded them
    near_duplicates: tuple[str, ...] = ()
    # its sidecar and _metadata.csv entries that could not be used, one line each (curators)
    metadata_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageText:
    """One page of a document for reading: escaped HTML with the query's words in <mark>."""

    number: int
    html: str
    hit: bool = False  # the page matches the query (not only shares a word with it)
