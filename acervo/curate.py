"""Curating indexed documents: metadata edits (into the sidecar) and deletion for good.

A metadata edit rewrites the document's own sidecar (`<file>.meta.yaml` of its first copy),
keeping the keys it does not change (a password, an uploader), adds who edited it and when,
and queues a job: the worker's incremental ingest sees the changed sidecar and re-resolves the
metadata from the stored text, without extracting the file again. Deletion removes every copy
and its sidecar from the corpus, then queues the removal of its index entries (the worker does
it, the one writer of the index). Both are recorded in the audit log with what changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from acervo import audit, moderation
from acervo.db import now, transaction
from acervo.ingest.sidecars import canonical_key, read_sidecar_record, sidecar_path, write_sidecar
from acervo.ingest.upload import UploadMetadata
from acervo.jobs import Job, JobQueue

EDITABLE = ("title", "agencies", "topics", "year", "language", "doc_type", "places", "visibility")


@dataclass(frozen=True)
class Edit:
    """What an edit changed: field -> (before, after), only the fields that differ."""

    changes: Mapping[str, tuple[object, object]]
    job: Job | None


def current_values(hit: object, visibility: str) -> dict[str, object]:
    """The editable fields of an indexed document (a SearchHit) as the edit form shows them."""
    values = {name: getattr(hit, name, None) for name in EDITABLE if name != "visibility"}
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    return values | {"visibility": visibility}


def edit_metadata(
    conn: sqlite3.Connection,
    jobs: JobQueue,
    doc_id: str,
    paths: Sequence[str],
    before: Mapping[str, object],
    after: UploadMetadata,
    by: str,
) -> Edit:
    """Write the edited fields to the sidecar of the document's first copy and queue the
    metadata-only re-ingest; record the change (before/after) in the audit log."""
    wanted = _as_record(after)
    changes = {
        name: (before.get(name), wanted.get(name))
        for name in EDITABLE
        if _normal(before.get(name)) != _normal(wanted.get(name))
    }
    if not changes:
        return Edit({}, None)
    first = Path(sorted(paths)[0])
    kept = {
        k: v
        for k, v in read_sidecar_record(first).items()
        if canonical_key(k) not in (*EDITABLE, "edited_by", "edited_at")
    }
    record = kept | wanted | {"edited_by": by, "edited_at": now()}
    with transaction(conn):
        audit.record(
            conn,
            by,
            "doc.edited",
            doc_id,
            before={k: v[0] for k, v in changes.items()},
            after={k: v[1] for k, v in changes.items()},
        )
        write_sidecar(first, record)
    return Edit(changes, jobs.add("metadata", by, str(first), doc_id))


def delete_document(
    conn: sqlite3.Connection, jobs: JobQueue, doc_id: str, paths: Sequence[str], title: str, by: str
) -> Job:
    """Remove every copy of the document and its sidecars; queue removing its index entries."""
    with transaction(conn):
        audit.record(conn, by, "doc.deleted", doc_id, title=title, paths=list(paths))
        moderation.forget(conn, doc_id)
        for path in map(Path, paths):
            sidecar_path(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
    return jobs.add("delete", by, str(sorted(paths)[0]) if paths else "", doc_id)


def edit_info(paths: Sequence[str]) -> tuple[str, str] | None:
    """(who, when) of the last metadata edit, from the first copy's sidecar."""
    if not paths:
        return None
    record = read_sidecar_record(Path(sorted(paths)[0]))
    by = next((v for k, v in record.items() if canonical_key(k) == "edited_by"), None)
    at = next((v for k, v in record.items() if canonical_key(k) == "edited_at"), None)
    return (str(by), str(at)) if by and at else None


def _as_record(metadata: UploadMetadata) -> dict[str, object]:
    record: dict[str, object] = {
        "title": metadata.title,
        "agencies": list(metadata.agencies),
        "year": metadata.year,
    }
    record |= {"topics": list(metadata.topics), "places": list(metadata.places)}
    record |= {"language": metadata.language, "doc_type": metadata.doc_type}
    return record | {"visibility": metadata.visibility}


def _normal(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value if value not in (None, "") else ""
