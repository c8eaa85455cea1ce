"""The CPU of one search for each judged query of the kinds files, with the generation's memo of
page scores and passages emptied before each (kinds.py's latency repeats its queries, and the
memo answers the repeats). Run it from two trees, one after the other, on copies of one index:

    python benchmarks/relevance/kinds_cost.py --index /tmp/es-idx --rounds 5

Prints the median over the queries of each query's median thread CPU (ms), the 95th percentile
of those medians, and their sum.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from kinds import HERE, KIND_FILES, load

from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

sys.path.insert(0, str(HERE.parent))
from bench_engines import forget_passages  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index built beforehand")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    names = [name for name in KIND_FILES if (HERE / name).exists()]
    texts = [item.query for name in names for item in load(HERE / name)]
    store = IndexStore(args.index)
    for text in texts:  # the term cache and parsed queries warm, as in a running server
        with store.open_searcher() as searcher:
            searcher.search(SearchRequest(query=text))
    samples: dict[str, list[float]] = {text: [] for text in texts}
    for _ in range(args.rounds):
        for text in texts:
            forget_passages(store)
            with store.open_searcher() as searcher:
                started = time.thread_time()
                searcher.search(SearchRequest(query=text))
                samples[text].append((time.thread_time() - started) * 1000)
    medians = sorted(statistics.median(values) for values in samples.values())
    p95 = medians[max(0, round(0.95 * len(medians)) - 1)]
    print(
        f"{len(texts)} queries x {args.rounds} rounds, thread CPU per search: median "
        f"{statistics.median(medians):.2f} ms, p95 {p95:.2f} ms, sum {sum(medians):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
