"""Issue 16: time from a finished upload (a 20-page PDF) to searchable, through the background
worker, with and without a CLI ingest running on the same index meanwhile.

    python benchmarks/bench_upload.py            # 10 uploads each way
    python benchmarks/bench_upload.py --rounds 3 # quicker

Each round writes a new 20-page PDF with a word of its own, accepts it (acervo.uploads.accept:
the door's checks, the queue, the file placed in the corpus) and times until a search for its
word finds it (the worker's incremental ingest of the corpus, a new index generation). "With a
CLI ingest": a separate process runs `acervo ingest` of another folder into the same index in
a loop, each run with a few new files to extract, so the worker waits for its lock. Prints a
table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fpdf import FPDF

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest.upload import parse_metadata
from acervo.jobs import IngestWorker, JobQueue, connector
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.uploads import Door, accept

ROOT = Path(__file__).resolve().parents[1]
PAGES = 20
WORDS = ("migración movilidad humana refugiados frontera educación salud protección niñez "
         "empleo vivienda integración regularización encuesta hogares provincia informe "
         "respuesta humanitaria asistencia medios de vida albergue tránsito").split()  # fmt: skip
CLI_FILES_PER_RUN = 3


def write_pdf(path: Path, marker: str, seed: int) -> None:
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in range(PAGES):
        pdf.add_page()
        words = [rng.choice(WORDS) for _ in range(350)]
        if page == PAGES // 2:
            words.insert(100, marker)
        text = " ".join(words).encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, text)
    pdf.output(str(path))


def _searchable(store: IndexStore, marker: str) -> bool:
    try:
        with store.open_searcher() as searcher:
            return searcher.search(SearchRequest(query=marker)).total > 0
    except Exception:  # noqa: BLE001 (a generation being switched: look again)
        return False


def time_uploads(work: Path, rounds: int, label: str) -> list[float]:
    seconds = []
    pdfs = work / f"pdfs-{label}"
    pdfs.mkdir()
    config = Config(index_dir=work / "index", corpus_dirs=(work / "corpus",), workers=1)
    jobs = JobQueue(connector(work / "acervo.db"))
    worker = IngestWorker(jobs, config, poll_s=0.05)
    worker.start()
    store = IndexStore(config.index_dir)
    door = Door(work / "corpus", store, jobs, max_bytes=50 * 1024 * 1024)
    metadata = parse_metadata({"title": "Estudio de prueba", "agencies": ["OIM"], "year": 2024})
    try:
        for n in range(rounds):
            marker = f"marcador{label}{n}zq"
            pdf = pdfs / f"estudio-{label}-{n}.pdf"
            write_pdf(pdf, marker, seed=hash(marker) & 0xFFFF)
            with pdf.open("rb") as stream:
                accept(door, stream, pdf.name, metadata, "bench")
            start = time.perf_counter()
            while not _searchable(store, marker):
                time.sleep(0.02)
            seconds.append(time.perf_counter() - start)
            print(f"  {label} {n + 1}/{rounds}: {seconds[-1]:.2f} s", flush=True)
    finally:
        worker.stop()
        worker.join(timeout=120)
    return seconds


class CliIngestLoop(threading.Thread):
    """`acervo ingest OTHER --index INDEX` again and again, each time with new files."""

    def __init__(self, work: Path) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.folder = work / "cli-corpus" / "ACNUR" / "2023"
        self.folder.mkdir(parents=True)
        self.done = threading.Event()
        self.runs = 0

    def run(self) -> None:
        n = 0
        env = os.environ | {"ACERVO_WORKERS": "1"}
        while not self.done.is_set():
            for _ in range(CLI_FILES_PER_RUN):
                write_pdf(self.folder / f"cli-{n}.pdf", f"cli{n}zz", seed=n)
                n += 1
            subprocess.run(
                [sys.executable, "-m", "acervo", "ingest", str(self.work / "cli-corpus"),
                 "--index", str(self.work / "index"), "--quiet"],
                env=env, capture_output=True, check=False,
            )  # fmt: skip
            self.runs += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seed = work / "corpus" / "OIM" / "2024"
        seed.mkdir(parents=True)
        write_pdf(seed / "semilla.pdf", "semillazq", seed=1)
        config = Config(index_dir=work / "index", corpus_dirs=(work / "corpus",), workers=1)
        build_index(config.corpus_dirs, IndexStore(config.index_dir), config)
        print(f"{args.rounds} uploads of a {PAGES}-page PDF, alone:")
        alone = time_uploads(work, args.rounds, "solo")
        cli = CliIngestLoop(work)
        cli.start()
        print(f"{args.rounds} uploads with `acervo ingest` running in a loop:")
        try:
            busy = time_uploads(work, args.rounds, "cli")
        finally:
            cli.done.set()
            cli.join(timeout=600)
    table = {"alone": alone, "with_cli_ingest": busy}
    print("\n| upload -> searchable | median s | max s |\n|---|---|---|")
    for name, values in table.items():
        print(f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} |")
    ratio = statistics.median(busy) / statistics.median(alone)
    print(f"ratio with/without a CLI ingest: {ratio:.2f} ({cli.runs} CLI runs meanwhile)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (out / f"upload-{stamp}.json").write_text(json.dumps(
        {"pages": PAGES, "rounds": args.rounds, "seconds": table, "ratio": ratio,
         "cli_runs": cli.runs}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
