"""Who is asking, and what they may see: sessions, API tokens, CSRF, the login rate limit.

- Flask-Login keeps the logged-in user in the signed session cookie (HttpOnly, SameSite=Lax,
  Secure when the request came over HTTPS: directly, or through the reverse proxy that
  `trusted_proxy` names, whose X-Forwarded-Proto waitress believes); a session lasts
  SESSION_HOURS.
- `Authorization: Bearer <token>` authenticates a request by its API token alone (the session
  cookie is then ignored); a bad or revoked token is a 401 with a message.
- Flask-WTF checks a CSRF token on every POST/PUT/PATCH/DELETE that is not token-authenticated
  (a browser cannot send another site's Authorization header).
- Flask-Limiter limits failed logins per client address (LOGIN_RATE_LIMIT), counted in the
  database for all the server's processes together (web/ratelimit.py).

Every view that searches opens its searcher with `open_searcher()`: the current user's Access
(search/access.py), so what a user may not see is never counted, listed or served.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import TypeVar

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from acervo import accounts, audit, db, moderation
from acervo.search.access import ANONYMOUS, VISIBILITIES, Access, Viewer
from acervo.search.searcher import Searcher
from acervo.web import index, params, ratelimit

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
login_manager = LoginManager()

DEFAULTS: dict[str, object] = {
    "DEFAULT_VISIBILITY": "publico",  # of documents whose sidecar says nothing
    "REQUIRE_LOGIN": False,  # True: anonymous visitors see only the login page
    "LOGIN_RATE_LIMIT": "5 per minute",  # failed logins per client address
    "SESSION_HOURS": 8,
}
FLASK_SESSION_LIFETIME = Flask.default_config["PERMANENT_SESSION_LIFETIME"]
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
BEARER = "Bearer "
SESSION_HINT_COOKIE = "acervo_sesion"  # "a session existed": tells an expired one from none
# Endpoints an anonymous visitor reaches when REQUIRE_LOGIN is set.
OPEN_ENDPOINTS = {"auth.login", "static"}

F = TypeVar("F", bound=Callable[..., object])


class LoginForm(FlaskForm):
    name = StringField(_l("Usuario"), validators=[DataRequired()])
    password = PasswordField(_l("Contraseña"), validators=[DataRequired()])
    next = HiddenField()


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


# ---- the database of the request ---------------------------------------------------------


def get_db() -> sqlite3.Connection:
    """The request's connection to the repository database (opened on first use, or the one
    the thread's previous request left idle)."""
    if "acervo_db" not in g:
        path = str(current_app.config["DATABASE"])
        g.acervo_db = _idle_connection(path) or db.connect(path)
        g.acervo_db_file = (path, _file_identity(path))  # the file it has open, most likely
    return g.acervo_db


def _close_db(_exc: BaseException | None) -> None:
    conn, (path, identity) = g.pop("acervo_db", None), g.pop("acervo_db_file", ("", None))
    if conn is None:
        return
    if conn.in_transaction or identity is None or identity != _file_identity(path):
        conn.close()
        return
    old = _IDLE.__dict__.pop("kept", None)
    if old is not None and old[0] == os.getpid():
        old[3].close()
    _IDLE.kept = (os.getpid(), path, identity, conn)


# A thread's connection stays open for its next request: opening one (with its checks) and
# closing the last one (SQLite then checkpoints and removes the WAL files) was most of the CPU
# of opening a searcher: about 0.7 of an /api/search's 15 ms (benchmarks/README.md, issue 12).
# One per thread (a connection is not shared by threads); a forked process leaves its
# parent's alone; a database file replaced or removed is opened anew.
_IDLE = threading.local()


def _idle_connection(path: str) -> sqlite3.Connection | None:
    kept = _IDLE.__dict__.pop("kept", None)
    if kept is None or kept[0] != os.getpid():
        return None
    _pid, kept_path, identity, conn = kept
    if kept_path == path and identity == _file_identity(path):
        return conn
    conn.close()
    return None


def _file_identity(path: str | None) -> tuple[int, int] | None:
    try:
        found = os.stat(path) if path else None
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if found else None


# ---- who is asking, and what they may see ------------------------------------------------


def current_access() -> Access:
    """The current user (or anonymous visitor), the documents' statuses, the default."""
    return access_for(current_user.viewer())


def anonymous_access() -> Access:
    """What anyone may see (shared feed URLs, whoever asks)."""
    return access_for(ANONYMOUS)


def access_for(viewer: Viewer) -> Access:
    """What `viewer` may see now (also outside their own requests: private feeds, digests)."""
    return Access(
        viewer=viewer,
        statuses=moderation.statuses(get_db()),
        default_visibility=current_app.config["DEFAULT_VISIBILITY"],
    )


def open_searcher(access: Access | None = None) -> Searcher:
    """A searcher over the live index that sees only what the current user may see (or what
    `access` allows: a shared feed, a private feed or a digest sees as its owner would)."""
    return index.store().open_searcher(access or current_access())


