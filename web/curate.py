"""Curating: the review queue, metadata edits, withdrawal and deletion, and the ingest runs.

Who may do what is accounts.can (a contributor edits the documents of their agencies; curators
review, edit any and withdraw; administrators delete and see the runs). Status changes go
through acervo.moderation, edits and deletions through acervo.curate; every one is audited.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from acervo import accounts, audit, curate, moderation
from acervo.db import transaction
from acervo.ingest.sidecars import canonical_key, read_sidecar_record
from acervo.ingest.upload import UploadRefused, parse_metadata
from acervo.jobs import JobState
from acervo.moderation import StatusError
from acervo.report import (
    ACTOR_LABELS,
    STATUS_LABELS,
    ReportNotFound,
    find_report,
    list_reports,
    load_report,
)
from acervo.search.access import PENDING
from acervo.search.models import SearchHit
from acervo.web import auth, index
from acervo.web.contribute import _choices, _form_metadata, jobs, similar_documents

bp = Blueprint("curate", __name__)
RUNS_SHOWN = 30


def _document(doc_id: str) -> SearchHit:
    """The document as the user sees it (a curator: whatever its status), or 404."""
    if not index.DOC_ID.fullmatch(doc_id):
        abort(404)
    with auth.open_searcher() as searcher:
        hit = searcher.document(doc_id)
    if hit is None:
        abort(404)
    return hit


def _back(doc_id: str) -> Response:
    return redirect(url_for("document.document_page", doc_id=doc_id))


# ---- review ------------------------------------------------------------------------------


@bp.get("/revision")
@auth.require("review")
def review_queue() -> str:
    conn = auth.get_db()
    pending = [doc_id for doc_id, s in moderation.statuses(conn).items() if s.status == PENDING]
    items = []
    with auth.open_searcher() as searcher:
        for doc_id in pending:
            hit = searcher.document(doc_id)
            job = jobs().latest_upload_of(doc_id)
            row = moderation.status_of(conn, doc_id)
            items.append({"doc_id": doc_id, "hit": hit, "job": job, "row": row})
    uploads = [item["job"] for item in items if item["job"]]
    return render_template("review.html", items=items, similar=similar_documents(uploads))


@bp.post("/revision/<doc_id>")
@auth.require("review")
def review_decision(doc_id: str) -> Response:
    conn = auth.get_db()
    try:
        if request.form.get("decision") == "aprobar":
            moderation.approve(conn, doc_id, current_user.name)
            flash(gettext("Documento aprobado: ya es visible según su visibilidad."), "info")
        else:
            moderation.reject(conn, doc_id, current_user.name, request.form.get("reason", ""))
            flash(gettext("Documento rechazado: el contribuyente verá el motivo."), "info")
    except StatusError as exc:
        flash(str(exc), "error")
    return redirect(url_for("curate.review_queue"))


# ---- metadata edits ----------------------------------------------------------------------


def _may_edit(hit: SearchHit) -> bool:
    return accounts.can(current_user, "edit_any") or accounts.can(current_user, "edit", hit)


def _visibility(hit: SearchHit) -> str:
    record = read_sidecar_record(Path(sorted(hit.paths or (hit.path,))[0]))
    value = next((v for k, v in record.items() if canonical_key(k) == "visibility"), None)
    return str(value or current_app.config["DEFAULT_VISIBILITY"])


@bp.route("/documento/<doc_id>/editar", methods=["GET", "POST"])
@auth.require("edit")
def edit_page(doc_id: str) -> Response | tuple[str, int] | str:
    hit = _document(doc_id)
    if not _may_edit(hit):
        abort(403)
    before = curate.current_values(hit, _visibility(hit))
    if request.method == "GET":
        return _edit_form(hit, before)
    values = _form_metadata(request.form)
    own = None if current_user.at_least("curador") else tuple(current_user.agencies)
    try:
        metadata = parse_metadata(values, _kept_agencies(hit, own))
    except UploadRefused as exc:
        return _edit_form(hit, values, [str(exc)]), 400
    edit = curate.edit_metadata(
        auth.get_db(), jobs(), doc_id, hit.paths or (hit.path,), before, metadata, current_user.name
    )
    if edit.changes:
        flash(
            gettext(
                "Metadatos guardados: se aplican en unos momentos (sin volver a extraer el texto)."
            ),
            "info",
        )
    else:
        flash(gettext("No cambió ningún campo."), "info")
    return _back(doc_id)


def _kept_agencies(hit: SearchHit, own: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A contributor may keep the document's other agencies and add their own, no others."""
    return None if own is None else (*own, *hit.agencies)


