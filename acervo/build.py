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
from acervo.ingest.models import ExtractedDocument, ExtractionFailure, ExtractOptions, FileStat
from acervo.ingest.neardup import NearDuplicateFinder, TranslationFinder
from acervo.ingest.pipeline import (
    Failed,
    Indexed,
    IngestEvent,
    KnownIndex,
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
)
from acervo.search.catalog import CatalogChanges, FailedFile
from acervo.search.indexer import IndexStore, IndexUpdateError, disk_error_message

DEFAULT_PRUNE_THRESHOLD = 0.20  # share of indexed documents a run may remove without --prune
REMEMBERED_FAILURE_NOTE = (
    "falló igual en una ingesta anterior y no cambió (ni el archivo ni las opciones): no se "
    "volvió a extraer; use --retry-failed para intentarlo de nuevo"
)


class RemovalRefused(RuntimeError):
    """Too many indexed documents would disappear (an unmounted folder?): nothing was changed."""


@dataclass
class IngestSummary:
    seen: int = 0  # files found
    indexed: int = 0  # documents added or re-indexed
    unchanged: int = 0  # documents already in the index as they are
    duplicates: int = 0  # extra copies of a document found in other paths
    removed: int = 0  # documents whose files are gone
    pages: int = 0
    failed: list[ExtractionFailure] = field(default_factory=list)
    index_version: str = ""
    seconds: float = 0.0
    updated: int = 0  # of `indexed`: documents that replaced an indexed version (text or metadata)
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
    snapshot: KnownIndex,
    report: RunReport,
    progress: Callable[[str], None] | None,
    meter: Progress | None = None,
    options: IngestOptions = IngestOptions(),
) -> IngestSummary:
    started = time.monotonic()
    summary = IngestSummary()
    changes = CatalogChanges(roots=tuple(str(root) for root in roots))
    seen_ids: set[str] = set()
    seen_paths: set[str] = set()
    known_paths = {path for paths in known.values() for path in paths}
    say = progress or (lambda _line: None)

    def documents() -> Iterator[ExtractedDocument]:
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
        # Built at the first document to index, not before the run starts: reading every indexed
        # signature delayed the extraction workers of a small re-ingest (and a run with nothing
        # to index does not need it).
        finders = functools.cache(lambda: _finders(store))
        for event in _metered(events, meter):
            if isinstance(event, Indexed):
                doc = _with_related(event.doc, *finders())
                seen_ids.add(doc.doc_id)
                seen_paths.update(doc.paths)
                summary.indexed += 1
                summary.seen += len(doc.paths)
                summary.duplicates += len(doc.paths) - 1
                summary.pages += len(doc.pages)
                updated = doc.doc_id in known or any(p in known_paths for p in doc.paths)
                summary.updated += updated
                outcome = Outcome.UPDATED if updated else Outcome.ADDED
                note = "metadatos actualizados sin volver a extraer" if event.reused else ""
                for entry in document_entries(doc, outcome, event.seconds, note):
                    report.add(entry)
                for path in set(known.get(doc.doc_id, ())) - set(doc.paths):
                    report.add(FileEntry(path, Outcome.REMOVED, doc_id=doc.doc_id))  # a copy gone
                say(f"+ {doc.paths[0]} ({len(doc.pages)} p.)")
                yield doc
            elif isinstance(event, Unchanged):
                seen_ids.add(event.doc_id)
                seen_paths.update(event.paths)
                summary.unchanged += 1
                summary.seen += len(event.paths)
                summary.duplicates += len(event.paths) - 1
                changes.restat.extend(_restat(event.sources, snapshot))
                first, *copies = event.paths
                report.add(FileEntry(first, Outcome.UNCHANGED, doc_id=event.doc_id))
                for path in copies:
                    report.add(FileEntry(path, Outcome.DUPLICATE, doc_id=event.doc_id,
                                         duplicate_of=first))  # fmt: skip
            elif isinstance(event, Failed):
                seen_paths.add(event.failure.path)
                summary.seen += 1
                summary.failed.append(event.failure)
                if event.stat is not None and event.attempt:
                    changes.failures.append(FailedFile(event.stat, event.attempt, event.failure))
                note = REMEMBERED_FAILURE_NOTE if event.remembered else ""
                report.add(failure_entry(event.failure, event.seconds, note))
                say(f"! {event.failure.path}: {event.failure.reason}")

    def removed() -> Iterator[str]:
        # Evaluated by the store after every document was added, so seen_ids is complete.
        for doc_id, paths in known.items():
            if doc_id not in seen_ids and all(_under(p, roots) for p in paths):
                gone = [p for p in paths if p not in seen_paths]
                summary.removed += bool(gone)  # else its files changed content: an update
                for path in gone:
                    report.add(FileEntry(path, Outcome.REMOVED, doc_id=doc_id))
                yield doc_id

    try:
        store.update(documents(), removed(), changes=changes)
    except BaseException as exc:
        interrupted = not isinstance(exc, Exception)
        status = RunStatus.INTERRUPTED if interrupted else RunStatus.FAILED
        _close_report(report, status, error=str(exc))
        raise
    summary.index_version = store.version()
    summary.seconds = time.monotonic() - started
    summary.report = _close_report(report, RunStatus.COMPLETED, version=summary.index_version)
    return summary


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
        "options": ExtractOptions(extractor=config.extractor, ocr=config.ocr),
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
