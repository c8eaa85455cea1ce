"""Judged relevance: nDCG@10 and MRR of Acervo against a plain Whoosh baseline, in one run.

    python benchmarks/relevance/run.py                # sample corpus + 500 generated documents
    python benchmarks/relevance/run.py --docs 2000    # a bigger generated corpus

The queries and their judgments are in `judgments.yaml` (next to this script). Both systems index
the same text: the baseline is built from the page texts Acervo extracted, one record per
document, with Whoosh's `StandardAnalyzer` (no stemming, no accent folding, no thesaurus) and
queries parsed by a plain `MultifieldParser` over title and body, every word required (AND).

It prints a table per query and the means, and writes benchmarks/results/relevance.json. It also
times `Searcher.search` (facets and passages included) with the thesaurus on and off, and plain
Whoosh on the parsed query, over the judged queries: median and p95.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser
from whoosh.query import Term

from acervo.build import build_index
from acervo.config import Config
from acervo.search import schema
from acervo.search.errors import SearchError
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_corpus  # noqa: E402

K = 10
ROUNDS = 3
GENERATED_SEED = 1
GENERATED_PAGES = (3, 12)  # write_generated_corpus's default


@dataclass(frozen=True)
class Judged:
    query: str
    corpus: str
    grades: dict[str, int]  # relative path -> grade
    pages: dict[str, list[int]] = field(default_factory=dict)
    reason: str = ""


# ---- judgments ------------------------------------------------------------------------------


def load_judgments(generated: dict[str, tuple[str, ...]]) -> list[Judged]:
    """The judged queries; generated-corpus ones get their grades from the generator's topics."""
    data = yaml.safe_load((HERE / "judgments.yaml").read_text(encoding="utf-8"))
    judged = []
    for item in data["queries"]:
        corpus = item.get("corpus", "sample")
        grades = item.get("relevant") or _topic_grades(generated, item.get("topics", []))
        judged.append(
            Judged(item["query"], corpus, grades, item.get("pages", {}), item.get("reason", ""))
        )
    return judged


def _topic_grades(generated: dict[str, tuple[str, ...]], topics: list[str]) -> dict[str, int]:
    """2 when the topic is the document's main one (its title names it), 1 when it is another."""
    grades = {}
    for path, doc_topics in generated.items():
        if doc_topics and doc_topics[0] in topics:
            grades[path] = 2
        elif set(doc_topics) & set(topics):
            grades[path] = 1
    return grades


def generated_topics(n_docs: int) -> dict[str, tuple[str, ...]]:
    """Relative path -> topics of each generated Spanish document (same rng walk as the writer).

    English generated documents draw their sentences from a topic-free list, so their topics say
    nothing about their text: they are left unjudged (grade 0) rather than judged wrongly.
    """
    rng = random.Random(GENERATED_SEED)
    docs = [make_corpus._gen_doc(rng, i, GENERATED_PAGES) for i in range(n_docs)]
    return {doc.path: doc.topics for doc in docs if doc.lang == "es"}


# ---- metrics --------------------------------------------------------------------------------


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:K]))


def ndcg(ranked: list[int], all_grades: list[int]) -> float:
    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[int]) -> float:
    return next((1 / (rank + 1) for rank, g in enumerate(ranked[:K]) if g > 0), 0.0)


def grade_of(paths: list[str], root: Path, grades: dict[str, int]) -> int:
    relative = [Path(p).resolve().relative_to(root).as_posix() for p in paths if p]
    return max((grades.get(r, 0) for r in relative), default=0)


# ---- the two systems ------------------------------------------------------------------------


def build_baseline(store: IndexStore, dest: Path) -> Path:
    """A StandardAnalyzer index of the same documents (text read back from Acervo's pages)."""
    analyzer = StandardAnalyzer()
    base_schema = Schema(
        doc_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer),
    )
    dest.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(dest, base_schema)
    with store.open_searcher() as opened:
        raw = opened.whoosh_searcher
        pages: dict[str, list[tuple[int, str]]] = {}
        for docnum in raw.docs_for_query(Term("kind", schema.PAGE)):
            stored = raw.stored_fields(docnum)
            pages.setdefault(stored["doc_id"], []).append((stored["page"], stored["text"]))
        writer = ix.writer()
        for docnum in raw.docs_for_query(Term("kind", schema.DOC)):
            stored = raw.stored_fields(docnum)
            body = "\n\n".join(text for _, text in sorted(pages.get(stored["doc_id"], [])))
            writer.add_document(doc_id=stored["doc_id"], title=stored["title"], body=body)
        writer.commit()
    return dest


def acervo_ranking(searcher, query: str) -> list[tuple[list[str], int | None]]:
    """(paths, page of the best passage) of the top K hits."""
    try:
        result = searcher.search(SearchRequest(query=query, per_page=K))
    except SearchError:
        return []
    return [(list(h.paths), h.passages[0].page if h.passages else None) for h in result.hits]


def baseline_ranking(base_searcher, parser, paths_of: dict[str, list[str]], query: str):
    results = base_searcher.search(parser.parse(query), limit=K)
    return [(paths_of[hit["doc_id"]], None) for hit in results]


# ---- run ------------------------------------------------------------------------------------


@dataclass
class Row:
    query: str
    corpus: str
    acervo_ndcg: float
    base_ndcg: float
    acervo_rr: float
    base_rr: float
    page_ok: int  # grade-2 hits in the top K whose best passage is on a judged page
    page_judged: int
    reason: str


