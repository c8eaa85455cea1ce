"""Exports for researchers: every hit of a search, or the documents of the selection.

`/export.<format>?<search>`, `/seleccion/export.<format>` and the Word dossier
`/seleccion/dossier.docx`. The formats and their writers are search/export.py's registry, the
same one `acervo export` uses: a search exported here and from the command line gives the same
content. Text formats stream as they are written; XLSX and DOCX are zip files: they are written
to an anonymous temporary file first (constant memory for XLSX), then sent from it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file, stream_with_context, url_for

from acervo.search import document, export, limits
from acervo.search.export import FORMATS, ExportInfo, Format, Links
from acervo.search.models import SearchHit, SearchRequest
from acervo.web import auth, basket, index, params

bp = Blueprint("exports", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMAT_NAMES = ", ".join(FORMATS)  # for the routes below: any(csv, json, ...)


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for use outside the page (exports, feeds, compendia, feed addresses):
    on the configured public address (BASE_URL, e.g. behind a reverse proxy) when there is one,
    else on the host the request came to."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values).removeprefix(request.script_root)
    return str(base).rstrip("/") + path


def links() -> Links:
    """Document pages on the public address (`public_url`); files relative to the corpus
    folders."""
    dirs = tuple(Path(d) for d in current_app.config.get("CORPUS_DIRS", ()))
    return Links(public_url("acervo.search_page"), dirs)


def export_info(req: SearchRequest, total: int, selection: bool = False) -> ExportInfo:
    """How this export was made: the search, the live index generation and the time (UTC)."""
    return ExportInfo.of(req, total, index.store().version(), selection=selection)


def _search_hits(req: SearchRequest) -> tuple[int, Iterator[SearchHit]]:
    """How many documents match `req`, and their hits as the export reads them. The search runs
    before this returns, within one search request's time (limits.budget): a bad or too costly
    query becomes a 400, not a truncated download."""
    stream = _hits_stream(req)
    total = next(stream)
    assert isinstance(total, int)
    return total, stream  # type: ignore[return-value]


def _hits_stream(req: SearchRequest) -> Iterator[int | SearchHit]:
    # The total first, then the hits, from one searcher (one index generation) that stays open
    # while the export streams (closed when the generator ends).
    with auth.open_searcher() as searcher:
        with limits.budget():
            total, hits = searcher.export_hits(req)
        yield total
        yield from hits


@bp.get(f"/export.<any({FORMAT_NAMES}):fmt>")
def export_search(fmt: str) -> Response:
    """Every hit of the search in the query string (not one page), in `fmt`."""
    req = params.export_request(params.parse_request(request.args))
    total, hits = _search_hits(req)
    return _send(FORMATS[fmt], export_info(req, total), hits, "acervo")


@bp.get(f"/seleccion/export.<any({FORMAT_NAMES}):fmt>")
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
    export.write_dossier(target, info, [(h, queries.get(h.id, "")) for h in hits], links())
    return _send_file(target, DOCX_MIMETYPE, _filename("acervo-dossier", "docx"))


def _selected_hits(per_doc: int) -> list[SearchHit]:
    with auth.open_searcher() as searcher:
        return document.selected_hits(searcher, basket.items(), per_doc=per_doc)


def _send(fmt: Format, info: ExportInfo, hits: Iterable[SearchHit], stem: str) -> Response:
    filename = _filename(stem, fmt.extension)
    if fmt.text is not None:
        body = stream_with_context(export.text_chunks(fmt, info, hits, links()))
        disposition = f"attachment; filename={filename}"
        return Response(
            body, content_type=fmt.mimetype, headers={"Content-Disposition": disposition}
        )
    target = tempfile.TemporaryFile()  # unlinked already: nothing to clean up, even on a crash
    try:
        export.write_file(fmt, target, info, hits, links())
    except BaseException:
        target.close()
        raise
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
