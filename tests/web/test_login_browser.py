"""Logging in and out in chromium on a real waitress server, and axe-core over the account pages
(login, its error, the audit log) in both languages, on a desktop and a phone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import DESKTOP, PHONE, screenshot
from flask import Flask
from test_a11y import _blocking_violations

from acervo import accounts, db
from acervo.web import create_app

if TYPE_CHECKING:  # the session fixtures' types; conftest is not an importable module
    from conftest import Corpus

pytestmark = pytest.mark.browser

PASSWORD = "una contraseña larga"


@pytest.fixture(scope="module")
def app(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The test index with its own database: an admin and a reader, with passwords."""
    database: Path = tmp_path_factory.mktemp("login-db") / "acervo.db"
    conn = db.connect(database)
    for name, role in (("ana", "admin"), ("lola", "lector")):
        accounts.add_user(conn, name, role)
        accounts.set_password(conn, name, PASSWORD)
    accounts.add_user(conn, "baja", "lector")  # disabled below: it cannot log in
    accounts.set_password(conn, "baja", PASSWORD)
    accounts.set_disabled(conn, "baja")
    conn.close()
    settings = {"INDEX_DIR": corpus.index_dir, "DATABASE": database, "TESTING": True}
    return create_app({**settings, "LOGIN_RATE_LIMIT": "100 per minute"})


def _log_in(page: Any, base_url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/?q=educacion")
    page.get_by_role("link", name="Entrar").click()
    page.get_by_label("Usuario").fill(name)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()


def test_a_user_logs_in_comes_back_to_the_search_and_logs_out(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    _log_in(page, base_url, "lola")
    assert page.url.endswith("/?q=educacion")  # back where the login started
    header = page.locator(".site-header")
    assert "lola" in header.inner_text()
    page.get_by_role("button", name="Salir").click()
    assert "Ha cerrado la sesión" in page.content()
    assert page.get_by_role("link", name="Entrar").is_visible()


def test_a_wrong_password_and_a_disabled_account_are_refused_with_a_message(
    base_url: str, new_page: Any
) -> None:
    page = new_page(PHONE)
    _log_in(page, base_url, "lola", "otra contraseña")
    assert "Usuario o contraseña incorrectos" in page.locator("[role=alert]").inner_text()
    assert page.get_by_label("Usuario").input_value() == "lola"  # kept; the password is not
    assert page.get_by_label("Contraseña").input_value() == ""
    _log_in(page, base_url, "baja")
    assert "Usuario o contraseña incorrectos" in page.content()
    screenshot(page, "login-error-phone.png")


def test_the_login_form_works_without_javascript(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP, javascript=False)
    _log_in(page, base_url, "ana")
    assert "ana" in page.locator(".site-header").inner_text()
    page.get_by_role("link", name="Auditoría").click()
    assert page.get_by_role("heading", name="Auditoría").is_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_account_pages_have_no_serious_violations(
    base_url: str, new_page: Any, viewport: dict[str, int], lang: str
) -> None:
    page = new_page(viewport)
    page.goto(f"{base_url}/entrar?lang={lang}")
    assert _blocking_violations(page) == []
    page.fill("#name", "lola")
    page.fill("#password", "otra contraseña")
    page.locator("form.account-form button[type=submit]").click()
    assert _blocking_violations(page) == []  # the page with its error message
    page.fill("#name", "ana")
    page.fill("#password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.goto(f"{base_url}/admin/auditoria?lang={lang}")
    assert "login.failed" in page.content()
    assert _blocking_violations(page) == []
