"""The audit log: who did what, when, to what (with before/after for metadata), in the database.

Every change to users, every failed login and every upload, approval, rejection, metadata edit,
withdrawal, restoration and deletion is one row. Call `record()` in the same transaction as the
change it describes (pass the connection that made it). Administrators read it at /admin/auditoria
(and as CSV), the shell with `acervo audit`.

Action names used so far (add yours here):
    login.failed, user.added, user.disabled, user.enabled, user.password, user.token,
    user.tokens_revoked, doc.pending, doc.approved, doc.rejected, doc.withdrawn, doc.restored,
    doc.uploaded, doc.edited (detail: before, after), doc.deleted, doc.upload_failed,
    ingest.retry (target: path)
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from acervo.db import now
from acervo.search.export import neutralise

CSV_COLUMNS = ("at", "actor", "action", "target", "detail")
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class Entry:
    id: int
    at: str  # UTC, ISO 8601
    actor: str | None  # None: an anonymous visitor or the system
    action: str
    target: str
    detail: dict

    def detail_text(self) -> str:
        return json.dumps(self.detail, ensure_ascii=False, sort_keys=True) if self.detail else ""


def record(
    conn: sqlite3.Connection, actor: str | None, action: str, target: str = "", **detail: object
) -> None:
    """Add one entry. `detail` is anything JSON can hold: before/after values, a reason..."""
    conn.execute(
        "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (now(), actor, action, target, json.dumps(detail, ensure_ascii=False, default=str)),
    )


def entries(
    conn: sqlite3.Connection,
    limit: int | None = DEFAULT_LIMIT,
    action: str = "",
    actor: str = "",
) -> list[Entry]:
    """The newest entries first, optionally only one action (or its prefix: `doc.`) or actor."""
    sql, args = "SELECT * FROM audit WHERE 1=1", []
    if action:
        sql, args = sql + " AND (action = ? OR action LIKE ?)", [*args, action, f"{action}%"]
    if actor:
        sql, args = sql + " AND actor = ?", [*args, actor]
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql, args = sql + " LIMIT ?", [*args, limit]
    return [_entry(row) for row in conn.execute(sql, args)]


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        row["id"], row["at"], row["actor"], row["action"], row["target"], json.loads(row["detail"])
    )


def csv_chunks(rows: Iterable[Entry]) -> Iterator[str]:
    """The entries as CSV (a header row first), one chunk per row, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        cells = (entry.at, entry.actor or "", entry.action, entry.target, entry.detail_text())
        writer.writerow([neutralise(cell) for cell in cells])  # no formulas in a spreadsheet
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
