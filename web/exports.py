"""Exports for researchers: every hit of a search, or the documents of the selection.

`/export.xlsx|jsonl|ris|bib?<search>` (CSV and JSON stay in views), `/seleccion/export.<format>`
and the Word dossier `/seleccion/dossier.docx`. Text formats stream as they are written; XLSX and
DOCX are zip files: they are written to an anonymous temporary file first (constant memory for
XLSX), then sent from it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, request, send_file, stream_with_context, url_for

from acervo.search import document, export
from acervo.search.export import ExportInfo
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchHit, SearchRequest
from acervo.web import basket, params

bp = Blueprint("exports", __name__)

TextWriter = Callable[[ExportInfo, Iterable[SearchHit]], Iterator[str]]


@dataclass(frozen=True)
class Format:
    extension: str
    mimetype: str
    text: TextWriter | None = None  # streamed chunk by chunk
    file: Callable[[object, ExportInfo, Iterable[SearchHit]], int] | None = None  # zip formats


def _csv(info: ExportInfo, hits: Iterable[SearchHit]) -> Iterator[str]:
    return export.csv_chunks(hits, info, document_url)


def _json(info: ExportInfo, hits: Iterable[SearchHit]) -> Iterator[str]:
    return export.json_chunks(info.to_json(), hits)


def _jsonl(info: ExportInfo, hits: Iterable[SearchHit]) -> Iterator[str]:
    return export.jsonl_chunks(info, hits, document_url)


def _ris(info: ExportInfo, hits: Iterable[SearchHit]) -> Iterator[str]:
    return export.ris_chunks(info, hits, document_url)


def _bib(info: ExportInfo, hits: Iterable[SearchHit]) -> Iterator[str]:
    return export.bibtex_chunks(info, hits, document_url)


def _xlsx(target: object, info: ExportInfo, hits: Iterable[SearchHit]) -> int:
    return export.write_xlsx(target, info, hits, document_url)  # type: ignore[arg-type]


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "text/csv; charset=utf-8", text=_csv),
    "json": Format("json", "application/json; charset=utf-8", text=_json),
    "jsonl": Format("jsonl", "application/x-ndjson; charset=utf-8", text=_jsonl),
    "ris": Format("ris", "application/x-research-info-systems; charset=utf-8", text=_ris),
    "bib": Format("bib", "application/x-bibtex; charset=utf-8", text=_bib),
    "xlsx": Format(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file=_xlsx
    ),
}
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SEARCH_FORMATS = ("xlsx", "jsonl", "ris", "bib")  # CSV and JSON of a search: views.py


def _store() -> IndexStore:
    return current_app.extensions["acervo.index"]


def document_url(doc_id: str) -> str:
    """Absolute URL of a document page, on the host the request came to (RIS UR, BibTeX url)."""
    return url_for("document.document_page", doc_id=doc_id, _external=True)


def export_info(req: SearchRequest, total: int, selection: bool = False) -> ExportInfo:
    """How this export was made: the search, the live index generation and the time (UTC)."""
    return ExportInfo(
        query=req.query,
        filters=dict(req.filters),
        year_from=req.year_from,
        year_to=req.year_to,
        index_version=_store().version(),
        exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        total=total,
        selection=selection,
    )


def _search_hits(req: SearchRequest) -> Iterator[SearchHit]:
    # the searcher stays open while the export streams (closed when the generator ends)
    with _store().open_searcher() as searcher:
        yield from searcher.iter_hits(req)


@bp.get("/export.<any(xlsx, jsonl, ris, bib):fmt>")
def export_search(fmt: str) -> Response:
    """Every hit of the search in the query string (not one page), in `fmt`."""
    req = params.export_request(params.parse_request(request.args))
    # Search once before streaming: a bad query must become a 400, not a truncated download.
    with _store().open_searcher() as searcher:
        total = searcher.search(replace(req, page=1, per_page=1)).total
    return _send(FORMATS[fmt], export_info(req, total), _search_hits(req), "acervo")


@bp.get("/seleccion/export.<any(csv, json, jsonl, xlsx, ris, bib):fmt>")
def export_selection(fmt: str) -> Response:
    """The documents of the selection, each with the best passage for its own query."""
    hits = _selected_hits(per_doc=1)
    info = export_info(SearchRequest(), len(hits), selection=True)
    return _send(FORMATS[fmt], info, hits, "acervo-seleccion")


@bp.get("/seleccion/dossier.docx")
def dossier() -> Response:
    """A Word file with each selected document's metadata and its best passages."""
    hits = _selected_hits(per_doc=3)
    queries = dict(basket.items())
    info = export_info(SearchRequest(), len(hits), selection=True)
    target = tempfile.TemporaryFile()
    export.write_dossier(target, info, [(h, queries.get(h.id, "")) for h in hits], document_url)
    return _send_file(target, DOCX_MIMETYPE, _filename("acervo-dossier", "docx"))


def _selected_hits(per_doc: int) -> list[SearchHit]:
    with _store().open_searcher() as searcher:
        return document.selected_hits(searcher, basket.items(), per_doc=per_doc)


def _send(fmt: Format, info: ExportInfo, hits: Iterable[SearchHit], stem: str) -> Response:
    filename = _filename(stem, fmt.extension)
    if fmt.text is not None:
        body = stream_with_context(fmt.text(info, hits))
        disposition = f"attachment; filename={filename}"
        return Response(
            body, content_type=fmt.mimetype, headers={"Content-Disposition": disposition}
        )
    assert fmt.file is not None
    target = tempfile.TemporaryFile()  # unlinked already: nothing to clean up, even on a crash
    fmt.file(target, info, hits)
    return _send_file(target, fmt.mimetype, filename)


def _send_file(target, mimetype: str, filename: str) -> Response:  # noqa: ANN001
    target.seek(0)
    return send_file(target, mimetype=mimetype, as_attachment=True, download_name=filename)


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{date.today().isoformat()}.{extension}"


def search_export_url(req: SearchRequest, fmt: str) -> str:
    """The export of every hit of `req` (query, filters, sort: not the page) as `fmt`."""
    return url_for(
        "exports.export_search", fmt=fmt, **params.request_args(params.export_request(req))
    )


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {"search_export_url": search_export_url}
