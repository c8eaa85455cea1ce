"""Judged queries by kind over ../shared/realdocs/es: does Acervo find the passage meant?

    python benchmarks/relevance/kinds.py                      # builds an index in a temp dir
    python benchmarks/relevance/kinds.py --index /tmp/es-idx  # reuses (or builds) that index
    python benchmarks/relevance/kinds.py -v                   # one line per query
    python benchmarks/relevance/kinds.py --queries benchmarks/relevance/kinds-synonyms.yaml
    python benchmarks/relevance/kinds.py --queries benchmarks/relevance/kinds-heldout.yaml

The queries are in `kinds.yaml` (each aimed at one passage: a document and its pages, and the
other documents found to hold the same passage, `also`). Per kind
it reports the share of queries whose document is in the top 10, first, and whose hit shows a
passage on one of the judged pages (counted over all the queries of the kind: a document not in
the top 10 shows no passage). It also times `Searcher.search` over the same queries and writes
benchmarks/results/relevance-kinds.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from acervo.build import build_index
from acervo.config import Config
from acervo.search.errors import SearchError
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REALDOCS_ES = (ROOT.parent / "shared" / "realdocs" / "es").resolve()
K = 10
# every file of judged queries by kind, oldest first (README: what each one is)
KIND_FILES = (
    "kinds.yaml",
    "kinds-heldout.yaml",
    "kinds-synonyms.yaml",
    "kinds-blind.yaml",
    "kinds-blind2.yaml",
    "kinds-blind3.yaml",
    "kinds-blind4.yaml",
    "kinds-blind5.yaml",
)
ROUNDS = 3


@dataclass(frozen=True)
class KindQuery:
    kind: str
    query: str
    doc: str  # file name under realdocs/es
    pages: tuple[int, ...]
    # other documents found, after reading them, to hold the same passage: (file name, pages)
    also: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def pages_of(self, name: str) -> tuple[int, ...] | None:
        """The judged pages of the document with this file name, None if it is not judged."""
        if name == self.doc:
            return self.pages
        return next((pages for doc, pages in self.also if doc == name), None)


@dataclass
class Outcome:
    item: KindQuery
    rank: int | None  # 1-based rank of the document in the top K, None if absent
    page_ok: bool
    note: str  # what the result said (correction, relaxed, error)


def load(path: Path = HERE / "kinds.yaml") -> list[KindQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        KindQuery(
            q["kind"],
            q["query"],
            q["doc"],
            tuple(q["pages"]),
            tuple((a["doc"], tuple(a["pages"])) for a in q.get("also", ())),
        )
        for q in data["queries"]
    ]


def judge(searcher, item: KindQuery, **options) -> Outcome:
    try:
        result = searcher.search(SearchRequest(query=item.query, per_page=K, **options))
    except SearchError as exc:
        return Outcome(item, None, False, f"error: {exc}")
    for rank, hit in enumerate(result.hits, start=1):
        judged = [item.pages_of(Path(p).name) for p in hit.paths]
        pages = next((found for found in judged if found is not None), None)
        if pages is not None:
            page_ok = any(p.page in pages for p in hit.passages)
            return Outcome(item, rank, page_ok, _note(result))
    return Outcome(item, None, False, _note(result))


def _note(result) -> str:
    notes = []
    for name in ("corrected_from", "relaxed", "translations"):
        value = getattr(result, name, None)
        if value:
            notes.append(f"{name}={value}")
    return " ".join(notes)


def summary(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.item.kind].append(o)
    by_kind["all"] = outcomes
    table = {}
    for kind, items in by_kind.items():
        n = len(items)
        table[kind] = {
            "queries": n,
            "top10": round(sum(o.rank is not None for o in items) / n, 3),
            "first": round(sum(o.rank == 1 for o in items) / n, 3),
            "page": round(sum(o.page_ok for o in items) / n, 3),
        }
    return table


def latency_ms(searcher, items: list[KindQuery], **options) -> dict[str, float]:
    return stats(timed(searcher, [item.query for item in items], per_page=K, **options))


def timed(searcher, texts: list[str], rounds: int = ROUNDS, **options) -> list[float]:
    """ms of each of `rounds` searches of every text, after one warm-up search each."""
    samples = []
    for text in texts:
        req = SearchRequest(query=text, **options)
        try:
            searcher.search(req)  # warm-up
        except SearchError:
            continue
        for _ in range(rounds):
            started = time.perf_counter()
            searcher.search(req)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
    }


def write_results(name: str, data: object) -> Path:
    """Write a run's figures to benchmarks/results/NAME (JSON), where every script keeps them."""
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _store(index_dir: Path) -> IndexStore:
    store = IndexStore(index_dir)
    if store.live_generation() is None or not store.schema_is_current():
        build_index([REALDOCS_ES], store, Config(index_dir=index_dir))
    return store


def run(index_dir: Path, verbose: bool, queries: Path = HERE / "kinds.yaml") -> dict:
    items = load(queries)
    store = _store(index_dir)
    with store.open_searcher() as searcher:
        outcomes = [judge(searcher, item) for item in items]
        timing = latency_ms(searcher, items)
    if verbose:
        for o in outcomes:
            rank = "-" if o.rank is None else str(o.rank)
            page = "p" if o.page_ok else " "
            print(f"{o.item.kind:11} {rank:>2} {page} {o.item.query[:60]:60} {o.note}")
    table = summary(outcomes)
    print(f"{'kind':12} {'n':>3} {'top10':>6} {'first':>6} {'page':>6}")
    for kind, row in table.items():
        print(
            f"{kind:12} {row['queries']:3} {row['top10']:6.0%} {row['first']:6.0%} "
            f"{row['page']:6.0%}"
        )
    print(f"latency: {timing}")
    return {"kinds": table, "latency": timing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index directory (built when missing)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--queries", type=Path, default=HERE / "kinds.yaml", help="judged queries (YAML)"
    )
    args = parser.parse_args()
    if args.index is not None:
        report = run(args.index, args.verbose, args.queries)
    else:
        with tempfile.TemporaryDirectory(prefix="acervo-kinds-") as tmp:
            report = run(Path(tmp) / "index", args.verbose, args.queries)
    write_results("relevance-kinds.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
