"""E-mail digests through a real SMTP server on loopback (aiosmtpd), the messages parsed with the
email package: what is new since the last digest, in the user's language, never twice, nothing
lost when the server is down or drops the connection half-way."""

from __future__ import annotations

import email
import re
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from test_saved import PASSWORD, add_document, doc, make_app, users_db  # noqa: F401

from acervo import db, saved
from acervo.cli import main
from acervo.web.digest import SmtpSettings, run_digests

DAY = 86400


class Inbox:
    """An aiosmtpd handler keeping every message; `drop_after` messages, it hangs up."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.drop_after: int | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()  # the server goes away mid-run
            return "421 closing"
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def inbox() -> Iterator[tuple[Inbox, SmtpSettings]]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, SmtpSettings("127.0.0.1", controller.port, sender="acervo@acervo.test")
    finally:
        controller.stop()


@pytest.fixture()
def app(tmp_path: Path, users_db: Path) -> Flask:  # noqa: F811
    return make_app(tmp_path, users_db, SMTP_FROM="acervo@acervo.test")


def follow(app: Flask, user: str, name: str, query: str, email_to: str, lang: str = "es") -> int:
    """A saved search of `user` with a daily digest, saved 5 days ago."""
    conn = db.connect(app.config["DATABASE"])
    user_id = conn.execute("SELECT id FROM users WHERE name = ?", (user,)).fetchone()[0]
    saved.set_contact(conn, user_id, email_to, lang)
    search = saved.save(conn, user_id, name, query, time.time() - 5 * DAY)
    saved.update(conn, search, digest="daily")
    conn.close()
    return search.id


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_digest_lists_what_is_new_once_in_the_users_language(app: Flask, inbox) -> None:
    handler, smtp = inbox
    follow(app, "ana", "Salud", "q=salud", "ana@example.org")
    follow(app, "beto", "Health", "q=salud", "beto@example.org", lang="en")
    add_document(app, doc(7, "Salud mental en Manabí", "UNICEF"),
                 doc(8, "Salud en Quito, nueva (solo OIM)", "OIM", "agencia"))  # fmt: skip
    report = run_digests(app, smtp)
    assert (report.due, report.queued, report.sent, report.pending) == (2, 2, 2, 0), report.errors
    by_to = {m["To"]: m for m in handler.messages}
    ana = by_to["ana@example.org"]
    assert ana["From"] == "acervo@acervo.test"
    assert ana["Subject"] == "Acervo: 2 documentos nuevos para «Salud»"
    assert ana["List-Unsubscribe"].strip().startswith("<http://acervo.test/resumen/baja/")
    text, html = parts(ana)
    assert "Salud mental en Manabí" in text and "Salud en Quito, nueva (solo OIM)" in text
    assert "Salud en Carchi" not in text  # old: it was there before the last digest
    assert "UNICEF · 2023" in text and "pág. 1: " in text
    links = re.findall(r'href="([^"]+)"', html)
    doc_link = re.compile(r"http://acervo\.test/documento/[0-9a-f]{16}\?q=salud")
    assert any(doc_link.fullmatch(u) for u in links)
    assert "<mark" in html  # the best passage with the query's words marked
    # beto is in no agency: the OIM-only study is not in his digest; English
    beto = by_to["beto@example.org"]
    assert beto["Subject"] == "Acervo: 1 new document for «Health»"
    text, _ = parts(beto)
    assert "solo OIM" not in text and "Stop receiving this digest" in text

    # the next day nothing is new: no message at all
    again = run_digests(app, smtp, at=time.time() + DAY)
    assert (again.due, again.queued, again.sent) == (2, 0, 0) and len(handler.messages) == 2


def test_unsubscribe_link_stops_the_digest(app: Flask, inbox) -> None:
    handler, smtp = inbox
    follow(app, "ana", "Salud", "q=salud", "ana@example.org")
    add_document(app, doc(7, "Salud mental en Manabí", "UNICEF"))
    run_digests(app, smtp)
    link = re.search(r"http://acervo\.test(/resumen/baja/\S+)", parts(handler.messages[0])[0])[1]
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert "¿Dejar de recibir el resumen de la búsqueda «Salud»?" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    done = client.post(link, data={"csrf_token": token}).get_data(as_text=True)
    assert "Ya no recibirá el resumen de «Salud»." in done
    add_document(app, doc(9, "Salud y empleo", "OIT"))
    assert run_digests(app, smtp, at=time.time() + DAY).due == 0
    assert client.get("/resumen/baja/no-existe").status_code == 404


def test_smtp_down_is_reported_and_retried_next_run(app: Flask, inbox) -> None:
    handler, smtp = inbox
    follow(app, "ana", "Salud", "q=salud", "ana@example.org")
    add_document(app, doc(7, "Salud mental en Manabí", "UNICEF"))
    down = SmtpSettings("127.0.0.1", free_port(), sender=smtp.sender, timeout_s=2)
    report = run_digests(app, down)
    assert (report.queued, report.sent, report.pending) == (1, 0, 1)
    assert "No se pudo conectar con el servidor SMTP 127.0.0.1" in report.errors[0]
    retry = run_digests(app, smtp)  # not due again, but the outbox is delivered
    assert (retry.queued, retry.sent, retry.pending) == (0, 1, 0)
    assert len(handler.messages) == 1
    assert "Salud mental en Manabí" in parts(handler.messages[0])[0]
    assert run_digests(app, smtp).sent == 0 and len(handler.messages) == 1


def test_a_run_cut_half_way_sends_the_rest_later_and_nothing_twice(app: Flask, inbox) -> None:
    handler, smtp = inbox
    for n in range(3):
        follow(app, "ana", f"Salud {n}", "q=salud", "ana@example.org")
    add_document(app, doc(7, "Salud mental en Manabí", "UNICEF"))
    handler.drop_after = 1  # the server takes one message, then hangs up
    cut = run_digests(app, smtp)
    assert (cut.queued, cut.sent, cut.pending) == (3, 1, 2) and cut.errors
    handler.drop_after = None
    rest = run_digests(app, smtp)
    assert (rest.queued, rest.sent, rest.pending) == (0, 2, 0)
    subjects = sorted(m["Subject"] for m in handler.messages)  # each saved search once
    assert subjects == [f"Acervo: 1 documento nuevo para «Salud {n}»" for n in range(3)]


def test_acervo_digest_command(app: Flask, inbox, tmp_path: Path, capsys) -> None:
    handler, smtp = inbox
    follow(app, "ana", "Salud", "q=salud", "ana@example.org")
    add_document(app, doc(7, "Salud mental en Manabí", "UNICEF"))
    config = tmp_path / "acervo.toml"
    config.write_text(
        f'[acervo]\nindex_dir = "{app.config["INDEX_DIR"]}"\n'
        f'database = "{app.config["DATABASE"]}"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp.port}\nsmtp_from = "acervo@acervo.test"\n'
        'base_url = "https://acervo.example.org/"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "digest"]) == 0
    out = capsys.readouterr().out
    assert "1 enviados" in out
    [message] = handler.messages
    assert "https://acervo.example.org/documento/" in parts(message)[0]
    config.write_text(config.read_text().replace(str(smtp.port), str(free_port())))
    add_document(app, doc(8, "Salud y empleo", "OIT"))
    assert main(["--config", str(config), "digest"]) == 0  # nothing due today
