"""The worker pool turns every outcome into data; workers are forked, so patches reach them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from acervo.ingest import worker
from acervo.ingest.errors import EncryptedDocument
from acervo.ingest.models import Actor, ExtractedText, ExtractionFailure, FailureKind, Page


def test_extracts_in_a_child(sample_pdf: Path) -> None:
    outcome = worker.extract_file(sample_pdf)
    assert isinstance(outcome, ExtractedText)
    assert len(outcome.pages) == 3
    # the costly metadata guesses ride along, made in the child
    assert outcome.guesses is not None and outcome.guesses.language == "es"


def _sleep_forever(path: Path, fmt: str, options=None) -> ExtractedText:
    time.sleep(60)
    raise AssertionError("unreachable")


def _allocate_too_much(path: Path, fmt: str, options=None) -> ExtractedText:
    hoard = bytearray(2 * 1024 * 1024 * 1024)
    raise AssertionError(f"allocated {len(hoard)} bytes")


def _crash(path: Path, fmt: str, options=None) -> ExtractedText:
    raise RuntimeError("boom")


def _password(path: Path, fmt: str, options=None) -> ExtractedText:
    raise EncryptedDocument("PDF protegido con contraseña.")


@pytest.mark.parametrize(
    ("fake", "kind", "actor"),
    [
        (_sleep_forever, FailureKind.TIMEOUT, Actor.ADMINISTRATOR),
        (_allocate_too_much, FailureKind.TOO_MUCH_MEMORY, Actor.ADMINISTRATOR),
        (_crash, FailureKind.ERROR, Actor.DEVELOPER),
        (_password, FailureKind.ENCRYPTED, Actor.ADMINISTRATOR),
    ],
    ids=["timeout", "memory", "bug", "typed error"],
)
def test_failures_become_data(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sample_pdf: Path,
    fake,
    kind: FailureKind,
    actor: Actor,
) -> None:
    limit_s = _time_limit_s(monkeypatch, tmp_path)
    monkeypatch.setattr(worker.extractors, "extract", fake)
    outcome = worker.extract_file(sample_pdf, timeout_s=limit_s, memory_mb=256)
    assert isinstance(outcome, ExtractionFailure)
    assert (outcome.kind, outcome.actor) == (kind, actor)
    assert outcome.reason
    assert outcome.path == str(sample_pdf)
    if kind is FailureKind.ERROR:
        assert "RuntimeError: boom" in outcome.detail


def _time_limit_s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> float:
    """An extraction time limit that the fast fakes stay far below however loaded the machine.

    A file's deadline starts when it is sent, so it also covers forking a fresh worker and
    loading its language profiles: about 0.2 s on an idle machine, seconds when other jobs hold
    both cores (a fixed 1.5 s then timed out the crash and password fakes). The limit is five
    times what a fresh worker takes to return a trivial file right now, at least 1.5 s; the
    hanging fakes sleep a minute, far beyond it, so TIMEOUT still means the limit worked.
    """
    monkeypatch.setattr(worker.extractors, "extract", _pid_and_times)
    (trivial,) = _files(tmp_path, "calibration.txt")
    started = time.monotonic()
    assert isinstance(worker.extract_file(trivial, timeout_s=60, memory_mb=256), ExtractedText)
    return max(1.5, 5 * (time.monotonic() - started))


def _pid_and_times(path: Path, fmt: str, options=None) -> ExtractedText:
    """Records which process extracted the file, and when it started and finished. A `slow*`
    file waits (up to 30 s) until every other `slow*` file of its folder has started: two of
    them overlap when run in parallel however late the second worker starts, and a pool that
    ran them one after the other would still be caught (the first waits in vain)."""
    started = time.monotonic()
    if path.name.startswith("slow"):
        _wait_for_the_other_slow_files(path)
    if path.name.startswith("hang"):
        time.sleep(60)
    if path.name.startswith("hog"):
        _allocate_too_much(path, fmt)
    text = f"{os.getpid()} {started} {time.monotonic()}"
    return ExtractedText("txt", [Page(1, text)])


def _wait_for_the_other_slow_files(path: Path) -> None:
    path.with_suffix(".started").touch()
    others = [p for p in path.parent.glob("slow*.txt") if p != path]
    waited_s = 0.0
    while waited_s < 30 and not all(p.with_suffix(".started").exists() for p in others):
        time.sleep(0.05)
        waited_s += 0.05


def _files(tmp_path: Path, *names: str) -> list[Path]:
    paths = [tmp_path / name for name in names]
    for path in paths:
        path.write_text("hola")
    return paths


def _pid(outcome: ExtractedText) -> int:
    return int(outcome.pages[0].text.split()[0])


def _span(outcome: ExtractedText) -> tuple[float, float]:
    _, start, end = outcome.pages[0].text.split()
    return float(start), float(end)


def test_extract_many_runs_in_parallel_and_yields_every_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(worker.extractors, "extract", _pid_and_times)
    paths = _files(tmp_path, "slow0.txt", "slow1.txt")
    results = dict(worker.extract_many(paths, workers=2))
    assert set(results) == set(paths)
    (start0, end0), (start1, end1) = (_span(results[p]) for p in paths)
    assert start1 < end0 and start0 < end1  # the two files were extracted at the same time
    assert _pid(results[paths[0]]) != _pid(results[paths[1]]) != os.getpid()


def test_workers_are_reused_across_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(worker.extractors, "extract", _pid_and_times)
    paths = _files(tmp_path, *(f"{i}.txt" for i in range(6)))
    results = dict(worker.extract_many(paths, workers=2))
    assert len({_pid(outcome) for outcome in results.values()}) <= 2


@pytest.mark.parametrize(
    ("bad", "kind"), [("hang.txt", FailureKind.TIMEOUT), ("hog.txt", FailureKind.TOO_MUCH_MEMORY)]
)
def test_a_file_over_a_limit_is_reported_its_worker_replaced_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bad: str, kind: FailureKind
) -> None:
    limit_s = _time_limit_s(monkeypatch, tmp_path)
    first, bad_path, after = _files(tmp_path, "a.txt", bad, "b.txt")
    results = list(
        worker.extract_many([first, bad_path, after], workers=1, timeout_s=limit_s, memory_mb=256)
    )
    outcomes = dict(results)
    assert outcomes[bad_path].kind == kind
    assert isinstance(outcomes[after], ExtractedText)
    # one worker for `a`, then a fresh one after the limit: the hog/hang one is gone
    assert _pid(outcomes[first]) != _pid(outcomes[after])
    assert not _alive(_pid(outcomes[first]))


def test_closing_the_generator_kills_running_children(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(worker.extractors, "extract", _sleep_forever)
    paths = _files(tmp_path, "0.txt", "1.txt", "2.txt")
    before = set(_children(os.getpid()))  # e.g. multiprocessing's helpers from other tests
    results = worker.extract_many(paths, workers=2, timeout_s=1.0)
    assert next(results)[1].kind == FailureKind.TIMEOUT
    assert set(_children(os.getpid())) - before  # the workers, still running
    results.close()
    assert set(_children(os.getpid())) - before == set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _children(parent: int) -> list[int]:
    """Live (non-zombie) child processes of `parent`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found
