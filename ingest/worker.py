"""Run extraction in child processes with a time and a memory limit.

pdfminer can hang or take gigabytes on hostile files; a child that we can kill keeps one bad
file from stopping the run. Every outcome comes back as data: ExtractedText or
ExtractionFailure (typed errors keep their kind; anything else is a developer's bug).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
import traceback
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

# Imported here so forked children inherit the loaded parsers instead of importing them again.
from acervo.ingest import extractors
from acervo.ingest.detect import HEAD_BYTES, detect_format
from acervo.ingest.errors import IngestError
from acervo.ingest.models import Actor, ExtractedText, ExtractionFailure, FailureKind

EXTRACT_TIMEOUT_S = 60.0
EXTRACT_MEMORY_MB = 1536
_MB = 1024 * 1024
Outcome = ExtractedText | ExtractionFailure


def extract_file(
    path: Path, *, timeout_s: float = EXTRACT_TIMEOUT_S, memory_mb: int = EXTRACT_MEMORY_MB
) -> Outcome:
    """Detect and extract one file in a child process."""
    for _, outcome in extract_many([path], workers=1, timeout_s=timeout_s, memory_mb=memory_mb):
        return outcome
    raise AssertionError("extract_many yields one outcome per path")


def extract_many(
    paths: Iterable[Path],
    *,
    workers: int | None = None,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
) -> Iterator[tuple[Path, Outcome]]:
    """Extract with up to `workers` children at once, yielding results as they finish."""
    pending = iter(paths)
    running: dict[Connection, _Job] = {}
    limit = max(1, workers or os.cpu_count() or 1)
    try:
        while True:
            while len(running) < limit and (path := next(pending, None)) is not None:
                job = _Job.start(Path(path), memory_mb)
                running[job.conn] = job
            if not running:
                return
            yield from _finished(running, timeout_s)
    finally:
        # The caller stopped early (or raised): no child may outlive the generator.
        for job in running.values():
            job.abandon()


def _finished(running: dict[Connection, _Job], timeout_s: float) -> Iterator[tuple[Path, Outcome]]:
    """Wait for the next result or deadline; yield what finished or timed out meanwhile."""
    soonest = min(job.started + timeout_s for job in running.values())
    for conn in wait(list(running), timeout=max(0.0, soonest - time.monotonic())):
        job = running.pop(conn)
        yield job.path, job.collect()
    for conn, job in list(running.items()):
        if time.monotonic() - job.started >= timeout_s:
            del running[conn]
            yield job.path, job.kill_for_timeout(timeout_s)


class _Job:
    """One child process extracting one file, and the parent's end of its pipe."""

    def __init__(self, path: Path, conn: Connection, process: BaseProcess) -> None:
        self.path = path
        self.conn = conn
        self.process = process
        self.started = time.monotonic()

    @classmethod
    def start(cls, path: Path, memory_mb: int) -> _Job:
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe(duplex=False)
        process = context.Process(
            target=_child_main, args=(path, child_end, memory_mb), daemon=True
        )
        process.start()
        child_end.close()  # so that recv() sees EOF if the child dies without sending
        return cls(path, parent_end, process)

    def collect(self) -> Outcome:
        """Read the result before joining: a big result blocks the child until it is read."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = None
        finally:
            self.conn.close()
        self.process.join()
        if message is None:
            return _died(self.path, self.process.exitcode)
        return _from_message(self.path, message)

    def abandon(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def kill_for_timeout(self, timeout_s: float) -> ExtractionFailure:
        self.abandon()
        return ExtractionFailure(
            path=str(self.path),
            kind=FailureKind.TIMEOUT,
            reason=f"La extracción superó el límite de {timeout_s:g} s y se detuvo.",
        )


def _child_main(path: Path, conn: Connection, memory_mb: int) -> None:
    # pdfminer logs a warning for every damaged operator; the failure report is our channel.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    _limit_memory(memory_mb)
    try:
        message: tuple = ("ok", _detect_and_extract(path))
    except IngestError as exc:
        message = ("failed", exc.kind, exc.actor, str(exc), "")
    except MemoryError:
        message = ("failed", FailureKind.TOO_MUCH_MEMORY, Actor.ADMINISTRATOR, "", "")
    except Exception:  # noqa: BLE001 - any other error is a bug to report with its traceback
        message = ("failed", FailureKind.ERROR, Actor.DEVELOPER, "", traceback.format_exc())
    conn.send(message)
    conn.close()


def _detect_and_extract(path: Path) -> ExtractedText:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return extractors.extract(path, detect_format(path, head))


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it inherited plus `memory_mb`.

    RLIMIT_AS counts virtual memory and a forked child starts with the parent's whole
    address space, so an absolute cap would depend on how big the parent happens to be.
    """
    limit = _current_address_space_bytes() + memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _current_address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _from_message(path: Path, message: tuple) -> Outcome:
    if message[0] == "ok":
        return message[1]
    _, kind, actor, reason, detail = message
    return ExtractionFailure(
        path=str(path),
        kind=kind,
        actor=actor,
        reason=reason or _DEFAULT_REASONS.get(kind, "Error inesperado al extraer el texto."),
        detail=detail,
    )


def _died(path: Path, exitcode: int | None) -> ExtractionFailure:
    return ExtractionFailure(
        path=str(path),
        kind=FailureKind.ERROR,
        actor=Actor.DEVELOPER,
        reason="El proceso de extracción terminó sin dar resultado.",
        detail=f"exit code {exitcode}",
    )


_DEFAULT_REASONS = {
    FailureKind.TOO_MUCH_MEMORY: "La extracción necesitó demasiada memoria y se detuvo.",
    FailureKind.ERROR: "Error inesperado al extraer el texto: avise a un desarrollador.",
}
