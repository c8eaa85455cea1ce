"""What a stopped `acervo ingest` leaves behind (issue 11): real runs of the command, stopped at
the moment their new generation is complete but not yet live (ACERVO_TEST_PAUSE_AT=before-swap).

`kill` (SIGTERM) stops the run like Ctrl+C: its generation is deleted at once. `kill -9`
cannot be caught: `acervo status` then says how much space the leftover takes, and deletes
it with --clean, but never while an ingest is running.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.report import list_reports, load_report

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "scripts"))
from make_corpus import write_generated_corpus  # noqa: E402


def acervo(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acervo", *map(str, args)],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def paused_ingest(index: Path, corpus: Path) -> subprocess.Popen[str]:
    """An ingest stopped (sleeping) right before it would switch to its new generation."""
    env = dict(os.environ, ACERVO_TEST_PAUSE_AT="before-swap", ACERVO_TEST_PAUSE_S="120")
    proc = subprocess.Popen(
        [sys.executable, "-m", "acervo", "--index", str(index), "ingest", "--quiet",
         "--workers", "1", str(corpus)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip() == "ACERVO_TEST_PAUSE before-swap":
            return proc
    pytest.fail("the ingest never reached its switch")


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith("gen-"))


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    """An index of 10 generated documents, and 10 more in the corpus, not yet indexed."""
    write_generated_corpus(tmp_path / "corpus" / "a", 10, seed=3, pages=(2, 3))
    index = tmp_path / "index"
    assert acervo("--index", index, "ingest", "--quiet", tmp_path / "corpus").returncode == 0
    write_generated_corpus(tmp_path / "corpus" / "b", 10, seed=4, pages=(2, 3))
    return index, tmp_path / "corpus"


def test_kill_deletes_the_new_generation_at_once(indexed: tuple[Path, Path]) -> None:
    index, corpus = indexed
    proc = paused_ingest(index, corpus)
    assert generations(index) == ["gen-000001", "gen-000002"]
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Ingesta interrumpida" in stderr
    assert generations(index) == ["gen-000001"]  # no leftover waits for the next run
    last = load_report(list_reports(index)[-1])
    assert last["status"] == "interrupted"
    assert acervo("--index", index, "search", "").returncode == 0  # the live index still works


def test_status_reports_and_cleans_what_kill_9_left(indexed: tuple[Path, Path]) -> None:
    index, corpus = indexed
    proc = paused_ingest(index, corpus)
    running = acervo("--index", index, "status", "--clean")
    assert "Ingesta en curso" in running.stdout
    assert generations(index) == ["gen-000001", "gen-000002"]  # never deleted under a run
    proc.kill()
    proc.wait()
    status = acervo("--index", index, "status")
    assert status.returncode == 0, status.stderr
    leftover = re.search(
        r"Restos de ingestas interrumpidas: gen-000002, ([\d,]+) MB", status.stdout
    )
    assert leftover, status.stdout
    assert float(leftover.group(1).replace(",", ".")) > 0
    assert "acervo status --clean" in status.stdout
    cleaned = acervo("--index", index, "status", "--clean")
    assert "Borrados los restos" in cleaned.stdout
    assert generations(index) == ["gen-000001"]
    assert "Restos" not in acervo("--index", index, "status").stdout
