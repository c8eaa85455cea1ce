"""`acervo serve --processes 2`: gunicorn's pre-fork workers, each opening the index itself.

Threads of one process share one core (the GIL); the workers are what lets a search use another
core. Each answers searches as the CLI does, and each switches to a new index generation when an
ingest finishes while it serves.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import CORPUS, acervo, serving

CLIENTS = 8
REQUESTS = 24
NEW_WORD = "zumbrilla"  # in no document of the sample corpus


def _serving_processes(port: int) -> int:
    """Processes whose command line is `acervo ... serve --port PORT` (gunicorn's master and its
    forked workers share it)."""
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        if b"serve" in args and str(port).encode() in args:
            count += 1
    return count


def _totals(base: str, query: str) -> list[int]:
    def total(_: int) -> int:
        with urllib.request.urlopen(f"{base}/api/search?q={query}", timeout=30) as answer:
            return json.loads(answer.read())["total"]

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(total, range(REQUESTS)))


def test_two_processes_answer_alike_and_follow_a_new_generation(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    assert acervo("--index", index, "ingest", "--quiet", corpus).returncode == 0
    cli = acervo("--index", index, "search", "educacion ninos", "--json").json()["total"]
    with serving(index, options=("--processes", "2")) as port:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while _serving_processes(port) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _serving_processes(port) == 3  # the master and its two workers
        assert set(_totals(base, "educacion+ninos")) == {cli}
        assert set(_totals(base, NEW_WORD)) == {0}

        (corpus / "nuevo-informe.txt").write_text(
            f"Informe de campo sobre la {NEW_WORD} en Esmeraldas.\n\nLa {NEW_WORD} crece.\n",
            encoding="utf-8",
        )
        assert acervo("--index", index, "ingest", "--quiet", corpus).returncode == 0
        # every request, whichever worker answers it, searches the new generation
        assert set(_totals(base, NEW_WORD)) == {1}
