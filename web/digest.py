"""E-mail digests of saved searches (`acervo digest`, run by cron): what is new since the last one.

A run has two steps, each safe to interrupt:
1. *Decide.* For every saved search whose daily or weekly digest is due, search the documents
   added or updated after the last digest, as its owner may see them. Nothing new: only the
   clock moves (no mail). Something new: the complete message goes into the outbox and the
   saved search's clock moves, in one transaction, so a message is decided exactly once.
2. *Deliver.* Every message of the outbox is sent over SMTP and deleted once the server took
   it. A server that is down or refuses leaves the message in the outbox with the error; the
   next run sends it (nothing is lost, nothing already sent is sent again).

Messages are written in the user's language from templates (text and HTML parts), inside a
request context on BASE_URL so every link is absolute.
"""

from __future__ import annotations

import smtplib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from itertools import groupby
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from werkzeug.datastructures import MultiDict

from acervo import accounts, db, saved
from acervo.search.errors import SearchError
from acervo.search.models import SearchHit, SearchRequest
from acervo.search.searcher import Searcher
from acervo.web import auth, params

DIGEST_SIZE = 25  # documents listed in one message (the rest: "and N more", with the link)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "acervo@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout_s: float = 30.0


@dataclass(frozen=True)
class DigestReport:
    due: int = 0  # saved searches whose digest was due
    queued: int = 0  # messages decided this run
    sent: int = 0  # messages the SMTP server took (this run's and older ones)
    pending: int = 0  # messages left in the outbox for the next run
    errors: tuple[str, ...] = ()


def run_digests(app: Flask, smtp: SmtpSettings, at: float | None = None) -> DigestReport:
    """Decide the due digests, then deliver the outbox (see the module docstring)."""
    at = time.time() if at is None else at
    base = app.config.get("BASE_URL") or "http://localhost:8000/"
    with app.test_request_context("/", base_url=base):
        conn = auth.get_db()
        due = saved.due_digests(conn, at)
        queued, errors = 0, []
        # one searcher per user: what a user may see is worked out once for all their searches
        for user_id, searches in groupby(sorted(due, key=_owner), key=_owner):
            user = accounts.get_user_by_id(conn, user_id)
            contact = conn.execute("SELECT email, language FROM users WHERE id = ?", (user_id,))
            email, language = contact.fetchone()
            if user is None or not email:
                continue
            with auth.open_searcher(auth.access_for(user.viewer())) as searcher:
                for search in searches:
                    try:
                        queued += _decide(conn, searcher, search, (email, language), at)
                    except SearchError as exc:  # a saved search that no longer parses
                        errors.append(f"«{search.name}» (#{search.id}): {exc}")
        sent, pending, smtp_errors = deliver(conn, smtp)
    return DigestReport(len(due), queued, sent, pending, (*errors, *smtp_errors))


def request_of(search: saved.SavedSearch) -> SearchRequest:
    return params.parse_request(MultiDict(parse_qsl(search.query_string)))


def _owner(search: saved.SavedSearch) -> int:
    return search.user_id


def _decide(
    conn: sqlite3.Connection,
    searcher: Searcher,
    search: saved.SavedSearch,
    contact: tuple[str, str],
    at: float,
) -> int:
    """Queue the digest of `search` if something is new (1), else only move its clock (0)."""
    req = request_of(search)
    new = replace(req, updated_after=search.digest_until, sort="added", page=1,
                  per_page=DIGEST_SIZE, result_type="documents")  # fmt: skip
    result = searcher.search(new)
    # how far this digest went: the newest document of the generation searched
    until = max((h.updated for h in searcher.history.values()), default=search.digest_until)
    until = max(until, search.digest_until)
    with db.transaction(conn):
        conn.execute(
            "UPDATE saved_searches SET digest_until = ?, digest_checked_at = ? WHERE id = ?",
            (until, at, search.id),
        )
        if not result.total:
            return 0  # nothing new: no message
        email, language = contact
        message = compose(search, email, language, req, result.hits, result.total)
        conn.execute(
            "INSERT INTO digest_outbox (saved_id, recipient, message, created_at) "
            "VALUES (?, ?, ?, ?)",
            # CRLF line ends: smtplib sends bytes as they are (a server reads "\n" as one line)
            (search.id, email, message.as_bytes(policy=SMTP), db.now()),
        )
    return 1


