"""`/compendio.docx?<search>`: the lessons-learned records of a search as one Word document
(search/compendium.py), whatever the search's `resultado`: a compendium is of records."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date

from flask import Blueprint, Response, request, send_file, url_for

from acervo.search import compendium
from acervo.search.models import SearchRequest
from acervo.web import auth, exports, params

bp = Blueprint("compendium", __name__)


def page_url(doc_id: str, page: int) -> str:
    """The document page in Acervo, at the page the record starts on."""
    return exports.public_url("document.document_page", doc_id=doc_id) + f"#p-{page}"


@bp.get("/compendio.docx")
def compendium_docx() -> Response:
    req = params.parse_request(request.args)
    req = replace(params.export_request(req), result_type="records")
    target = tempfile.TemporaryFile()
    with auth.open_searcher() as searcher:
        total = searcher.count(req)  # a bad query is a 400 before anything is written
        info = exports.export_info(req, total)
        compendium.write_compendium(target, info, searcher.iter_hits(req), page_url)
    target.seek(0)
    return send_file(
        target,
        mimetype=exports.DOCX_MIMETYPE,
        as_attachment=True,
        download_name=f"acervo-compendio-{date.today().isoformat()}.docx",
    )


def compendium_url(req: SearchRequest) -> str:
    return url_for("compendium.compendium_docx", **params.request_args(params.export_request(req)))


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {"compendium_url": compendium_url}
