"""Users, roles, passwords and API tokens, kept in the database (acervo/db.py).

Roles, each allowed what the one before it is:
- `lector`: reads what its visibility allows (miembros documents; agencia ones of its agencies);
- `contribuyente`: also uploads and edits its agencies' documents;
- `curador`: also reviews uploads, edits any metadata, withdraws and restores; sees everything;
- `admin`: also manages users, deletes documents for good, reads the audit log and ingest runs.

Passwords are hashed with argon2id (argon2-cffi); API tokens are random 256-bit strings shown
once and stored as their SHA-256 (a token has all the entropy a slow hash would add). Every
change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import argon2

from acervo import audit, vocab
from acervo.db import now, transaction
from acervo.search.access import ANONYMOUS, Viewer

ROLES: tuple[str, ...] = ("lector", "contribuyente", "curador", "admin")
ROLE_LABELS = {"lector": "lector", "contribuyente": "contribuyente", "curador": "curador(a)"}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
TOKEN_PREFIX = "acv_"  # so a leaked token is recognisable (secret scanners, logs)
# The least role each action needs; `edit` also needs a shared agency below curator.
ACTIONS: dict[str, str] = {
    "upload": "contribuyente",
    "edit": "contribuyente",
    "review": "curador",
    "edit_any": "curador",
    "withdraw": "curador",
    "delete": "admin",
    "manage_users": "admin",
    "audit": "admin",
    "runs": "admin",
}

_hasher = argon2.PasswordHasher()
# Verified against when the user does not exist, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user command that cannot be done; the message says why and what to do (Spanish)."""


@dataclass(frozen=True)
class User:
    """A user account. Implements what Flask-Login asks of a user object."""

    id: int
    name: str
    role: str
    agencies: tuple[str, ...] = ()
    disabled: bool = False

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.disabled

    def get_id(self) -> str:
        return str(self.id)

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def viewer(self) -> Viewer:
        """Who this user is to the search layer (search/access.py)."""
        return Viewer(self.name, frozenset(self.agencies), sees_all=self.at_least("curador"))


class AnonymousUser:
    """A visitor who has not logged in (Flask-Login's anonymous_user)."""

    id = None
    name = None
    role = None
    agencies: tuple[str, ...] = ()
    disabled = False
    is_authenticated = False
    is_active = False
    is_anonymous = True

    def get_id(self) -> None:
        return None

    def at_least(self, role: str) -> bool:
        return False

    def viewer(self) -> Viewer:
        return ANONYMOUS


