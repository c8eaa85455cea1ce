"""The repository's database: users, API tokens, document statuses, the audit log.

One SQLite file named in the configuration (`database`, by default `acervo.db` beside the index
folder), never inside an index generation: generations are replaced on every ingest, accounts
and the audit log are not. WAL mode lets the web server read while the CLI or the background
worker writes.

Migrations are versioned with the code: MIGRATIONS is an append-only list and the database's
`PRAGMA user_version` says how many of them it has run. To change the schema, append one
`Migration(name, sql)` at the end (never edit or reorder a released one); `connect()` runs the
missing ones in order, each in its own transaction, the first time a process opens the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 5000  # a writer (CLI, worker) holds the lock for milliseconds; wait for it
DATABASE_FILE = "acervo.db"


class DatabaseError(RuntimeError):
    """The database cannot be opened or upgraded; the message says what to do."""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str  # one or more statements


MIGRATIONS: list[Migration] = [
    Migration(
        "accounts, tokens, document statuses, audit",
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL CHECK (role IN ('lector', 'contribuyente', 'curador', 'admin')),
            password_hash TEXT,  -- argon2id; NULL until `acervo users set-password`
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE user_agencies (
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            agency TEXT NOT NULL,  -- a code of acervo/vocab/agencies.csv
            PRIMARY KEY (user_id, agency)
        );
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the token: it is shown once
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        -- Documents that are not simply published: pending review, rejected, withdrawn.
        -- A document without a row here is visible per its visibility.
        CREATE TABLE doc_status (
            doc_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('pendiente', 'rechazado', 'retirado')),
            owner TEXT,  -- the uploader's user name (sees a pending or rejected upload)
            reason TEXT NOT NULL DEFAULT '',
            updated_by TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,  -- UTC, ISO 8601
            actor TEXT,  -- user name; NULL for an anonymous visitor or the system
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',  -- a user name, a document id...
            detail TEXT NOT NULL DEFAULT '{}'  -- JSON: before/after, reason, address...
        );
        CREATE INDEX audit_at ON audit (at);
        """,
    ),
    Migration(
        "saved searches, private feeds and e-mail digests (acervo/saved.py)",
        """
        ALTER TABLE users ADD COLUMN email TEXT;  -- where the digests go; NULL: no digests
        ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'es';  -- of the digests
        CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            query_string TEXT NOT NULL,  -- the search's URL parameters (web/params.py)
            created_at TEXT NOT NULL,
            seen_at REAL NOT NULL,  -- UNIX time the user last opened it
            feed_token_hash TEXT UNIQUE,  -- SHA-256 of the private feed's secret; NULL: none
            digest TEXT NOT NULL DEFAULT 'none' CHECK (digest IN ('none', 'daily', 'weekly')),
            digest_until REAL NOT NULL,  -- documents updated after it go in the next digest
            digest_checked_at REAL NOT NULL DEFAULT 0,  -- when the last digest was decided
            unsubscribe_token TEXT NOT NULL UNIQUE,
            UNIQUE (user_id, name)
        );
        -- Digests decided but not yet taken by the SMTP server (web/digest.py).
        CREATE TABLE digest_outbox (
            id INTEGER PRIMARY KEY,
            saved_id INTEGER NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
            recipient TEXT NOT NULL,
            message BLOB NOT NULL,  -- the complete e-mail, as it is sent
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    Migration(
        "upload and ingest jobs (acervo/jobs.py)",
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,  -- upload | metadata | delete | retry
            state TEXT NOT NULL,  -- queued | processing | indexed | failed | duplicate
            user TEXT NOT NULL,  -- who asked
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',  -- as uploaded
            path TEXT NOT NULL DEFAULT '',  -- the file in the corpus
            sha256 TEXT NOT NULL DEFAULT '',
            doc_id TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',  -- why it failed (the run report's reason)
            actor TEXT NOT NULL DEFAULT '',  -- who must act on a failure
            duplicate_of TEXT NOT NULL DEFAULT '',  -- doc id of the copy already in the repository
            similar TEXT NOT NULL DEFAULT '[]',  -- doc ids of versions and editions ingest found
            run TEXT NOT NULL DEFAULT ''  -- the ingest run that handled it
        );
        -- Two uploads of the same bytes at once: the second finds the first.
        CREATE UNIQUE INDEX jobs_same_upload ON jobs (sha256)
            WHERE kind = 'upload' AND state IN ('queued', 'processing');
        CREATE INDEX jobs_by_state ON jobs (state);
        """,
    ),
    Migration(
        "login rate limit counters shared by the server's processes (web/ratelimit.py)",
        """
        CREATE TABLE rate_limits (
            key TEXT PRIMARY KEY,  -- Flask-Limiter's key: the limit, the client address
            count INTEGER NOT NULL,
            expires REAL NOT NULL  -- UNIX time the window ends
        );
        """,
    ),
]


def default_path(index_dir: Path) -> Path:
    """`acervo.db` in the folder that holds the index folder (beside it, not inside it)."""
    return Path(index_dir).resolve().parent / DATABASE_FILE


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating and upgrading if needed) the database at `path`; rows are sqlite3.Row."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        _migrate(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"No se pudo abrir la base de datos {path} ({exc}). Compruebe que la carpeta existe "
            "y se puede escribir, o elija otra con `database` en acervo.toml (ACERVO_DB)."
        ) from exc
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _migrate(conn: sqlite3.Connection) -> None:
    if schema_version(conn) > len(MIGRATIONS):
        raise DatabaseError(
            f"La base de datos es de una versión más nueva de Acervo (esquema "
            f"{schema_version(conn)}, esta versión conoce {len(MIGRATIONS)}): actualice Acervo."
        )
    while schema_version(conn) < len(MIGRATIONS):
        # IMMEDIATE: two processes opening a new file at once run each migration once
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version < len(MIGRATIONS):
                for statement in _statements(MIGRATIONS[version].sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(sql: str) -> list[str]:
    """The statements of a script (executescript() would commit our transaction first)."""
    statements, pending = [], ""
    for piece in sql.split(";"):
        pending += piece + ";"
        # a ';' inside a comment or a string literal does not end a statement
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if s.strip(" ;\n")]


def now() -> str:
    """The current UTC time as stored in the database (ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an error: a change and its audit entry are
    written together or not at all (connections from `connect` are in autocommit mode)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
