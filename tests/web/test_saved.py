"""Saved searches ("Mis búsquedas") and their private feeds, on a real index and a real SQLite
database: counts now and new since the user last looked, rename/edit/delete, a private feed that
sees what its owner may see, a revoked token that is a plain 404."""

from __future__ import annotations

import re
import time
from pathlib import Path

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

from acervo import accounts, db
from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search.indexer import IndexStore
from acervo.web import create_app

PASSWORD = "una contraseña larga"
CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
DAY = 86400


def doc(n: int, title: str, agency: str, visibility: str = "") -> ExtractedDocument:
    text = f"{title}. Estudio sobre salud de personas migrantes y refugiadas, número {n}."
    meta = Metadata(title=title, agencies=(agency,), topics=("salud",), year=2020 + n % 4,
                    language="es", visibility=visibility)  # fmt: skip
    return ExtractedDocument(
        doc_id=f"{n:016x}", sha256=f"{n:064x}", paths=(f"/nada/{n}.txt",), format="txt",
        size=len(text), pages=[Page(1, text)], metadata=meta,
    )  # fmt: skip


@pytest.fixture(scope="module")
def users_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("saved-users") / "acervo.db"
    conn = db.connect(path)
    for name, agencies in (("ana", ("OIM",)), ("beto", ())):
        accounts.add_user(conn, name, "lector", agencies)
        accounts.set_password(conn, name, PASSWORD)
    conn.close()
    return path


def make_app(tmp_path: Path, users_db: Path, **config: object) -> Flask:
    store = IndexStore(tmp_path / "index")
    old = time.time() - 10 * DAY
    first = [
        doc(1, "Salud en Carchi", "ACNUR"),
        doc(2, "Salud en Quito (solo OIM)", "OIM", "agencia"),
    ]
    store.update(add=first, remove=(), now=old)
    database = tmp_path / "acervo.db"
    database.write_bytes(users_db.read_bytes())
    settings = {"INDEX_DIR": store.root, "DATABASE": database, "TESTING": True,
                "BASE_URL": "http://acervo.test/"}  # fmt: skip
    return create_app({**settings, **config})


@pytest.fixture()
def app(tmp_path: Path, users_db: Path) -> Flask:
    return make_app(tmp_path, users_db)


def add_document(app: Flask, *docs: ExtractedDocument) -> None:
    IndexStore(app.config["INDEX_DIR"]).update(add=docs, remove=())


def csrf(client: FlaskClient, url: str = "/entrar") -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def login(client: FlaskClient, name: str) -> None:
    data = {"csrf_token": csrf(client), "name": name, "password": PASSWORD, "next": ""}
    assert client.post("/entrar", data=data).status_code == 303


def save(client: FlaskClient, name: str, **search: str) -> object:
    data = {"csrf_token": csrf(client, "/"), "nombre": name, **search}
    return client.post("/mis-busquedas", data=data)


def saved_rows(client: FlaskClient) -> dict[str, tuple[int, int, int]]:
    """name -> (id, total now, new since last opened), as "Mis búsquedas" shows them."""
    page = client.get("/mis-busquedas").get_data(as_text=True)
    rows = re.findall(
        r'<h2 id="saved-(\d+)"><a [^>]*>([^<]+)</a></h2>\s*<p class="saved__counts" '
        r'data-total="(\d+)" data-new="(\d+)"',
        page,
    )
    return {name: (int(i), int(total), int(new)) for i, name, total, new in rows}