def _edit_form(hit: SearchHit, values: dict, errors: list[str] | None = None) -> str:
    agencies = None if current_user.at_least("curador") else (*current_user.agencies, *hit.agencies)
    return render_template(
        "edit_metadata.html",
        hit=hit,
        values=values,
        errors=errors or [],
        choices=_choices(agencies),
    )


# ---- withdrawal, restoration, deletion ---------------------------------------------------


@bp.post("/documento/<doc_id>/retirar")
@auth.require("withdraw")
def withdraw(doc_id: str) -> Response:
    _document(doc_id)
    try:
        moderation.withdraw(
            auth.get_db(), doc_id, current_user.name, request.form.get("reason", "")
        )
        flash(
            gettext("Documento retirado: solo los curadores lo ven. El archivo se conserva."),
            "info",
        )
    except StatusError as exc:
        flash(str(exc), "error")
    return _back(doc_id)


@bp.post("/documento/<doc_id>/restaurar")
@auth.require("withdraw")
def restore(doc_id: str) -> Response:
    _document(doc_id)
    try:
        moderation.restore(auth.get_db(), doc_id, current_user.name)
        flash(gettext("Documento restaurado: vuelve a ser visible según su visibilidad."), "info")
    except StatusError as exc:
        flash(str(exc), "error")
    return _back(doc_id)


@bp.route("/documento/<doc_id>/borrar", methods=["GET", "POST"])
@auth.require("delete")
def delete(doc_id: str) -> Response | str:
    hit = _document(doc_id)
    if request.method == "GET" or request.form.get("confirm") != doc_id:
        return render_template("confirm_delete.html", hit=hit)
    curate.delete_document(
        auth.get_db(), jobs(), doc_id, hit.paths or (hit.path,), hit.title, current_user.name
    )
    flash(
        gettext(
            "«%(title)s» se borró: su archivo, su ficha y sus entradas del índice.", title=hit.title
        ),
        "info",
    )
    return redirect(url_for("acervo.search_page"))


# ---- ingest runs -------------------------------------------------------------------------


@bp.get("/admin/ingestas")
@auth.require("runs")
def runs_page() -> str:
    index_dir = index.store().root
    runs = [load_report(path) for path in list_reports(index_dir)[-RUNS_SHOWN:]][::-1]
    try:
        chosen = load_report(find_report(index_dir, request.args.get("run") or None))
    except ReportNotFound:
        chosen = None
    failures = [f for f in (chosen or {}).get("files", ()) if f.get("outcome") == "failed"]
    retrying = {
        job.path
        for job in jobs().list(
            "kind = 'retry' AND state IN (?, ?)", (JobState.QUEUED, JobState.PROCESSING)
        )
    }
    return render_template(
        "ingest_runs.html",
        runs=runs,
        chosen=chosen,
        failures=failures,
        actors=ACTOR_LABELS,
        statuses=STATUS_LABELS,
        retrying=retrying,
    )


@bp.post("/admin/ingestas/reintentar")
@auth.require("runs")
def retry() -> Response:
    path = request.form.get("path", "")
    roots = [Path(root).resolve() for root in current_app.config["CORPUS_DIRS"]]
    if not any(Path(path).resolve().is_relative_to(root) for root in roots):
        abort(400)
    conn = auth.get_db()
    with transaction(conn):
        audit.record(conn, current_user.name, "ingest.retry", path)
    jobs().add("retry", current_user.name, path)
    flash(gettext("Se volverá a intentar «%(path)s» en unos momentos.", path=path), "info")
    return redirect(url_for("curate.runs_page"))


def document_actions(hit: SearchHit) -> dict[str, object]:
    """What the document page offers the current user, and the last edit (for provenance)."""
    status = moderation.status_of(auth.get_db(), hit.id) if current_user.is_authenticated else None
    return {
        "may_edit": current_user.is_authenticated and _may_edit(hit),
        "may_withdraw": accounts.can(current_user, "withdraw"),
        "may_delete": accounts.can(current_user, "delete"),
        "status": status["status"] if status is not None else "",
        "edited": curate.edit_info(hit.paths or (hit.path,)),
    }