def require(action: str) -> Callable[[F], F]:
    """View decorator: log in first (401 for the API), then `accounts.can(user, action)` (403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: object, **kwargs: object) -> object:
            if not current_user.is_authenticated:
                return _login_required()
            if not accounts.can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _login_required() -> Response:
    if _is_api():
        response = jsonify(error=gettext("Hace falta identificarse: envíe un token de la API."))
        response.status_code = 401
        return response
    flash(gettext("Inicie sesión para ver esta página."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# ---- login and logout ----------------------------------------------------------------------


@bp.route("/entrar", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST" and form.validate_on_submit():
        conn = get_db()
        user = accounts.authenticate(conn, form.name.data.strip(), form.password.data)
        if user is not None:
            login_user(user)
            session.permanent = True  # expires after SESSION_HOURS
            response = redirect(_safe_next(form.next.data), code=303)
            response.set_cookie(SESSION_HINT_COOKIE, "1", httponly=True, samesite="Lax")
            return response
        audit.record(conn, None, "login.failed", form.name.data.strip()[:64], address=_address())
        flash(gettext("Usuario o contraseña incorrectos (o la cuenta está desactivada)."), "error")
        return render_template("login.html", form=form), 401
    if request.method == "POST":  # a field left empty
        flash(gettext("Escriba su usuario y su contraseña."), "error")
        return render_template("login.html", form=form), 400
    return render_template("login.html", form=form), 200


@bp.post("/salir")
def logout() -> Response:
    logout_user()
    flash(gettext("Ha cerrado la sesión."), "info")
    response = redirect(url_for("acervo.search_page"), code=303)
    response.delete_cookie(SESSION_HINT_COOKIE)
    return response


def _safe_next(target: str | None) -> str:
    """A local path only (no open redirect, parsed: web/params.py), else the search page."""
    return params.local_target(target or "") or url_for("acervo.search_page")


def _address() -> str:
    return request.remote_addr or ""


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header ("" when the header is malformed), or None
    when the request has no Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    return header[len(BEARER) :].strip() if header.startswith(BEARER) else ""


# ---- per-request checks --------------------------------------------------------------------


def _before_request() -> Response | None:
    token = _bearer_token()
    if token is not None and not current_user.is_authenticated:
        response = jsonify(
            error=gettext(
                "Token de la API no válido o revocado. Pida uno nuevo a un administrador "
                "(acervo users token NOMBRE)."
            )
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="acervo"'
        return response
    if token is None and request.method not in SAFE_METHODS:
        csrf.protect()
    if not current_user.is_authenticated and request.cookies.get(SESSION_HINT_COOKIE):
        g.session_expired = True  # the hint cookie outlived the session: say so, once
        flash(gettext("Su sesión caducó. Vuelva a iniciar sesión."), "info")
    if current_app.config["REQUIRE_LOGIN"] and not current_user.is_authenticated:
        if request.endpoint not in OPEN_ENDPOINTS:
            return _login_required()
    return None


def _after_request(response: Response) -> Response:
    if g.get("session_expired"):
        response.delete_cookie(SESSION_HINT_COOKIE)
    return response


@login_manager.user_loader
def _load_user(user_id: str) -> accounts.User | None:
    if _bearer_token() is not None:  # a token request is the token's user, whatever the cookie
        return None
    user = accounts.get_user_by_id(get_db(), user_id)
    return user if user is not None and user.is_active else None


@login_manager.request_loader
def _load_token_user(_request: object) -> accounts.User | None:
    token = _bearer_token()
    return accounts.user_for_token(get_db(), token) if token else None


# ---- errors --------------------------------------------------------------------------------


def _csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
    text = gettext(
        "El formulario caducó o no viene de Acervo. Recargue la página e inténtelo de nuevo."
    )
    return _message(gettext("Formulario no válido"), text, 400)


def _forbidden(_exc: Exception) -> tuple[Response | str, int]:
    text = gettext("Su cuenta no tiene permiso para esta acción.")
    return _message(gettext("Acceso no permitido"), text, 403)


def _too_many(_exc: RateLimitExceeded) -> tuple[Response | str, int]:
    text = gettext(
        "Demasiados intentos fallidos de inicio de sesión desde esta dirección. Espere un "
        "minuto e inténtelo de nuevo."
    )
    return _message(gettext("Demasiados intentos"), text, 429)


def _message(title: str, text: str, status: int) -> tuple[Response | str, int]:
    if _is_api():
        return jsonify(error=text), status
    return render_template("not_found.html", title=title, text=text), status


# ---- setup ---------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["DEFAULT_VISIBILITY"] not in VISIBILITIES:
        raise ValueError(
            f"DEFAULT_VISIBILITY {app.config['DEFAULT_VISIBILITY']!r}: use one of {VISIBILITIES}"
        )
    app.config.setdefault("DATABASE", db.default_path(Path(app.config["INDEX_DIR"])))
    # SameSite and Secure: acervo.web.app.DEFAULTS; Flask's 31-day sessions unless configured
    if app.config["PERMANENT_SESSION_LIFETIME"] == FLASK_SESSION_LIFETIME:
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_HOURS"])
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in _before_request (not for tokens)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    app.session_interface = _SessionInterface()
    db.connect(app.config["DATABASE"]).close()  # create or upgrade it now, not mid-request
    csrf.init_app(app)
    # one limiter per app; its counts in the database, shared by the server's processes (the
    # limit holds for a client whichever process answers it); only the login form is limited
    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      storage_uri=ratelimit.storage_uri(app.config["DATABASE"]))  # fmt: skip
    limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"],
        methods=["POST"],
        deduct_when=lambda response: response.status_code != 303,  # only failures count
    )(bp)
    login_manager.init_app(app)
    login_manager.anonymous_user = accounts.AnonymousUser
    login_manager.session_protection = "basic"
    app.teardown_appcontext(_close_db)
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(403, _forbidden)
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        can=lambda action, doc=None: accounts.can(current_user, action, doc)
    )
