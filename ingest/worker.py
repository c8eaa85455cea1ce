"""Run extraction in a pool of worker processes, each file with a time and a memory limit.

pdfminer and pdfium can hang or take gigabytes on hostile files; a worker that we can kill keeps
one bad file from stopping the run. Workers are forked once and reused (cheaper than a fork per
file on small files, see README "Extraction"); a worker that goes over the time limit is killed,
one that ran out of memory or crashed is replaced, and the run goes on. Every outcome comes back
as data: ExtractedText or ExtractionFailure (typed errors keep their kind; anything else is a
developer's bug).

Workers are plain `os.fork` children rather than multiprocessing processes so that the same
code also runs inside a dask worker, which is a daemonic process multiprocessing refuses to
give children.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

# Imported here so forked children inherit the loaded parsers instead of importing them again.
from acervo.ingest import extractors, neardup
from acervo.ingest.detect import HEAD_BYTES, detect_format
from acervo.ingest.discover import vanished
from acervo.ingest.errors import IngestError
from acervo.ingest.language import load_language_profiles
from acervo.ingest.metadata import text_guesses
from acervo.ingest.models import (
    EXTRACT_MEMORY_MB,
    EXTRACT_TIMEOUT_S,
    Actor,
    ExtractedText,
    ExtractionFailure,
    ExtractOptions,
    FailureKind,
)
from acervo.ingest.process import die_with_parent

# A worker whose address space grew by more than this share of its limit retires after the
# file: Python rarely gives memory back, and a bloated worker would fail the next big file.
RETIRE_AT_SHARE_OF_LIMIT = 0.5
_MB = 1024 * 1024
Outcome = ExtractedText | ExtractionFailure
OptionsFor = Callable[[Path], ExtractOptions]


def extract_file(
    path: Path,
    *,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
    options: ExtractOptions | None = None,
) -> Outcome:
    """Detect and extract one file in a child process."""
    results = extract_many(
        [path],
        workers=1,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        options_for=(lambda _path: options) if options else None,
    )
    for _, outcome in results:
        return outcome
    raise AssertionError("extract_many yields one outcome per path")


def extract_many(
    paths: Iterable[Path],
    *,
    workers: int | None = None,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
    options_for: OptionsFor | None = None,
    pool: WorkerPool | None = None,
) -> Iterator[tuple[Path, Outcome]]:
    """Extract with up to `workers` processes, yielding results as they finish.

    `paths` is read lazily, one path when a worker is free. `options_for(path)` gives each
    file's options (reader, OCR, password); by default ExtractOptions(). A `pool` made (and
    perhaps started) beforehand is used instead of a new one, and closed at the end.
    """
    pending = iter(paths)
    pool = pool or WorkerPool(workers, memory_mb)
    try:
        while True:
            while pool.has_room() and (path := next(pending, None)) is not None:
                path = Path(path)
                pool.submit(path, options_for(path) if options_for else ExtractOptions())
            if not pool.busy:
                return
            yield from pool.finished(timeout_s)
    finally:
        # The caller stopped early (or raised): no child may outlive the generator.
        pool.close()


class _Worker:
    """One forked process that extracts the files it is sent, one at a time."""

    def __init__(self, pid: int, send: Connection, recv: Connection) -> None:
        self.pid = pid
        self.send = send  # parent -> child: (path, options) or None to stop
        self.recv = recv  # child -> parent: (message, retire)
        self.path: Path | None = None
        self.started = 0.0

    @classmethod
    def spawn(cls, memory_mb: int, siblings: Iterable[_Worker]) -> _Worker:
        to_child_r, to_child_w = Pipe(duplex=False)
        from_child_r, from_child_w = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child never returns from here
            status = 1
            try:
                for conn in (to_child_w, from_child_r, *_ends(siblings)):
                    conn.close()  # so that EOF reaches whoever waits on the other end
                _serve(to_child_r, from_child_w, memory_mb)
                status = 0
            finally:
                os._exit(status)
        to_child_r.close()
        from_child_w.close()
        return cls(pid, to_child_w, from_child_r)

    def submit(self, path: Path, options: ExtractOptions) -> None:
        self.path, self.started = path, time.monotonic()
        self.send.send((path, options))

    def collect(self) -> tuple[Outcome, bool]:
        """The finished file's outcome, and whether this worker must be replaced."""
        path = self.path
        assert path is not None
        self.path = None
        try:
            message, retire = self.recv.recv()
        except (EOFError, OSError):
            return _died(path, self.kill()), True
        return _from_message(path, message), retire

    def kill(self) -> int | None:
        """Stop the process now; returns its exit status (negative: the signal)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        return self.reap()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not at once."""
        with contextlib.suppress(OSError):
            self.send.send(None)
        self.kill()

    def reap(self) -> int | None:
        with contextlib.suppress(ChildProcessError):
            _, status = os.waitpid(self.pid, 0)
            self.send.close()
            self.recv.close()
            return os.waitstatus_to_exitcode(status)
        return None


def _ends(workers: Iterable[_Worker]) -> Iterator[Connection]:
    for worker in workers:
        yield worker.send
        yield worker.recv


