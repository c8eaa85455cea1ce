"""Document statuses: pending review, rejected, withdrawn (the `doc_status` table).

A document with no status row is published: visible per its visibility. The search layer reads
`statuses()` for every request (search/access.py says who sees what), so a change here takes
effect at the next search, without re-indexing. Each function records its own audit entry in
the same transaction; `by` is the acting user's name.
"""

from __future__ import annotations

import sqlite3

from acervo import audit
from acervo.db import now, transaction
from acervo.search.access import PENDING, REJECTED, WITHDRAWN, DocStatus


class StatusError(ValueError):
    """A status change that does not apply (e.g. approving a document that is not pending)."""


def statuses(conn: sqlite3.Connection) -> dict[str, DocStatus]:
    """doc_id -> status of every document that is not simply published."""
    rows = conn.execute("SELECT doc_id, status, owner FROM doc_status")
    return {row["doc_id"]: DocStatus(row["status"], row["owner"]) for row in rows}


def status_of(conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row | None:
    """The document's status row (status, owner, reason, updated_by, updated_at), or None."""
    return conn.execute("SELECT * FROM doc_status WHERE doc_id = ?", (doc_id,)).fetchone()


def set_pending(conn: sqlite3.Connection, doc_id: str, uploader: str) -> None:
    """An upload waiting for a curator: seen by its uploader and curators only."""
    with transaction(conn):
        _set(conn, doc_id, PENDING, owner=uploader, by=uploader)
        audit.record(conn, uploader, "doc.pending", doc_id)


def approve(conn: sqlite3.Connection, doc_id: str, by: str) -> None:
    """A pending (or rejected) upload is published: visible per its visibility."""
    with transaction(conn):
        _require_status(conn, doc_id, (PENDING, REJECTED))
        conn.execute("DELETE FROM doc_status WHERE doc_id = ?", (doc_id,))
        audit.record(conn, by, "doc.approved", doc_id)


def reject(conn: sqlite3.Connection, doc_id: str, by: str, reason: str) -> None:
    """A pending upload is refused with a reason its uploader sees."""
    if not reason.strip():
        raise StatusError("Indique el motivo del rechazo: el contribuyente lo verá.")
    with transaction(conn):
        row = _require_status(conn, doc_id, (PENDING,))
        _set(conn, doc_id, REJECTED, owner=row["owner"], by=by, reason=reason.strip())
        audit.record(conn, by, "doc.rejected", doc_id, reason=reason.strip())


def withdraw(conn: sqlite3.Connection, doc_id: str, by: str, reason: str = "") -> None:
    """Hide a document from everyone but curators (its file and index entries are kept)."""
    with transaction(conn):
        row = status_of(conn, doc_id)
        if row is not None and row["status"] == WITHDRAWN:
            raise StatusError("El documento ya está retirado.")
        owner = row["owner"] if row is not None else None
        _set(conn, doc_id, WITHDRAWN, owner=owner, by=by, reason=reason.strip())
        audit.record(conn, by, "doc.withdrawn", doc_id, reason=reason.strip())


def restore(conn: sqlite3.Connection, doc_id: str, by: str) -> None:
    """Publish a withdrawn document again."""
    with transaction(conn):
        _require_status(conn, doc_id, (WITHDRAWN,))
        conn.execute("DELETE FROM doc_status WHERE doc_id = ?", (doc_id,))
        audit.record(conn, by, "doc.restored", doc_id)


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    """Drop the status of a document deleted for good (the caller records the deletion)."""
    conn.execute("DELETE FROM doc_status WHERE doc_id = ?", (doc_id,))


def _set(
    conn: sqlite3.Connection, doc_id: str, status: str, owner: str | None, by: str, reason: str = ""
) -> None:
    conn.execute(
        "INSERT INTO doc_status (doc_id, status, owner, reason, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (doc_id) DO UPDATE SET status = excluded.status, "
        "owner = excluded.owner, reason = excluded.reason, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        (doc_id, status, owner, reason, by, now()),
    )


def _require_status(conn: sqlite3.Connection, doc_id: str, wanted: tuple[str, ...]) -> sqlite3.Row:
    row = status_of(conn, doc_id)
    if row is None or row["status"] not in wanted:
        current = row["status"] if row is not None else "publicado"
        raise StatusError(
            f"El documento {doc_id} está {current}: esta acción solo se aplica a un documento "
            f"{' o '.join(wanted)}."
        )
    return row
