"""Search and passage latency on an existing index: p50/p95 of `Searcher.search` and of the
passages of its top 10 hits alone (`snippets.passages`, as the searcher calls it).

    python benchmarks/bench_passages.py INDEX_DIR [--rounds 3] [--json out.json]

    # an index of generated documents (bench_engines.generated_docs) to run it on:
    python benchmarks/bench_passages.py INDEX_DIR --build 2000

The queries are bench_engines.py's 30. Only APIs both old and new trees have are used, so run
the same script with each tree's Python on indexes each built of the same documents, one after
the other (or alternating), and compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from acervo.search import schema, snippets
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import QUERIES, _extracted, generated_docs  # noqa: E402


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def measure(store: IndexStore, rounds: int) -> dict[str, dict[str, float]]:
    """Wall and CPU time (of this thread: less swayed by other processes on a shared machine)."""
    samples: dict[str, list[float]] = {}
    for number in range(rounds + 1):  # the first round warms caches up and is not counted
        for query in QUERIES:
            with store.open_searcher() as searcher:
                timer = _Timer()
                hits = searcher.search(SearchRequest(query=query)).hits
                searched = timer.lap()
                whoosh = searcher.whoosh_searcher
                stored = [whoosh.document(kind=schema.DOC, doc_id=hit.id) for hit in hits]
                docs = [snippets.hit_doc(fields) for fields in stored]
                passage_query = parse_query(query).passage_query
                timer = _Timer()
                snippets.passages(whoosh, passage_query, docs)
                passaged = timer.lap()
            if number:
                for name, (wall, cpu) in (("search", searched), ("passages", passaged)):
                    samples.setdefault(name, []).append(wall)
                    samples.setdefault(f"{name} (CPU)", []).append(cpu)
    return {name: _percentiles(values) for name, values in samples.items()}


class _Timer:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def lap(self) -> tuple[float, float]:
        """(wall ms, CPU ms) since the timer started."""
        return (time.perf_counter() - self.wall) * 1000, (time.thread_time() - self.cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build", type=int, help="first index this many generated documents")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    store = IndexStore(args.index)
    if args.build:
        store.update((_extracted(d) for d in generated_docs(args.build)), ())
    figures = measure(store, args.rounds)
    for name, values in figures.items():
        print(f"{name}: p50 {values['p50_ms']} ms, p95 {values['p95_ms']} ms")
    if args.json:
        args.json.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
