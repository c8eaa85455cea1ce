"""Ingest folders: discover files, group copies, extract what changed, resolve metadata.

`run_ingest` streams one event per document or failed file as extraction finishes, in no
particular order, and never holds more than one extracted text per running worker:

- `Indexed(doc)`: a new or changed document (new content, or the same content at other paths);
- `Unchanged(doc_id, paths)`: already in the index with exactly these paths; not extracted;
- `Failed(failure)`: one per file that could not be read or extracted. When extraction of a
  document with several copies fails, every copy gets its own `Failed`, so each file's fate is
  in the report. A file that failed before, unchanged, with the same kind of attempt (reader,
  OCR, limits, password, version: `attempt_key`) is not extracted again: its remembered failure
  comes back as `Failed(..., remembered=True)` (unless `retry_failed`).

Which indexed documents disappeared is left to the caller: it knows `known` and sees every
doc_id go by. There is no final summary event, so a consumer that handles only the three event
types above is complete; `Summary.add(event)` counts them for a caller that wants the totals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from acervo import __version__
from acervo.ingest.discover import changed_while_read, discover, rediscover, vanished
from acervo.ingest.metadata import folder_layer, resolve_metadata, sidecar_layer
from acervo.ingest.models import (
    EXTRACT_MEMORY_MB,
    EXTRACT_TIMEOUT_S,
    Actor,
    ExtractedDocument,
    ExtractedText,
    ExtractionFailure,
    ExtractOptions,
    FailureKind,
    FileStat,
    SourceFile,
)
from acervo.ingest.records import find_records
from acervo.ingest.sidecars import sidecar_password
from acervo.ingest.worker import Outcome, WorkerPool, extract_many

# Extraction backend: (paths, options_for=...) -> (path, outcome) as they finish. The local
# worker pool (acervo.ingest.worker.extract_many) or dask (acervo.ingest.distributed).
ExtractFn = Callable[..., Iterator[tuple[Path, Outcome]]]


@dataclass(frozen=True)
class Indexed:
    doc: ExtractedDocument
    seconds: float = 0.0  # extraction time of this file (0 when its stored text was reused)
    reused: bool = False  # same content as indexed: metadata re-resolved from the stored text


@dataclass(frozen=True)
class Unchanged:
    doc_id: str
    paths: tuple[str, ...]  # absolute, sorted
    sources: tuple[FileStat, ...] = ()  # as found now (an mtime may differ from the catalog's)


@dataclass(frozen=True)
class Failed:
    failure: ExtractionFailure
    seconds: float = 0.0
    stat: FileStat | None = None  # the file that failed extraction (None: it was not readable)
    attempt: str = ""  # attempt_key of that extraction
    remembered: bool = False  # failed the same way in an earlier run; not extracted again


class KnownIndex(Protocol):
    """What the index remembers from earlier runs (acervo.build adapts the index's catalog)."""

    def file_stat(self, path: str) -> FileStat | None:
        """Size, mtime and hash of `path` when it was indexed; None if it never was."""

    def fingerprint(self, doc_id: str) -> str | None:
        """The metadata fingerprint the document was indexed with."""

    def stored_text(self, doc_id: str) -> ExtractedText | None:
        """The document's pages and properties as indexed, to re-resolve metadata only."""

    def failure(self, path: str, sha256: str, attempt: str) -> ExtractionFailure | None:
        """How this content at `path` failed with this `attempt_key`, if it did."""


IngestEvent = Indexed | Unchanged | Failed


@dataclass
class Summary:
    """Totals of a run, filled by the caller with `add` as events go by."""

    seen: int = 0  # files found, copies included
    indexed: int = 0  # documents (re-)indexed
    unchanged: int = 0  # documents left as they are
    duplicates: int = 0  # extra copies beyond the first of each document
    pages: int = 0  # pages of the documents (re-)indexed
    failed: list[ExtractionFailure] = field(default_factory=list)  # one per file that failed

    def add(self, event: IngestEvent) -> None:
        if isinstance(event, Failed):
            self.seen += 1
            self.failed.append(event.failure)
            return
        paths = event.doc.paths if isinstance(event, Indexed) else event.paths
        self.seen += len(paths)
        self.duplicates += len(paths) - 1
        if isinstance(event, Indexed):
            self.indexed += 1
            self.pages += len(event.doc.pages)
        else:
            self.unchanged += 1


def run_ingest(
    roots: Sequence[Path],
    known: Mapping[str, tuple[str, ...]],
    *,
    workers: int | None = None,
    timeout_s: float = EXTRACT_TIMEOUT_S,
    memory_mb: int = EXTRACT_MEMORY_MB,
    catalog: KnownIndex | None = None,
    options: ExtractOptions | None = None,
    extract: ExtractFn | None = None,
    on_total: Callable[[int], None] | None = None,
    retry_failed: bool = False,
) -> Iterator[IngestEvent]:
    """Events for every file under `roots`; `known` maps indexed doc_ids to their paths.

    With a `catalog`, files whose size and mtime are as indexed are not hashed again, and a
    known content whose paths or sidecars changed gets its metadata re-resolved from the stored
    text instead of being extracted again.

    `options` choose the PDF reader and OCR (each file's sidecar may add its `password:`);
    `extract` replaces the local worker pool (acervo.ingest.distributed sends files to dask);
    `on_total(n)` is told how many files were found, before the first event (progress bars);
    `retry_failed` extracts again the unchanged files that failed before.
    """
    roots = tuple(Path(os.path.abspath(root)) for root in roots)
    stat_of = catalog.file_stat if catalog else None
    groups, failures = _group_by_content(discover(roots, stat_of))
    if on_total is not None:
        on_total(len(failures) + sum(len(group) for group in groups))
    yield from (Failed(failure) for failure in failures)
    # Content the index does not have will most likely be extracted: the local worker pool is
    # forked now, so its workers get ready (~0.5 s) while the unchanged files are checked.
    pool = WorkerPool(workers, memory_mb) if extract is None else None
    try:
        if pool is not None and any(group[0].doc_id not in known for group in groups):
            pool.start()
        to_extract: dict[Path, _Pending] = {}
        base, limits = options or ExtractOptions(), (timeout_s, memory_mb)
        retry = retry_failed
        yield from _check_groups(groups, known, roots, catalog, to_extract, retry, base, limits)
        extract = extract or functools.partial(extract_many, pool=pool, timeout_s=timeout_s)
        moved: list[Path] = []
        yield from _extract_groups(to_extract, roots, extract, moved)
        if moved:  # changed or gone while read: found and extracted once more
            again, failures = _group_by_content(rediscover(moved, roots))
            yield from (Failed(failure) for failure in failures)
            to_extract = {}
            yield from _check_groups(again, known, roots, catalog, to_extract, retry, base, limits)
            yield from _extract_groups(to_extract, roots, extract, None)
    finally:
        if pool is not None:
            pool.close()  # also when the caller stops early: no worker outlives the run


def _check_groups(
    groups: Iterable[list[SourceFile]],
    known: Mapping[str, tuple[str, ...]],
    roots: Sequence[Path],
    catalog: KnownIndex | None,
    to_extract: dict[Path, _Pending],
    retry_failed: bool,
    options: ExtractOptions,
    limits: tuple[float, int],
) -> Iterator[IngestEvent]:
    """Events of the documents that need no extraction; the others go into `to_extract`."""
    for group in groups:
        doc_id, paths = group[0].doc_id, _path_strings(group)
        fingerprint = metadata_fingerprint(paths, roots) if catalog else ""
        same_paths = tuple(sorted(known.get(doc_id, ()))) == paths
        if same_paths and (catalog is None or catalog.fingerprint(doc_id) == fingerprint):
            yield Unchanged(doc_id, paths, tuple(_stat(source) for source in group))
            continue
        # Known content (also after a schema change emptied `known`): no extraction needed.
        stored = catalog.stored_text(doc_id) if catalog else None
        if stored is not None:
            yield from _events_for(group, stored, roots, fingerprint, reused=True)
            continue
        file_options = _with_password(options, group)
        pending = _Pending(group, fingerprint, file_options, attempt_key(file_options, limits))
        failed = None
        if catalog is not None and not retry_failed:
            failed = catalog.failure(str(group[0].path), group[0].sha256, pending.attempt)
        if failed is not None:
            yield from _events_for(group, failed, roots, attempt=pending.attempt, remembered=True)
        else:
            to_extract[group[0].path] = pending


@dataclass(frozen=True)
class _Pending:
    """A document to extract: its copies, metadata fingerprint, options and attempt key."""

    group: list[SourceFile]
    fingerprint: str
    options: ExtractOptions
    attempt: str


def attempt_key(options: ExtractOptions, limits: tuple[float, int]) -> str:
    """What decides an extraction's outcome besides the file: the reader and its options, the
    password (hashed), the time and memory limits, and this version of acervo. A failure is
    tried again only when one of them (or the file) changed."""
    password = options.password.encode()
    data = asdict(options) | {
        "password": hashlib.sha256(password).hexdigest() if password else "",
        "limits": list(limits),
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _stat(source: SourceFile) -> FileStat:
    return FileStat(str(source.path), source.size, source.mtime_ns, source.sha256)


def _extract_groups(
    to_extract: dict[Path, _Pending],
    roots: Sequence[Path],
    extract: ExtractFn,
    moved: list[Path] | None,
) -> Iterator[IngestEvent]:
    """Events of the extracted documents. A file whose size or mtime is no longer what
    discovery saw (it changed or vanished while being read) goes to `moved` to be tried again,
    or, when `moved` is None (the second try), is reported as changed or vanished."""
    started: dict[Path, float] = {}

    def timed(paths: Iterable[Path]) -> Iterator[Path]:
        # The worker pool pulls a path when a worker is free: that is when its clock starts.
        for path in paths:
            started[path] = time.monotonic()
            yield path

    def options_for(path: Path) -> ExtractOptions:
        return to_extract[path].options

    outcomes = extract(timed(list(to_extract)), options_for=options_for)
    # closing(): if the caller stops early, the worker generator can stop its children.
    with contextlib.closing(outcomes):
        for path, outcome in outcomes:
            pending = to_extract.pop(path)
            seconds = time.monotonic() - started.pop(path, time.monotonic())
            change = _change_since_discovery(pending.group[0])
            if change is not None and moved is not None:
                moved.extend(source.path for source in pending.group)
                continue
            if change is not None:  # not remembered as a failure: the next run reads it anew
                yield from _events_for(pending.group, change(path), roots, seconds=seconds)
                continue
            yield from _events_for(
                pending.group,
                outcome,
                roots,
                pending.fingerprint,
                seconds=seconds,
                attempt=pending.attempt,
            )


def _change_since_discovery(source: SourceFile) -> Callable[[Path], ExtractionFailure] | None:
    """How to report `source` when it is not as discovery saw it (gone, or another size or
    mtime: what was read may not be the content hashed), or None when it is unchanged."""
    try:
        now = os.stat(source.path)
    except FileNotFoundError:
        return vanished
    except OSError:
        return None  # unreadable now: the extraction's own outcome says why
    if source.mtime_ns and (now.st_size, now.st_mtime_ns) != (source.size, source.mtime_ns):
        return changed_while_read
    return None


def _with_password(base: ExtractOptions, group: Sequence[SourceFile]) -> ExtractOptions:
    """The run's options, plus the password a sidecar of any copy gives."""
    password = sidecar_password([source.path for source in group])
    return dataclasses.replace(base, password=password) if password else base


@cache
def _metadata_rules() -> str:
    """Hash of the vocabularies: when they change, every document's metadata is re-resolved."""
    digest = hashlib.sha256()
    folder = resources.files("acervo.vocab")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]


def metadata_fingerprint(paths: Sequence[str], roots: Sequence[Path]) -> str:
    """What a document's metadata depends on besides its content: its sidecars and
    `_metadata.csv` rows, its folder, and the vocabularies. Equal fingerprints and equal content
    give equal metadata, so the document need not be touched."""
    sources = sorted(Path(p) for p in paths)  # the order resolve_metadata uses
    layers = (sidecar_layer(sources, roots), folder_layer(sources[0], roots))
    data = [[sorted(layer.values.items()), list(layer.notes)] for layer in layers]
    text = json.dumps([_metadata_rules(), data], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
    group: list[SourceFile],
    outcome: ExtractedText | ExtractionFailure,
    roots: Sequence[Path],
    fingerprint: str = "",
    *,
    seconds: float = 0.0,
    reused: bool = False,
    attempt: str = "",
    remembered: bool = False,
) -> Iterator[IngestEvent]:
    if isinstance(outcome, ExtractionFailure):
        for source in group:
            failure = dataclasses.replace(outcome, path=str(source.path))
            yield Failed(failure, seconds, _stat(source), attempt, remembered)
        return
    try:
        doc = build_document(group, outcome, roots, fingerprint)
    except Exception:  # a bug in metadata must not stop a 3,000-file run: report it
        yield Failed(_developer_failure(group[0].path), seconds)
        return
    yield Indexed(doc, seconds, reused)


def build_document(
    group: Sequence[SourceFile], text: ExtractedText, roots: Sequence[Path], fingerprint: str = ""
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
        sources=tuple(_stat(source) for source in sorted(group, key=lambda s: str(s.path))),
        fingerprint=fingerprint,
        properties=text.properties,
        records=find_records(text.pages),
        minhash=text.minhash,
        number_minhash=text.number_minhash,
        truncated_pages=text.truncated_pages,
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
