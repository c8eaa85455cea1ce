"""The document page `/documento/<id>`: metadata with provenance, sources, the pages that match
the search it was opened from (`?q=` and the rest of that search), and the full text by page
with the query's words marked and links from one matching page to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from acervo.search import document, export
from acervo.search.errors import SearchError
from acervo.search.models import DocumentInfo, PageText, SearchHit, SearchRequest
from acervo.web import auth, curate, i18n, index, params

bp = Blueprint("document", __name__)

# Metadata fields in the order shown, with their label (provenance keys of ingest.metadata).
FIELDS = {
    "title": _l("Título"),
    "agencies": _l("Agencias"),
    "topics": _l("Temas"),
    "year": _l("Año"),
    "language": _l("Idioma"),
    "doc_type": _l("Tipo de documento"),
}
# acervo.ingest.models.Provenance values -> what the page says
SOURCES = {
    "sidecar": _l("sidecar"),
    "folder": _l("carpeta"),
    "properties": _l("propiedades del archivo"),
    "inferred": _l("inferido"),
    "none": _l("sin dato"),
    "unknown": _l("no registrada"),  # a value without provenance (an older index)
}
SIZE_UNITS = ("B", "KB", "MB", "GB")


@dataclass(frozen=True)
class MetaRow:
    key: str  # field name, also the CSS hook
    label: str
    value: str  # "" when no source gave it
    source: str  # one of SOURCES
    source_label: str


@dataclass(frozen=True)
class HitNav:
    """Where the previous and next matching pages are, from one matching page."""

    previous: int | None
    next: int | None


@bp.get("/documento/<doc_id>")
def document_page(doc_id: str) -> tuple[str, int]:
    if not index.DOC_ID.fullmatch(doc_id):
        return _not_found()
    req = params.parse_request(request.args)  # the search the page was opened from
    error = ""
    with auth.open_searcher() as searcher:
        info = document.document_info(searcher, doc_id)
        if info is None:
            return _not_found()
        try:
            pages = document.read_pages(searcher, info, req.query)
        except SearchError as exc:  # the query box of this page shows it, to be corrected
            error, pages = str(exc), document.read_pages(searcher, info, "")
        similar = document.near_duplicates(searcher, info)
        more_like = searcher.similar(doc_id, limit=5)  # "más como este", by key terms
    hits = [page.number for page in pages if page.hit]
    return render_template(
        "document.html",
        info=info,
        hit=info.hit,
        req=req,
        query=req.query,
        error=error,
        rows=metadata_rows(info),
        pages=pages,
        hit_pages=hits,
        nav=hit_navigation(hits),
        sources=[relative_path(p) for p in info.hit.paths or (info.hit.path,)],
        size=format_size(info.size),
        near_duplicates=similar,
        more_like=more_like,
        # sidecar errors to fix: curators see them (they fix metadata); others need not
        metadata_problems=info.metadata_problems if current_user.at_least("curador") else (),
        curating=curate.document_actions(info.hit),
        original_url=lambda page=None: original_url(info, page),
    ), 400 if error else 200


def _not_found() -> tuple[str, int]:
    text = gettext(
        "No hay ningún documento con ese identificador en el índice. Puede que se haya "
        "retirado en la última ingesta: búsquelo de nuevo."
    )
    return render_template(
        "not_found.html", title=gettext("Documento no encontrado"), text=text
    ), 404


def metadata_rows(info: DocumentInfo) -> list[MetaRow]:
    """Each metadata field with its value as shown and where the value came from."""
    hit = info.hit
    values = {
        "title": hit.title,
        "agencies": ", ".join(i18n.value_label("agency", a) for a in hit.agencies),
        "topics": ", ".join(i18n.value_label("topic", t) for t in hit.topics),
        "year": "" if hit.year is None else str(hit.year),
        "language": i18n.value_label("language", hit.language) if hit.language else "",
        "doc_type": i18n.value_label("doc_type", hit.doc_type) if hit.doc_type else "",
    }
    rows = []
    for key, label in FIELDS.items():
        # an empty value has no source, whatever was recorded; a value may lack one (old index)
        source = info.provenance.get(key, "unknown") if values[key] else "none"
        source = source if source in SOURCES else "unknown"
        rows.append(MetaRow(key, str(label), values[key], source, str(SOURCES[source])))
    return rows


def hit_navigation(hit_pages: list[int]) -> dict[int, HitNav]:
    """Matching page -> the matching pages before and after it (the "siguiente" links)."""
    return {
        page: HitNav(
            previous=hit_pages[n - 1] if n > 0 else None,
            next=hit_pages[n + 1] if n + 1 < len(hit_pages) else None,
        )
        for n, page in enumerate(hit_pages)
    }


def relative_path(path: str) -> str:
    """`ACNUR/2019/x.pdf` for a file under a corpus folder (CORPUS_DIRS), else the full path."""
    return export.corpus_path(path, current_app.config.get("CORPUS_DIRS", ())) or path


def format_size(size: int) -> str:
    """1234567 -> "1,2 MB" (Spanish) / "1.2 MB" (English)."""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    shown = format_decimal(round(value, 1 if unit else 0), locale=i18n.current_language())
    return f"{shown} {SIZE_UNITS[unit]}"


def document_url(hit: SearchHit, req: SearchRequest | None = None) -> str:
    """The document page, carrying the search it is opened from (its query marks the text)."""
    args = params.request_args(req) if req is not None else {}
    return url_for("document.document_page", doc_id=hit.id, **args)


def original_url(info: DocumentInfo, page: int | None = None) -> str:
    """The original file; a PDF (by its content, not its name) opens at `page`."""
    url = url_for("acervo.document_file", doc_id=info.hit.id)
    return f"{url}#page={page}" if page and info.format == "pdf" else url


def page_anchor(page: int) -> str:
    return f"p-{page}"


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {
        "document_url": document_url,
        "page_anchor": page_anchor,
        "PageText": PageText,
        "relative_path": relative_path,
    }
