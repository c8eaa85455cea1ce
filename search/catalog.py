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
    MetadataProblem,
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
CREATE TABLE IF NOT EXISTS history (
    doc_id TEXT PRIMARY KEY, series TEXT NOT NULL, fingerprint TEXT NOT NULL,
    added REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS problems (
    doc_id TEXT PRIMARY KEY, problems TEXT NOT NULL);
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
class DocHistory:
    """When a document came into the index, for feeds and "Novedades" (UNIX times, UTC).

    `series` names the study across versions: a file whose content changes becomes a new
    document (a new doc_id) that keeps the series and `added` of the one it replaces, with a new
    `updated`. Re-indexing the same content with the same metadata changes nothing.
    """

    doc_id: str
    series: str
    added: float
    updated: float


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
        # A catalog written before failures (or history) were remembered (read-only: stays so).
        names = {name for (name,) in tables.fetchall()}
        self._remembers_failures = "failures" in names
        self._has_history = "history" in names
        self._has_problems = "problems" in names

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

    def document_with_sha256(self, sha256: str) -> str | None:
        """The id of the indexed document whose file has this content, if any."""
        row = self._db.execute("SELECT doc_id FROM files WHERE sha256 = ? LIMIT 1", (sha256,))
        found = row.fetchone()
        return found[0] if found else None

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

    def put(self, doc: ExtractedDocument, now: float) -> None:
        """Record `doc` (replacing what was known about it and about its paths) at time `now`."""
        self._remember(doc, now)
        self.forget(doc.doc_id, history=False)
        properties = json.dumps(asdict(doc.properties), ensure_ascii=False)
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
            (doc.doc_id, doc.fingerprint, doc.format, len(doc.pages), properties),
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
            [(s.path, doc.doc_id, s.size, s.mtime_ns, s.sha256) for s in doc.sources],
        )
        if doc.metadata.notes:
            problems = json.dumps([asdict(p) for p in doc.metadata.notes], ensure_ascii=False)
            self._db.execute("INSERT INTO problems VALUES (?, ?)", (doc.doc_id, problems))

    def metadata_problems(self) -> dict[str, tuple[MetadataProblem, ...]]:
        """doc_id -> the sidecar problems it was indexed with, for every document that has
        some: a run that leaves it unchanged reports them again until they are fixed."""
        if not self._has_problems:
            return {}
        rows = self._db.execute("SELECT doc_id, problems FROM problems")
        return {
            doc_id: tuple(MetadataProblem(**p) for p in json.loads(problems))
            for doc_id, problems in rows
        }

    def forget(self, doc_id: str, history: bool = True) -> None:
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM files WHERE doc_id = ?", (doc_id,))
        if self._has_problems:
            self._db.execute("DELETE FROM problems WHERE doc_id = ?", (doc_id,))
        if history and self._has_history:
            self._db.execute("DELETE FROM history WHERE doc_id = ?", (doc_id,))

    def _remember(self, doc: ExtractedDocument, now: float) -> None:
        """The history of `doc`: kept when the same content and metadata come again, carried
        over from the document that held one of its paths before (a new version), else new."""
        row = self._db.execute(
            "SELECT series, fingerprint, added, updated FROM history WHERE doc_id = ?",
            (doc.doc_id,),
        ).fetchone()
        if row is not None:
            series, fingerprint, added, updated = row
            if fingerprint != doc.fingerprint:
                updated = now  # same content, new metadata (a sidecar changed)
        elif previous := self._previous_version(doc):
            series, added, updated = *previous, now
        else:
            series, added, updated = doc.doc_id, now, now
        self._db.execute(
            "INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?)",
            (doc.doc_id, series, doc.fingerprint, added, updated),
        )

    def _previous_version(self, doc: ExtractedDocument) -> tuple[str, float] | None:
        """(series, added) of another document indexed from one of `doc`'s paths."""
        marks = ",".join("?" * len(doc.paths))
        return self._db.execute(
            "SELECT h.series, h.added FROM files f JOIN history h ON h.doc_id = f.doc_id "
            f"WHERE f.path IN ({marks}) AND f.doc_id != ? ORDER BY h.added LIMIT 1",
            (*doc.paths, doc.doc_id),
        ).fetchone()

    def history(self) -> dict[str, DocHistory]:
        """doc_id -> its history, for every document that has one."""
        if not self._has_history:
            return {}
        rows = self._db.execute("SELECT doc_id, series, added, updated FROM history")
        return {row[0]: DocHistory(*row) for row in rows}

    def import_history(self, other: Path) -> None:
        """Take the history of another generation's catalog (a fresh rebuild keeps the dates)."""
        if not (Path(other) / CATALOG_FILE).is_file():
            return
        with Catalog(other) as source:
            if not source._has_history:
                return
            rows = source._db.execute("SELECT * FROM history").fetchall()
        self._db.executemany("INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?)", rows)

    def commit(self) -> None:
        self._db.commit()
