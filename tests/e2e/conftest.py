"""End-to-end fixtures: the real `acervo` command run as a subprocess over real folders."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "corpus"
REALDOCS = (PROJECT.parent / "shared" / "realdocs").resolve()  # ingest stores resolved paths
STARTUP_S = 30  # how long `acervo serve` may take to accept connections


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    index: Path, env: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> Iterator[int]:
    """A real `acervo serve` of `index` on a free loopback port (yielded) until the block ends;
    `env` adds environment variables (settings, TMPDIR), `options` more `serve` options."""
    port = free_port()
    command = [sys.executable, "-m", "acervo", "--index", str(index), "serve"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
        env=os.environ | (env or {}),
    )  # fmt: skip
    deadline = time.monotonic() + STARTUP_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "acervo serve did not start"
            time.sleep(0.2)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
