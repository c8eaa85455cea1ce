"""The application factory: configuration in, a Flask app with the search blueprint out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, Response

from acervo.web import (
    admin,
    auth,
    basket,
    compendium,
    contribute,
    curate,
    document,
    evidence,
    exports,
    feeds,
    i18n,
    index,
    load,
    saved,
    views,
)

DEFAULTS: dict[str, object] = {
    "INDEX_DIR": Path("index"),
    "LANGUAGE": "es",
    # Flask defines both keys (None and False), so they are set here, before the caller's
    # config, not with setdefault. Lax: the cookie is not sent with another site's POST.
    "SESSION_COOKIE_SAMESITE": "Lax",
    # True behind HTTPS (acervo.toml `secure_cookies`): browsers then never send the cookies
    # over plain HTTP. False by default, or a plain-HTTP server could never keep a session.
    "SESSION_COOKIE_SECURE": False,
}

# No inline script or style anywhere: templates link /static files only.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the web app. Keys: INDEX_DIR (Path), LANGUAGE ("es" | "en"), TESTING,
    CORPUS_DIRS (paths shown relative to them), SECRET_KEY (else kept in INDEX_DIR/secret_key),
    SESSION_COOKIE_SECURE (cookies only over HTTPS; also Secure whenever a request came over
    HTTPS), DATABASE (else acervo.db beside INDEX_DIR), DEFAULT_VISIBILITY, REQUIRE_LOGIN,
    LOGIN_RATE_LIMIT, SESSION_HOURS (web/auth.py).
    """
    app = Flask("acervo.web")
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(config or {})
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    app.json.sort_keys = False  # keep the documented key order of SearchResult.to_json()
    index.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(views.bp)
    basket.init_app(app)  # session secret key and basket helpers for templates
    auth.init_app(app)  # users, sessions, API tokens, CSRF, the login rate limit
    contribute.init_app(app)  # uploads: the job queue, the size limit, review
    blueprints = (document, exports, basket, evidence, compendium, feeds, saved, admin, curate)
    for blueprint in (module.bp for module in blueprints):
        app.register_blueprint(blueprint)
    load.init_app(app)  # exports and wildcard searches: a few at a time, else a quick 503
    app.after_request(_add_security_headers)
    return app


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
