"""Files that vanish or change while an ingest reads them (issue 11).

The real pipeline and its real worker processes read real files; between discovery and
extraction a hook in front of the worker pool does to a file what another person (or a copy
still in progress) would do at that moment: delete it, or append to it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from acervo.ingest.discover import rediscover
from acervo.ingest.models import Actor, FailureKind
from acervo.ingest.pipeline import Failed, Indexed, IngestEvent, run_ingest
from acervo.ingest.worker import extract_many

Tamper = Callable[[Path, int], None]  # (path pulled by a worker, how many times it was pulled)


def _corpus(root: Path) -> Path:
    folder = root / "ACNUR" / "2021"
    folder.mkdir(parents=True)
    (folder / "estable.txt").write_text("Informe estable sobre movilidad humana en Quito.")
    (folder / "borrado.txt").write_text("Informe que alguien borra durante la ingesta.")
    (folder / "copiandose.txt").write_text("Informe que se sigue copiando: primera parte.")
    return folder


def _ingest(root: Path, name: str, tamper: Tamper) -> list[IngestEvent]:
    """run_ingest with the real worker pool; `tamper` acts on `name` when a worker takes it."""
    pulled: dict[Path, int] = {}

    def extract(paths: Iterable[Path], **kwargs: object) -> Iterator:
        def watched() -> Iterator[Path]:
            for path in paths:
                pulled[path] = pulled.get(path, 0) + 1
                if path.name == name:
                    tamper(path, pulled[path])
                yield path

        return extract_many(watched(), workers=1, **kwargs)

    return list(run_ingest([root], {}, extract=functools.partial(extract, timeout_s=60)))


def _by_name(events: list[IngestEvent]) -> dict[str, IngestEvent]:
    found: dict[str, IngestEvent] = {}
    for event in events:
        paths = [event.failure.path] if isinstance(event, Failed) else list(event.doc.paths)
        for path in paths:
            found[Path(path).name] = event
    return found


def test_a_file_deleted_before_it_is_read_is_an_ordinary_outcome(tmp_path: Path) -> None:
    _corpus(tmp_path)
    events = _by_name(_ingest(tmp_path, "borrado.txt", lambda path, _n: path.unlink()))
    gone = events["borrado.txt"]
    assert isinstance(gone, Failed)
    assert gone.failure.kind == FailureKind.VANISHED
    assert gone.failure.actor == Actor.NOBODY
    assert "desapareció" in gone.failure.reason
    assert "inesperado" not in gone.failure.reason and not gone.failure.detail
    assert isinstance(events["estable.txt"], Indexed)
    assert isinstance(events["copiandose.txt"], Indexed)


def test_a_file_that_changed_once_is_read_again_and_indexed_as_it_is_now(tmp_path: Path) -> None:
    _corpus(tmp_path)

    def append_once(path: Path, pulled: int) -> None:
        if pulled == 1:
            with path.open("a") as handle:
                handle.write(" Segunda parte, llegada durante la lectura.")

    events = _by_name(_ingest(tmp_path, "copiandose.txt", append_once))
    indexed = events["copiandose.txt"]
    assert isinstance(indexed, Indexed)
    assert "Segunda parte" in indexed.doc.pages[0].text
    now = (tmp_path / "ACNUR" / "2021" / "copiandose.txt").read_bytes()
    assert indexed.doc.sha256 == hashlib.sha256(now).hexdigest()  # the hash of what was read


def test_a_file_that_keeps_changing_is_reported_as_changing(tmp_path: Path) -> None:
    _corpus(tmp_path)

    def append(path: Path, _pulled: int) -> None:
        with path.open("a") as handle:
            handle.write(" Otra parte más.")

    events = _by_name(_ingest(tmp_path, "copiandose.txt", append))
    changing = events["copiandose.txt"]
    assert isinstance(changing, Failed)
    assert changing.failure.kind == FailureKind.CHANGED
    assert changing.failure.actor == Actor.ADMINISTRATOR
    assert "cambió mientras se leía" in changing.failure.reason
    assert not changing.attempt  # not remembered: the next run reads it again
    assert isinstance(events["estable.txt"], Indexed)


@pytest.mark.parametrize("link", [False, True])
def test_a_path_gone_when_found_again(tmp_path: Path, link: bool) -> None:
    path = tmp_path / "x.txt"
    if link:
        path.symlink_to(tmp_path / "nowhere.txt")  # a broken link: the administrator's to fix
    (failure,) = rediscover([path], [tmp_path])
    assert failure.kind == (FailureKind.ERROR if link else FailureKind.VANISHED)
    assert failure.actor == (Actor.ADMINISTRATOR if link else Actor.NOBODY)
