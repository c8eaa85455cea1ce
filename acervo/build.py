"""Glue between ingestion and the index: run the pipeline and stream its documents into a new
index generation. This is the one place that knows both `acervo.ingest` and `acervo.search`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from acervo.config import Config
from acervo.ingest.models import ExtractedDocument, ExtractionFailure
from acervo.ingest.pipeline import Failed, Indexed, Unchanged, run_ingest
from acervo.search.indexer import IndexStore


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


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def build_index(
    roots: Sequence[Path],
    store: IndexStore,
    config: Config,
    progress: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Ingest `roots` into `store`; returns what happened to every file.

    Documents already indexed whose files all lie under `roots` but were not seen this run are
    removed (their files are gone); documents from other folders are left alone.
    """
    started = time.monotonic()
    roots = tuple(r.resolve() for r in roots)
    known = store.known()
    summary = IngestSummary()
    seen_ids: set[str] = set()
    say = progress or (lambda _line: None)

    def documents() -> Iterator[ExtractedDocument]:
        events = run_ingest(
            roots,
            known,
            workers=config.workers,
            timeout_s=config.extract_timeout_s,
            memory_mb=config.extract_memory_mb,
        )
        for event in events:
            if isinstance(event, Indexed):
                doc = event.doc
                seen_ids.add(doc.doc_id)
                summary.indexed += 1
                summary.seen += len(doc.paths)
                summary.duplicates += len(doc.paths) - 1
                summary.pages += len(doc.pages)
                say(f"+ {doc.paths[0]} ({len(doc.pages)} p.)")
                yield doc
            elif isinstance(event, Unchanged):
                seen_ids.add(event.doc_id)
                summary.unchanged += 1
                summary.seen += len(event.paths)
                summary.duplicates += len(event.paths) - 1
            elif isinstance(event, Failed):
                summary.seen += 1
                summary.failed.append(event.failure)
                say(f"! {event.failure.path}: {event.failure.reason}")

    def removed() -> Iterator[str]:
        # Evaluated by the store after every document was added, so seen_ids is complete.
        for doc_id, paths in known.items():
            if doc_id not in seen_ids and all(_under(p, roots) for p in paths):
                summary.removed += 1
                yield doc_id

    store.update(documents(), removed())
    summary.index_version = store.version()
    summary.seconds = time.monotonic() - started
    return summary
