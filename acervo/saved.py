"""Saved searches: a user's named searches, their private feeds and their e-mail digests.

Kept in the repository database (acervo/db.py, the "saved searches" migration). A saved search
stores its URL parameters (web/params.py writes and reads them), so it is exactly the search the
user saw. `seen_at` is when the user last opened it ("N nuevos" counts documents updated after
it); `digest_until` is how far the last digest went (documents updated after it go in the next
one) and `digest_checked_at` when it was decided (the next is due a day or a week later). A
private feed's secret token is shown in its URL once and stored as its SHA-256 (like API
tokens); revoking it forgets the hash, so a revoked and a never-issued token look the same.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from acervo.db import now, transaction

DIGESTS: tuple[str, ...] = ("none", "daily", "weekly")
DIGEST_PERIOD_S = {"daily": 86400, "weekly": 7 * 86400}
# A digest run a little early (cron drift) still counts: a daily digest is due after 23 hours.
DIGEST_SLACK_S = 3600
MAX_NAME_CHARS = 120
MAX_SAVED_PER_USER = 200
LANGUAGES = ("es", "en")


class SavedSearchError(ValueError):
    """A change to saved searches that cannot be made; the message says why (Spanish)."""


@dataclass(frozen=True)
class SavedSearch:
    id: int
    user_id: int
    name: str
    query_string: str  # the search's URL parameters, as web/params.py writes them
    seen_at: float  # UNIX time the user last opened it
    digest: str  # one of DIGESTS
    digest_until: float  # documents updated after it go in the next digest
    digest_checked_at: float  # when the last digest was decided (sent, or nothing was new)
    has_feed: bool
    unsubscribe_token: str


def _row(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        query_string=row["query_string"],
        seen_at=row["seen_at"],
        digest=row["digest"],
        digest_until=row["digest_until"],
        digest_checked_at=row["digest_checked_at"],
        has_feed=row["feed_token_hash"] is not None,
        unsubscribe_token=row["unsubscribe_token"],
    )


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SavedSearchError("Escriba un nombre para la búsqueda.")
    if len(name) > MAX_NAME_CHARS:
        raise SavedSearchError(f"El nombre es demasiado largo: use como máximo {MAX_NAME_CHARS}.")
    return name


def _check_digest(digest: str) -> str:
    if digest not in DIGESTS:
        raise SavedSearchError(f"Frecuencia desconocida «{digest[:20]}»: use {', '.join(DIGESTS)}.")
    return digest


def save(
    conn: sqlite3.Connection, user_id: int, name: str, query_string: str, at: float
) -> SavedSearch:
    """Save a search under `name` (unique per user); `at` starts both "new since" clocks."""
    name = _check_name(name)
    count = conn.execute("SELECT COUNT(*) FROM saved_searches WHERE user_id = ?", (user_id,))
    if count.fetchone()[0] >= MAX_SAVED_PER_USER:
        raise SavedSearchError(
            f"Ya tiene {MAX_SAVED_PER_USER} búsquedas guardadas: "
            "borre alguna antes de guardar otra."
        )
    try:
        with transaction(conn):
            cursor = conn.execute(
                "INSERT INTO saved_searches (user_id, name, query_string, created_at, seen_at, "
                "digest_until, unsubscribe_token) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (user_id, name, query_string, now(), at, at, secrets.token_urlsafe(24)),
            )
    except sqlite3.IntegrityError as exc:
        raise SavedSearchError(f"Ya tiene una búsqueda guardada con el nombre «{name}».") from exc
    return get(conn, user_id, cursor.lastrowid or 0)  # type: ignore[return-value]


def get(conn: sqlite3.Connection, user_id: int, saved_id: int) -> SavedSearch | None:
    """The user's saved search `saved_id`, or None (also when it is another user's)."""
    row = conn.execute(
        "SELECT * FROM saved_searches WHERE id = ? AND user_id = ?", (saved_id, user_id)
    ).fetchone()
    return _row(row) if row else None


def list_for(conn: sqlite3.Connection, user_id: int) -> list[SavedSearch]:
    rows = conn.execute(
        "SELECT * FROM saved_searches WHERE user_id = ? ORDER BY name COLLATE NOCASE", (user_id,)
    )
    return [_row(row) for row in rows]


def update(
    conn: sqlite3.Connection,
    saved: SavedSearch,
    *,
    name: str | None = None,
    query_string: str | None = None,
    digest: str | None = None,
) -> SavedSearch:
    """Rename it, change its search or its digest frequency."""
    values = {
        "name": _check_name(name) if name is not None else saved.name,
        "query_string": query_string if query_string is not None else saved.query_string,
        "digest": _check_digest(digest) if digest is not None else saved.digest,
    }
    try:
        with transaction(conn):
            conn.execute(
                "UPDATE saved_searches SET name = ?, query_string = ?, digest = ? WHERE id = ?",
                (values["name"], values["query_string"], values["digest"], saved.id),
            )
    except sqlite3.IntegrityError as exc:
        raise SavedSearchError(
            f"Ya tiene una búsqueda guardada con el nombre «{values['name']}»."
        ) from exc
    return get(conn, saved.user_id, saved.id)  # type: ignore[return-value]


def delete(conn: sqlite3.Connection, saved: SavedSearch) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved.id,))


def set_contact(conn: sqlite3.Connection, user_id: int, email: str | None, language: str) -> None:
    """Where and in which language the user's digests go (no address: no digests)."""
    with transaction(conn):
        conn.execute(
            "UPDATE users SET email = ?, language = ? WHERE id = ?", (email, language, user_id)
        )


def mark_seen(conn: sqlite3.Connection, saved: SavedSearch, at: float) -> None:
    with transaction(conn):
        conn.execute("UPDATE saved_searches SET seen_at = ? WHERE id = ?", (at, saved.id))


# ---- private feeds -------------------------------------------------------------------------


def new_feed_token(conn: sqlite3.Connection, saved: SavedSearch) -> str:
    """A new secret for the saved search's private feed (the old one stops working)."""
    token = secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute(
            "UPDATE saved_searches SET feed_token_hash = ? WHERE id = ?",
            (_hash(token), saved.id),
        )
    return token


def revoke_feed(conn: sqlite3.Connection, saved: SavedSearch) -> None:
    with transaction(conn):
        conn.execute("UPDATE saved_searches SET feed_token_hash = NULL WHERE id = ?", (saved.id,))


def by_feed_token(conn: sqlite3.Connection, token: str) -> SavedSearch | None:
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT * FROM saved_searches WHERE feed_token_hash = ?", (_hash(token),)
    ).fetchone()
    return _row(row) if row else None


def by_unsubscribe_token(conn: sqlite3.Connection, token: str) -> SavedSearch | None:
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT * FROM saved_searches WHERE unsubscribe_token = ?", (token,)
    ).fetchone()
    return _row(row) if row else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- digests -------------------------------------------------------------------------------


def due_digests(conn: sqlite3.Connection, at: float) -> list[SavedSearch]:
    """Saved searches whose daily or weekly digest is due at `at`, of active users with an
    e-mail address."""
    rows = conn.execute(
        "SELECT s.* FROM saved_searches s JOIN users u ON u.id = s.user_id "
        "WHERE s.digest != 'none' AND u.disabled = 0 AND u.email IS NOT NULL AND u.email != '' "
        "ORDER BY s.id"
    )
    found = []
    for row in rows:
        saved = _row(row)
        if at - saved.digest_checked_at >= DIGEST_PERIOD_S[saved.digest] - DIGEST_SLACK_S:
            found.append(saved)
    return found
