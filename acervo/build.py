"""Glue between ingestion and the index: run the pipeline and stream its documents into a new
index generation. This is the one place that knows both `acervo.ingest` and `acervo.search`.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from acervo.config import Config
from acervo.ingest.metadata import unmatched_manifest_rows
from acervo.ingest.models import ExtractedDocument, ExtractOptions, FileStat, MetadataProblem
from acervo.ingest.neardup import NearDuplicateFinder, TranslationFinder
from acervo.ingest.pipeline import (
    Failed,
    Indexed,
    IngestEvent,
    KnownIndex,
    Summary,
    Unchanged,
    run_ingest,
)
from acervo.ingest.progress import Progress
from acervo.report import (
    FileEntry,
    Outcome,
    RunReport,
    RunStatus,
    document_entries,
    failure_entry,
    problem_json,
)
from acervo.search.catalog import CatalogChanges, FailedFile
from acervo.search.indexer import IndexStore, IndexUpdateError, Snapshot, disk_error_message

DEFAULT_PRUNE_THRESHOLD = 0.20  # share of indexed documents a run may remove without --prune
REMEMBERED_FAILURE_NOTE = (
    "falló igual en una ingesta anterior y no cambió (ni el archivo ni las opciones): no se "
    "volvió a extraer; use --retry-failed para intentarlo de nuevo"
)


class RemovalRefused(RuntimeError):
    """Too many indexed documents would disappear (an unmounted folder?): nothing was changed."""


@dataclass
class IngestSummary(Summary):
    """What a run did: the pipeline's counts (files seen, documents indexed, unchanged,
    copies, failures, pages) and what only the index knows."""

    removed: int = 0  # documents whose files are gone
    updated: int = 0  # of `indexed`: documents that replaced an indexed version (text or metadata)
    not_retried: list[str] = field(default_factory=list)  # failed as before: not extracted again
    # (document path, problem) of sidecars and _metadata.csv rows that could not be used
    metadata_problems: list[tuple[str, MetadataProblem]] = field(default_factory=list)
    changed: bool = True  # False: nothing changed, the live generation was left as it was
    index_version: str = ""
    seconds: float = 0.0
    report: str = ""  # path of this run's JSON report


@dataclass(frozen=True)
class IngestOptions:
    """What a run may do beyond adding and updating (the CLI's --prune flags)."""

    prune: bool = False  # remove however many documents disappeared
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD
    retry_failed: bool = False  # extract again unchanged files that failed in an earlier run


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def build_index(
    roots: Sequence[Path],
    store: IndexStore,
    config: Config,
    progress: Callable[[str], None] | None = None,
    options: IngestOptions = IngestOptions(),
    meter: Progress | None = None,
) -> IngestSummary:
    """Ingest `roots` into `store`; returns what happened to every file.

    Documents already indexed whose files all lie under `roots` but were not seen this run are
    removed (their files are gone); documents from other folders are left alone. The whole run
    holds the index lock and writes a report (acervo.report) in the index folder.
    """
    roots = tuple(r.resolve() for r in roots)
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        with store.lock, store.snapshot() as snapshot:
            known = store.known()
            _refuse_mass_removal(known, roots, options)
            if not store.schema_is_current():
                # Written by an older version: the update starts a fresh index, so every document
                # is re-added (from its stored text when it has one, without extraction).
                (progress or print)("El esquema del índice cambió: se reconstruye el índice.")
                known = {}
            report = RunReport(store.root, _report_options(roots, config, options))
            return _run(roots, store, config, known, snapshot, report, progress, meter, options)
    except OSError as exc:  # the index folder itself cannot be written (lock, report)
        live = store.live_generation()
        raise IndexUpdateError(disk_error_message(exc, store.root, live)) from exc


def _run(
    roots: tuple[Path, ...],
    store: IndexStore,
    config: Config,
    known: Mapping[str, tuple[str, ...]],
    snapshot: Snapshot,
    report: RunReport,
    progress: Callable[[str], None] | None,
    meter: Progress | None = None,
    options: IngestOptions = IngestOptions(),
) -> IngestSummary:
    """The run in order: extraction events are recorded (summary, report, catalog changes) and
    their documents written as they come; then the documents whose files are gone; then the
    switch to the new generation, or none when nothing changed."""
    started = time.monotonic()
    events = run_ingest(
        roots,
        known,
        workers=config.workers,
        timeout_s=config.extract_timeout_s,
        memory_mb=config.extract_memory_mb,
        catalog=snapshot,
        retry_failed=options.retry_failed,
        **extraction_settings(config, meter),
    )
    ledger = _Ledger(roots, known, snapshot, report, progress or (lambda _line: None), store)
    try:
        ledger.summary.changed = _write(store, _metered(events, meter), ledger)
        ledger.unmatched_rows()
    except BaseException as exc:
        interrupted = not isinstance(exc, Exception)
        status = RunStatus.INTERRUPTED if interrupted else RunStatus.FAILED
        _close_report(report, status, error=str(exc))
        raise
    summary = ledger.summary
    summary.index_version = store.version()
    summary.seconds = time.monotonic() - started
    summary.report = _close_report(report, RunStatus.COMPLETED, version=summary.index_version)
    return summary


def _write(store: IndexStore, events: Iterator[IngestEvent], ledger: _Ledger) -> bool:
    """Record every event and write the documents to index into a new generation, opened at
    the first of them; False when the run changed nothing and no generation was written."""
    first = next((doc for event in events if (doc := ledger.record(event))), None)
    if first is None and store.live_generation() and not ledger.changes_anything():
        return False
    with store.new_generation() as generation:
        if first is not None:
            generation.add(first)
        for event in events:
            if doc := ledger.record(event):
                generation.add(doc)
        generation.remove(ledger.removals())  # only now is every seen document known
        generation.apply(ledger.changes)
    return True


class _Ledger:
    """What the run has seen so far, kept in one place: the summary, the report's entries,
    the catalog's changes, and the ids and paths seen (for the removals at the end)."""

    def __init__(
        self,
        roots: tuple[Path, ...],
        known: Mapping[str, tuple[str, ...]],
        snapshot: Snapshot,
        report: RunReport,
        say: Callable[[str], None],
        store: IndexStore,
    ) -> None:
        self.roots, self.known, self.snapshot, self.report, self.say = (
            roots, known, snapshot, report, say,
        )  # fmt: skip
        self.summary = IngestSummary()
        self.stored_problems = snapshot.metadata_problems()
        self.changes = CatalogChanges(roots=tuple(str(root) for root in roots))
        self.seen_ids: set[str] = set()
        self.seen_paths: set[str] = set()
        self.known_paths = {path for paths in known.values() for path in paths}
        self.new_failures = 0  # failures the catalog does not remember yet
        self.first_path: dict[str, str] = {}  # doc_id -> first path, of this run's documents
        self._removals: list[str] | None = None
        # Built at the first document to index, not before the run starts: reading every indexed
        # signature delayed the extraction workers of a small re-ingest (and a run with nothing
        # to index does not need it).
        self._finders = functools.cache(lambda: _finders(store))

    def record(self, event: IngestEvent) -> ExtractedDocument | None:
        """Account for one event; returns the document to write, if it is one."""
        self.summary.add(event)
        if isinstance(event, Indexed):
            return self._indexed(event)
        if isinstance(event, Unchanged):
            self._unchanged(event)
        else:
            self._failed(event)
        return None

    def _indexed(self, event: Indexed) -> ExtractedDocument:
        doc = _with_related(event.doc, *self._finders())
        self.seen_ids.add(doc.doc_id)
        self.seen_paths.update(doc.paths)
        self._relate_to_earlier(doc)
        updated = doc.doc_id in self.known or any(p in self.known_paths for p in doc.paths)
        self.summary.updated += updated
        outcome = Outcome.UPDATED if updated else Outcome.ADDED
        problems = doc.metadata.notes
        self.summary.metadata_problems.extend((doc.paths[0], p) for p in problems)
        note = _reused_note(bool(problems)) if event.reused else ""
        for entry in document_entries(doc, outcome, event.seconds, note):
            self.report.add(entry)
        for path in set(self.known.get(doc.doc_id, ())) - set(doc.paths):
            self.report.add(FileEntry(path, Outcome.REMOVED, doc_id=doc.doc_id))  # a copy gone
        cut = " · texto recortado, ver el informe" if doc.truncated_pages else ""
        self.say(f"+ {doc.paths[0]} ({len(doc.pages)} p.{cut})")
        return doc

    def _relate_to_earlier(self, doc: ExtractedDocument) -> None:
        """Versions and editions are symmetric: a document of this run that finds one indexed
        earlier in the same run is named in that one's report entry too. Which of two files
        a worker finishes first then changes nothing in the report."""
        self.first_path[doc.doc_id] = doc.paths[0]
        for key in ("near_duplicates", "translations"):
            for other in getattr(doc, key):
                if other in self.first_path:
                    self.report.add_related(self.first_path[other], key, (doc.doc_id,))

    def _unchanged(self, event: Unchanged) -> None:
        self.seen_ids.add(event.doc_id)
        self.seen_paths.update(event.paths)
        self.changes.restat.extend(_restat(event.sources, self.snapshot))
        first, *copies = event.paths
        # its sidecar is as it was, and so are its problems: said again until fixed
        problems = self.stored_problems.get(event.doc_id, ())
        self.summary.metadata_problems.extend((first, problem) for problem in problems)
        self.report.add(FileEntry(first, Outcome.UNCHANGED, doc_id=event.doc_id,
                                  problems=tuple(map(problem_json, problems))))  # fmt: skip
        for path in copies:
            self.report.add(FileEntry(path, Outcome.DUPLICATE, doc_id=event.doc_id,
                                      duplicate_of=first))  # fmt: skip

    def _failed(self, event: Failed) -> None:
        failure = event.failure
        self.seen_paths.add(failure.path)
        if event.stat is not None and event.attempt:
            self.changes.failures.append(FailedFile(event.stat, event.attempt, failure))
            self.new_failures += not event.remembered
        if event.remembered:
            self.summary.not_retried.append(failure.path)
        note = REMEMBERED_FAILURE_NOTE if event.remembered else ""
        self.report.add(failure_entry(failure, event.seconds, note))
        self.say(f"! {failure.path}: {failure.reason}")

    def unmatched_rows(self) -> None:
        """_metadata.csv rows naming no file of the run: reported under their CSV."""
        for manifest, problems in unmatched_manifest_rows(self.roots, self.seen_paths).items():
            self.summary.metadata_problems.extend((manifest, problem) for problem in problems)
            found = tuple(map(problem_json, problems))
            self.report.add(FileEntry(manifest, Outcome.UNMATCHED, problems=found))

    def removals(self) -> list[str]:
        """Indexed documents under the run's folders that were not seen: their files are gone
        (or changed content, which is an update). Asked once every event was recorded."""
        if self._removals is None:
            self._removals = []
            for doc_id, paths in self.known.items():
                if doc_id in self.seen_ids or not all(_under(p, self.roots) for p in paths):
                    continue
                gone = [p for p in paths if p not in self.seen_paths]
                self.summary.removed += bool(gone)
                for path in gone:
                    self.report.add(FileEntry(path, Outcome.REMOVED, doc_id=doc_id))
                self._removals.append(doc_id)
        return self._removals

    def changes_anything(self) -> bool:
        """Whether the index would differ, once every event was recorded and none was a
        document to index: a removal, a file's new stat, a failure not remembered yet."""
        return bool(self.removals() or self.changes.restat or self.new_failures)


def _reused_note(problems: bool) -> str:
    """The note of a document whose metadata was resolved again from its stored text."""
    if problems:
        return (
            "metadatos leídos de nuevo sin volver a extraer; sus metadatos tienen errores que "
            "debe corregir el administrador (véase problems)"
        )
    return "metadatos actualizados sin volver a extraer"


def _restat(sources: Iterable[FileStat], snapshot: KnownIndex) -> Iterator[FileStat]:
    """Files of an unchanged document whose size or mtime moved (a copy, a `touch`): recorded,
    so the next run's cheap check passes again instead of hashing them every time."""
    for source in sources:
        known = snapshot.file_stat(source.path)
        if known is None or (known.size, known.mtime_ns) != (source.size, source.mtime_ns):
            yield source


def _close_report(report: RunReport, status: RunStatus, error: str = "", version: str = "") -> str:
    """The final report's path, or "" when the disk refuses it: the index is what matters,
    and a failed update already says why."""
    try:
        return str(report.finish(status, index_version=version, error=error))
    except OSError:
        return ""


def _refuse_mass_removal(
    known: Mapping[str, tuple[str, ...]], roots: Sequence[Path], options: IngestOptions
) -> None:
    """Stop before changing anything when too many indexed documents lost all their files."""
    if options.prune or not known:
        return
    gone = [
        paths[0]
        for paths in known.values()
        if paths
        and all(_under(p, roots) for p in paths)
        and not any(os.path.lexists(p) for p in paths)
    ]
    share = len(gone) / len(known)
    if share > options.prune_threshold:
        raise RemovalRefused(
            f"Se eliminarían {len(gone)} de {len(known)} documentos indexados ({share:.0%}) "
            f"porque sus archivos ya no están (por ejemplo {gone[0]}). ¿Está desmontada, "
            "vacía o renombrada la carpeta? No se cambió nada. Si la eliminación es correcta, "
            "repita con --prune (el límite sin --prune es "
            f"{options.prune_threshold:.0%}; se cambia con --prune-threshold)."
        )


def _report_options(
    roots: Sequence[Path], config: Config, options: IngestOptions
) -> dict[str, object]:
    settings = {k: v for k, v in asdict(config).items() if k not in ("host", "port", "language")}
    return settings | asdict(options) | {"folders": [str(r) for r in roots]}


def extraction_settings(config: Config, meter: Progress | None = None) -> dict:
    """run_ingest's extraction arguments from the configuration: PDF reader, OCR, dask, and
    the progress meter's total."""
    settings: dict = {
        "options": ExtractOptions(
            extractor=config.extractor,
            ocr=config.ocr,
            max_pdf_pages=config.max_pdf_pages,
            max_pdf_objects=config.max_pdf_objects,
        ),
        "on_total": meter.start if meter else None,
    }
    if config.dask_address:
        from acervo.ingest.distributed import dask_extractor

        settings["extract"] = dask_extractor(
            config.dask_address,
            timeout_s=config.extract_timeout_s,
            memory_mb=config.extract_memory_mb,
        )
    return settings


def _metered(events: Iterable[IngestEvent], meter: Progress | None) -> Iterator[IngestEvent]:
    for event in events:
        yield event
        if meter is None:
            continue
        if isinstance(event, Indexed):
            meter.advance(len(event.doc.paths), len(event.doc.pages))
        else:
            meter.advance(len(event.paths) if isinstance(event, Unchanged) else 1)


def _finders(store: IndexStore) -> tuple[NearDuplicateFinder, TranslationFinder]:
    """Finders of versions and of editions, seeded with every indexed signature."""
    versions = NearDuplicateFinder((d, sig) for d, sig, _lang in store.signatures())
    return versions, TranslationFinder(store.signatures("number_minhash"))


def _with_related(
    doc: ExtractedDocument, versions: NearDuplicateFinder, editions: TranslationFinder
) -> ExtractedDocument:
    """The document with the ids of indexed documents it is a version of (draft, new cover),
    and of those that are the same study in another language.

    A text taken back from the index (metadata-only update) has no MinHash: the indexed one is
    kept, so the document stays comparable in later runs."""
    signature = doc.minhash or versions.known_signature(doc.doc_id)
    similar = versions.add(doc.doc_id, signature)
    translations = editions.add(doc.doc_id, doc.number_minhash, doc.metadata.language)
    return replace(doc, minhash=signature, near_duplicates=similar, translations=translations)
