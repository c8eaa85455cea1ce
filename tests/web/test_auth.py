"""Logging in and out, sessions, API tokens, CSRF, the login rate limit and the admin's audit page
(web/auth.py, web/admin.py), on the test index with a real SQLite database."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from acervo import accounts, audit, db
from acervo.web import create_app

if TYPE_CHECKING:  # the session fixtures' types; conftest is not an importable module
    from conftest import Corpus

PASSWORD = "una contraseña larga"
CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


USERS = (("ana", "admin", ()), ("lola", "lector", ()), ("pepe", "contribuyente", ("OIM",)))


@pytest.fixture(scope="session")
def users_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with USERS and their PASSWORD, made once (argon2 is slow on purpose)."""
    path = tmp_path_factory.mktemp("users") / "acervo.db"
    conn = db.connect(path)
    for name, role, agencies in USERS:
        accounts.add_user(conn, name, role, agencies)
        accounts.set_password(conn, name, PASSWORD)
    conn.close()  # the last connection checkpoints the WAL into the file
    return path


def make_app(corpus: Corpus, tmp_path: Path, users_db: Path, **config: object) -> Flask:
    if not (tmp_path / "acervo.db").exists():
        shutil.copyfile(users_db, tmp_path / "acervo.db")
    settings = {"INDEX_DIR": corpus.index_dir, "DATABASE": tmp_path / "acervo.db"}
    return create_app({**settings, "TESTING": True, "LOGIN_RATE_LIMIT": "3 per minute", **config})


@pytest.fixture()
def auth_app(corpus: Corpus, tmp_path: Path, users_db: Path) -> Flask:
    return make_app(corpus, tmp_path, users_db)


@pytest.fixture()
def web(auth_app: Flask) -> Iterator[FlaskClient]:
    with auth_app.test_client() as client:
        yield client


def csrf_token(client: FlaskClient, url: str = "/entrar") -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD, next_url: str = ""):  # noqa: ANN201
    data = {"csrf_token": csrf_token(client), "name": name, "password": password, "next": next_url}
    return client.post("/entrar", data=data)


def audit_entries(app: Flask, action: str) -> list[audit.Entry]:
    return audit.entries(db.connect(app.config["DATABASE"]), action=action)


@pytest.mark.parametrize(
    ("lang", "words"), [("es", ("Iniciar sesión", "Contraseña")), ("en", ("Log in", "Password"))]
)
def test_the_login_page_speaks_spanish_and_english(
    web: FlaskClient, lang: str, words: tuple[str, ...]
) -> None:
    page = web.get(f"/entrar?lang={lang}").get_data(as_text=True)
    assert all(word in page for word in words)
    assert 'autocomplete="current-password"' in page


def test_logging_in_goes_back_and_shows_the_user_in_the_header(web: FlaskClient) -> None:
    response = login(web, "lola", next_url="/seleccion")
    assert response.status_code == 303 and response.headers["Location"] == "/seleccion"
    page = web.get("/").get_data(as_text=True)
    assert "lola" in page and "Salir" in page and "Auditoría" not in page  # not an admin


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(auth_app: Flask) -> None:
    with auth_app.test_client() as client:
        cookie = login(client, "lola").headers.getlist("Set-Cookie")
        session = next(c for c in cookie if c.startswith("session="))
        assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    with auth_app.test_client() as client:
        token = CSRF.search(
            client.get("/entrar", base_url="https://acervo.example").get_data(as_text=True)
        ).group(1)
        data = {"csrf_token": token, "name": "lola", "password": PASSWORD}
        response = client.post("/entrar", data=data, base_url="https://acervo.example")
        session = next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c)
        assert "Secure" in session


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil",
        "/\t/evil.example",  # browsers drop the tab: //evil.example (issue 11)
        "/\r\n/evil.example",  # was a 500
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(web: FlaskClient, target: str) -> None:
    assert login(web, "lola", next_url=target).headers["Location"] == "/"


