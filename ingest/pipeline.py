"""Ingest folders: discover files, group copies, extract what changed, resolve metadata.

`run_ingest` streams one event per document or failed file as extraction finishes, in no
particular order, and never holds more than one extracted text per running worker:

- `Indexed(doc)`: a new or changed document (new content, or the same content at other paths);
- `Unchanged(doc_id, paths)`: already in the index with exactly these paths; not extracted;
- `Failed(failure)`: one per file that could not be read or extracted. When extraction of a
  document with several copies fails, every copy gets its own `Failed`, so each file's fate is
  in the report.

Which indexed documents disappeared is left to the caller: it knows `known` and sees every
doc_id go by. There is no final summary event, so a consumer that handles only the three event
types above is complete; `Summary.add(event)` counts them for a caller that wants the totals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from acervo.ingest.discover import discover
from acervo.ingest.metadata import resolve_metadata
from acervo.ingest.models import (
    Actor,
    ExtractedDocument,
    ExtractedText,
    ExtractionFailure,
    FailureKind,
    SourceFile,
)
from acervo.ingest.worker import extract_many

EXTRACT_TIMEOUT_S = 60.0
EXTRACT_MEMORY_MB = 1536


@dataclass(frozen=True)
class Indexed:
    doc: ExtractedDocument


@dataclass(frozen=True)
class Unchanged:
    doc_id: str
    paths: tuple[str, ...]  # absolute, sorted


@dataclass(frozen=True)
class Failed:
    failure: ExtractionFailure


IngestEvent = Indexed | Unchanged | Failed


@dataclass
class Summary:
    """Totals of a run, filled by the caller with `add` as events go by."""

    seen: int = 0  # files found, copies included
    indexed: int = 0  # documents (re-)indexed
    unchanged: int = 0  # documents left as they are
    failed: int = 0  # files that failed
    duplicates: int = 0  # extra copies beyond the first of each document

    def add(self, event: IngestEvent) -> None:
        if isinstance(event, Failed):
            self.seen += 1
            self.failed += 1
            return
        paths = event.doc.paths if isinstance(event, Indexed) else event.paths
        self.seen += len(paths)
        self.duplicates += len(paths) - 1
        if isinstance(event, Indexed):
            self.indexed += 1
        else:
            self.unchanged += 1


def run_ingest(
    roots: Sequence[Path],
    known: Mapping[str, tuple[str, ...]],
    *,
    workers: int | None = None,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
) -> Iterator[IngestEvent]:
    """Events for every file under `roots`; `known` maps indexed doc_ids to their paths."""
    roots = tuple(Path(os.path.abspath(root)) for root in roots)
    groups, failures = _group_by_content(discover(roots))
    yield from (Failed(failure) for failure in failures)
    to_extract: dict[Path, list[SourceFile]] = {}
    for group in groups:
        paths = _path_strings(group)
        if tuple(sorted(known.get(group[0].doc_id, ()))) == paths:
            yield Unchanged(group[0].doc_id, paths)
        else:
            to_extract[group[0].path] = group
    outcomes = extract_many(
        list(to_extract), workers=workers, timeout_s=timeout_s, memory_mb=memory_mb
    )
    # closing(): if the caller stops early, the worker generator can stop its children.
    with contextlib.closing(outcomes):
        for path, outcome in outcomes:
            yield from _events_for(to_extract.pop(path), outcome, roots)


def _group_by_content(
    found: Iterable[SourceFile | ExtractionFailure],
) -> tuple[list[list[SourceFile]], list[ExtractionFailure]]:
    """Copies grouped by hash, in discovery order, each group sorted by path.

    Only SourceFiles (path, size, hash) are held, never content, so this scales to the corpus.
    """
    groups: dict[str, list[SourceFile]] = {}
    failures: list[ExtractionFailure] = []
    for item in found:
        if isinstance(item, ExtractionFailure):
            failures.append(item)
        else:
            groups.setdefault(item.sha256, []).append(item)
    ordered = [sorted(group, key=lambda source: str(source.path)) for group in groups.values()]
    return ordered, failures


def _events_for(
    group: list[SourceFile], outcome: ExtractedText | ExtractionFailure, roots: Sequence[Path]
) -> Iterator[IngestEvent]:
    if isinstance(outcome, ExtractionFailure):
        for source in group:
            yield Failed(dataclasses.replace(outcome, path=str(source.path)))
        return
    try:
        yield Indexed(build_document(group, outcome, roots))
    except Exception:  # a bug in metadata must not stop a 3,000-file run: report it
        yield Failed(_developer_failure(group[0].path))


def build_document(
    group: Sequence[SourceFile], text: ExtractedText, roots: Sequence[Path]
) -> ExtractedDocument:
    """The indexable document for the copies in `group`, whose content is `text`."""
    first = group[0]
    return ExtractedDocument(
        doc_id=first.doc_id,
        sha256=first.sha256,
        paths=_path_strings(group),
        format=text.format,
        size=first.size,
        pages=text.pages,
        metadata=resolve_metadata([source.path for source in group], text, roots),
    )


def _path_strings(group: Iterable[SourceFile]) -> tuple[str, ...]:
    return tuple(sorted(str(source.path) for source in group))


def _developer_failure(path: Path) -> ExtractionFailure:
    return ExtractionFailure(
        path=str(path),
        kind=FailureKind.ERROR,
        reason="Error inesperado al reunir los metadatos; avise al equipo de desarrollo.",
        actor=Actor.DEVELOPER,
        detail=traceback.format_exc(),
    )
