"""pypdfium2 against pdfminer.six: speed (ms/page) and word-level agreement, page by page.

    python benchmarks/bench_extract.py                  # realdocs PDFs + 200 generated PDFs
    python benchmarks/bench_extract.py --generated 50   # a quicker run

Both readers run in this process on the same files; each page's text goes through Acervo's
`normalize_text`, then the two word sets (lower-cased \\w+ tokens) are compared with Jaccard.
A page both readers find empty counts as agreement (1.0). Files pdfminer cannot read (encrypted,
corrupt, scans) are left out: agreement is measured where there is a reference. Prints a table
and writes JSON to benchmarks/results/extract.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from acervo.ingest.extractors import pdf
from acervo.ingest.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_generated_corpus  # noqa: E402

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class FileResult:
    path: str
    pages: int
    pdfminer_ms: float
    pdfium_ms: float
    page_jaccards: tuple[float, ...]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(normalize_text(text).lower()))


def jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa and not wb:
        return 1.0
    return len(wa & wb) / len(wa | wb)


def measure(path: Path) -> FileResult | None:
    started = time.perf_counter()
    try:
        miner, _ = pdf.read_with_pdfminer(path, "")
    except Exception:  # noqa: BLE001 - no reference text: the file is left out
        return None
    miner_s = time.perf_counter() - started
    started = time.perf_counter()
    try:
        fast = pdf.read_with_pdfium(path, "")
    except Exception:  # noqa: BLE001
        return None
    fast_s = time.perf_counter() - started
    if not miner or len(miner) != len(fast):
        return None
    scores = tuple(jaccard(a, b) for a, b in zip(miner, fast, strict=True))
    return FileResult(str(path), len(miner), miner_s * 1000, fast_s * 1000, scores)


def summarise(name: str, results: list[FileResult]) -> dict:
    pages = sum(r.pages for r in results)
    per_page = [j for r in results for j in r.page_jaccards]
    per_file = [statistics.mean(r.page_jaccards) for r in results]
    worst = min(results, key=lambda r: statistics.mean(r.page_jaccards))
    return {
        "corpus": name,
        "files": len(results),
        "pages": pages,
        "pdfminer_ms_per_page": sum(r.pdfminer_ms for r in results) / pages,
        "pdfium_ms_per_page": sum(r.pdfium_ms for r in results) / pages,
        "jaccard_page_median": statistics.median(per_page),
        "jaccard_page_p10": sorted(per_page)[len(per_page) // 10],
        "jaccard_page_worst": min(per_page),
        "jaccard_file_median": statistics.median(per_file),
        "jaccard_file_worst": min(per_file),
        "worst_file": Path(worst.path).name,
        "pages_below_0.9": sum(1 for j in per_page if j < 0.9),
    }


def realdocs_pdfs() -> list[Path]:
    with (REALDOCS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [REALDOCS / r["path"] for r in rows if r["format"] == "pdf" and r["expect"] == "text"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=int, default=200, help="generated documents")
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    summaries = []
    real = [r for p in realdocs_pdfs() if (r := measure(p))]
    summaries.append(summarise("realdocs", real))
    with tempfile.TemporaryDirectory() as tmp:
        files = write_generated_corpus(Path(tmp), args.generated, seed=7)
        generated = [r for p in files if p.suffix == ".pdf" and (r := measure(p))]
        summaries.append(summarise("generated", generated))
    header = f"{'corpus':10} {'files':>5} {'pages':>6} {'miner ms/p':>10} {'pdfium ms/p':>11}"
    print(header + f" {'J med':>6} {'J p10':>6} {'J worst':>7} {'file worst':>10}  worst file")
    for s in summaries:
        print(
            f"{s['corpus']:10} {s['files']:5d} {s['pages']:6d} {s['pdfminer_ms_per_page']:10.1f} "
            f"{s['pdfium_ms_per_page']:11.2f} {s['jaccard_page_median']:6.3f} "
            f"{s['jaccard_page_p10']:6.3f} {s['jaccard_page_worst']:7.3f} "
            f"{s['jaccard_file_worst']:10.3f}  {s['worst_file']}"
        )
    worst_real = sorted(real, key=lambda r: statistics.mean(r.page_jaccards))[:5]
    print("\nrealdocs files with the lowest mean page agreement:")
    for r in worst_real:
        print(f"  {statistics.mean(r.page_jaccards):.3f}  {Path(r.path).name}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    payload = {"summaries": summaries, "realdocs": [asdict(r) for r in real]}
    (out / "extract.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
