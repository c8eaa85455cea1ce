"""Saved searches ("Mis búsquedas"), their private feeds and the digest's unsubscribe link.

- `POST /mis-busquedas`: save the current search (its URL parameters) under a name;
- `GET /mis-busquedas`: each saved search with how many documents it finds now and how many are
  new since the user last opened it; forms to rename it, change its query, choose its digest
  (none, daily, weekly), create or revoke its private feed, delete it; the user's e-mail address
  and language for the digests;
- `GET /mis-busquedas/<id>`: open it (the search page) and mark it seen;
- `GET /feed/<token>.atom`: the saved search's feed with its owner's visibility; a revoked or
  unknown token is the same 404;
- `GET|POST /resumen/baja/<token>`: stop the digest of one saved search (the e-mail's link).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from acervo import accounts, saved
from acervo.search.errors import SearchError
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query
from acervo.web import exports, feeds, params
from acervo.web.auth import access_for, get_db, open_searcher
from acervo.web.digest import request_of

bp = Blueprint("saved", __name__)
F = TypeVar("F", bound=Callable[..., object])
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_CHARS = 254


@dataclass(frozen=True)
class SavedRow:
    search: saved.SavedSearch
    request: SearchRequest | None  # None: it no longer parses (the row says so)
    total: int
    new: int
    error: str = ""


def login_needed(view: F) -> F:
    @wraps(view)
    def wrapped(*args: object, **kwargs: object) -> object:
        if not current_user.is_authenticated:
            flash(gettext("Inicie sesión para guardar y seguir búsquedas."), "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def query_string(req: SearchRequest) -> str:
    """The search's URL parameters (page left out): what a saved search keeps."""
    return urlencode(params.request_args(params.export_request(req)), doseq=True)


def _mine(saved_id: int) -> saved.SavedSearch:
    found = saved.get(get_db(), current_user.id, saved_id)
    if found is None:
        abort(404)
    return found


def _back() -> Response:
    return redirect(url_for("saved.my_searches"), code=303)


@bp.post("/mis-busquedas")
@login_needed
def save_search() -> Response:
    req = params.parse_request(request.form)  # the search's own parameters, from the form
    try:
        created = saved.save(
            get_db(), current_user.id, request.form.get("nombre", ""), query_string(req),
            time.time(),
        )  # fmt: skip
    except saved.SavedSearchError as exc:
        flash(str(exc), "error")
        return redirect(url_for("acervo.search_page", **params.request_args(req)), code=303)
    flash(gettext("Búsqueda guardada como «%(name)s».", name=created.name), "info")
    return _back()


@bp.get("/mis-busquedas")
@login_needed
def my_searches() -> str:
    conn = get_db()
    rows = []
    with open_searcher() as searcher:
        for search in saved.list_for(conn, current_user.id):
            try:
                req = request_of(search)
                total = searcher.count(req)
                new = searcher.count(replace(req, updated_after=search.seen_at))
                rows.append(SavedRow(search, req, total, new))
            except SearchError as exc:
                rows.append(SavedRow(search, None, 0, 0, str(exc)))
    me = conn.execute("SELECT email, language FROM users WHERE id = ?", (current_user.id,))
    return render_template("my_searches.html", rows=rows, me=me.fetchone(),
                           digests=saved.DIGESTS)  # fmt: skip


@bp.get("/mis-busquedas/<int:saved_id>")
@login_needed
def open_saved(saved_id: int) -> Response:
    search = _mine(saved_id)
    saved.mark_seen(get_db(), search, time.time())
    return redirect(url_for("acervo.search_page") + "?" + search.query_string)


@bp.post("/mis-busquedas/<int:saved_id>")
@login_needed
def edit_saved(saved_id: int) -> Response:
    """Rename it, change its query or its digest (the fields the form sends)."""
    search = _mine(saved_id)
    query = request.form.get("q")
    new_query = None
    try:
        if query is not None:  # the same checks as a search, said on the page
            args = MultiDict(parse_qsl(search.query_string))
            args.setlist("q", [query.strip()])
            req = params.parse_request(args)
            parse_query(req.query)
            new_query = query_string(req)
        saved.update(get_db(), search, name=request.form.get("nombre"),
                     query_string=new_query, digest=request.form.get("resumen"))  # fmt: skip
    except (saved.SavedSearchError, SearchError) as exc:
        flash(str(exc), "error")
        return _back()
    flash(gettext("Cambios guardados."), "info")
    return _back()


@bp.post("/mis-busquedas/<int:saved_id>/borrar")
@login_needed
def delete_saved(saved_id: int) -> Response:
    search = _mine(saved_id)
    saved.delete(get_db(), search)
    flash(gettext("Búsqueda «%(name)s» borrada.", name=search.name), "info")
    return _back()


@bp.post("/mis-busquedas/<int:saved_id>/feed")
@login_needed
def new_feed(saved_id: int) -> Response:
    search = _mine(saved_id)
    token = saved.new_feed_token(get_db(), search)
    url = exports.public_url("saved.private_feed", token=token)
    flash(gettext("Feed privado de «%(name)s» (guárdelo: no se volverá a mostrar): %(url)s",
                  name=search.name, url=url), "feed")  # fmt: skip
    return _back()


@bp.post("/mis-busquedas/<int:saved_id>/feed/revocar")
@login_needed
def revoke_feed(saved_id: int) -> Response:
    search = _mine(saved_id)
    saved.revoke_feed(get_db(), search)
    flash(gettext("El feed privado de «%(name)s» ya no funciona.", name=search.name), "info")
    return _back()


@bp.post("/mis-busquedas/correo")
@login_needed
def my_email() -> Response:
    email = request.form.get("correo", "").strip()
    language = request.form.get("idioma", "es")
    if email and (len(email) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(email)):
        message = gettext("La dirección de correo «%(email)s» no es válida.", email=email[:80])
        flash(message, "error")
        return _back()
    if language not in saved.LANGUAGES:
        language = "es"
    saved.set_contact(get_db(), current_user.id, email or None, language)
    flash(gettext("Correo para los resúmenes guardado."), "info")
    return _back()


@bp.get("/feed/<token>.atom")
def private_feed(token: str) -> Response:
    conn = get_db()
    search = saved.by_feed_token(conn, token)
    owner = accounts.get_user_by_id(conn, search.user_id) if search else None
    if search is None or owner is None or owner.disabled:
        abort(404)  # revoked, never issued or a disabled account: the same answer
    access = access_for(owner.viewer())
    return feeds.atom_response(feeds.feed_request(request_of(search)), access, search.name)


@bp.route("/resumen/baja/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Response | str:
    conn = get_db()
    search = saved.by_unsubscribe_token(conn, token)
    if search is None:
        abort(404)
    if request.method == "POST":
        saved.update(conn, search, digest="none")
        return render_template("unsubscribed.html", search=search, done=True)
    return render_template("unsubscribed.html", search=search, done=False)


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {"saved_query_string": query_string}
