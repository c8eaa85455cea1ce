"""Dataclasses at the seams of search: a request in, a result out (for HTML, JSON and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Facet names as used in SearchRequest.filters, SearchResult.facets and the JSON shape.
FACETS: tuple[str, ...] = ("agency", "topic", "year", "language", "doc_type")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""  # empty or "*" lists every document
    # facet name -> selected values; values of one facet OR, different facets AND
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None  # inclusive range, AND-ed with everything else
    year_to: int | None = None
    page: int = 1  # 1-based
    per_page: int = DEFAULT_PER_PAGE


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
class SearchResult:
    request: SearchRequest
    total: int
    hits: tuple[SearchHit, ...]
    facets: tuple[FacetGroup, ...]

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
        }


def hit_to_json(hit: SearchHit) -> dict:
    return {
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
