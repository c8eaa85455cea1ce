"""Where a web request's CPU goes, per kind of request, outside and inside the search itself.

    python benchmarks/profile_web.py INDEX_DIR [--requests 150] [--exports 30]

Sends the load test's request mix (benchmarks/load_test.py `_request`: queries, filters, pages,
sorts) through the Flask app (its WSGI callable, in this thread: no HTTP server) as three kinds
of request with the same arguments: the search page (`/`), `/api/search` and `/export.csv`.
After an unmeasured pass that fills the caches (as a running server has them), each kind runs
under cProfile; it prints the CPU milliseconds per request (this thread's CPU time, with no
profiler) and each part's share: the cumulative time of the function that does it. The parts
overlap nothing except where marked "of which". The index is only read, but the app writes its
database and session secret: give it a copy (a `tmp` folder is made beside it for them).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from acervo.web import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from load_test import _request  # noqa: E402

KINDS = {"search page": "/", "api": "/api/search", "export": "/export.csv"}
# part -> (file name ending, function name) whose cumulative time is the part's
PARTS = {
    # an export's search: iter_hits in older trees, export_hits and its _hit_batches since
    "the search (Searcher.search / count / iter_hits)": [
        ("searcher.py", "search"), ("searcher.py", "count"), ("searcher.py", "iter_hits"),
        ("searcher.py", "export_hits"), ("searcher.py", "_hit_batches"),
    ],
    "  of which passages": [("snippets.py", "passages")],
    "zero-result help": [("search_page.py", "zero_help")],
    "open the searcher (access, statuses from the database)": [("auth.py", "open_searcher")],
    "request hooks (session, login, CSRF, limiter, slots, locale)": [
        ("app.py", "preprocess_request"), ("app.py", "process_response"),
        ("ctx.py", "push"), ("app.py", "do_teardown_request"),
        ("app.py", "do_teardown_appcontext"),
    ],
    "template rendering (Jinja)": [("templating.py", "render_template")],
    "page parts (facet panels, chips, histogram)": [
        ("search_page.py", "facet_panels"), ("search_page.py", "chips"),
        ("search_page.py", "histogram"),
    ],
    "JSON (to_json, jsonify)": [("models.py", "to_json"), ("__init__.py", "jsonify")],
    "relative paths and links (Links.local)": [("export.py", "local")],
    "export writing (rows, CSV), without the search": [("export.py", "csv_chunks")],
}  # fmt: skip


def _urls(count: int, path: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{path}?{urllib.parse.urlencode(_request(rng, 0.0)[1])}" for _ in range(count)]


def _send(app, url: str) -> None:  # noqa: ANN001
    """The WSGI call and the whole body read, as a server does."""
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": sys.stdin.buffer,
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip
    status = []
    body = app(environ, lambda s, _h, _e=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    if not status[0].startswith("200"):
        raise RuntimeError(f"{url}: {status[0]}")


def _cumulative(stats: pstats.Stats, targets: list[tuple[str, str]]) -> float:
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.stats.items():
        if any(filename.endswith(f) and name == n for f, n in targets):
            total += cumtime
    return total


def profile(app, urls: list[str]) -> dict[str, object]:  # noqa: ANN001
    started = time.thread_time()
    for url in urls:
        _send(app, url)
    cpu_ms = (time.thread_time() - started) * 1000 / len(urls)
    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls:
        _send(app, url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    whole = _cumulative(stats, [("profile_web.py", "_send")])
    parts = {part: _cumulative(stats, targets) / whole for part, targets in PARTS.items()}
    search = _cumulative(stats, PARTS["the search (Searcher.search / count / iter_hits)"])
    if parts["export writing (rows, CSV), without the search"]:
        nested = _cumulative(
            stats,
            [("searcher.py", "iter_hits"), ("searcher.py", "_hit_batches"), ("export.py", "local")],
        )
        parts["export writing (rows, CSV), without the search"] -= nested / whole
    parts["everything else (Flask, Werkzeug, routing)"] = 1 - sum(
        share for part, share in parts.items() if not part.startswith("  ")
    )
    return {
        "cpu_ms": cpu_ms, "outside_search": 1 - search / whole, "parts": parts,
        "top_outside": _top_outside(stats, whole),
    }  # fmt: skip


def _top_outside(stats: pstats.Stats, whole: float, count: int = 12) -> list[str]:
    """The functions with the most time of their own outside acervo/search (and Whoosh)."""
    own = [
        (tottime, f"{Path(filename).parent.name}/{Path(filename).name}:{name}")
        for (filename, _line, name), (_cc, _nc, tottime, _cum, _callers) in stats.stats.items()
        if "/search/" not in filename and "/whoosh/" not in filename
    ]
    return [f"{share / whole:.1%} {where}" for share, where in sorted(own, reverse=True)[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--requests", type=int, default=150, help="per kind (pages and API)")
    parser.add_argument("--exports", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acervo-profile-web-") as tmp:
        app = create_app(
            {"INDEX_DIR": args.index, "DATABASE": Path(tmp) / "acervo.db", "SECRET_KEY": "x"}
        )
        results = {}
        for kind, path in KINDS.items():
            urls = _urls(args.exports if kind == "export" else args.requests, path, seed=1)
            for url in urls:  # warm: parsed queries, term cache, tables
                _send(app, url)
            results[kind] = profile(app, urls)
    print("| part | " + " | ".join(KINDS) + " |")
    print("|---|" + "---|" * len(KINDS))
    print("| CPU ms per request (no profiler) | "
          + " | ".join(f"{r['cpu_ms']:.1f}" for r in results.values()) + " |")  # fmt: skip
    print("| outside the search | "
          + " | ".join(f"{r['outside_search']:.0%}" for r in results.values()) + " |")  # fmt: skip
    for part in results["api"]["parts"]:
        row = " | ".join(f"{r['parts'][part]:.1%}" for r in results.values())
        print(f"| {part} | {row} |")
    for kind, r in results.items():
        print(
            f"\n{kind}, most time of their own outside the search:", *r["top_outside"], sep="\n  "
        )


if __name__ == "__main__":
    main()
