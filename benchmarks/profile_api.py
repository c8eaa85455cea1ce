"""Where an `/api/search` request's CPU goes, stage by stage, without a profiler's distortion.

    python benchmarks/profile_api.py INDEX_DIR [--requests 150] [--rounds 2]

Sends the load test's `/api/search` mix (benchmarks/load_test.py `_request`) through the Flask
app in this thread, as profile_web.py does, after an unmeasured pass that fills the caches. Each
stage's function is wrapped with this thread's CPU clock (the outermost call only); cProfile's
cost per call inflates the stages made of many small calls (the highlighter) several times over.
Prints CPU ms per request, unwrapped and wrapped, and each stage's. Stages nest (the passages
hold the highlighting): read them with the names. A function an older tree does not have is left
out, so it runs with an older tree's Python too. The index is only read, but the app writes its
database beside a temporary folder: give it a copy.

`--fresh-memo`: before each request the generation's memo of page scores and passages
(search/snippets.py PageMemo) is emptied, as if no request of the generation had shown any of
its documents for its query (the other caches stay warm); no effect on a tree without it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from acervo.web import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import forget_passages  # noqa: E402
from profile_web import _send, _urls  # noqa: E402

STAGES = [
    ("acervo.web.views", "run_search", "the search, with opening the searcher"),
    ("acervo.web.auth", "open_searcher", "opening the searcher (database, Access)"),
    ("acervo.search.searcher", "Searcher._search", "Searcher.search"),
    ("acervo.search.searcher", "Searcher._correction", "correction check (suggest)"),
    ("acervo.search.searcher", "Searcher._match", "candidate set (match, facets)"),
    ("acervo.search.matching", "match", "matching and scoring"),
    ("acervo.search.facets", "counts", "facet counts"),
    ("acervo.search.facets", "facet_groups", "facet groups"),
    ("acervo.search.searcher", "Searcher._best_page_first", "best page of the first 10"),
    ("acervo.search.searcher", "Searcher._hits", "hits of the page shown"),
    ("acervo.search.snippets", "passages", "passages"),
    ("acervo.search.snippets", "_score_pages", "page scores (best page and passages)"),
    ("acervo.search.snippets", "_highlight", "highlighting"),
    ("acervo.search.snippets", "_matchers", "the query's words per field"),
    ("acervo.search.searcher", "Searcher._with_related", "related documents"),
]  # fmt: skip


def _wrap(cpu: dict[str, float], module: str, qualname: str) -> bool:
    owner = importlib.import_module(module)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    function = getattr(owner, name, None)
    if function is None:
        return False
    busy = [0]

    @functools.wraps(function)
    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if busy[0]:
            return function(*args, **kwargs)
        busy[0] += 1
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            cpu[qualname] += time.thread_time() - started
            busy[0] -= 1

    setattr(owner, name, timed)
    return True


def _forget_passages(app) -> None:  # noqa: ANN001
    forget_passages(app.extensions.get("acervo.index"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fresh-memo", action="store_true")
    args = parser.parse_args()
    send = _send
    if args.fresh_memo:

        def send(app, url: str) -> None:  # noqa: ANN001
            _forget_passages(app)
            _send(app, url)

    urls = _urls(args.requests, "/api/search", seed=1)
    with tempfile.TemporaryDirectory(prefix="acervo-profile-api-") as tmp:
        app = create_app(
            {"INDEX_DIR": args.index, "DATABASE": Path(tmp) / "acervo.db", "SECRET_KEY": "x"}
        )
        for url in urls:  # warm: parsed queries, term cache, tables
            send(app, url)
        started = time.thread_time()
        for url in urls:
            send(app, url)
        plain = (time.thread_time() - started) * 1000 / len(urls)
        cpu: dict[str, float] = defaultdict(float)
        stages = [s for s in STAGES if _wrap(cpu, s[0], s[1])]
        started = time.thread_time()
        for _ in range(args.rounds):
            for url in urls:
                send(app, url)
        count = args.rounds * len(urls)
        wrapped = (time.thread_time() - started) * 1000 / count
    print("| stage | CPU ms per /api/search |\n|---|---|")
    print(f"| the request, no wrappers | {plain:.2f} |")
    print(f"| the request, wrapped | {wrapped:.2f} |")
    print(f"| outside the search | {wrapped - cpu['run_search'] * 1000 / count:.2f} |")
    for _module, qualname, label in stages:
        print(f"| {label} (`{qualname}`) | {cpu[qualname] * 1000 / count:.2f} |")


if __name__ == "__main__":
    main()
