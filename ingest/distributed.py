"""Extraction on a dask.distributed cluster (`acervo ingest --dask tcp://scheduler:8786`).

Only extraction leaves this machine: each file becomes one task that runs Acervo's own worker
(a forked process with the time and memory limits) on a dask worker; the outcomes come back
here, where metadata is resolved and the single index writer runs. The files must be readable at
the same path on every dask worker (shared storage), and Acervo must be installed there.
At most IN_FLIGHT_PER_THREAD tasks per worker thread are outstanding, so results never pile up
faster than the index writer takes them.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from acervo.ingest.models import (
    EXTRACT_MEMORY_MB,
    EXTRACT_TIMEOUT_S,
    Actor,
    ExtractionFailure,
    ExtractOptions,
    FailureKind,
)
from acervo.ingest.worker import Outcome, extract_file

IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 10


class DaskUnavailable(RuntimeError):
    """dask.distributed is not installed, or the scheduler cannot be reached."""


def dask_extractor(
    address: str, *, timeout_s: float = EXTRACT_TIMEOUT_S, memory_mb: int = EXTRACT_MEMORY_MB
) -> Callable[..., Iterator[tuple[Path, Outcome]]]:
    """An extraction backend for `run_ingest(extract=...)` that uses the cluster at `address`."""

    def extract(
        paths: Iterable[Path], *, options_for: Callable[[Path], ExtractOptions] | None = None
    ) -> Iterator[tuple[Path, Outcome]]:
        return extract_with_dask(
            paths, address, options_for=options_for, timeout_s=timeout_s, memory_mb=memory_mb
        )

    return extract


def extract_with_dask(
    paths: Iterable[Path],
    address: str,
    *,
    options_for: Callable[[Path], ExtractOptions] | None = None,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
) -> Iterator[tuple[Path, Outcome]]:
    """Yield (path, outcome) as the cluster finishes them, in no particular order."""
    client = _connect(address)
    try:
        limit = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
        yield from _run(client, iter(paths), limit, options_for, timeout_s, memory_mb)
    finally:
        client.close()


def _run(client, pending: Iterator[Path], limit: int, options_for, timeout_s, memory_mb):
    from distributed import as_completed

    running: dict[str, Path] = {}
    done = None  # as_completed is built on the first future, on this client's loop

    def submit(path: Path) -> None:
        nonlocal done
        options = options_for(path) if options_for else ExtractOptions()
        future = client.submit(_remote_extract, path, options, timeout_s, memory_mb, pure=False)
        running[future.key] = path
        if done is None:
            done = as_completed([future], loop=client.loop)
        else:
            done.add(future)

    while True:
        while len(running) < limit and (path := next(pending, None)) is not None:
            submit(Path(path))
        if not running:
            return
        future = next(done)
        path = running.pop(future.key)
        yield path, _result(future, path)


def _connect(address: str):
    try:
        from distributed import Client
    except ImportError as exc:
        raise DaskUnavailable(
            "Falta dask.distributed: instale Acervo con `pip install 'acervo[dask]'`."
        ) from exc
    try:
        return Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"No se puede conectar con el clúster dask en {address}.") from exc


def _result(future, path: Path) -> Outcome:
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a lost worker or a bug: the file is reported, the run goes on
        return ExtractionFailure(
            path=str(path),
            kind=FailureKind.ERROR,
            actor=Actor.DEVELOPER,
            reason="La tarea de extracción en el clúster dask falló.",
            detail=traceback.format_exc(),
        )


def _remote_extract(
    path: Path, options: ExtractOptions, timeout_s: float, memory_mb: int
) -> Outcome:
    """Runs on a dask worker: the same limited child process as a local run."""
    return extract_file(path, timeout_s=timeout_s, memory_mb=memory_mb, options=options)
