"""The worker turns every outcome into data; children are forked, so patches reach them."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from acervo.ingest import worker
from acervo.ingest.errors import EncryptedDocument
from acervo.ingest.models import Actor, ExtractedText, ExtractionFailure, FailureKind


def test_extracts_in_a_child(sample_pdf: Path) -> None:
    outcome = worker.extract_file(sample_pdf)
    assert isinstance(outcome, ExtractedText)
    assert len(outcome.pages) == 3


def _sleep_forever(path: Path, fmt: str) -> ExtractedText:
    time.sleep(60)
    raise AssertionError("unreachable")


def _allocate_too_much(path: Path, fmt: str) -> ExtractedText:
    hoard = bytearray(2 * 1024 * 1024 * 1024)
    raise AssertionError(f"allocated {len(hoard)} bytes")


def _crash(path: Path, fmt: str) -> ExtractedText:
    raise RuntimeError("boom")


def _password(path: Path, fmt: str) -> ExtractedText:
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
    monkeypatch: pytest.MonkeyPatch, sample_pdf: Path, fake, kind: FailureKind, actor: Actor
) -> None:
    monkeypatch.setattr(worker.extractors, "extract", fake)
    outcome = worker.extract_file(sample_pdf, timeout_s=1.5, memory_mb=256)
    assert isinstance(outcome, ExtractionFailure)
    assert (outcome.kind, outcome.actor) == (kind, actor)
    assert outcome.reason
    assert outcome.path == str(sample_pdf)
    if kind is FailureKind.ERROR:
        assert "RuntimeError: boom" in outcome.detail


def test_extract_many_runs_in_parallel_and_yields_every_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def slow(path: Path, fmt: str) -> ExtractedText:
        time.sleep(0.5)
        return ExtractedText("txt", [])

    monkeypatch.setattr(worker.extractors, "extract", slow)
    paths = [tmp_path / f"{i}.txt" for i in range(4)]
    for path in paths:
        path.write_text("hola")
    started = time.monotonic()
    results = dict(worker.extract_many(paths, workers=4))
    elapsed = time.monotonic() - started
    assert set(results) == set(paths)
    assert elapsed < 1.9  # four 0.5 s jobs did not run one after another


def test_closing_the_generator_kills_running_children(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(worker.extractors, "extract", _sleep_forever)
    paths = [tmp_path / f"{i}.txt" for i in range(3)]
    for path in paths:
        path.write_text("hola")
    results = worker.extract_many(paths, workers=2, timeout_s=1.0)
    assert next(results)[1].kind == FailureKind.TIMEOUT
    results.close()
    assert not [c for c in multiprocessing.active_children() if c.is_alive()]
