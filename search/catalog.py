"""The catalog of an index generation: what the next ingest needs to skip unchanged files.

A SQLite file beside Whoosh's files inside each generation folder, so it is copied, written and
swapped together with the index it describes: the catalog and the live index never disagree.
Per path it keeps size, mtime_ns and hash (the cheap "unchanged?" check); per document its
metadata fingerprint, format, page count and document properties (to re-resolve metadata from the
stored page text when only a sidecar changed); per file that failed, its stats, the failure, and
the `attempt` (what else decides the outcome: reader, OCR, limits, password, version), so an
unchanged file that failed is reported again without being extracted again. Lookups go to disk:
nothing here holds the corpus.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from acervo.ingest.models import (
    Actor,
    DocProperties,
    ExtractedDocument,
    ExtractionFailure,
    FailureKind,
    FileStat,
)

CATALOG_FILE = "catalog.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, doc_id TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS files_by_doc ON files (doc_id);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, format TEXT NOT NULL,
    pages INTEGER NOT NULL, properties TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, attempt TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
    reason TEXT NOT NULL, detail TEXT NOT NULL);
"""


@dataclass(frozen=True)
class CatalogEntry:
    doc_id: str
    fingerprint: str
    format: str
    pages: int  # blank pages included: the stored text has only pages with text
    properties: DocProperties


@dataclass(frozen=True)
class FailedFile:
    """A file that failed in a run, as the catalog remembers it."""

    stat: FileStat
    attempt: str  # acervo.ingest.pipeline.attempt_key of the extraction that failed
    failure: ExtractionFailure


@dataclass
class CatalogChanges:
    """What a run tells the catalog besides its documents; complete once every document was
    added (acervo.build fills it while the writer consumes the documents)."""

    roots: tuple[str, ...] = ()  # the folders of the run: failures outside them are kept
    restat: list[FileStat] = field(default_factory=list)  # same content, new size or mtime
    failures: list[FailedFile] = field(default_factory=list)  # every failure under `roots`


class Catalog:
    """One generation's catalog; read-only for the live generation, writable for a new one."""

    def __init__(self, directory: Path | None, *, writable: bool = False) -> None:
        path = Path(directory or ".") / CATALOG_FILE
        if directory is None:
            self._db = sqlite3.connect(":memory:")  # no index yet: nothing is known
            self._db.executescript(_SCHEMA)
        elif writable:
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
        elif path.is_file():
            # immutable=1: a committed generation never changes, so SQLite needs no lock file
            # or journal (the index folder may be read by a server without write access).
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        else:
            # An index written before catalogs existed: everything looks new to the cheap
            # check, which then falls back to hashing and comparing paths.
            self._db = sqlite3.connect(":memory:")
            self._db.executescript(_SCHEMA)
        tables = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        # A catalog written before failures were remembered (read-only: it stays so).
        self._remembers_failures = ("failures",) in tables.fetchall()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def file_stat(self, path: str) -> FileStat | None:
        """The stats of an indexed file, or of one that failed (its hash need not be redone)."""
        failed = " UNION ALL SELECT size, mtime_ns, sha256 FROM failures WHERE path = ?1"
        query = "SELECT size, mtime_ns, sha256 FROM files WHERE path = ?1"
        if self._remembers_failures:
            query += failed
        row = self._db.execute(query, (path,)).fetchone()
        return FileStat(path, *row) if row else None

    def paths_by_document(self) -> dict[str, tuple[str, ...]]:
        """doc_id -> its files' paths, sorted, for every catalogued document."""
        paths: dict[str, list[str]] = {}
        for doc_id, path in self._db.execute("SELECT doc_id, path FROM files ORDER BY path"):
            paths.setdefault(doc_id, []).append(path)
        return {doc_id: tuple(found) for doc_id, found in paths.items()}

    def failure(self, path: str, sha256: str, attempt: str) -> ExtractionFailure | None:
        """How `path` failed last time with this content and this kind of attempt, if it did."""
        if not self._remembers_failures:
            return None
        row = self._db.execute(
            "SELECT kind, actor, reason, detail FROM failures "
            "WHERE path = ? AND sha256 = ? AND attempt = ?",
            (path, sha256, attempt),
        ).fetchone()
        if row is None:
            return None
        kind, actor, reason, detail = row
        return ExtractionFailure(path, FailureKind(kind), reason, Actor(actor), detail)

    def apply(self, changes: CatalogChanges) -> None:
        """Record a run's new stats of unchanged files, and its failures in place of the
        earlier ones under its folders."""
        self._db.executemany(
            "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ? AND sha256 = ?",
            [(s.size, s.mtime_ns, s.path, s.sha256) for s in changes.restat],
        )
        for root in changes.roots:
            # every path under root/ and nothing else: '0' is the character after '/'
            prefix = root.rstrip("/")
            self._db.execute(
                "DELETE FROM failures WHERE path > ? AND path < ?", (prefix + "/", prefix + "0")
            )
        self._db.executemany(
            "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (f.stat.path, f.stat.size, f.stat.mtime_ns, f.stat.sha256, f.attempt,
                 str(f.failure.kind), str(f.failure.actor), f.failure.reason, f.failure.detail)
                for f in changes.failures
            ],
        )  # fmt: skip

    def entry(self, doc_id: str) -> CatalogEntry | None:
        row = self._db.execute(
            "SELECT fingerprint, format, pages, properties FROM documents WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        fingerprint, fmt, pages, properties = row
        return CatalogEntry(
            doc_id, fingerprint, fmt, pages, DocProperties(**json.loads(properties))
        )

    def fingerprint(self, doc_id: str) -> str | None:
        entry = self.entry(doc_id)
        return entry.fingerprint if entry else None

    def put(self, doc: ExtractedDocument) -> None:
        """Record `doc` (replacing what was known about it and about its paths)."""
        self.forget(doc.doc_id)
        properties = json.dumps(asdict(doc.properties), ensure_ascii=False)
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
            (doc.doc_id, doc.fingerprint, doc.format, len(doc.pages), properties),
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
            [(s.path, doc.doc_id, s.size, s.mtime_ns, s.sha256) for s in doc.sources],
        )

    def forget(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM files WHERE doc_id = ?", (doc_id,))

    def commit(self) -> None:
        self._db.commit()
