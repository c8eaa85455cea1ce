"""`kill -9` at any moment of a real `acervo ingest` leaves the last good index searchable, and
the next run completes the work (taking over the dead run's lock and cleaning its leftovers).

A generated corpus of 150 documents: 100 indexed first, then 50 more whose ingest is killed
while extracting (after a few progress lines, after many), with its new generation complete but
CURRENT not switched (the ACERVO_TEST_PAUSE_AT=before-swap test hook), and right after the switch.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.report import list_reports, load_report
from acervo.search.indexer import IndexStore
from acervo.search.lock import read_holder
from acervo.search.models import SearchRequest

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "scripts"))
from make_corpus import write_generated_corpus  # noqa: E402

FIRST_DOCS, LATER_DOCS = 100, 50


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("crash")
    write_generated_corpus(base / "corpus", FIRST_DOCS, seed=7, pages=(2, 5))
    write_generated_corpus(base / "later", LATER_DOCS, seed=8, pages=(2, 5))
    return base / "corpus", base / "later"


def start(index: Path, corpus: Path, pause_at: str = "") -> subprocess.Popen[str]:
    env = dict(os.environ, ACERVO_TEST_PAUSE_AT=pause_at, ACERVO_TEST_PAUSE_S="120")
    return subprocess.Popen(
        [sys.executable, "-m", "acervo", "--index", str(index), "ingest", "--workers", "2",
         str(corpus)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=env,
    )  # fmt: skip


def run_to_end(index: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    proc = start(index, corpus)
    stdout, stderr = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def kill_after_lines(proc: subprocess.Popen[str], lines: int) -> None:
    """SIGKILL once the run has printed `lines` progress lines (files extracted)."""
    assert proc.stdout is not None
    for _ in range(lines):
        assert proc.stdout.readline(), "the run ended before it could be killed"
    proc.kill()
    proc.wait()


def kill_at_pause(proc: subprocess.Popen[str], point: str) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip() == f"ACERVO_TEST_PAUSE {point}":
            break
    else:
        pytest.fail(f"the run never reached {point}")
    proc.kill()
    proc.wait()


def searchable_documents(index: Path) -> int:
    """Opens the index as a server would, runs real queries, returns the number of documents."""
    store = IndexStore(index)
    with store.open_searcher() as searcher:
        everything = searcher.search(SearchRequest(query=""))
        assert searcher.search(SearchRequest(query="venezolanos OR refugees")).total > 0
    assert len(store.known()) == everything.total
    return everything.total


def summary_number(stdout: str, label: str) -> int:
    line = next(line for line in stdout.splitlines() if line.startswith(label))
    return int(line.split(":")[1])


def test_kill_minus_nine_at_any_moment(tmp_path: Path, corpora: tuple[Path, Path]) -> None:
    first, later = corpora
    corpus = tmp_path / "corpus"
    shutil.copytree(first, corpus)
    index = tmp_path / "index"
    baseline = run_to_end(index, corpus)
    assert baseline.returncode == 0, baseline.stderr
    assert searchable_documents(index) == FIRST_DOCS
    before = set(IndexStore(index).known())

    shutil.copytree(later, corpus / "nuevos")
    for kill in (
        lambda: kill_after_lines(start(index, corpus), 2),  # early in extraction
        lambda: kill_after_lines(start(index, corpus), 30),  # deep in extraction
        lambda: kill_at_pause(start(index, corpus, "before-swap"), "before-swap"),
    ):
        kill()
        assert searchable_documents(index) == FIRST_DOCS  # the last good index, as it was
        assert set(IndexStore(index).known()) == before
        assert read_holder(index / "ingest.lock") is not None  # the dead run's lock is there

    done = run_to_end(index, corpus)
    assert done.returncode == 0, done.stderr
    assert "se toma el bloqueo abandonado" in done.stderr
    assert summary_number(done.stdout, "Indexados") == LATER_DOCS
    assert summary_number(done.stdout, "Sin cambios") == FIRST_DOCS
    assert searchable_documents(index) == FIRST_DOCS + LATER_DOCS
    generations = sorted(p.name for p in index.iterdir() if p.name.startswith("gen-"))
    assert len(generations) == 2  # the live one and the previous: partial ones are gone
    assert read_holder(index / "ingest.lock") is None  # released
    statuses = [load_report(path)["status"] for path in list_reports(index)]
    assert statuses == ["completed", "interrupted", "interrupted", "interrupted", "completed"]


def test_kill_right_after_the_switch(tmp_path: Path, corpora: tuple[Path, Path]) -> None:
    first, _ = corpora
    corpus = tmp_path / "corpus"
    shutil.copytree(first, corpus)
    index = tmp_path / "index"
    assert run_to_end(index, corpus).returncode == 0
    gone = sorted(corpus.rglob("*.pdf"))[:5]
    for path in gone:
        path.unlink()
    kill_at_pause(start(index, corpus, "after-swap"), "after-swap")
    assert searchable_documents(index) == FIRST_DOCS - len(gone)  # the new index is live
    again = run_to_end(index, corpus)
    assert again.returncode == 0, again.stderr
    assert summary_number(again.stdout, "Indexados") == 0
    assert summary_number(again.stdout, "Eliminados") == 0
    assert searchable_documents(index) == FIRST_DOCS - len(gone)


# ---- a disk that refuses writes ------------------------------------------------------------


def ingest_limited(index: Path, corpus: Path, max_file_bytes: int) -> subprocess.CompletedProcess:
    """`acervo ingest` with files capped at `max_file_bytes` (RLIMIT_FSIZE): past it a write
    fails with EFBIG, as on a full disk (SIGXFSZ ignored, so the write raises instead of killing
    the process; an ignored signal stays ignored across exec)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "acervo", "--index", str(index), "ingest", "--quiet", str(corpus)],
        capture_output=True, text=True, check=False, preexec_fn=limit, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def small_corpus(root: Path, *agencies: str) -> Path:
    for agency in agencies:
        shutil.copytree(PROJECT / "corpus" / agency, root / agency)
    return root