def test_a_wrong_password_is_refused_recorded_and_rate_limited(
    web: FlaskClient, auth_app: Flask
) -> None:
    response = login(web, "lola", "mala contraseña")
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos" in response.get_data(as_text=True)
    failed = audit_entries(auth_app, "login.failed")
    assert [(e.actor, e.target) for e in failed] == [(None, "lola")]
    assert PASSWORD not in failed[0].detail_text() and "mala" not in failed[0].detail_text()
    login(web, "nadie", "mala contraseña")
    login(web, "lola", "mala contraseña")
    limited = login(web, "lola")  # the right password, but the limit is reached
    assert limited.status_code == 429
    assert "Demasiados intentos fallidos" in limited.get_data(as_text=True)
    assert "lola" not in web.get("/").get_data(as_text=True)


def test_successful_logins_do_not_count_against_the_limit(web: FlaskClient) -> None:
    for _ in range(5):
        assert login(web, "lola").status_code == 303
        web.post("/salir", data={"csrf_token": csrf_token(web, "/")})


def test_an_empty_field_is_a_message(web: FlaskClient) -> None:
    response = login(web, "lola", "")
    assert response.status_code == 400
    assert "Escriba su usuario y su contraseña" in response.get_data(as_text=True)


@pytest.mark.parametrize("sent", [None, "", "forjado"])
def test_a_login_form_without_the_sessions_csrf_token_is_refused(
    web: FlaskClient, sent: str | None
) -> None:
    csrf_token(web)
    data = {"name": "lola", "password": PASSWORD}
    if sent is not None:
        data["csrf_token"] = sent
    response = web.post("/entrar", data=data)
    assert response.status_code == 400
    assert "El formulario caducó o no viene de Acervo" in response.get_data(as_text=True)
    assert "lola" not in web.get("/").get_data(as_text=True)


def test_logging_out_needs_the_csrf_token_and_ends_the_session(web: FlaskClient) -> None:
    login(web, "lola")
    assert web.post("/salir").status_code == 400  # another site cannot log the user out
    assert "lola" in web.get("/").get_data(as_text=True)
    response = web.post("/salir", data={"csrf_token": csrf_token(web, "/")})
    assert response.status_code == 303
    assert "lola" not in web.get("/").get_data(as_text=True)


