"""Accepting one uploaded file: the door's checks (acervo.ingest.upload), the duplicate check
against the index's catalog, a job in the queue, then the file placed in the corpus.

The web form and the JSON API both call `accept`; the background worker (acervo.jobs) indexes
the job. Order matters: the job row is inserted (the database refuses a second active upload of
the same bytes) before the file is placed, so two uploads of the same file at once end as one
file and one job, and a failure to place the file removes the job again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from acervo.ingest import upload
from acervo.ingest.upload import UploadMetadata, UploadRefused
from acervo.jobs import Job, JobQueue, SameUploadInProgress, now
from acervo.search.indexer import IndexStore


class AlreadyUploading(UploadRefused):
    status = 409


@dataclass(frozen=True)
class Door:
    """Where and how uploads are accepted (from the configuration)."""

    corpus_root: Path
    store: IndexStore
    jobs: JobQueue
    max_bytes: int = upload.MAX_UPLOAD_BYTES


def accept(
    door: Door,
    stream: BinaryIO,
    file_name: str,
    metadata: UploadMetadata,
    user: str,
    on_accepted: Callable[[str], None] = lambda _doc_id: None,
) -> Job:
    """Check and store one uploaded file; the job says what happened (queued or duplicate).

    Raises UploadRefused (or a subclass: too large, disk full, already uploading) with a
    message for the uploader; nothing is left in the corpus then. `on_accepted(doc_id)` runs
    before the file is placed (a pending status must exist before any ingest can see it)."""
    folder = upload.target_folder(door.corpus_root, metadata)
    staged = upload.check(upload.stage(stream, file_name, folder, door.max_bytes))
    existing = door.store.document_with_sha256(staged.sha256)
    if existing is not None:
        upload.discard(staged)
        return door.jobs.add_duplicate(user, staged.name, staged.sha256, existing)
    try:
        job = door.jobs.add_upload(user, staged.name, staged.sha256)
    except SameUploadInProgress as exc:
        upload.discard(staged)
        raise AlreadyUploading(
            f"«{staged.name}» ya se está subiendo (trabajo {exc.job.id}, de {exc.job.user}): "
            "el mismo archivo no se guarda dos veces. Consulte el estado de ese trabajo."
        ) from None
    try:
        on_accepted(staged.doc_id)
        path = upload.place(staged, folder, metadata.sidecar(user, now()))
    except BaseException:
        door.jobs.drop(job.id)
        raise
    door.jobs.placed(job.id, path)
    return door.jobs.get(job.id)
