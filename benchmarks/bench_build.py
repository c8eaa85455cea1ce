"""Index build time: Acervo against plain Whoosh on the same texts, interleaved in one process.

    python benchmarks/bench_build.py [--docs 300] [--rounds 2] [--json out.json]

Generates `--docs` studies with the project's generator (bench_engines.generated_docs: page texts
and metadata as they are, no PDF rendering or extraction), then builds, `--rounds` times and
alternating so that the machine's load falls on both alike:

- Acervo: `IndexStore.update` of the documents into a fresh index (doc records, page records,
  lessons-learned records, catalog, commit and fsync), as `acervo ingest` writes them;
- plain Whoosh: bench_engines.PlainWhoosh, one record per page with `LanguageAnalyzer("es")`,
  the page text stored.

Prints each build's wall and CPU seconds (process time: the builds are single-threaded, and CPU
time drifts less than wall time when other processes share the cores) and the ratios Acervo /
plain Whoosh of both (the median of the rounds' ratios). Only
APIs both old and new trees have are used, so the same script measures a tree before a change
(run it with that tree's Python) and after it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from acervo.search.indexer import IndexStore

WARM_UP_DOCS = 30

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import PlainWhoosh, _extracted, generated_docs  # noqa: E402


def _acervo(docs, where: Path) -> None:
    IndexStore(where).update((_extracted(d) for d in docs), ())


def _plain(docs, where: Path) -> None:
    PlainWhoosh().build(docs, where)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the timings here")
    args = parser.parse_args()
    docs = generated_docs(args.docs)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="acervo-build-") as tmp:
        for name, build in (("acervo", _acervo), ("plain", _plain)):
            build(docs[:WARM_UP_DOCS], Path(tmp) / f"warm-{name}")  # imports, stemmer caches
        for number in range(args.rounds):
            times: dict[str, float] = {}
            # Alternate who goes first, so a load change mid-round does not favour one side.
            order = [("acervo", _acervo), ("plain", _plain)]
            for name, build in order if number % 2 == 0 else order[::-1]:
                started, cpu = time.perf_counter(), time.process_time()
                build(docs, Path(tmp) / f"{name}-{number}")
                times[name] = time.perf_counter() - started
                times[f"{name}_cpu"] = time.process_time() - cpu
            times["ratio"] = times["acervo"] / times["plain"]
            times["cpu_ratio"] = times["acervo_cpu"] / times["plain_cpu"]
            rounds.append(times)
            print(
                f"round {number + 1}: Acervo {times['acervo']:.1f} s (CPU {times['acervo_cpu']:.1f}"
                f" s), plain Whoosh {times['plain']:.1f} s (CPU {times['plain_cpu']:.1f} s), "
                f"ratio {times['ratio']:.2f} (CPU {times['cpu_ratio']:.2f})",
                flush=True,
            )
    ratio = statistics.median(r["ratio"] for r in rounds)
    cpu_ratio = statistics.median(r["cpu_ratio"] for r in rounds)
    pages = sum(len(d.pages) for d in docs)
    print(
        f"{args.docs} documents, {pages} pages: Acervo / plain Whoosh = {ratio:.2f} wall, "
        f"{cpu_ratio:.2f} CPU (medians)"
    )
    if args.json:
        summary = {"docs": args.docs, "rounds": rounds, "ratio": ratio, "cpu_ratio": cpu_ratio}
        args.json.write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
