"""What a web process pays when the index switches to a new generation under it, and where.

    python benchmarks/profile_switch.py INDEX_DIR [--switches 4] [--requests 120] [--add 125]
    python benchmarks/profile_switch.py INDEX_DIR --replay 150

Serves the load test's request mix (load_test.py `_request`, exports included) through the
Flask app in this thread (its WSGI callable, as profile_web.py), on a copy of INDEX_DIR made
beside it. After a warm pass, each round measures `--requests` requests on the same generation
(this thread's CPU time), then lets another process write a generation as the load test's
ingest does (`--add` new generated documents, later the same removed again) and sends the same
requests again: the extra CPU of the requests after the switch is what the switch cost this
process. A second pass of the round after the switch runs under cProfile and splits that extra
time by the per-generation part that was rebuilt (the cumulative time of the function that
builds it). Prints a table (milliseconds per switch) and the top functions.

`--replay R` plays the load test's whole ingest instead (four generations adding `--add`
documents each, then four removing them again), R requests after each switch, and prints the
CPU per request through it against the same requests with no ingest (before and after), and
the ingest's own CPU: what a server process pays during an ingest, segments included.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from acervo.web import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from load_test import _request  # noqa: E402
from profile_web import _send  # noqa: E402

# part -> (file name ending, function name) whose cumulative time is that part's
PARTS = {
    "facet tables (DocTable.load)": [("facets.py", "load")],
    "  of which stored fields read (facets._row)": [("facets.py", "_row")],
    "searcher open (index.open_dir + searcher)": [("indexer.py", "take")],
    "document history (catalog)": [("indexer.py", "history")],
    "index version (export header)": [("indexer.py", "version")],
    "parsed queries (parse_query)": [("query.py", "parse_query")],
    "posting lists read and scored (matching._scored)": [("matching.py", "_scored")],
    "field lengths (matching._lengths)": [("matching.py", "_lengths")],
    "similar documents": [("searcher.py", "similar")],
    "passages: words analysed (snippets _analysed)": [("snippets.py", "_analysed")],
}

_INGEST = """
import sys
sys.path.insert(0, {bench!r})
from bench_engines import _extracted, generated_docs
from acervo.search.indexer import IndexStore
docs = generated_docs({total})[{start}:{end}]
store = IndexStore({index!r})
if {adding}:
    store.update((_extracted(d) for d in docs), ())
else:
    store.update((), [d.doc_id for d in docs])
"""


def _ingest(index: Path, docs: int, start: int, add: int, adding: bool) -> None:
    """One generation written by another process, as the load test's ingest writes them."""
    code = _INGEST.format(
        bench=str(ROOT / "benchmarks"), total=docs + 10 * add, start=start, end=start + add,
        index=str(index), adding=adding,
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True)


def _cpu_ms(app, urls: list[str]) -> float:  # noqa: ANN001
    started = time.thread_time()
    for url in urls:
        _send(app, url)
    return (time.thread_time() - started) * 1000


def _cumulative(stats: pstats.Stats, targets: list[tuple[str, str]]) -> float:
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.stats.items():
        if any(filename.endswith(f) and name == n for f, n in targets):
            total += cumtime
    return total * 1000


def _profiled(app, urls: list[str]) -> pstats.Stats:  # noqa: ANN001
    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls:
        _send(app, url)
    profiler.disable()
    return pstats.Stats(profiler)


