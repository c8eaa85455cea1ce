"""The "selección": documents ticked across searches, each with the query it was picked under.

It lives in Flask's signed session cookie (no server-side state), so it is capped: MAX_ITEMS
documents and a cookie under MAX_COOKIE_BYTES (browsers drop cookies over 4 KB). Add, remove and
clear are POST forms that work without JavaScript, protected by Flask-WTF's CSRF token
(web/auth.py checks it on every form).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.exceptions import BadRequest

from acervo.search import document
from acervo.web import auth, index, params

bp = Blueprint("basket", __name__)
log = logging.getLogger(__name__)

SESSION_KEY = "seleccion"  # [[doc_id, query], ...] in the order they were added
MAX_ITEMS = 200
MAX_COOKIE_BYTES = 3800  # the whole signed session cookie; browsers refuse more than 4096
KEPT_QUERY_CHARS = 200  # the query stored with a document (its passages in the dossier)
SECRET_KEY_FILE = "secret_key"  # in the index folder: the basket survives a server restart


def items() -> list[tuple[str, str]]:
    """(doc_id, query) of every selected document, oldest first (malformed entries skipped)."""
    kept = session.get(SESSION_KEY, [])
    return [
        (str(pair[0]), str(pair[1]))
        for pair in kept
        if isinstance(pair, list) and len(pair) == 2 and index.DOC_ID.fullmatch(str(pair[0]))
    ]


def contains(doc_id: str) -> bool:
    return any(selected == doc_id for selected, _ in items())


def count() -> int:
    return len(items())


def is_full() -> bool:
    return count() >= MAX_ITEMS


def _posted_doc_id() -> str:
    doc_id = request.form.get("doc_id", "")
    if not index.DOC_ID.fullmatch(doc_id):
        raise BadRequest(gettext("Identificador de documento no válido."))
    return doc_id


def _back(doc_id: str = "") -> Response:
    """Back where the form was (a local path only: no open redirect), at the hit's anchor."""
    target = params.local_target(request.form.get("next", ""))
    if target is None:
        target = url_for("basket.basket_page")
    anchor = f"#hit-{doc_id}" if doc_id and "#" not in target else ""
    return redirect(target + anchor, code=303)


@bp.post("/seleccion/agregar")
def add() -> Response:
    doc_id = _posted_doc_id()
    query = request.form.get("q", "").strip()[:KEPT_QUERY_CHARS]
    current = items()
    if any(selected == doc_id for selected, _ in current):
        return _back(doc_id)
    if len(current) >= MAX_ITEMS or not _fits([*current, (doc_id, query)]):
        flash(_full_message(), "error")
        return redirect(url_for("basket.basket_page"), code=303)
    session[SESSION_KEY] = [[d, q] for d, q in current] + [[doc_id, query]]
    return _back(doc_id)


def _full_message() -> str:
    return gettext(
        "La selección está llena (%(max)s documentos como máximo, menos si las consultas son "
        "largas). Exporte la selección o quite algunos documentos antes de añadir otros.",
        max=MAX_ITEMS,
    )


def _fits(selection: list[tuple[str, str]]) -> bool:
    """Whether the session cookie with `selection` stays under MAX_COOKIE_BYTES."""
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    if serializer is None:  # no secret key: the session cannot be stored at all
        return False
    future = {**session, SESSION_KEY: [list(pair) for pair in selection]}
    return len(serializer.dumps(future)) <= MAX_COOKIE_BYTES


@bp.post("/seleccion/quitar")
def remove() -> Response:
    doc_id = _posted_doc_id()
    session[SESSION_KEY] = [[d, q] for d, q in items() if d != doc_id]
    return _back(doc_id)


@bp.post("/seleccion/vaciar")
def clear() -> Response:
    session.pop(SESSION_KEY, None)
    return redirect(url_for("basket.basket_page"), code=303)


@bp.get("/seleccion")
def basket_page() -> str:
    selection = items()
    with auth.open_searcher() as searcher:
        hits = document.selected_hits(searcher, selection, per_doc=1)
    queries = dict(selection)
    return render_template(
        "basket.html",
        hits=hits,
        queries=queries,
        missing=len(selection) - len(hits),
        max_items=MAX_ITEMS,
    )


def init_app(app: Flask) -> None:
    """A stable secret key for the session cookie, and the template helpers (the cookie's
    SameSite and Secure flags are app settings: acervo.web.app.DEFAULTS)."""
    if not app.secret_key:
        app.secret_key = _secret_key(Path(app.config["INDEX_DIR"]))
    app.jinja_env.globals.update(
        basket_contains=contains,
        basket_count=count,
        basket_full=is_full,
    )


def _secret_key(index_dir: Path) -> bytes:
    """The key kept in the index folder (made once), or a per-process one if it cannot be kept.

    Set SECRET_KEY in the config to choose it; a per-process key empties every basket when the
    server restarts.
    """
    path = index_dir / SECRET_KEY_FILE
    try:
        if path.is_file():
            return path.read_bytes()
        key = secrets.token_bytes(32)
        if not index_dir.is_dir():  # no index yet: nothing to search or select either
            return key
        path.touch(mode=0o600)
        path.write_bytes(key)
        return key
    except OSError as exc:
        log.warning(
            "No se pudo guardar la clave de sesión en %s (%s): se usa una temporal.", path, exc
        )
        return secrets.token_bytes(32)
