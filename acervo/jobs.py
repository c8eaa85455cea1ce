"""The ingest job queue (in the database) and the background worker that the server starts.

A job is an upload waiting to be indexed, or a change that needs an ingest (a metadata edit, a
review decision, a retry of a failed file). The worker claims every queued job, runs ONE
ordinary incremental ingest of the corpus (acervo.build.build_index: the same lock, catalog and
run report as `acervo ingest`; a CLI ingest running meanwhile is waited for), then reads each
job's file in the run report: indexed (with the near duplicates ingest found), duplicate, or
failed with the report's reason and who must act.

The queue lives in the database (the `jobs` table, a migration of acervo/db.py), so a server
restart loses nothing: jobs left `processing` by
a killed server are queued again when the next worker starts.

`acervo serve` runs the worker in a process of its own (`run_worker_process`, started by
web/server.py), whatever the number of web processes: gunicorn's master forks (and re-forks)
its workers, and forking a process while another of its threads runs an ingest copies locks
that thread may hold; the ingest's extraction children would also be reaped by gunicorn's
master as if they were its own. In its own process the ingest also leaves the web processes'
cores (and their GIL) to the searches. The web processes wake it through a `wakeup` event
shared between processes when they queue a job.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from acervo import db
from acervo.build import IngestOptions, RemovalRefused, build_index
from acervo.config import Config
from acervo.report import load_report
from acervo.search.indexer import IndexStore, IndexUpdateError
from acervo.search.lock import IndexLocked

LOG = logging.getLogger(__name__)
POLL_S = 5.0  # the worker also wakes at once when a job is queued (the wakeup event)
LOCK_RETRY_S = 1.0  # another ingest holds the index: look again this often
PARENT_CHECK_S = 1.0  # a worker process stops this soon after its server is gone
# The worker process runs this many nice steps below the server that started it (and so do the
# extraction processes it forks: they inherit it), so the searches get the cores first while an
# ingest runs and the ingest takes what they leave (benchmarks/README.md, issue 12).
INGEST_NICENESS = 10


class JobState(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    INDEXED = "indexed"
    FAILED = "failed"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    state: JobState
    user: str
    created: str
    updated: str
    file_name: str = ""
    path: str = ""
    sha256: str = ""
    doc_id: str = ""
    reason: str = ""
    actor: str = ""
    duplicate_of: str = ""
    similar: tuple[str, ...] = ()
    run: str = ""

    def to_json(self) -> dict[str, object]:
        data = {
            "id": self.id, "state": str(self.state), "kind": self.kind, "file": self.file_name,
            "created": self.created, "updated": self.updated, "doc_id": self.doc_id or None,
        }  # fmt: skip
        if self.state is JobState.FAILED:
            data |= {"reason": self.reason, "actor": self.actor}
        if self.duplicate_of:
            data["duplicate_of"] = self.duplicate_of
        if self.similar:
            data["similar"] = list(self.similar)
        return data


class SameUploadInProgress(Exception):
    """The same bytes are being uploaded (queued or processing) by another job."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"job {job.id}")
        self.job = job


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Wakeup(Protocol):
    """threading.Event, or multiprocessing's Event when the worker is another process."""

    def set(self) -> None: ...
    def clear(self) -> None: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class JobQueue:
    """The `jobs` table. `connect` opens a connection to the database (one per call)."""

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], wakeup: Wakeup | None = None
    ) -> None:
        self._connect = connect
        # set when a job is queued: the worker starts at once
        self.wakeup = threading.Event() if wakeup is None else wakeup

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn
        finally:
            conn.close()

    def add_upload(self, user: str, file_name: str, sha256: str) -> Job:
        """A queued upload (its path is set once the file is placed); SameUploadInProgress when
        the same bytes are already queued or processing."""
        try:
            job_id = self._insert(
                kind="upload", state=JobState.QUEUED, user=user, file_name=file_name,
                sha256=sha256,
            )  # fmt: skip
        except sqlite3.IntegrityError:
            raise SameUploadInProgress(self._active_upload(sha256)) from None
        return self.get(job_id)

    def add_duplicate(self, user: str, file_name: str, sha256: str, doc_id: str) -> Job:
        """An upload refused at the door because the repository already has these bytes."""
        return self.get(self._insert(
            kind="upload", state=JobState.DUPLICATE, user=user, file_name=file_name,
            sha256=sha256, doc_id=doc_id, duplicate_of=doc_id,
        ))  # fmt: skip

    def add(self, kind: str, user: str, path: str, doc_id: str = "") -> Job:
        """A queued metadata change, deletion or retry of the file at `path`."""
        job = self.get(
            self._insert(kind=kind, state=JobState.QUEUED, user=user, path=path, doc_id=doc_id)
        )
        self.wakeup.set()
        return job

    def placed(self, job_id: int, path: Path) -> None:
        self._update(job_id, path=str(path))
        self.wakeup.set()

    def drop(self, job_id: int) -> None:
        """An upload whose file could not be placed after all (disk full): no trace left."""
        with self._db() as conn:
            conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def get(self, job_id: int) -> Job:
        with self._db() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return _job(row)

    def find(self, job_id: int) -> Job | None:
        try:
            return self.get(job_id)
        except KeyError:
            return None

    def list(self, where: str = "1", params: Sequence[object] = (), limit: int = 200) -> list[Job]:
        """Jobs matching an SQL condition over the table's columns, newest first."""
        with self._db() as conn:
            rows = conn.execute(
                f"SELECT * FROM jobs WHERE {where} ORDER BY id DESC LIMIT ?", (*params, limit)
            ).fetchall()
        return [_job(row) for row in rows]

    def of_user(self, user: str) -> list[Job]:
        return self.list("user = ? AND kind = 'upload'", (user,))

    def latest_upload_of(self, doc_id: str) -> Job | None:
        jobs = self.list("doc_id = ? AND kind = 'upload' AND state = ?",
                         (doc_id, JobState.INDEXED), limit=1)  # fmt: skip
        return jobs[0] if jobs else None

    def claim(self) -> list[Job]:
        """Every queued job whose file is placed, now `processing`."""
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            rows = conn.execute(
                "SELECT * FROM jobs WHERE state = ? AND path != '' ORDER BY id",
                (JobState.QUEUED,),
            ).fetchall()
            conn.execute(
                f"UPDATE jobs SET state = ?, updated = ? WHERE id IN ({_marks(rows)})",
                (JobState.PROCESSING, now(), *(row["id"] for row in rows)),
            )
        return [_job(row) for row in rows]

    def requeue_interrupted(self) -> int:
        """Jobs a killed server left `processing`: queued again."""
        with self._db() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET state = ?, updated = ? WHERE state = ?",
                (JobState.QUEUED, now(), JobState.PROCESSING),
            )
            return cursor.rowcount

    def finish(self, job_id: int, state: JobState, **values: object) -> None:
        self._update(job_id, state=str(state), **values)

    def _active_upload(self, sha256: str) -> Job:
        jobs = self.list("kind = 'upload' AND sha256 = ? AND state IN (?, ?)",
                         (sha256, JobState.QUEUED, JobState.PROCESSING), limit=1)  # fmt: skip
        return jobs[0]

    def _insert(self, **values: object) -> int:
        values |= {"created": now(), "updated": now()}
        columns = ", ".join(values)
        with self._db() as conn:
            cursor = conn.execute(
                f"INSERT INTO jobs ({columns}) VALUES ({_marks(values)})", tuple(values.values())
            )
            return int(cursor.lastrowid or 0)

    def _update(self, job_id: int, **values: object) -> None:
        if "similar" in values:
            values["similar"] = json.dumps(list(values["similar"]))  # type: ignore[arg-type]
        values["updated"] = now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._db() as conn:
            conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))


