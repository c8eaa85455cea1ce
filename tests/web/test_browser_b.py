"""The document page, the selection and an XLSX export in Debian's chromium (Playwright), over
the waitress server of the shared browser fixtures. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browser_support import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def open_document_from_search(page: Any, base_url: str, query: str, title: str) -> None:
    page.goto(f"{base_url}/?q={query}")
    hit = page.locator(".hit", has_text=title)
    hit.get_by_role("link", name="Ver documento").click()
    page.wait_for_url(f"**/documento/*?q={query}")


def add_to_selection(page: Any, scope: Any) -> None:
    scope.get_by_role("button", name="Añadir a la selección").click()
    page.wait_for_load_state()
    assert scope.get_by_role("button", name="En la selección").is_visible()


def fits_the_width(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_document_page_hit_navigation_basket_and_xlsx(
    base_url: str, new_page: Any, tmp_path: Path
) -> None:
    page = new_page(DESKTOP)
    open_document_from_search(page, base_url, "Carchi", "Educación de niñas venezolanas")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Educación de niñas")
    assert page.locator("section.page--hit").count() == 2  # "Carchi" on pages 1 and 2
    assert page.locator("#p-1 mark").first.inner_text() == "Carchi"
    screenshot(page, "document-desktop.png")

    page.locator("#p-1 .hit-nav__next").click()
    page.wait_for_url("**#p-2")
    assert page.locator("#p-2").evaluate("e => e.matches(':target')")
    page.locator("#p-2 .hit-nav__prev").click()
    page.wait_for_url("**#p-1")
    page.locator(".hit-pages").get_by_role("link", name="pág. 2").click()
    page.wait_for_url("**#p-2")

    add_to_selection(page, page.locator(".document__actions"))
    page.goto(f"{base_url}/?q=vacunacion")
    add_to_selection(page, page.locator(".hit", has_text="Salud de personas migrantes"))
    page.locator(".basket-link").click()
    page.wait_for_url("**/seleccion")
    assert page.locator(".basket__hits .hit").count() == 2
    screenshot(page, "basket-desktop.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX (Excel)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)["resultados"].iter_rows(values_only=True))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {
        "Educación de niñas venezolanas en Carchi",
        "Salud de personas migrantes en Quito",
    }

    page.set_viewport_size(PHONE)
    assert fits_the_width(page)
    screenshot(page, "basket-phone.png")
    page.goto(f"{base_url}/?q=Carchi")
    page.locator(".hit").first.get_by_role("link", name="Ver documento").click()
    page.wait_for_url("**/documento/**")
    assert fits_the_width(page)
    screenshot(page, "document-phone.png")


def test_hit_navigation_and_basket_work_without_javascript(base_url: str, new_page: Any) -> None:
    page = new_page(PHONE, javascript=False)
    open_document_from_search(page, base_url, "Carchi", "Educación de niñas venezolanas")
    page.locator("#p-1 .hit-nav__next").click()
    page.wait_for_url("**#p-2")
    add_to_selection(page, page.locator(".document__actions"))
    page.goto(f"{base_url}/seleccion")
    assert page.locator(".basket__hits .hit").count() == 1


def serious_axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_document_and_selection_pages_pass_axe(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    open_document_from_search(page, base_url, "Carchi", "Educación de niñas venezolanas")
    assert serious_axe_violations(page) == []
    add_to_selection(page, page.locator(".document__actions"))
    page.goto(f"{base_url}/seleccion")
    assert serious_axe_violations(page) == []
    page.goto(f"{base_url}/documento/0000000000000000")
    assert serious_axe_violations(page) == []