def test_save_list_counts_new_since_last_look_then_edit_and_delete(app: Flask) -> None:
    client = app.test_client()
    assert save(client, "Salud").status_code == 302  # anonymous: log in first
    login(client, "ana")
    page = client.get("/?q=salud&agency=ACNUR").get_data(as_text=True)
    assert 'action="/mis-busquedas"' in page and 'name="nombre"' in page
    assert save(client, "Salud ACNUR", q="salud", agency="ACNUR").status_code == 303
    assert save(client, "Todo salud", q="salud").status_code == 303
    assert saved_rows(client) == {"Salud ACNUR": (1, 1, 0), "Todo salud": (2, 2, 0)}
    duplicate = save(client, "Todo salud", q="salud")
    assert "Ya tiene una búsqueda guardada con el nombre «Todo salud»" in client.get(
        duplicate.headers["Location"]).get_data(as_text=True)  # fmt: skip

    add_document(app, doc(3, "Salud mental en Manabí", "UNICEF"))
    assert saved_rows(client) == {"Salud ACNUR": (1, 1, 0), "Todo salud": (2, 3, 1)}
    opened = client.get("/mis-busquedas/2")
    assert opened.status_code == 302 and opened.location.endswith("/?q=salud")
    assert saved_rows(client)["Todo salud"] == (2, 3, 0)  # seen now

    token = csrf(client, "/mis-busquedas")
    client.post("/mis-busquedas/2", data={"csrf_token": token, "nombre": "Salud mental",
                                          "q": "salud mental", "resumen": "weekly"})  # fmt: skip
    assert saved_rows(client)["Salud mental"] == (2, 1, 0)
    client.post("/mis-busquedas/1/borrar", data={"csrf_token": token})
    assert list(saved_rows(client)) == ["Salud mental"]
    bad = client.post("/mis-busquedas/2", data={"csrf_token": token, "q": '"salud'})
    assert "comillas" in client.get(bad.headers["Location"]).get_data(as_text=True)
    assert saved_rows(client)["Salud mental"] == (2, 1, 0)  # unchanged


def test_another_user_cannot_see_or_change_a_saved_search(app: Flask) -> None:
    ana, beto = app.test_client(), app.test_client()
    login(ana, "ana")
    save(ana, "De Ana", q="salud")
    login(beto, "beto")
    token = csrf(beto, "/mis-busquedas")
    assert beto.get("/mis-busquedas/1").status_code == 404
    assert beto.post("/mis-busquedas/1/borrar", data={"csrf_token": token}).status_code == 404
    assert saved_rows(beto) == {} and "De Ana" in saved_rows(ana)


def _feed_url(client: FlaskClient, saved_id: int) -> str:
    response = client.post(f"/mis-busquedas/{saved_id}/feed",
                           data={"csrf_token": csrf(client, "/mis-busquedas")})  # fmt: skip
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # on the configured public address (BASE_URL), not the host the request came to
    return re.search(r"http://acervo\.test(/feed/[A-Za-z0-9_-]+\.atom)", page).group(1)


def _titles(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo
    return sorted(e.title for e in parsed.entries)


def test_private_feed_sees_what_its_owner_sees_and_a_revoked_token_is_a_404(app: Flask) -> None:
    ana = app.test_client()
    login(ana, "ana")
    save(ana, "Salud", q="salud")
    url = _feed_url(ana, 1)
    anonymous = app.test_client()
    # the owner (an OIM member) sees the OIM-only study; the anonymous feed never does
    assert _titles(anonymous, url) == ["Salud en Carchi", "Salud en Quito (solo OIM)"]
    assert _titles(anonymous, "/feed.atom?q=salud") == ["Salud en Carchi"]
    assert _titles(ana, "/feed.atom?q=salud") == ["Salud en Carchi"]  # anonymous feeds: public
    newer = _feed_url(ana, 1)  # a new link replaces the old one
    assert anonymous.get(url).status_code == 404
    ana.post("/mis-busquedas/1/feed/revocar", data={"csrf_token": csrf(ana, "/mis-busquedas")})
    revoked = anonymous.get(newer)
    never = anonymous.get("/feed/" + "x" * 43 + ".atom")
    assert revoked.status_code == never.status_code == 404
    assert revoked.get_data() == never.get_data()  # nothing says whether it ever existed