def _marks(items: Sequence[object] | dict) -> str:
    return ", ".join("?" * len(items))


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    data["state"] = JobState(data["state"])
    data["similar"] = tuple(json.loads(data["similar"] or "[]"))
    return Job(**data)


def connector(db_path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections to the repository database at `db_path` (acervo/db.py: WAL, migrations)."""
    return lambda: db.connect(db_path)


# ---- the worker -------------------------------------------------------------------------


class IngestWorker(threading.Thread):
    """Runs queued jobs: one incremental ingest for all of them, one writer at a time."""

    def __init__(self, jobs: JobQueue, config: Config, poll_s: float = POLL_S) -> None:
        super().__init__(name="acervo-ingest-worker", daemon=True)
        self.jobs = jobs
        self.config = config
        self.poll_s = poll_s
        self._stopping = threading.Event()
        self.runs = 0  # ingests done (tests and the benchmark wait on it)

    def stop(self) -> None:
        self._stopping.set()
        self.jobs.wakeup.set()

    def run(self) -> None:
        self.jobs.requeue_interrupted()
        while not self._stopping.is_set():
            self.jobs.wakeup.clear()
            claimed = self.jobs.claim()
            if claimed:
                self.process(claimed)
            else:
                self.jobs.wakeup.wait(self.poll_s)

    def process(self, claimed: Sequence[Job]) -> None:
        store = IndexStore(self.config.index_dir)
        options = IngestOptions(retry_failed=any(job.kind == "retry" for job in claimed))
        deleted = [job.doc_id for job in claimed if job.kind == "delete"]
        while True:
            try:
                with store.lock:
                    if deleted:  # files already gone: their entries go without the removal guard
                        store.update(add=(), remove=deleted)
                    summary = build_index(self.config.corpus_dirs, store, self.config,
                                          options=options)  # fmt: skip
                break
            except IndexLocked:
                if self._stopping.wait(LOCK_RETRY_S):  # a CLI ingest is running: wait for it
                    self._requeue(claimed)
                    return
            except (IndexUpdateError, RemovalRefused, OSError) as exc:
                LOG.error("ingest of queued jobs failed: %s", exc)
                for job in claimed:
                    self.jobs.finish(job.id, JobState.FAILED, reason=str(exc),
                                     actor="administrator")  # fmt: skip
                return
        self.runs += 1
        self._record_outcomes(claimed, Path(summary.report) if summary.report else None)

    def _requeue(self, claimed: Sequence[Job]) -> None:
        for job in claimed:
            self.jobs.finish(job.id, JobState.QUEUED)

    def _record_outcomes(self, claimed: Sequence[Job], report: Path | None) -> None:
        entries = _entries_by_path(report)
        run = report.stem if report else ""
        for job in claimed:
            entry = entries.get(job.path)
            if entry is None and job.kind != "upload":
                self.jobs.finish(job.id, JobState.INDEXED, run=run)
            elif entry is None:
                reason = "El archivo ya no está en el repositorio: nada que indexar."
                self.jobs.finish(job.id, JobState.FAILED, reason=reason, actor="administrator",
                                 run=run)  # fmt: skip
            elif entry["outcome"] == "failed":
                failure = entry.get("failure") or {}
                self.jobs.finish(job.id, JobState.FAILED, reason=failure.get("reason", ""),
                                 actor=failure.get("actor", ""), run=run)  # fmt: skip
            elif entry["outcome"] == "duplicate":
                self.jobs.finish(job.id, JobState.DUPLICATE, doc_id=entry.get("doc_id", ""),
                                 duplicate_of=entry.get("doc_id", ""), run=run)  # fmt: skip
            else:
                similar = (*entry.get("near_duplicates", ()), *entry.get("translations", ()))
                self.jobs.finish(job.id, JobState.INDEXED, doc_id=entry.get("doc_id", ""),
                                 similar=similar or job.similar, run=run)  # fmt: skip


def _entries_by_path(report: Path | None) -> dict[str, dict]:
    if report is None:
        return {}
    return {entry["path"]: entry for entry in load_report(report).get("files", ())}


def run_worker_process(config: Config, wakeup: Wakeup, server_pid: int) -> None:
    """The worker of `acervo serve`, in this (spawned) process until the server's process
    `server_pid` is gone (a killed server leaves no ingest behind for long; an ingest under way
    is finished first: a new generation is switched in whole or not at all)."""
    os.nice(INGEST_NICENESS)
    worker = IngestWorker(JobQueue(connector(config.database_path()), wakeup), config)

    def watch_server() -> None:
        while os.getppid() == server_pid:
            time.sleep(PARENT_CHECK_S)
        worker.stop()

    threading.Thread(target=watch_server, name="acervo-server-watch", daemon=True).start()
    worker.run()
