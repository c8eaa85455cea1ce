"""Expensive requests wait for nobody: a few at a time per process, the rest get a quick 503;
and an export lets the plain requests of its process go first.

Exports (every hit with its passage) and searches with wildcard or fuzzy words (`*ti*`,
`migracion~`) can take seconds; with threads sharing one core under the GIL, four of them made a
plain `/?q=salud` wait more than a minute. Each process runs at most EXPENSIVE_AT_ONCE of them;
another one is answered at once with 503 and Retry-After (JSON on /api/), so plain searches keep
their latency. The work of each request is bounded by its own deadline (search/limits.py).

An export is a download (seconds), a search a page someone waits for (milliseconds), yet under
the GIL the threads of a process take turns: a search beside an export ran at half speed or
less, and an export is a hundred searches' CPU. So while plain requests are being answered in its
process, an export works EXPORT_SLICE_S of CPU at a time and then waits for them to finish (at
most EXPORT_PAUSE_S), between two hits' passages (`limits.pause_point`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, g, jsonify, render_template, request

from acervo.search import limits

EXPENSIVE_AT_ONCE = 2  # per process; `acervo serve --processes N` multiplies it
RETRY_AFTER_S = 5
EXPORT_SLICE_S = 0.01  # CPU seconds an export works between two waits for plain requests
EXPORT_PAUSE_S = 0.03  # the longest it then waits (it always goes on: its own deadline runs)
EXPENSIVE_PATHS = ("/export.", "/seleccion/export.", "/seleccion/dossier", "/mapa.")
BUSY = (
    "El servidor está ocupado con otras exportaciones o búsquedas con comodines. Vuelva a "
    "intentarlo en unos segundos (las búsquedas sin «*», «?» ni «~» siguen atendiéndose)."
)
_SLOTS = "acervo.expensive_slots"
_PLAIN = "acervo.plain_requests"


class PlainRequests:
    """How many plain (not expensive) requests this process is answering."""

    def __init__(self) -> None:
        self.count = 0
        self._none = threading.Condition()

    def started(self) -> None:
        with self._none:
            self.count += 1

    def ended(self) -> None:
        with self._none:
            self.count -= 1
            if not self.count:
                self._none.notify_all()

    def wait_for_none(self, seconds: float) -> None:
        """Until no plain request is being answered, or `seconds` have passed."""
        with self._none:
            self._none.wait_for(lambda: not self.count, seconds)


def init_app(app: Flask) -> None:
    at_once = int(app.config.get("EXPENSIVE_AT_ONCE", EXPENSIVE_AT_ONCE))
    app.extensions[_SLOTS] = threading.BoundedSemaphore(at_once)
    app.extensions[_PLAIN] = PlainRequests()
    app.before_request(_take_slot)
    app.teardown_request(_give_back_slot)


def plain_requests_first() -> Callable[[], None]:
    """The pause of an export of this request (`limits.pausing`): after each EXPORT_SLICE_S of
    its CPU, it waits (at most EXPORT_PAUSE_S) while this process answers plain requests."""
    plain: PlainRequests = current_app.extensions[_PLAIN]
    slice_s = float(current_app.config.get("EXPORT_SLICE_S", EXPORT_SLICE_S))
    pause_s = float(current_app.config.get("EXPORT_PAUSE_S", EXPORT_PAUSE_S))
    worked_since = time.thread_time()

    def pause() -> None:
        nonlocal worked_since
        if plain.count and time.thread_time() - worked_since >= slice_s:
            plain.wait_for_none(pause_s)
            worked_since = time.thread_time()

    return pause


def is_expensive() -> bool:
    """This request exports, or searches with wildcard or fuzzy words."""
    return request.path.startswith(EXPENSIVE_PATHS) or limits.has_patterns(
        request.args.get("q", "")
    )


def _take_slot() -> tuple[Response | str, int, dict[str, str]] | None:
    if not is_expensive():
        current_app.extensions[_PLAIN].started()
        g.acervo_plain_request = True  # ended when the request ends
        return None
    if not current_app.extensions[_SLOTS].acquire(blocking=False):
        return _busy()
    g.acervo_expensive_slot = True  # given back when the request ends (a stream: at its end)
    return None


def _give_back_slot(_exc: BaseException | None) -> None:
    if g.pop("acervo_expensive_slot", False):
        current_app.extensions[_SLOTS].release()
    if g.pop("acervo_plain_request", False):
        current_app.extensions[_PLAIN].ended()


def _busy() -> tuple[Response | str, int, dict[str, str]]:
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if request.path.startswith("/api/"):
        return jsonify(error=BUSY), 503, headers
    page = render_template("search.html", error=BUSY, req=None, result=None, query="")
    return page, 503, headers
