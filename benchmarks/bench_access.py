"""Issue 16: what visibility filtering costs a search. Latency of the same queries on the same
index, in the same process, for four viewers:

  (a) the shell (no Access: nothing to check)                 -> the baseline
  (b) an anonymous visitor (public documents only)
  (c) a logged-in contributor of one agency (miembros + its agency's documents)
  (d) a curator (sees everything: the check is skipped)

    python benchmarks/bench_access.py               # 1,000 generated documents
    python benchmarks/bench_access.py --docs 300    # quicker

A share of the documents is restricted by sidecar (`visibility: agencia` every 5th file,
`miembros` every 7th) and 2% are withdrawn in the database. Each timed search is what a web
request does: read the statuses from the database, open a searcher with the viewer's Access,
search (facets and passages). Prints a table and writes benchmarks/results/bench_access.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from acervo import accounts, db, moderation
from acervo.build import build_index
from acervo.config import Config
from acervo.search.access import Access, Viewer
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

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
    "",
]
ROUNDS = 5
WITHDRAWN_SHARE = 0.02


def _restrict(files: list[Path]) -> None:
    for n, path in enumerate(files):
        visibility = "agencia" if n % 5 == 0 else "miembros" if n % 7 == 0 else ""
        if visibility:
            Path(f"{path}.meta.yaml").write_text(f"visibility: {visibility}\n", encoding="utf-8")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _search_ms(
    store: IndexStore, access: Callable[[], Access | None], req: SearchRequest
) -> tuple[float, int]:
    """Milliseconds of one request's work (statuses, open, search), and the hits it counted."""
    start = time.perf_counter()
    with store.open_searcher(access()) as searcher:
        total = searcher.search(req).total
    return (time.perf_counter() - start) * 1000, total


def run(n_docs: int, tmp: Path) -> dict:
    corpus, index_dir = tmp / "corpus", tmp / "index"
    _restrict(write_generated_corpus(corpus, n_docs, seed=1))
    store = IndexStore(index_dir)
    summary = build_index([corpus], store, Config(index_dir=index_dir))
    database = db.default_path(index_dir)
    conn = db.connect(database)
    with store.open_searcher() as searcher:
        rows = searcher.table.ordered
        restricted = len(searcher.table.restricted)
    for row in rows[:: int(1 / WITHDRAWN_SHARE)]:
        moderation.withdraw(conn, row.doc_id, by="bench")
    contributor = accounts.add_user(conn, "ana", "contribuyente", ["ACNUR"])

    def statuses() -> dict:  # as a web request does: its own connection to the database
        with closing(db.connect(database)) as request_conn:
            return moderation.statuses(request_conn)

    viewers: dict[str, Callable[[], Access | None]] = {
        "a_shell": lambda: None,
        "b_anonymous": lambda: Access(Viewer(), statuses()),
        "c_contributor": lambda: Access(contributor.viewer(), statuses()),
        "d_curator": lambda: Access(Viewer("cura", sees_all=True), statuses()),
    }
    samples: dict[str, list[float]] = {name: [] for name in viewers}
    totals: dict[str, int] = {}
    for query in QUERIES:
        req = SearchRequest(query=query)
        for _ in range(ROUNDS + 1):  # interleaved, so drift hits every viewer alike
            for name, access in viewers.items():
                elapsed, found = _search_ms(store, access, req)
                samples[name].append(elapsed)
                totals[name] = totals.get(name, 0) + found
    for name in samples:  # the first round of each query warmed caches
        samples[name] = [s for n, s in enumerate(samples[name]) if n % (ROUNDS + 1)]
    base = statistics.median(samples["a_shell"])
    base_p95 = _percentile(samples["a_shell"], 95)
    result = {
        "documents": summary.indexed,
        "restricted_by_sidecar": restricted,
        "withdrawn": len(moderation.statuses(conn)),
        "viewers": {},
    }
    for name, values in samples.items():
        result["viewers"][name] = {
            "median_ms": round(statistics.median(values), 2),
            "p95_ms": round(_percentile(values, 95), 2),
            "ratio_median": round(statistics.median(values) / base, 3),
            "ratio_p95": round(_percentile(values, 95) / base_p95, 3),
            "hits_counted": totals[name] // (ROUNDS + 1),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="generated corpus size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acervo-bench-access-") as tmp:
        result = run(args.docs, Path(tmp))
    print(
        f"{result['documents']} documents, {result['restricted_by_sidecar']} restricted by "
        f"sidecar, {result['withdrawn']} withdrawn"
    )
    print("viewer | median ms | p95 ms | ratio median | ratio p95 | hits counted")
    for name, row in result["viewers"].items():
        print(
            f"{name} | {row['median_ms']} | {row['p95_ms']} | {row['ratio_median']} | "
            f"{row['ratio_p95']} | {row['hits_counted']}"
        )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_access.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
