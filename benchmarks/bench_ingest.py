"""Ingestion benchmarks on generated corpora (issue 4), all parts measured in the same run.

    python benchmarks/bench_ingest.py                       # every part, 2,000 and 500 documents
    python benchmarks/bench_ingest.py --parts c,d --docs 300 --small 100   # a quick run

Parts (each a function `part_<x>(ctx) -> dict`, registered in PARTS):
  (a) single-process pdfminer extraction, pages/s            [PART A]
  (b) `acervo ingest` full build, pages/s; b/a >= 1.7 with 2 cores  [PART A]
  (c) re-ingest after changing 1% of the files: time vs the full build (goal <= 3%)
  (d) peak RSS of the full build at `--small` and `--docs` documents (goal: flat, within 20%),
      the main process and the extraction workers apart; and where the time goes: discovery
      and hashing, extraction and metadata (the pipeline with a null index writer), analysis and
      writing (the rest of the full build).

Corpora are generated once by scripts/make_corpus.py into --cache (default
/tmp/acervo-bench/corpus-N) and reused. Full builds run the real `acervo ingest` command in a
subprocess. Results: a table on stdout and JSON in benchmarks/results/ingest-<time>.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_generated_corpus  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CHANGED_SHARE = 0.01
# Runs `acervo ingest` and prints the peak RSS (KiB) of itself and of its largest worker.
RSS_PROBE = """
import resource, sys
from acervo.cli import main
code = main(sys.argv[1:])
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"RSS_KIB {me} {kids}", file=sys.stderr)
sys.exit(code)
"""


@dataclass(frozen=True)
class Context:
    docs: int  # the large corpus
    small: int  # the small corpus of part (d)
    workers: int | None
    cache: Path
    scratch: Path  # per-run temporary folder

    def corpus(self, n_docs: int) -> Path:
        """The generated corpus of `n_docs` documents, written on first use."""
        folder = self.cache / f"corpus-{n_docs}"
        if not folder.is_dir():
            tmp = folder.with_name(folder.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            write_generated_corpus(tmp, n_docs, seed=1)
            tmp.rename(folder)
        return folder


@dataclass(frozen=True)
class IngestRun:
    seconds: float
    pages: int
    main_rss_mib: float
    worker_rss_mib: float
    stdout: str


def acervo_ingest(ctx: Context, corpus: Path, index: Path, *flags: str) -> IngestRun:
    """The real command in a subprocess: wall time, pages indexed and peak memory."""
    workers = ["--workers", str(ctx.workers)] if ctx.workers else []
    args = ["--index", str(index), "ingest", "--quiet", *workers, *flags, str(corpus)]
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"acervo ingest failed ({proc.returncode}):\n{proc.stderr}")
    rss_line = next(line for line in proc.stderr.splitlines() if line.startswith("RSS_KIB"))
    main_kib, kids_kib = (int(v) for v in rss_line.split()[1:])
    return IngestRun(seconds, _pages(index), main_kib / 1024, kids_kib / 1024, proc.stdout)


def _pages(index: Path) -> int:
    from acervo.search.indexer import IndexStore

    return IndexStore(index).stats().pages


def _change_files(corpus: Path, share: float) -> list[Path]:
    """Change the content of `share` of the documents, spread over the corpus.

    Bytes appended after a PDF's %%EOF (or a DOCX's zip end) are ignored by readers, so the
    file stays valid while its hash changes: the run must re-extract it.
    """
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and ".meta." not in p.name)
    step = max(1, round(1 / share))
    changed = files[::step]
    for path in changed:
        with open(path, "ab") as handle:
            handle.write(f"\n% changed {time.time()}\n".encode())
    return changed


# ---- parts -------------------------------------------------------------------------------


def part_a(ctx: Context) -> dict:
    """(a) single-process pdfminer extraction (the reference reader, layout analysis on), pages/s,
    over every PDF of the generated corpus and of ../shared/realdocs/."""
    result = {"docs": ctx.docs}
    for name, pdfs in _pdf_sets(ctx).items():
        pages, seconds = _pdfminer_pages_per_s(tuple(pdfs))
        result[name] = {
            "files": len(pdfs),
            "pages": pages,
            "seconds": round(seconds, 2),
            "pages_per_s": round(pages / seconds, 1),
        }
    return result


def part_b(ctx: Context) -> dict:
    """(b) the real `acervo ingest` full build (2 workers unless --workers), pages/s, against (a)
    on the same files: goal b/a >= 1.7. Twice: with the default reader (auto: pdfium, pdfminer
    as fallback), and with `--extractor pdfminer`, the same reader as (a), which shows what the
    worker pool and the writer give on their own."""
    workers = ctx.workers or 2
    result: dict = {"docs": ctx.docs, "workers": workers}
    readers = {"default": (), "pdfminer": ("--extractor", "pdfminer")}
    for name, folder in (("generated", ctx.corpus(ctx.docs)), ("realdocs", REALDOCS)):
        pages, seconds = _pdfminer_pages_per_s(tuple(_pdf_sets(ctx)[name]))
        a_rate = pages / seconds
        for reader, flags in readers.items():
            run = acervo_ingest(
                Context(ctx.docs, ctx.small, workers, ctx.cache, ctx.scratch),
                folder,
                ctx.scratch / f"b-index-{name}-{reader}",
                *flags,
            )
            b_rate = run.pages / run.seconds
            result[f"{name}_{reader}"] = {
                "seconds": round(run.seconds, 2),
                "pages": run.pages,
                "pages_per_s": round(b_rate, 1),
                "a_pages_per_s": round(a_rate, 1),
                "b_over_a": round(b_rate / a_rate, 2),
                "goal_b_over_a": 1.7,
            }
    return result


REALDOCS = ROOT.parent / "shared" / "realdocs"


def _pdf_sets(ctx: Context) -> dict[str, list[Path]]:
    return {
        "generated": sorted(ctx.corpus(ctx.docs).rglob("*.pdf")),
        "realdocs": sorted(p for p in REALDOCS.rglob("*.pdf") if _pdfminer_reads(p)),
    }


@functools.cache
def _pdfminer_reads(path: Path) -> bool:
    """realdocs holds hostile PDFs: (a) counts only those pdfminer reads within the limits."""
    from acervo.ingest.models import ExtractedText, ExtractOptions
    from acervo.ingest.worker import extract_file

    outcome = extract_file(path, options=ExtractOptions(extractor="pdfminer"), timeout_s=120)
    return isinstance(outcome, ExtractedText) and outcome.format == "pdf"


@functools.cache
def _pdfminer_pages_per_s(pdfs: tuple[Path, ...]) -> tuple[int, float]:
    """(pages, seconds) of pdfminer.six reading `pdfs` one after another in this process."""
    import logging

    from acervo.ingest.extractors.pdf import read_with_pdfminer

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages = 0
    started = time.perf_counter()
    for path in pdfs:
        pages += len(read_with_pdfminer(path)[0])
    return pages, time.perf_counter() - started


def part_c(ctx: Context) -> dict:
    """(c) re-ingest after changing 1% of the files, against the full build of the same corpus."""
    corpus = ctx.scratch / "c-corpus"
    shutil.copytree(ctx.corpus(ctx.docs), corpus)
    index = ctx.scratch / "c-index"
    full = acervo_ingest(ctx, corpus, index)
    unchanged = acervo_ingest(ctx, corpus, index)  # nothing changed: the floor
    changed = _change_files(corpus, CHANGED_SHARE)
    again = acervo_ingest(ctx, corpus, index)
    return {
        "docs": ctx.docs,
        "full_build_s": round(full.seconds, 2),
        "reingest_nothing_changed_s": round(unchanged.seconds, 2),
        "files_changed": len(changed),
        "reingest_1pct_changed_s": round(again.seconds, 2),
        "reingest_share_of_full": round(again.seconds / full.seconds, 4),
        "goal_share": 0.03,
    }


def part_d(ctx: Context) -> dict:
    """(d) peak RSS of the full build at two sizes, and where the time of a full build goes."""
    result: dict = {}
    for n_docs in (ctx.small, ctx.docs):
        run = acervo_ingest(ctx, ctx.corpus(n_docs), ctx.scratch / f"d-index-{n_docs}")
        result[f"docs_{n_docs}"] = {
            "seconds": round(run.seconds, 2),
            "pages": run.pages,
            "pages_per_s": round(run.pages / run.seconds, 1),
            "main_peak_rss_mib": round(run.main_rss_mib, 1),
            "worker_peak_rss_mib": round(run.worker_rss_mib, 1),
        }
    small, large = result[f"docs_{ctx.small}"], result[f"docs_{ctx.docs}"]
    result["main_rss_growth"] = round(large["main_peak_rss_mib"] / small["main_peak_rss_mib"], 3)
    result["goal_growth"] = 1.2
    result["time_split"] = _time_split(ctx, ctx.corpus(ctx.small))
    return result


def _time_split(ctx: Context, corpus: Path) -> dict:
    """Discovery+hashing, then the pipeline with a null writer, then the full build, in-process."""
    from acervo.build import build_index
    from acervo.config import Config
    from acervo.ingest.discover import discover
    from acervo.ingest.pipeline import run_ingest
    from acervo.search.indexer import IndexStore

    started = time.perf_counter()
    files = sum(1 for _ in discover([corpus]))
    discovery = time.perf_counter() - started
    started = time.perf_counter()
    events = sum(1 for _ in run_ingest([corpus], {}, workers=ctx.workers))  # null writer
    pipeline = time.perf_counter() - started
    started = time.perf_counter()
    build_index([corpus], IndexStore(ctx.scratch / "split-index"), Config(workers=ctx.workers))
    full = time.perf_counter() - started
    return {
        "docs": ctx.small,
        "files": files,
        "events": events,
        "discovery_and_hashing_s": round(discovery, 2),
        "extraction_and_metadata_s": round(pipeline - discovery, 2),
        "analysis_and_writing_s": round(full - pipeline, 2),
        "full_build_s": round(full, 2),
    }


PARTS: dict[str, Callable[[Context], dict]] = {
    "a": part_a,
    "b": part_b,
    "c": part_c,
    "d": part_d,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS), help="e.g. c,d")
    parser.add_argument("--docs", type=int, default=2000, help="the large generated corpus")
    parser.add_argument("--small", type=int, default=500, help="the small corpus of part (d)")
    parser.add_argument("--workers", type=int, default=None, help="default: the cores")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/acervo-bench"))
    args = parser.parse_args(argv)
    results: dict = {"cores": os.cpu_count(), "docs": args.docs, "small": args.small}
    with tempfile.TemporaryDirectory(prefix="acervo-bench-") as scratch:
        ctx = Context(args.docs, args.small, args.workers, args.cache, Path(scratch))
        for name in args.parts.split(","):
            started = time.perf_counter()
            try:
                results[name] = PARTS[name](ctx)
            except NotImplementedError as exc:
                results[name] = {"skipped": str(exc)}
            results[name]["bench_seconds"] = round(time.perf_counter() - started, 1)
            print(f"({name}) {json.dumps(results[name], indent=1)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ingest-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
