"""Contributing studies: the upload page, the uploader's list of uploads, and the JSON API.

Every upload goes through acervo.uploads.accept (the checks at the door, the queue); this module
only turns forms and multipart requests into its arguments and its outcome into pages or JSON.
A contributor's upload is pending (acervo.moderation) until a curator approves it, when the
configuration says `review` (the default); curators' and administrators' are published at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from acervo import audit, db, moderation, vocab
from acervo.db import transaction
from acervo.ingest import upload
from acervo.ingest.upload import UploadRefused, parse_metadata
from acervo.jobs import Job, JobQueue, JobState
from acervo.uploads import Door, accept
from acervo.web import auth, i18n, index

bp = Blueprint("contribute", __name__)
MAX_FILES = 20  # files in one web upload
REQUEST_SLACK_BYTES = 1024 * 1024  # the metadata and multipart framing around the files
LIST_FIELDS = ("agencies", "topics", "places")


@dataclass(frozen=True)
class Similar:
    """A document an upload "se parece a", as the viewer may see it (None: hidden from them)."""

    doc_id: str
    title: str | None = None
    agencies: tuple[str, ...] = ()
    year: int | None = None


def jobs() -> JobQueue:
    return current_app.extensions["acervo.jobs"]


def _door() -> Door:
    """Uploads go to the first corpus folder, named as ingest names it (absolute, resolved):
    the worker finds each job's file in the run report by that path."""
    if not current_app.config["CORPUS_DIRS"]:
        raise UploadRefused(
            gettext("Este servidor no tiene carpeta de corpus configurada: no acepta archivos.")
        )
    root = Path(current_app.config["CORPUS_DIRS"][0]).resolve()
    return Door(root, index.store(), jobs(), current_app.config["MAX_UPLOAD_BYTES"])


def needs_review() -> bool:
    return bool(current_app.config["REVIEW"]) and not current_user.at_least("curador")


def _allowed_agencies() -> tuple[str, ...] | None:
    return None if current_user.at_least("curador") else tuple(current_user.agencies)


def _accept(file: FileStorage, raw: Mapping[str, object]) -> Job:
    """One file through the door, with its pending status and audit entries."""
    metadata = parse_metadata(raw, _allowed_agencies())
    conn = auth.get_db()
    user = current_user.name

    def accepted(doc_id: str) -> None:
        with transaction(conn):
            audit.record(
                conn,
                user,
                "doc.uploaded",
                doc_id,
                file=file.filename or "",
                visibility=metadata.visibility,
            )
        if needs_review():
            moderation.set_pending(conn, doc_id, user)
        marked.append(doc_id)

    marked: list[str] = []
    try:
        return accept(_door(), file.stream, file.filename or "", metadata, user, accepted)
    except UploadRefused:
        for doc_id in marked:  # the file could not be placed after all (a full disk)
            with transaction(conn):
                moderation.forget(conn, doc_id)
                audit.record(conn, user, "doc.upload_failed", doc_id)
        raise


# ---- the web page ------------------------------------------------------------------------


@bp.route("/subir", methods=["GET", "POST"])
@auth.require("upload")
def upload_page() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _form_page({"visibility": "publico"})
    files = [f for f in request.files.getlist("file") if f.filename]
    raw = _form_metadata(request.form)
    if not files:
        return _form_page(raw, [gettext("Elija al menos un archivo.")]), 400
    if len(files) > MAX_FILES:
        return _form_page(
            raw, [gettext("Suba como máximo %(n)s archivos a la vez.", n=MAX_FILES)]
        ), 400
    errors, done = [], []
    for file in files:
        try:
            done.append(_accept(file, raw))
        except UploadRefused as exc:
            errors.append(str(exc))
    for job in done:
        flash(_job_message(job), "info")
    if errors and not done:
        return _form_page(raw, errors), 400
    for error in errors:
        flash(error, "error")
    return redirect(url_for("contribute.my_uploads"))


