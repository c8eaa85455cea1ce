"""Issue 15 measurements: the evidence map against a plain search, and the e-mail digest.

    python benchmarks/bench_follow.py                      # 5,000 generated documents
    python benchmarks/bench_follow.py --docs 500           # a quicker run
    python benchmarks/bench_follow.py --index DIR          # reuse an index of generated documents

(a) Evidence map: for each query of bench_search.QUERIES, the p50/p95 of `Searcher.search` (top
    10 with facets and passages: what the search page runs) and of `evidence_map` (topics by
    agency, by year and by place) on the same index, in the same process; the p95 ratio (target
    within 2x).
(b) Digest (needs the accounts database): 1,000 saved searches of 100 users with daily digests
    over the same index with 50 documents newer than the last digest, sent to a real SMTP server
    on loopback (aiosmtpd): total time and peak memory (tracemalloc) of the run.
Prints a table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from acervo.build import build_index
from acervo.config import Config
from acervo.search import evidence
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_search import QUERIES, _percentile  # noqa: E402
from make_corpus import write_generated_corpus  # noqa: E402

ROUNDS = 5


def _samples_ms(fn, rounds: int = ROUNDS) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_evidence(store: IndexStore) -> dict:
    search: list[float] = []
    maps: dict[str, list[float]] = {"agency": [], "year": [], "place": []}
    with store.open_searcher() as searcher:
        documents = len(searcher.table)
        for query in QUERIES:
            req = SearchRequest(query=query)
            search += _samples_ms(lambda r=req: searcher.search(r))
            for axis, samples in maps.items():
                samples += _samples_ms(lambda r=req, a=axis: evidence.evidence_map(searcher, r, a))
    row: dict[str, object] = {
        "documents": documents,
        "search_p50_ms": round(statistics.median(search), 1),
        "search_p95_ms": round(_percentile(search, 95), 1),
    }
    every_map = [s for samples in maps.values() for s in samples]
    for axis, samples in maps.items():
        row[f"map_{axis}_p95_ms"] = round(_percentile(samples, 95), 1)
    row["map_p50_ms"] = round(statistics.median(every_map), 1)
    row["map_p95_ms"] = round(_percentile(every_map, 95), 1)
    row["ratio_p95"] = round(row["map_p95_ms"] / row["search_p95_ms"], 2)  # type: ignore[operator]
    return row


def _index(args: argparse.Namespace, tmp: Path) -> IndexStore:
    if args.index:
        return IndexStore(args.index)
    corpus = tmp / "generated"
    write_generated_corpus(corpus, args.docs, seed=1)
    store = IndexStore(tmp / "index")
    build_index([corpus], store, Config(index_dir=store.root))
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="generated corpus size")
    parser.add_argument("--index", type=Path, help="an existing index of generated documents")
    parser.add_argument("--parts", default="map,digest", help="map, digest or both")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="acervo-bench-follow-") as tmp:
        store = _index(args, Path(tmp))
        if "map" in args.parts:
            results["evidence_map"] = bench_evidence(store)
        if "digest" in args.parts:
            from bench_digest import bench_digest  # needs the accounts database

            results["digest"] = bench_digest(store, Path(tmp))
    for part, row in results.items():
        print(f"## {part}")
        print(" | ".join(row))
        print(" | ".join(str(v) for v in row.values()))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_follow.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