def test_a_write_the_disk_refuses_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus", "PMA")
    index = tmp_path / "index"
    assert run_to_end(index, corpus).returncode == 0
    live, known = IndexStore(index).live_generation(), IndexStore(index).known()
    small_corpus(corpus, "UNICEF", "OIM")  # new documents: a new segment to write
    refused = ingest_limited(index, corpus, max_file_bytes=16 * 1024)
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "un archivo supera el tamaño máximo" in refused.stderr
    assert f"la generación activa {live} sigue intacta" in refused.stderr
    assert "Traceback" not in refused.stderr
    store = IndexStore(index)
    assert store.live_generation() == live and store.known() == known
    assert searchable_documents(index) == len(known)
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("gen-")) == [live]
    assert load_report(list_reports(index)[-1])["status"] == "failed"
    assert run_to_end(index, corpus).returncode == 0  # with room again, the run completes
    assert searchable_documents(index) > len(known)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 768 KiB tmpfs: a real ENOSPC. Needs root and mount; skipped elsewhere."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=768k", "tmpfs", str(disk)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield disk
    subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_leaves_the_index_as_it_was(tmp_path: Path, tiny_disk: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus", "PMA")
    index = tiny_disk / "index"
    assert run_to_end(index, corpus).returncode == 0
    live, known = IndexStore(index).live_generation(), IndexStore(index).known()
    small_corpus(corpus, "UNICEF", "OIM", "ACNUR", "GTRM", "OPS-OMS")
    full = run_to_end(index, corpus)
    assert full.returncode == 4, full.stdout + full.stderr
    assert "no queda espacio en el disco" in full.stderr and "Traceback" not in full.stderr
    assert IndexStore(index).live_generation() == live and IndexStore(index).known() == known
    assert searchable_documents(index) == len(known)


def test_a_read_only_disk_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    """A real EROFS: the index's own tmpfs remounted read-only (as a failing disk or a
    read-only mount of a network share would be). Needs root and mount; skipped elsewhere."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)],
                      capture_output=True, check=False).returncode != 0:  # fmt: skip
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        corpus = small_corpus(tmp_path / "corpus", "PMA")
        index = disk / "index"
        assert run_to_end(index, corpus).returncode == 0
        live, known = IndexStore(index).live_generation(), IndexStore(index).known()
        small_corpus(corpus, "UNICEF")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        refused = run_to_end(index, corpus)
        assert refused.returncode == 4, refused.stdout + refused.stderr
        assert "el disco es de solo lectura" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert IndexStore(index).live_generation() == live and IndexStore(index).known() == known
        assert searchable_documents(index) == len(known)  # still searchable, read-only
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert run_to_end(index, corpus).returncode == 0
        assert searchable_documents(index) > len(known)
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_an_index_path_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "archivo").write_text("no soy una carpeta")
    corpus = small_corpus(tmp_path / "corpus", "PMA")
    run = run_to_end(tmp_path / "archivo" / "index", corpus)
    assert run.returncode == 4
    assert "la ruta no es una carpeta" in run.stderr and "Traceback" not in run.stderr