def evaluate(judged: list[Judged], corpus: str, root: Path, store: IndexStore, base_dir: Path):
    rows = []
    base_ix = whoosh_index.open_dir(base_dir)
    parser = MultifieldParser(["title", "body"], base_ix.schema)  # default group: AND
    with store.open_searcher() as searcher, base_ix.searcher() as base_searcher:
        ids = [row.doc_id for row in searcher.table.ordered]
        paths_of = {doc_id: list(searcher.document(doc_id).paths) for doc_id in ids}
        for item in (j for j in judged if j.corpus == corpus):
            ours = acervo_ranking(searcher, item.query)
            theirs = baseline_ranking(base_searcher, parser, paths_of, item.query)
            all_grades = list(item.grades.values())
            ours_g = [grade_of(p, root, item.grades) for p, _ in ours]
            theirs_g = [grade_of(p, root, item.grades) for p, _ in theirs]
            ok, judged_pages = _pages(ours, root, item)
            rows.append(
                Row(
                    item.query,
                    corpus,
                    ndcg(ours_g, all_grades),
                    ndcg(theirs_g, all_grades),
                    reciprocal_rank(ours_g),
                    reciprocal_rank(theirs_g),
                    ok,
                    judged_pages,
                    item.reason,
                )
            )
    return rows


def _pages(ranked, root: Path, item: Judged) -> tuple[int, int]:
    ok = judged = 0
    for paths, page in ranked:
        relative = [Path(p).resolve().relative_to(root).as_posix() for p in paths]
        wanted = next((item.pages[r] for r in relative if r in item.pages), None)
        if wanted is not None:
            judged += 1
            ok += page in wanted
    return ok, judged


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _timed(fn) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def latency(store: IndexStore, queries: list[str]) -> dict[str, float]:
    """Median and p95 (ms): plain Whoosh, Acervo with the thesaurus off, and on."""
    plain: list[float] = []
    off: list[float] = []
    on: list[float] = []
    with store.open_searcher() as searcher:
        raw = searcher.whoosh_searcher
        for q in queries:
            try:
                parsed = parse_query(q, expand=False)
            except SearchError:
                continue
            plain += _timed(lambda p=parsed: raw.search(p.doc_query, limit=K))
            off += _timed(lambda q=q: searcher.search(SearchRequest(query=q, expand=False)))
            on += _timed(lambda q=q: searcher.search(SearchRequest(query=q)))
    stats = {}
    for name, values in (("plain", plain), ("expand_off", off), ("expand_on", on)):
        stats[f"{name}_median_ms"] = round(statistics.median(values), 2)
        stats[f"{name}_p95_ms"] = round(_percentile(values, 95), 2)
    stats["p95_ratio_on_off"] = round(stats["expand_on_p95_ms"] / stats["expand_off_p95_ms"], 2)
    return stats


def _summary(rows: list[Row]) -> dict[str, float]:
    def mean(values):
        return round(statistics.fmean(values), 4) if values else 0.0

    return {
        "queries": len(rows),
        "acervo_ndcg10": mean([r.acervo_ndcg for r in rows]),
        "baseline_ndcg10": mean([r.base_ndcg for r in rows]),
        "acervo_mrr": mean([r.acervo_rr for r in rows]),
        "baseline_mrr": mean([r.base_rr for r in rows]),
        "passage_page_ok": sum(r.page_ok for r in rows),
        "passage_page_judged": sum(r.page_judged for r in rows),
    }


def _print(rows: list[Row]) -> list[Row]:
    print(f"{'corpus':9} {'query':48} {'nDCG':>6} {'base':>6} {'RR':>5} {'base':>5}")
    worse = []
    for r in rows:
        flag = ""
        if r.acervo_ndcg < r.base_ndcg - 1e-9:
            worse.append(r)
            flag = "  WORSE" + ("" if r.reason else " (NO REASON)")
        print(
            f"{r.corpus:9} {r.query[:48]:48} {r.acervo_ndcg:6.3f} {r.base_ndcg:6.3f} "
            f"{r.acervo_rr:5.2f} {r.base_rr:5.2f}{flag}"
        )
    return worse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500, help="generated corpus size")
    args = parser.parse_args()
    generated_paths = generated_topics(args.docs)
    judged = load_judgments(generated_paths)
    rows: list[Row] = []
    timings = {}
    with tempfile.TemporaryDirectory(prefix="acervo-relevance-") as tmp:
        tmp_path = Path(tmp)
        generated = tmp_path / "generated"
        make_corpus.write_generated_corpus(generated, args.docs, seed=GENERATED_SEED)
        for name, root in (("sample", ROOT / "corpus"), ("generated", generated)):
            store = IndexStore(tmp_path / f"idx-{name}")
            build_index([root], store, Config(index_dir=tmp_path / f"idx-{name}"))
            base_dir = build_baseline(store, tmp_path / f"base-{name}")
            rows += evaluate(judged, name, root.resolve(), store, base_dir)
            timings[name] = latency(store, [j.query for j in judged if j.corpus == name])
    worse = _print(rows)
    summary = {
        "all": _summary(rows),
        "sample": _summary([r for r in rows if r.corpus == "sample"]),
        "generated": _summary([r for r in rows if r.corpus == "generated"]),
        "worse_than_baseline": [r.query for r in worse],
        "worse_without_reason": [r.query for r in worse if not r.reason],
        "latency": timings,
        "generated_docs": args.docs,
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    summary["rows"] = [vars(r) for r in rows]
    (out / "relevance.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
