"""Flask-Limiter's counters in the repository database, so a limit holds across processes.

`acervo serve` runs one process per core, each with its own memory: with the `limits` library's
memory storage every process counted failed logins by itself, and "5 per minute" let a client
try 5 times per process. This is a storage backend for `limits` (its documented extension
point: a `Storage` subclass registers its URI scheme), keeping each window's counter in the
`rate_limits` table of the database every process already opens (acervo/db.py; WAL, a busy
timeout). The limiting itself (keys, windows, when to count) stays Flask-Limiter's; only the
login form is limited, so the table sees one write per failed login.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from limits.storage import Storage

from acervo import db

SCHEME = "acervo-db"


def storage_uri(database: Path | str) -> str:
    """The Flask-Limiter `storage_uri` of the repository database at `database`."""
    return f"{SCHEME}://{Path(database).resolve()}"


class DatabaseStorage(Storage):
    """Fixed-window counters (Flask-Limiter's default strategy) in one SQLite table."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        self.path = Path(uri.removeprefix(f"{SCHEME}://"))
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return sqlite3.Error, db.DatabaseError

    def _run(self, sql: str, params: tuple = (), purge: bool = False) -> list[sqlite3.Row]:
        conn = db.connect(self.path)
        try:
            if purge:  # windows of other clients that ended: no row per address forever
                conn.execute("DELETE FROM rate_limits WHERE expires <= ?", (time.time(),))
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        # one statement: two processes counting the same key at once both count
        rows = self._run(
            "INSERT INTO rate_limits (key, count, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN expires <= ? THEN excluded.count ELSE count + excluded.count END, "
            "expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
            "RETURNING count",
            (key, amount, now + expiry, now, now),
            purge=True,
        )
        return int(rows[0]["count"])

    def get(self, key: str) -> int:
        rows = self._run(
            "SELECT count FROM rate_limits WHERE key = ? AND expires > ?", (key, time.time())
        )
        return int(rows[0]["count"]) if rows else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        sql = "SELECT expires FROM rate_limits WHERE key = ? AND expires > ?"
        rows = self._run(sql, (key, now))
        return float(rows[0]["expires"]) if rows else now

    def check(self) -> bool:
        try:
            self._run("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return len(self._run("DELETE FROM rate_limits RETURNING key"))

    def clear(self, key: str) -> None:
        self._run("DELETE FROM rate_limits WHERE key = ?", (key,))