def test_an_expired_session_sends_to_the_login_page_with_a_message(
    corpus: Corpus, tmp_path: Path, users_db: Path
) -> None:
    app = make_app(corpus, tmp_path, users_db, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    with app.test_client() as client:
        login(client, "ana")
        assert client.get("/admin/auditoria").status_code == 200
        time.sleep(2)  # not a timing assertion: the session must outlive its lifetime
        response = client.get("/admin/auditoria", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.request.path == "/entrar"
        assert "Su sesión caducó" in page


def test_a_disabled_users_session_stops_at_the_next_request(
    web: FlaskClient, auth_app: Flask
) -> None:
    login(web, "lola")
    accounts.set_disabled(db.connect(auth_app.config["DATABASE"]), "lola")
    assert "lola" not in web.get("/").get_data(as_text=True)


# ---- roles --------------------------------------------------------------------------------


def test_the_audit_page_is_for_admins(web: FlaskClient) -> None:
    anonymous = web.get("/admin/auditoria")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/entrar")
    login(web, "lola")
    forbidden = web.get("/admin/auditoria")
    assert forbidden.status_code == 403
    assert "no tiene permiso" in forbidden.get_data(as_text=True)
    assert web.get("/admin/auditoria.csv").status_code == 403


def test_admins_read_the_audit_log_and_export_it(web: FlaskClient) -> None:
    login(web, "nadie", "mala contraseña")
    login(web, "ana")
    page = web.get("/admin/auditoria").get_data(as_text=True)
    assert "login.failed" in page and "user.added" in page and "nadie" in page
    assert "Auditoría" in web.get("/").get_data(as_text=True)  # linked from the header
    only = web.get("/admin/auditoria?accion=login").get_data(as_text=True)
    assert "login.failed" in only and "user.added" not in only
    response = web.get("/admin/auditoria.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "at,actor,action,target,detail"
    assert any(",login.failed,nadie," in line for line in lines)


# ---- API tokens ---------------------------------------------------------------------------


@pytest.fixture()
def token(auth_app: Flask) -> str:
    return accounts.new_token(db.connect(auth_app.config["DATABASE"]), "pepe")


def test_a_valid_token_authenticates_an_api_call(web: FlaskClient, token: str) -> None:
    response = web.get("/api/search?q=educacion", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["total"] > 0
    assert "session=" not in "".join(response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("header", ["Bearer acv_nada", "Bearer ", "Basic bG9sYTp4", "acv_x"])
def test_a_bad_token_is_a_401_with_a_message(web: FlaskClient, header: str) -> None:
    response = web.get("/api/search?q=educacion", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Token de la API no válido o revocado" in response.get_json()["error"]


def test_a_revoked_token_is_a_401(web: FlaskClient, auth_app: Flask, token: str) -> None:
    accounts.revoke_tokens(db.connect(auth_app.config["DATABASE"]), "pepe")
    response = web.get("/api/search", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_token_request_is_the_tokens_user_whatever_the_cookie(
    web: FlaskClient, auth_app: Flask, token: str
) -> None:
    login(web, "ana")  # an admin's session cookie rides along with pepe's token
    headers = {"Authorization": f"Bearer {token}"}
    assert web.get("/admin/auditoria.csv", headers=headers).status_code == 403
    assert web.get("/admin/auditoria.csv").status_code == 200


def test_an_api_call_above_the_users_role_is_a_403_json(web: FlaskClient, token: str) -> None:
    response = web.get("/admin/auditoria.csv", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


# ---- login required for everything --------------------------------------------------------


def test_a_deployment_can_require_login_for_everything(
    corpus: Corpus, tmp_path: Path, users_db: Path
) -> None:
    app = make_app(corpus, tmp_path, users_db, REQUIRE_LOGIN=True)
    with app.test_client() as client:
        assert client.get("/").headers["Location"].startswith("/entrar")
        doc = corpus.docs[0].doc_id
        assert client.get(f"/documento/{doc}/archivo").status_code == 302
        api = client.get("/api/search?q=educacion")
        assert api.status_code == 401 and "token" in api.get_json()["error"]
        assert client.get("/entrar").status_code == 200
        login(client, "lola")
        assert client.get("/?q=educacion").status_code == 200


def test_every_web_view_opens_its_searcher_with_the_users_access() -> None:
    """A view that opened the index directly would show what the user may not see."""
    web = Path(__file__).resolve().parents[2] / "web"
    direct = [
        f"{path.name}:{n}"
        for path in web.glob("*.py")
        if path.name != "auth.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".open_searcher(" in line and "auth.open_searcher(" not in line
    ]
    assert direct == []


def test_acervo_audit_shows_a_hostile_login_name_escaped(
    corpus: Corpus, tmp_path: Path, users_db: Path
) -> None:
    """Anyone can type a login name; `acervo audit` prints it to an administrator's terminal."""
    client = make_app(corpus, tmp_path, users_db).test_client()
    hostile = "x\x1b]0;owned\x07\x1b[2J"
    client.post(
        "/entrar", data={"csrf_token": csrf_token(client), "name": hostile, "password": "no"}
    )
    run = subprocess.run(
        [sys.executable, "-m", "acervo", "--index", corpus.index_dir, "audit"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env=os.environ | {"ACERVO_DB": str(tmp_path / "acervo.db")},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "x\\x1b]0;owned\\x07\\x1b[2J" in run.stdout
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
