"""Upload with the form, review and metadata editing in Debian's chromium over a real waitress
server, a real index and the background ingest worker; axe on the new pages (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import DESKTOP
from flask import Flask
from repository_site import ACNUR_DOC, DRAFT, ORIGINAL, PASSWORD, Site, repository, wait_until
from test_a11y import _blocking_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with repository(tmp_path_factory.mktemp("browser-repo")) as built:
        yield built


@pytest.fixture(scope="module")
def app(site: Site) -> Flask:  # the app browser_support's base_url serves
    return site.app


def _login(page: Any, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/entrar")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _reload_until(page: Any, text: str) -> None:
    def shown() -> bool:
        page.reload()
        return text in page.inner_text("main")

    wait_until(shown)


def test_upload_with_the_form_then_review_then_it_is_public(site: Site, base_url: str, new_page):
    contributor = new_page(DESKTOP)
    _login(contributor, base_url, "pepe")
    contributor.goto(f"{base_url}/subir")
    assert _blocking_violations(contributor) == []
    # only the contributor's own agency is offered
    assert contributor.locator("#agencies option").all_inner_texts() == ["PNUD"]
    contributor.set_input_files("#file", str(DRAFT))
    contributor.fill("#title", "Inclusión financiera: borrador para revisión")
    contributor.select_option("#agencies", ["PNUD"])
    contributor.fill("#year", "2022")
    contributor.select_option("#topics", ["integracion"])
    contributor.check("#visibility-publico")
    contributor.click(".upload-form button[type=submit]")
    assert "/mis-envios" in contributor.url
    assert "recibido" in contributor.inner_text("main")
    _reload_until(contributor, "Pendiente de revisión")
    similar = contributor.locator(".similar-warning").first.inner_text()
    assert "Se parece a:" in similar and "2022" in similar
    assert _blocking_violations(contributor) == []

    anonymous = new_page(DESKTOP)
    anonymous.goto(f"{base_url}/?q=borrador+revision")
    assert "borrador para revisión" not in anonymous.inner_text("main")

    curator = new_page(DESKTOP)
    _login(curator, base_url, "cura")
    curator.goto(f"{base_url}/revision")
    item = curator.locator(".review-item", has_text="borrador para revisión")
    assert "Se parece a:" in item.inner_text()
    assert _blocking_violations(curator) == []
    item.locator("button[value=aprobar]").click()
    assert "aprobado" in curator.inner_text("main")

    anonymous.goto(f"{base_url}/?q=borrador+revision")
    assert "borrador para revisión" in anonymous.inner_text("main")


def test_the_form_says_what_is_wrong_and_keeps_no_duplicate(site: Site, base_url: str, new_page):
    contributor = new_page(DESKTOP)
    _login(contributor, base_url, "pepe")
    contributor.goto(f"{base_url}/subir")
    contributor.set_input_files("#file", str(ACNUR_DOC))
    contributor.fill("#title", "Monitoreo copiado")
    contributor.select_option("#agencies", ["PNUD"])
    contributor.fill("#year", "2018")
    contributor.click(".upload-form button[type=submit]")
    # the same bytes are already indexed (ACNUR's copy): not stored again
    assert "ya está en el repositorio" in contributor.inner_text("main")

    contributor.goto(f"{base_url}/subir")
    contributor.set_input_files(
        "#file", str(ORIGINAL).replace("emprendimiento.pdf", "emprendimiento.pdf")
    )
    contributor.fill("#title", "Sin año")
    contributor.select_option("#agencies", ["PNUD"])
    contributor.fill("#year", "")
    contributor.evaluate("document.querySelector('#year').removeAttribute('required')")
    contributor.click(".upload-form button[type=submit]")
    assert "Falta el año." in contributor.inner_text("#form-errors")


def test_a_curator_edits_metadata_from_the_document_page(site: Site, base_url: str, new_page):
    doc_id = site.doc_id(ACNUR_DOC)
    curator = new_page(DESKTOP)
    _login(curator, base_url, "cura")
    curator.goto(f"{base_url}/documento/{doc_id}")
    curator.click("text=Editar metadatos")
    assert _blocking_violations(curator) == []
    curator.fill("#title", "Monitoreo de protección en la frontera norte (editado)")
    curator.select_option("#agencies", ["ACNUR", "OIM"])
    curator.click("button[type=submit].button-primary")
    assert "Metadatos guardados" in curator.inner_text("main")
    _reload_until(curator, "frontera norte (editado)")
    assert "editado por cura" in curator.inner_text("main")


def test_the_admin_pages_have_no_serious_violations(site: Site, base_url: str, new_page):
    admin = new_page(DESKTOP)
    _login(admin, base_url, "ana")
    admin.goto(f"{base_url}/admin/ingestas")
    assert "Ingestas" in admin.inner_text("h1")
    assert _blocking_violations(admin) == []
    admin.goto(f"{base_url}/documento/{site.doc_id(ORIGINAL)}/borrar")
    assert _blocking_violations(admin) == []
