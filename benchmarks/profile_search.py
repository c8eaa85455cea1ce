"""Where the time of a search goes, stage by stage (cProfile over a fixed query list).

    python benchmarks/profile_search.py INDEX_DIR [--rounds 3]

Runs the queries of bench_engines.py (plus a misspelt one and a zero-result one) through
`Searcher.search` (and, for zero results, the page's zero-result helpers) under cProfile on an
existing index, and prints each stage's share of the total: cumulative time of the function that
does it. Stages overlap nothing: each is a separate call made by the searcher.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import QUERIES  # noqa: E402

EXTRA = ["educasion ninos", "xyzzyqux migracion", "agencia:ACNUR proteccion"]
# stage -> (file name ending, function name) whose cumulative time is the stage's
STAGES = {
    "open searcher": ("indexer.py", "open_searcher"),
    "parse + expansion": ("query.py", "parse_query"),
    "matching + scoring every match (numpy)": ("matching.py", "match"),
    "  of which reading posting lists": ("matching.py", "_posting_arrays"),
    "  of which phrases (positions)": ("matching.py", "_phrase"),
    "  of which Whoosh's own matchers": ("matching.py", "_by_whoosh"),
    "best pages (term positions)": ("snippets.py", "_best_pages"),
    "highlighting": ("snippets.py", "_highlight"),
    "stored fields": ("searching.py", "stored_fields"),
    "facet counting": ("facets.py", "select"),
    "facet counting (vectorised)": ("facets.py", "counts"),
    "ranking (sort keys, top k)": ("searcher.py", "_ranked"),
    "passages": ("snippets.py", "passages"),
    "related documents": ("searcher.py", "_with_related"),
    "suggestion (¿Quiso decir?)": ("searcher.py", "_suggestion"),
    "spelling correction": ("searcher.py", "_correction"),
    "zero-result helpers": ("profile_search.py", "_zero_help"),
}


def _zero_help(searcher, req: SearchRequest) -> None:
    searcher.missing_terms(req.query)


def run(store: IndexStore, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for query in QUERIES + EXTRA:
            with store.open_searcher() as searcher:
                req = SearchRequest(query=query)
                result = searcher.search(req)
                if not result.total:
                    _zero_help(searcher, req)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-term-cache",
        action="store_true",
        help="read and score every term again on each search (as words not searched before)",
    )
    args = parser.parse_args()
    if args.no_term_cache:
        from acervo.search import matching

        matching.CACHE_POSTINGS = 0  # read when the generation's pool is made, below
    store = IndexStore(args.index)
    run(store, 1)  # warm-up: the generation's tables, analyzer caches
    profiler = cProfile.Profile()
    profiler.enable()
    total = run(store, args.rounds)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (cc, nc, tt, ct, callers)
    searches = args.rounds * len(QUERIES + EXTRA)
    print(f"{searches} searches, {total / searches * 1000:.1f} ms each (under cProfile)")
    print("| stage | ms per search | share |")
    print("|---|---|---|")
    for stage, (filename, function) in STAGES.items():
        cumulative = sum(
            ct
            for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items()
            if path.endswith(filename) and name == function
        )
        if cumulative:
            share = cumulative / total * 100
            print(f"| {stage} | {cumulative / searches * 1000:.1f} | {share:.0f}% |")


if __name__ == "__main__":
    main()