class WorkerPool:
    """At most `size` workers (default: the cores), spawned when there is work for them (or
    all at once by `start`) and replaced when lost."""

    def __init__(self, size: int | None = None, memory_mb: int = EXTRACT_MEMORY_MB) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        self.idle: list[_Worker] = []
        self.running: dict[Connection, _Worker] = {}

    def start(self) -> None:
        """Fork every worker now: each loads what extraction needs (about half a second) while
        the caller goes on with other work, instead of when the first file is submitted."""
        while len(self.idle) + len(self.running) < self.size:
            self.idle.append(_Worker.spawn(self.memory_mb, [*self.idle, *self.running.values()]))

    @property
    def busy(self) -> bool:
        return bool(self.running)

    def has_room(self) -> bool:
        return len(self.running) < self.size

    def submit(self, path: Path, options: ExtractOptions) -> None:
        if self.idle:
            worker = self.idle.pop()
        else:
            worker = _Worker.spawn(self.memory_mb, [*self.idle, *self.running.values()])
        worker.submit(path, options)
        self.running[worker.recv] = worker

    def finished(self, timeout_s: float) -> Iterator[tuple[Path, Outcome]]:
        """Wait for the next result or deadline; yield what finished or timed out meanwhile."""
        soonest = min(w.started + timeout_s for w in self.running.values())
        for conn in wait(list(self.running), timeout=max(0.0, soonest - time.monotonic())):
            worker = self.running.pop(conn)
            path = worker.path
            outcome, retire = worker.collect()
            if retire:
                worker.kill()  # a fresh worker is forked for the next file
            else:
                self.idle.append(worker)
            yield path, outcome
        for conn, worker in list(self.running.items()):
            if time.monotonic() - worker.started >= timeout_s:
                del self.running[conn]
                path = worker.path
                worker.kill()
                yield path, _timed_out(path, timeout_s)

    def close(self) -> None:
        for worker in self.running.values():
            worker.kill()
        for worker in self.idle:
            worker.stop()
        self.running.clear()
        self.idle.clear()


def _serve(recv: Connection, send: Connection, memory_mb: int) -> None:
    """The worker's loop: extract each file it is sent until told to stop (or the parent dies)."""
    # Ctrl+C reaches the whole process group: the parent handles it and stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    # pdfminer logs a warning for every damaged operator; the failure report is our channel.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    # Loaded here, in every worker at once, not in the parent: a run with nothing to extract
    # never pays for them. Before the memory limit, which is for the file's extraction.
    load_language_profiles()
    baseline = _current_address_space_bytes()
    _limit_memory(baseline, memory_mb)
    while True:
        try:
            job = recv.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        message = _extract_message(*job)
        grown = _current_address_space_bytes() - baseline
        broken = message[0] != "ok" and message[1] in _REPLACE_AFTER
        retire = broken or grown > RETIRE_AT_SHARE_OF_LIMIT * memory_mb * _MB
        send.send((message, retire))


def _extract_message(path: Path, options: ExtractOptions) -> tuple:
    try:
        return ("ok", detect_and_extract(path, options))
    except IngestError as exc:
        return ("failed", exc.kind, exc.actor, str(exc), "")
    except MemoryError:
        return ("failed", FailureKind.TOO_MUCH_MEMORY, Actor.ADMINISTRATOR, "", "")
    except FileNotFoundError:
        if os.path.lexists(path):  # something else is missing: a bug
            return ("failed", FailureKind.ERROR, Actor.DEVELOPER, "", traceback.format_exc())
        gone = vanished(path)  # deleted or moved since it was found: not a bug
        return ("failed", gone.kind, gone.actor, gone.reason, "")
    except Exception:  # noqa: BLE001 - any other error is a bug to report with its traceback
        return ("failed", FailureKind.ERROR, Actor.DEVELOPER, "", traceback.format_exc())


def detect_and_extract(path: Path, options: ExtractOptions) -> ExtractedText:
    """Detect the format, extract, sign the text for near-duplicate detection, and make the
    costly metadata guesses: all the per-document work that does not need the index."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    text = extractors.extract(path, detect_format(path, head), options)
    return dataclasses.replace(
        text,
        minhash=neardup.signature(text.pages),
        number_minhash=neardup.number_signature(text.pages),
        guesses=text_guesses(text.pages),
    )


def _limit_memory(baseline: int, memory_mb: int) -> None:
    """Cap the worker's address space at what it inherited plus `memory_mb`.

    RLIMIT_AS counts virtual memory and a forked child starts with the parent's whole
    address space, so an absolute cap would depend on how big the parent happens to be.
    """
    limit = baseline + memory_mb * _MB
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


def _timed_out(path: Path, timeout_s: float) -> ExtractionFailure:
    return ExtractionFailure(
        path=str(path),
        kind=FailureKind.TIMEOUT,
        reason=f"La extracción superó el límite de {timeout_s:g} s y se detuvo.",
    )


def _died(path: Path, exitcode: int | None) -> ExtractionFailure:
    return ExtractionFailure(
        path=str(path),
        kind=FailureKind.ERROR,
        actor=Actor.DEVELOPER,
        reason="El proceso de extracción terminó sin dar resultado.",
        detail=f"exit code {exitcode}",
    )


# After these a worker's state is suspect (a half-built heap, a library left mid-call).
_REPLACE_AFTER = (FailureKind.TOO_MUCH_MEMORY, FailureKind.ERROR)
_DEFAULT_REASONS = {
    FailureKind.TOO_MUCH_MEMORY: "La extracción necesitó demasiada memoria y se detuvo.",
    FailureKind.ERROR: "Error inesperado al extraer el texto: avise a un desarrollador.",
}
