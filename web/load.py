"""Expensive requests wait for nobody: a few at a time per process, the rest get a quick 503.

Exports (every hit with its passage) and searches with wildcard or fuzzy words (`*ti*`,
`migracion~`) can take seconds; with threads sharing one core under the GIL, four of them made a
plain `/?q=salud` wait more than a minute. Each process runs at most EXPENSIVE_AT_ONCE of them;
another one is answered at once with 503 and Retry-After (JSON on /api/), so plain searches keep
their latency. The work of each request is bounded by its own deadline (search/limits.py).
"""

from __future__ import annotations

import threading

from flask import Flask, Response, current_app, g, jsonify, render_template, request

from acervo.search import limits

EXPENSIVE_AT_ONCE = 2  # per process; `acervo serve --processes N` multiplies it
RETRY_AFTER_S = 5
EXPENSIVE_PATHS = ("/export.", "/seleccion/export.", "/seleccion/dossier", "/mapa.")
BUSY = (
    "El servidor está ocupado con otras exportaciones o búsquedas con comodines. Vuelva a "
    "intentarlo en unos segundos (las búsquedas sin «*», «?» ni «~» siguen atendiéndose)."
)
_SLOTS = "acervo.expensive_slots"


def init_app(app: Flask) -> None:
    at_once = int(app.config.get("EXPENSIVE_AT_ONCE", EXPENSIVE_AT_ONCE))
    app.extensions[_SLOTS] = threading.BoundedSemaphore(at_once)
    app.before_request(_take_slot)
    app.teardown_request(_give_back_slot)


def is_expensive() -> bool:
    """This request exports, or searches with wildcard or fuzzy words."""
    return request.path.startswith(EXPENSIVE_PATHS) or limits.has_patterns(
        request.args.get("q", "")
    )


def _take_slot() -> tuple[Response | str, int, dict[str, str]] | None:
    if not is_expensive():
        return None
    if not current_app.extensions[_SLOTS].acquire(blocking=False):
        return _busy()
    g.acervo_expensive_slot = True  # given back when the request ends (a stream: at its end)
    return None


def _give_back_slot(_exc: BaseException | None) -> None:
    if g.pop("acervo_expensive_slot", False):
        current_app.extensions[_SLOTS].release()


def _busy() -> tuple[Response | str, int, dict[str, str]]:
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if request.path.startswith("/api/"):
        return jsonify(error=BUSY), 503, headers
    page = render_template("search.html", error=BUSY, req=None, result=None, query="")
    return page, 503, headers
