"""The facet search box in chromium: it filters a long facet's values as one types (JS), and
without JavaScript its form asks the server for the matching values."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import DESKTOP, screenshot
from flask import Flask
from widecorpus import AGENCIES, build_wide_index

from acervo.web import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Overrides the folder's app: base_url serves this index with long facets."""
    index_dir = build_wide_index(tmp_path_factory.mktemp("wide-index"))
    return create_app({"INDEX_DIR": index_dir, "TESTING": True})


def test_typing_filters_the_values_and_opens_ver_mas(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=movilidad")
    values = page.locator('#facet-agency a[data-facet="agency"]')
    assert values.count() == len(AGENCIES)
    page.get_by_label("Buscar en Agencia").fill("unic")
    visible = [v for v in values.all() if v.is_visible()]
    assert [v.get_attribute("data-value") for v in visible] == ["UNICEF"]
    assert not page.locator('[data-facet-more="agency"] > summary').is_visible()
    screenshot(page, "facet-search-desktop.png")
    page.get_by_label("Buscar en Agencia").fill("zzz")
    assert page.get_by_text("Ningún valor coincide.").is_visible()
    page.get_by_label("Buscar en Agencia").fill("")
    assert sum(v.is_visible() for v in values.all()) == len(AGENCIES)  # "Ver más" was opened


def test_without_javascript_the_server_narrows_the_list(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP, javascript=False)
    page.goto(f"{base_url}/?q=movilidad")
    page.get_by_label("Buscar en Agencia").fill("MUJER")
    page.locator("#facet-agency").get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**buscar_agency=MUJER**")
    assert "q=movilidad" in page.url
    names = page.locator('#facet-agency a[data-facet="agency"]').all_inner_texts()
    assert len(names) == 1 and "Mujeres" in names[0]
    page.locator('#facet-agency a[data-facet="agency"]').click()
    page.wait_for_url("**agency=ONU-MUJERES**")
    assert "buscar_agency" not in page.url
