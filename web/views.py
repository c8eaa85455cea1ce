"""Routes: the search page, the JSON API, the exports and the original files.

Every output goes through `run_search` (exports: web/exports.py) with a SearchRequest built by
`params.parse_request`; views only pick the output format.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from acervo.search import document, limits
from acervo.search.catalog import Catalog
from acervo.search.errors import ExportFailed, IndexMissing, SearchError
from acervo.search.indexer import CURRENT_FILE
from acervo.search.models import (
    DEFAULT_PER_PAGE,
    FACETS,
    SearchHit,
    SearchRequest,
    SearchResult,
    hit_to_json,
)
from acervo.search.query import with_word_required
from acervo.web import auth, exports, index, original, params
from acervo.web import search_page as page_parts

bp = Blueprint("acervo", __name__)

PDF_MIMETYPE = "application/pdf"
FILE_MIMETYPES: dict[str, str] = {
    ".pdf": PDF_MIMETYPE,
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}
PAGE_LINKS_AROUND = 2  # page numbers shown on each side of the current page


def run_search(req: SearchRequest) -> SearchResult:
    """The one search behind the page, the API and the exports (raises SearchError)."""
    with auth.open_searcher() as searcher:
        return searcher.search(req)


@bp.get("/")
def search_page() -> str:
    req = params.parse_request(request.args)
    narrowing = params.facet_search(request.args)
    # one deadline for the search and the zero-result help's "what if" counts
    with auth.open_searcher() as searcher, limits.budget():
        result = searcher.search(req)
        why = page_parts.zero_help(searcher, result, search_url) if not result.total else None
        indexed = searcher.document_count()  # that this user may see
    req = result.request  # the corrected query, when a misspelt word was corrected
    return render_template(
        "search.html",
        req=req,
        result=result,
        query=req.query,
        index_info=(indexed, _index_updated()),
        panels=page_parts.facet_panels(result, search_url, narrowing),
        chips=page_parts.chips(result, search_url),
        histogram=page_parts.histogram(result, search_url),
        zero=why,
        expansions=getattr(result, "expansions", ()),
        suggestion=getattr(result, "suggestion", None),
    )


def _index_updated() -> date | None:
    """When the live index generation was switched in (the CURRENT pointer's mtime)."""
    try:
        stamp = (index.store().root / CURRENT_FILE).stat().st_mtime
    except OSError:  # the pointer vanished between the search and now: say nothing
        return None
    return datetime.fromtimestamp(stamp, tz=UTC).date()


@bp.get("/api/search")
def api_search() -> Response:
    """The documented JSON shape, with files named relative to their corpus folder (never the
    server's absolute path) and each hit's document page as `url`."""
    result = run_search(params.parse_request(request.args))
    shown = exports.links()
    data = replace(result, hits=tuple(shown.local(hit) for hit in result.hits)).to_json()
    for hit in data["hits"]:
        hit["url"] = shown.doc_url(hit["id"])
    return jsonify(data)


SIMILAR_LIMIT = 5


@bp.get("/api/similar/<doc_id>")
def api_similar(doc_id: str) -> Response:
    """ "Más como este": the documents most like `doc_id` (hits, no passages); 404 if unknown."""
    if not index.DOC_ID.fullmatch(doc_id):
        abort(404)
    with auth.open_searcher() as searcher:
        if searcher.document(doc_id) is None:
            abort(404)
        hits = searcher.similar(doc_id, limit=SIMILAR_LIMIT)
    shown = exports.links()
    found = [hit_to_json(shown.local(hit)) | {"url": shown.doc_url(hit.id)} for hit in hits]
    return jsonify(id=doc_id, hits=found)


@bp.get("/documento/<doc_id>/archivo")
def document_file(doc_id: str) -> Response | tuple[str, int]:
    """The original file of an indexed document; its path comes from the index only, and it is
    served only while it is the file that was indexed (web/original.py)."""
    if not index.DOC_ID.fullmatch(doc_id):
        abort(404)
    with auth.open_searcher() as searcher:
        info = document.document_info(searcher, doc_id)
    if info is None:
        abort(404)
    with _live_catalog() as catalog:
        found = original.open_original(
            info.hit.paths or (info.hit.path,), info.size, info.sha256, catalog.file_stat
        )
    if found is None:
        return _original_gone()
    # the format ingestion found from the content (magic bytes), not the file's name
    kind = f".{info.format}" if info.format else os.path.splitext(found.name)[1].lower()
    mimetype = FILE_MIMETYPES.get(kind, "application/octet-stream")
    # Only PDFs open in the browser (at #page=N); HTML and the rest are downloaded, never
    # rendered on our origin.
    response = send_file(
        found.handle,
        mimetype=mimetype,
        as_attachment=mimetype != PDF_MIMETYPE,
        download_name=found.name,
    )
    # Exactly the type: werkzeug appends "charset=utf-8" to text types, but an original text
    # file is sent as it is on disk, in whatever encoding it has.
    response.headers["Content-Type"] = mimetype
    return response


def _live_catalog() -> Catalog:
    generation = index.store().live_generation()
    return Catalog(index.store().root / generation if generation else None)


def _original_gone() -> tuple[str, int]:
    text = gettext(
        "El archivo original ya no es el que se indexó: se cambió, se movió o se reemplazó "
        "por un enlace. La próxima ingesta actualizará el documento; avise al administrador."
    )
    title = gettext("Archivo original no disponible")
    return render_template("not_found.html", title=title, text=text), 404


@bp.app_errorhandler(IndexMissing)
def index_missing(exc: IndexMissing) -> tuple[Response | str, int]:
    return _error(exc, 503, "unavailable.html")


@bp.app_errorhandler(ExportFailed)
def export_failed(exc: ExportFailed) -> tuple[Response | str, int]:
    return _error(exc, 503, "search.html")  # the server's trouble, said on the search page


@bp.app_errorhandler(SearchError)
def search_error(exc: SearchError) -> tuple[Response | str, int]:
    return _error(exc, 400, "search.html")


# What an /api/ client reads instead of an HTML error page, by status.
API_ERRORS = {
    404: "No existe: {path}. Las rutas de la API son /api/search y /api/similar/<id>.",
    405: "Método no permitido en {path}: use GET.",
    500: "Error interno del servidor. Vuelva a intentarlo; si persiste, avise al administrador.",
}


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response | HTTPException | tuple[Response, int]:
    """An /api/ error is JSON with a Spanish message, never an HTML page."""
    if not request.path.startswith("/api/"):
        return exc
    message = API_ERRORS.get(exc.code or 500, exc.description or "")
    return jsonify(error=message.format(path=request.path)), exc.code or 500


def _error(exc: SearchError, status: int, template: str) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify(error=str(exc)), status
    query = request.args.get("q", "")[: params.MAX_QUERY_CHARS]
    return render_template(template, error=str(exc), req=None, result=None, query=query), status


# ---- links and helpers for the templates -------------------------------------------------


def search_url(req: SearchRequest, endpoint: str = "acervo.search_page") -> str:
    return url_for(endpoint, **params.request_args(req))


def toggle_url(req: SearchRequest, facet: str, value: str) -> str:
    return search_url(params.toggle_filter(req, facet, value))


def page_url(req: SearchRequest, page: int) -> str:
    return search_url(replace(req, page=page))


def per_page_choices(req: SearchRequest) -> tuple[int, ...]:
    """The page sizes offered; an API-style size from the URL (`per_page=5`) stays selectable."""
    return tuple(sorted({*params.PER_PAGE_CHOICES, req.per_page}))


def require_links(req: SearchRequest, words: Sequence[str]) -> list[tuple[str, str]]:
    """(word, the search with that word required) for each word a hit lacks that can be (not
    an OR group)."""
    links = []
    for word in words:
        required = None if " OR " in word else with_word_required(req.query, word)
        if required is not None:
            links.append((word, search_url(replace(req, query=required, page=1))))
    return links


def no_expansion(req: SearchRequest) -> SearchRequest:
    return replace(req, expand=False, page=1)


def with_expansion(req: SearchRequest) -> SearchRequest:
    return replace(req, expand=True, page=1)


def hidden_fields(req: SearchRequest, *drop: str) -> list[tuple[str, str]]:
    """The search state as (name, value) pairs for a form's hidden inputs, minus `drop` and the
    page: every small form on the page (sort, range, facet search) keeps the rest of the search.
    """
    pairs = []
    for name, value in params.request_args(req).items():
        if name in drop or name == "page":
            continue
        pairs.extend((name, v) for v in (value if isinstance(value, list) else [value]))
    return pairs


def file_url(hit: SearchHit, page: int | None = None) -> str:
    """Link to the original file; PDFs open at the passage's page."""
    url = url_for("acervo.document_file", doc_id=hit.id)
    is_pdf = (hit.path or "").lower().endswith(".pdf")
    return f"{url}#page={page}" if page and is_pdf else url


def language_url(lang: str) -> str:
    """The current page in another UI language (the choice is then kept in a cookie)."""
    args = {k: v for k, v in request.args.lists() if k != "lang"}
    endpoint = request.endpoint if request.endpoint == "acervo.search_page" else None
    return url_for(endpoint or "acervo.search_page", **args, lang=lang)


def page_numbers(current: int, last: int) -> list[int | None]:
    """Page links to show: first, last and a window around `current`; None is a gap."""
    low, high = max(1, current - PAGE_LINKS_AROUND), min(last, current + PAGE_LINKS_AROUND)
    pages = sorted({1, last, *range(low, high + 1)} - {0})
    shown: list[int | None] = []
    for page in pages:
        if shown and page - (shown[-1] or 0) > 1:
            shown.append(None)
        shown.append(page)
    return shown


def last_page(result: SearchResult) -> int:
    return max(1, math.ceil(result.total / result.request.per_page))


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {
        "FACETS": FACETS,
        "DEFAULT_PER_PAGE": DEFAULT_PER_PAGE,
        "PER_PAGE_CHOICES": params.PER_PAGE_CHOICES,
        "SORT_NAMES": params.SORT_NAMES,
        "hidden_fields": hidden_fields,
        "per_page_choices": per_page_choices,
        "no_expansion": no_expansion,
        "require_links": require_links,
        "with_expansion": with_expansion,
        "search_url": search_url,
        "toggle_url": toggle_url,
        "page_url": page_url,
        "file_url": file_url,
        "language_url": language_url,
        "page_numbers": page_numbers,
        "last_page": last_page,
        "params": params,
    }
