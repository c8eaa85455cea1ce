"""The ingest progress: a redrawn bar on a terminal (run under a real pty), log lines in a pipe."""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.ingest.discover import is_sidecar
from acervo.ingest.progress import Progress

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_status_says_files_rate_and_time_left() -> None:
    clock = FakeClock()
    meter = Progress(io.StringIO(), tty=False, clock=clock)
    meter.start(10)
    clock.now += 4
    meter.advance(files=2, pages=20)
    assert meter.status() == "2/10 archivos · 5.0 pág./s · quedan ~16 s"
    clock.now += 200
    meter.advance(files=8, pages=10)
    assert meter.status() == "10/10 archivos · 0.1 pág./s · en 3 min 24 s"


def test_log_lines_are_spaced_out_when_not_a_terminal() -> None:
    clock, out = FakeClock(), io.StringIO()
    meter = Progress(out, tty=False, clock=clock, log_interval_s=10)
    meter.start(100)
    for _ in range(50):  # fifty files in five seconds: one line at the start only
        clock.now += 0.1
        meter.advance(pages=1)
    clock.now += 10
    meter.advance()  # ten seconds later: a line
    meter.advance(files=49)  # the last file: always a line
    meter.finish()  # nothing new to say
    lines = out.getvalue().splitlines()
    assert [line.split(" · ")[0] for line in lines] == [
        "Progreso: 0/100 archivos",
        "Progreso: 51/100 archivos",
        "Progreso: 100/100 archivos",
    ]
    assert "\r" not in out.getvalue()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "corpus"
    shutil.copytree(CORPUS / "UNICEF", root / "UNICEF")
    shutil.copytree(CORPUS / "PNUD", root / "PNUD")
    return root


def _command(index: Path, corpus: Path) -> list[str]:
    return [sys.executable, "-m", "acervo", "--index", str(index), "ingest", str(corpus)]


def test_cli_under_a_terminal_draws_a_bar(small_corpus: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        _command(tmp_path / "index", small_corpus),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = _read_all(leader)
    assert proc.wait(timeout=300) == 0, output
    files = _documents(small_corpus)
    assert "\r\x1b[K" in output  # redrawn in place
    assert re.search(rf"█+ {files}/{files} archivos · [\d.]+ pág\./s · en \d+ s", output)
    assert re.search(rf"░+ \d+/{files} archivos", output)  # seen before it was full
    assert "Progreso:" not in output
    assert "Indexados:" in output


def test_cli_in_a_pipe_writes_plain_lines(small_corpus: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        _command(tmp_path / "index", small_corpus),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    files = _documents(small_corpus)
    assert "\r" not in done.stdout and "\x1b" not in done.stdout
    assert re.search(r"^Progreso: 0/\d+ archivos", done.stdout, re.MULTILINE)
    assert re.search(rf"^Progreso: {files}/{files} archivos · .* · en \d+ s$", done.stdout, re.M)
    assert re.search(r"^\+ .*situacion-nna-frontera-norte\.pdf \(\d+ p\.\)$", done.stdout, re.M)


def _documents(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file() and not is_sidecar(p.name))


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", errors="replace")