def _by_function(stats: pstats.Stats) -> dict[str, float]:
    return {
        f"{Path(filename).name}:{line}({name})": cumtime * 1000
        for (filename, line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.stats.items()
    }


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def replay(app, index: Path, docs: int, add: int, urls: list[str]) -> None:  # noqa: ANN001
    """module doc, `--replay`"""
    steps = [(True, docs + k * add) for k in range(4)] + [(False, docs + k * add) for k in range(4)]
    quiet = sum(_cpu_ms(app, urls) for _ in steps)
    ingest_s, during = _children_cpu_s(), 0.0
    for adding, start in steps:
        _ingest(index, docs, start, add, adding)
        during += _cpu_ms(app, urls)
    ingest_s = _children_cpu_s() - ingest_s
    quiet_after = sum(_cpu_ms(app, urls) for _ in steps)
    count = len(urls) * len(steps)
    print("| CPU ms per request | no ingest (before) | through 8 generations | no ingest (after) "
          "| ratio | ingest CPU s |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    print(f"| {len(urls)} requests after each switch | {quiet / count:.1f} | {during / count:.1f} "
          f"| {quiet_after / count:.1f} | {2 * during / (quiet + quiet_after):.2f} "
          f"| {ingest_s:.1f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--docs", type=int, default=5000, help="documents in INDEX_DIR")
    parser.add_argument("--switches", type=int, default=4)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--add", type=int, default=125, help="documents per generation")
    parser.add_argument("--replay", type=int, default=0, help="requests after each switch")
    args = parser.parse_args()
    rng = random.Random(1)
    urls = [f"{p}?{urllib.parse.urlencode(a)}" for p, a in
            (_request(rng) for _ in range(args.replay or args.requests))]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="acervo-switch-") as tmp:
        index = Path(tmp) / "index"
        shutil.copytree(args.index, index)
        app = create_app({"INDEX_DIR": index, "DATABASE": Path(tmp) / "a.db", "SECRET_KEY": "x"})
        _cpu_ms(app, urls)  # warm: tables, searchers, parsed queries, posting lists
        _cpu_ms(app, urls)
        if args.replay:
            replay(app, index, args.docs, args.add, urls)
            return
        rounds = []
        stats_total: dict[str, float] = dict.fromkeys(PARTS, 0.0)
        extra_by_function: dict[str, float] = {}
        first_ms = []
        for n in range(args.switches):
            steady = _cpu_ms(app, urls)
            adding = n < args.switches // 2 or args.switches == 1
            start = args.docs + (n % max(1, args.switches // 2)) * args.add
            _ingest(index, args.docs, start, args.add, adding)
            started = time.thread_time()
            _send(app, urls[0])
            first_ms.append((time.thread_time() - started) * 1000)
            after = first_ms[-1] + _cpu_ms(app, urls[1:])
            again = _cpu_ms(app, urls)  # the same generation, warm again
            rounds.append((steady, after, again))
            # the same switch once more under the profiler (another generation)
            _ingest(index, args.docs, start, args.add, not adding)
            stats, warm = _profiled(app, urls), _profiled(app, urls)
            for part, targets in PARTS.items():
                stats_total[part] += _cumulative(stats, targets) - _cumulative(warm, targets)
            for where, ms in _by_function(stats).items():
                extra_by_function[where] = extra_by_function.get(where, 0.0) + ms
            for where, ms in _by_function(warm).items():
                extra_by_function[where] = extra_by_function.get(where, 0.0) - ms
    print(f"| {args.requests} requests, ms of CPU | before the switch | after it | again |")
    print("|---|---|---|---|")
    for steady, after, again in rounds:
        print(f"| round | {steady:.0f} | {after:.0f} | {again:.0f} |")
    extra = sum(a - s for s, a, _ in rounds) / len(rounds)
    print(f"\nextra CPU per switch: {extra:.0f} ms; first request after a switch: "
          + ", ".join(f"{ms:.0f}" for ms in first_ms) + " ms")  # fmt: skip
    print("\nthe most extra cumulative time after a switch (profiled), ms per switch:")
    top = sorted(extra_by_function.items(), key=lambda item: -item[1])[:40]
    for where, ms in top:
        print(f"  {ms / args.switches:8.0f}  {where}")
    print("\n| part (profiled: after a switch minus the same requests again, ms per switch) | ms |")
    print("|---|---|")
    for part, ms in stats_total.items():
        print(f"| {part} | {ms / args.switches:.0f} |")


if __name__ == "__main__":
    main()