def compose(
    search: saved.SavedSearch,
    recipient: str,
    language: str,
    req: SearchRequest,
    hits: tuple[SearchHit, ...],
    total: int,
) -> EmailMessage:
    """The digest e-mail: text and HTML parts in the user's language, absolute links."""
    unsubscribe = url_for("saved.unsubscribe", token=search.unsubscribe_token, _external=True)
    context = {
        "search": search,
        "hits": hits,
        "total": total,
        "more": total - len(hits),
        "search_link": url_for("saved.open_saved", saved_id=search.id, _external=True),
        "manage_link": url_for("saved.my_searches", _external=True),
        "unsubscribe": unsubscribe,
        "doc_link": lambda hit: url_for(
            "document.document_page", doc_id=hit.id, _external=True, **params.request_args(req)
        ),
    }
    with force_locale(language if language in saved.LANGUAGES else "es"):
        subject = ngettext(
            "Acervo: %(num)s documento nuevo para «%(name)s»",
            "Acervo: %(num)s documentos nuevos para «%(name)s»",
            total,
            name=search.name,
        )
        text = render_template("digest_email.txt", **context)
        html = render_template("digest_email.html", **context)
    message = EmailMessage()
    message["From"] = current_app.config.get("SMTP_FROM", "acervo@localhost")
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid("digest", domain=urlsplit(unsubscribe).hostname)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _outbox(conn: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    yield from conn.execute("SELECT id, recipient, message FROM digest_outbox ORDER BY id")


def deliver(conn: sqlite3.Connection, smtp: SmtpSettings) -> tuple[int, int, list[str]]:
    """Send the outbox; returns (sent, left in the outbox, errors). Each message is deleted
    from the outbox as soon as the server took it."""
    rows = list(_outbox(conn))
    if not rows:
        return 0, 0, []
    sent, errors = 0, []
    try:
        client = _connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"No se pudo conectar con el servidor SMTP {smtp.host}:{smtp.port} ({exc})."
        _failed(conn, [row["id"] for row in rows], error)
        return 0, len(rows), [error + " Los mensajes quedan para la próxima ejecución."]
    try:
        for n, row in enumerate(rows):
            try:
                client.sendmail(smtp.sender, [row["recipient"]], row["message"])
            except smtplib.SMTPServerDisconnected as exc:
                error = f"El servidor SMTP cortó la conexión ({exc})."
                _failed(conn, [r["id"] for r in rows[n:]], error)
                errors.append(error + " Los mensajes restantes quedan para la próxima ejecución.")
                break
            except (smtplib.SMTPException, OSError) as exc:
                error = f"El servidor SMTP rechazó el mensaje para {row['recipient']} ({exc})."
                _failed(conn, [row["id"]], error)
                errors.append(error)
                continue
            with db.transaction(conn):
                conn.execute("DELETE FROM digest_outbox WHERE id = ?", (row["id"],))
            sent += 1
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the connection is gone already: what was sent is recorded
    pending = conn.execute("SELECT COUNT(*) FROM digest_outbox").fetchone()[0]
    return sent, pending, errors


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    if smtp.starttls:
        client.starttls()
    if smtp.user:
        client.login(smtp.user, smtp.password)
    return client


def _failed(conn: sqlite3.Connection, ids: list[int], error: str) -> None:
    with db.transaction(conn):
        conn.executemany(
            "UPDATE digest_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(error, i) for i in ids],
        )
