"""First benchmark: ingest speed and query latency, Acervo against plain Whoosh on the same index.

    python benchmarks/bench_search.py                 # sample corpus + 2,000 generated documents
    python benchmarks/bench_search.py --docs 300      # a quicker run

For each corpus it builds an index (pages per second of `build_index`, extraction included), then
times a fixed query list two ways, in the same process, on the same index:
  (a) plain Whoosh: the parsed query, top 10, no facets, no passages;
  (b) Acervo: `Searcher.search` with facets and highlighted passages.
It prints a table and writes JSON to benchmarks/results/. Ratios matter more than absolute times.
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
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_generated_corpus  # noqa: E402

QUERIES = [
    "educacion ninos",
    "salud mental venezolanos",
    '"trata de personas"',
    "transferencias monetarias",
    "violencia basada en genero",
    "migra*",
    "xenofobia empleo",
    "agencia:ACNUR proteccion",
    "anio:2019..2021 nutricion",
    "Huaquillas OR Rumichaca",
    "",
]
ROUNDS = 5


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _time_ms(fn, rounds: int = ROUNDS) -> list[float]:
    fn()  # warm-up: caches, lazy readers
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_corpus(name: str, corpus: Path, index_dir: Path) -> dict:
    store = IndexStore(index_dir)
    started = time.perf_counter()
    summary = build_index([corpus], store, Config(index_dir=index_dir))
    ingest_s = time.perf_counter() - started
    plain, acervo = [], []
    with store.open_searcher() as searcher:
        raw = searcher.whoosh_searcher  # the underlying whoosh.searching.Searcher
        for q in QUERIES:
            parsed = parse_query(q)
            plain += _time_ms(lambda p=parsed: raw.search(p.doc_query, limit=10))
            req = SearchRequest(query=q)
            acervo += _time_ms(lambda r=req: searcher.search(r))
    row = {
        "corpus": name,
        "documents": summary.indexed,
        "pages": summary.pages,
        "failed": len(summary.failed),
        "ingest_s": round(ingest_s, 2),
        "pages_per_s": round(summary.pages / ingest_s, 1),
        "plain_median_ms": round(statistics.median(plain), 2),
        "plain_p95_ms": round(_percentile(plain, 95), 2),
        "acervo_median_ms": round(statistics.median(acervo), 2),
        "acervo_p95_ms": round(_percentile(acervo, 95), 2),
    }
    row["ratio_median"] = round(row["acervo_median_ms"] / row["plain_median_ms"], 1)
    row["ratio_p95"] = round(row["acervo_p95_ms"] / row["plain_p95_ms"], 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated corpus size")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="acervo-bench-") as tmp:
        tmp_path = Path(tmp)
        rows.append(bench_corpus("sample", ROOT / "corpus", tmp_path / "idx-sample"))
        generated = tmp_path / "generated"
        write_generated_corpus(generated, args.docs, seed=1)
        rows.append(bench_corpus(f"generated-{args.docs}", generated, tmp_path / "idx-gen"))
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_search.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
