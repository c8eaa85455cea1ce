"""End-to-end fixtures: the real `acervo` command run as a subprocess over real folders."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "corpus"
REALDOCS = (PROJECT.parent / "shared" / "realdocs").resolve()  # ingest stores resolved paths


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def acervo(*args: object, timeout: float = 600) -> Run:
    """Run `python -m acervo ARGS` (the installed console script's code) and capture it."""
    proc = subprocess.run(
        [sys.executable, "-m", "acervo", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The sample corpus ingested once, through the CLI, into a temporary index."""
    index = tmp_path_factory.mktemp("e2e") / "index"
    run = acervo("--index", index, "ingest", "--quiet", CORPUS)
    return index, run