def _form_metadata(form: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {
        key: form.get(key, "") for key in ("title", "year", "language", "doc_type", "visibility")
    }
    for key in LIST_FIELDS:
        values[key] = [v for v in form.getlist(key) if v]  # type: ignore[attr-defined]
    return values


def _form_page(values: Mapping[str, object], errors: Iterable[str] = ()) -> str:
    agencies = _allowed_agencies()
    return render_template(
        "upload.html",
        values=values,
        errors=list(errors),
        choices=_choices(agencies),
        max_size=_megabytes(current_app.config["MAX_UPLOAD_BYTES"]),
        review=needs_review(),
        accepted=", ".join(e for exts in upload.EXTENSIONS.values() for e in exts),
    )


def _choices(agencies: Iterable[str] | None) -> dict[str, list[tuple[str, str]]]:
    """(code, label) of each vocabulary for the form's selects."""
    own = set(agencies) if agencies is not None else None
    return {
        "agencies": [
            (t.code, i18n.value_label("agency", t.code))
            for t in vocab.agencies()
            if own is None or t.code in own
        ],  # fmt: skip
        "topics": [(t.code, i18n.value_label("topic", t.code)) for t in vocab.topics()],
        "doc_type": [(t.code, i18n.value_label("doc_type", t.code)) for t in vocab.doc_types()],
        "places": [(p.code, p.name) for p in vocab.places()],
        "language": [
            ("es", gettext("español")),
            ("en", gettext("inglés")),
            ("pt", gettext("portugués")),
            ("fr", gettext("francés")),
        ],  # fmt: skip
        "visibility": [
            ("publico", gettext("Público: cualquier visitante")),
            ("miembros", gettext("Miembros: usuarios con sesión iniciada")),
            ("agencia", gettext("Agencia: miembros de sus agencias y curadores")),
        ],
    }


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


JOB_STATES = {
    "queued": _l("En cola"),
    "processing": _l("Indexando"),
    "indexed": _l("Indexado"),
    "failed": _l("Falló"),
    "duplicate": _l("Ya estaba en el repositorio"),
}


def job_state_label(state: str) -> str:
    return str(JOB_STATES.get(str(state), state))


def _job_message(job: Job) -> str:
    if job.state is JobState.DUPLICATE:
        return gettext(
            "«%(file)s» ya está en el repositorio: no se guardó otra copia.", file=job.file_name
        )
    return gettext(
        "«%(file)s» recibido: se indexará en unos momentos (trabajo %(id)s).",
        file=job.file_name,
        id=job.id,
    )


@bp.get("/mis-envios")
@auth.require("upload")
def my_uploads() -> str:
    own = jobs().of_user(current_user.name)
    statuses = moderation.statuses(auth.get_db())
    reasons = {
        job.doc_id: row["reason"]
        for job in own
        if job.doc_id and (row := moderation.status_of(auth.get_db(), job.doc_id)) is not None
    }
    return render_template(
        "my_uploads.html",
        jobs=own,
        statuses={k: v.status for k, v in statuses.items()},
        reasons=reasons,
        similar=similar_documents(own),
    )


def similar_documents(job_list: Iterable[Job]) -> dict[str, Similar]:
    """The documents uploads "se parecen a", as the current user may see them."""
    ids = {doc_id for job in job_list for doc_id in (*job.similar, job.duplicate_of) if doc_id}
    if not ids:
        return {}
    found: dict[str, Similar] = {}
    with auth.open_searcher() as searcher:
        for doc_id in ids:
            hit = searcher.document(doc_id)
            found[doc_id] = (
                Similar(doc_id, hit.title, hit.agencies, hit.year) if hit else Similar(doc_id)
            )
    return found


# ---- the JSON API ------------------------------------------------------------------------


@bp.post("/api/uploads")
@auth.require("upload")
def api_upload() -> tuple[Response, int]:
    file = request.files.get("file")
    if file is None or not file.filename:
        return _api_error(gettext("Falta el archivo: envíe el campo multipart «file»."), 400)
    try:
        raw = json.loads(request.form.get("metadata") or "{}")
    except ValueError as exc:
        return _api_error(gettext("«metadata» no es JSON válido: %(e)s", e=str(exc)), 400)
    if not isinstance(raw, dict):
        return _api_error(gettext("«metadata» debe ser un objeto JSON."), 400)
    try:
        job = _accept(file, raw)
    except UploadRefused as exc:
        return _api_error(str(exc), exc.status)
    body = job.to_json() | {"url": url_for("contribute.api_job", job_id=job.id)}
    return jsonify(body), 200 if job.state is JobState.DUPLICATE else 202


@bp.get("/api/jobs/<int:job_id>")
@auth.require("upload")
def api_job(job_id: int) -> tuple[Response, int]:
    job = jobs().find(job_id)
    if job is None or (job.user != current_user.name and not current_user.at_least("curador")):
        return _api_error(gettext("No hay ningún trabajo %(id)s suyo.", id=job_id), 404)
    body = job.to_json()
    if job.doc_id:
        status = moderation.status_of(auth.get_db(), job.doc_id)
        body["review"] = status["status"] if status is not None else "publicado"
        if status is not None and status["reason"]:
            body["review_reason"] = status["reason"]
    return jsonify(body), 200


def _api_error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(error=message), status


def _too_large(exc: RequestEntityTooLarge) -> tuple[Response | str, int]:
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    text = gettext(
        "El envío supera el tamaño máximo de subida (%(size)s por archivo). No se guardó nada.",
        size=_megabytes(limit),
    )
    if request.path.startswith("/api/"):
        return _api_error(text, 413)
    return render_template("not_found.html", title=gettext("Archivo demasiado grande"),
                           text=text), 413  # fmt: skip


def init_app(app: Flask) -> None:
    """Settings, the job queue on the app's database, and the blueprint."""
    app.config.setdefault("MAX_UPLOAD_BYTES", upload.MAX_UPLOAD_BYTES)
    app.config.setdefault("REVIEW", True)
    app.config.setdefault("CORPUS_DIRS", ())
    # werkzeug refuses a bigger request body before reading it (413 above)
    app.config["MAX_CONTENT_LENGTH"] = (
        app.config["MAX_UPLOAD_BYTES"] * MAX_FILES + REQUEST_SLACK_BYTES
    )
    path = app.config["DATABASE"]
    # the server's background worker shares its wakeup event (web/server.py)
    app.extensions["acervo.jobs"] = JobQueue(
        lambda: db.connect(path), app.config.get("INGEST_WAKEUP")
    )
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.context_processor(lambda: {"job_state_label": job_state_label})
    app.register_blueprint(bp)
