"""Searches beside an export in one server process: how much the export slows them, with and
without the export letting plain requests go first (web/load.py, EXPORT_SLICE_S).

    python benchmarks/bench_export_priority.py INDEX_DIR [--seconds 10] [--rounds 2]

One Flask app (its WSGI callable, no HTTP server) on a copy of an index; `--searchers` threads
send the load test's API searches (benchmarks/load_test.py `_request`) back to back while one
more thread exports CSV after CSV, for `--seconds`; then the same with the export never
pausing (EXPORT_SLICE_S very large), alternating, `--rounds` times each. Prints the searches'
p50/p95 latency and count, and the exports' count and CPU, per setting. The threads share one
core under the GIL, as in one gunicorn process: the comparison is between the two settings in
the same minutes, not an absolute figure.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from acervo.web import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import _percentile  # noqa: E402
from load_test import _request  # noqa: E402
from profile_web import _send  # noqa: E402

SETTINGS = {"plain requests first": 0.01, "export never pauses": 1e9}


def _run(app, seconds: float, searchers: int, seed: int) -> dict:  # noqa: ANN001
    until = time.monotonic() + seconds
    latencies: list[float] = []
    exports: list[float] = []

    def search(n: int) -> None:
        rng = random.Random(seed * 100 + n)
        while time.monotonic() < until:
            url = f"/api/search?{urllib.parse.urlencode(_request(rng, 0.0)[1])}"
            started = time.perf_counter()
            _send(app, url)
            latencies.append((time.perf_counter() - started) * 1000)

    def export() -> None:
        rng = random.Random(seed)
        while time.monotonic() < until:
            cpu = time.thread_time()
            _send(app, f"/export.csv?{urllib.parse.urlencode(_request(rng, 0.0)[1])}")
            exports.append((time.thread_time() - cpu) * 1000)

    threads = [threading.Thread(target=search, args=(n,)) for n in range(searchers)]
    threads.append(threading.Thread(target=export))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"searches": latencies, "exports": exports}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--searchers", type=int, default=3)
    args = parser.parse_args()
    found = {name: {"searches": [], "exports": []} for name in SETTINGS}
    with tempfile.TemporaryDirectory(prefix="acervo-bench-priority-") as tmp:
        apps = {
            name: create_app(
                {
                    "INDEX_DIR": args.index,
                    "DATABASE": Path(tmp) / f"{n}.db",
                    "SECRET_KEY": "x",
                    "EXPORT_SLICE_S": slice_s,
                }
            )  # fmt: skip
            for n, (name, slice_s) in enumerate(SETTINGS.items())
        }
        for app in apps.values():  # warm: tables, caches
            _run(app, 3, args.searchers, seed=0)
        for round_ in range(args.rounds):
            for name, app in apps.items():
                run = _run(app, args.seconds, args.searchers, seed=round_ + 1)
                for key in run:
                    found[name][key] += run[key]
    print("| setting | searches | search p50 ms | search p95 ms | exports | export CPU ms |")
    print("|---|---|---|---|---|---|")
    for name, run in found.items():
        s, e = run["searches"], run["exports"]
        print(
            f"| {name} | {len(s)} | {statistics.median(s):.1f} | {_percentile(s, 95):.1f} "
            f"| {len(e)} | {statistics.median(e) if e else 0:.0f} |"
        )


if __name__ == "__main__":
    main()