def can(user: User | AnonymousUser, action: str, doc: object | None = None) -> bool:
    """Whether `user` may do `action` (a key of ACTIONS), on `doc` (anything with `agencies`)
    for `edit`. Reading is decided by the search layer (search/access.py), not here."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not user.is_active or not user.at_least(ACTIONS[action]):
        return False
    if action == "edit" and doc is not None and not user.at_least("curador"):
        return not set(user.agencies).isdisjoint(getattr(doc, "agencies", ()))
    return True


# ---- reading ------------------------------------------------------------------------------


def get_user(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _user(conn, row) if row else None


def get_user_by_id(conn: sqlite3.Connection, user_id: int | str) -> User | None:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    row = conn.execute("SELECT * FROM users WHERE id = ?", (key,)).fetchone()
    return _user(conn, row) if row else None


def list_users(conn: sqlite3.Connection) -> list[User]:
    return [_user(conn, row) for row in conn.execute("SELECT * FROM users ORDER BY name")]


def _user(conn: sqlite3.Connection, row: sqlite3.Row) -> User:
    agencies = conn.execute(
        "SELECT agency FROM user_agencies WHERE user_id = ? ORDER BY agency", (row["id"],)
    )
    return User(
        row["id"], row["name"], row["role"], tuple(a[0] for a in agencies), bool(row["disabled"])
    )


def _require(conn: sqlite3.Connection, name: str) -> User:
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"No existe el usuario «{name}» (vea `acervo users list`).")
    return user


# ---- changing -----------------------------------------------------------------------------


def add_user(
    conn: sqlite3.Connection,
    name: str,
    role: str,
    agencies: Iterable[str] = (),
    by: str | None = None,
) -> User:
    """Create a user (no password yet: `set_password`). Agencies are names or acronyms of
    acervo/vocab/agencies.csv in Spanish or English (`UNHCR` is ACNUR)."""
    if not USER_NAME.fullmatch(name):
        raise AccountError(
            f"Nombre de usuario no válido «{name}»: de 2 a 64 letras sin acentos, cifras, "
            "y . _ @ - (sin espacios)."
        )
    if role not in ROLES:
        raise AccountError(f"Rol desconocido «{role}»: use uno de {', '.join(ROLES)}.")
    codes = agency_codes(agencies)
    if role == "contribuyente" and not codes:
        raise AccountError("Un contribuyente pertenece al menos a una agencia: use --agency.")
    with transaction(conn):
        if get_user(conn, name) is not None:
            raise AccountError(f"Ya existe el usuario «{name}».")
        cursor = conn.execute(
            "INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)", (name, role, now())
        )
        conn.executemany(
            "INSERT INTO user_agencies (user_id, agency) VALUES (?, ?)",
            [(cursor.lastrowid, code) for code in codes],
        )
        audit.record(conn, by, "user.added", name, role=role, agencies=list(codes))
    return _require(conn, name)


def agency_codes(names: Iterable[str]) -> tuple[str, ...]:
    """Canonical codes for agency names or acronyms; AccountError listing the valid ones."""
    codes = []
    for name in names:
        code = vocab.resolve("agency", name)
        if code is None:
            valid = ", ".join(term.code for term in vocab.agencies())
            raise AccountError(f"Agencia desconocida «{name}». Agencias válidas: {valid}.")
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def set_disabled(
    conn: sqlite3.Connection, name: str, disabled: bool = True, by: str | None = None
) -> User:
    """Disable (or enable again) a user: a disabled user cannot log in, its session and tokens
    stop working at the next request."""
    with transaction(conn):
        user = _require(conn, name)
        conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user.id))
        audit.record(conn, by, "user.disabled" if disabled else "user.enabled", name)
    return _require(conn, name)


def set_password(conn: sqlite3.Connection, name: str, password: str, by: str | None = None) -> None:
    _require(conn, name)
    check_password_strength(password)
    hashed = _hasher.hash(password)
    with transaction(conn):
        user = _require(conn, name)
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (hashed, user.id))
        audit.record(conn, by, "user.password", name)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(
            f"La contraseña es demasiado corta: use al menos {MIN_PASSWORD_CHARS} caracteres."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"La contraseña es demasiado larga (más de {MAX_PASSWORD_CHARS}).")


def authenticate(conn: sqlite3.Connection, name: str, password: str) -> User | None:
    """The active user with that name and password, or None (the caller records the failure)."""
    row = conn.execute(
        "SELECT * FROM users WHERE name = ?", (name[:MAX_PASSWORD_CHARS],)
    ).fetchone()
    stored = row["password_hash"] if row is not None and row["password_hash"] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password[:MAX_PASSWORD_CHARS])
    except argon2.exceptions.VerificationError:
        return None
    except argon2.exceptions.InvalidHashError:
        return None
    if row is None or stored is _DUMMY_HASH or row["disabled"]:
        return None
    if _hasher.check_needs_rehash(stored):  # parameters raised since it was hashed
        conn.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), row["id"])
        )
    return _user(conn, row)


def new_token(conn: sqlite3.Connection, name: str, by: str | None = None) -> str:
    """A new API token for `name`: returned once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(conn):
        user = _require(conn, name)
        conn.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)",
            (user.id, _token_hash(token), now()),
        )
        audit.record(conn, by, "user.token", name)
    return token


def revoke_tokens(conn: sqlite3.Connection, name: str, by: str | None = None) -> int:
    """Revoke every token of `name`; returns how many were still valid."""
    with transaction(conn):
        user = _require(conn, name)
        revoked = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (now(), user.id),
        ).rowcount
        audit.record(conn, by, "user.tokens_revoked", name, count=revoked)
    return revoked


def user_for_token(conn: sqlite3.Connection, token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to, else None."""
    row = conn.execute(
        "SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id "
        "WHERE tokens.token_hash = ? AND tokens.revoked_at IS NULL",
        (_token_hash(token),),
    ).fetchone()
    if row is None or row["disabled"]:
        return None
    return _user(conn, row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
