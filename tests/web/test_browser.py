"""The search page in Debian's chromium (Playwright), served by waitress over the real test index.

Run alone with `pytest -m browser`. Screenshots go to tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import waitress
from flask import Flask

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def _sync_playwright() -> Any:
    """Playwright's entry point, or fail (CI) / skip (local) when chromium is not usable."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        reason = f"browser tests need {CHROMIUM} (apt install chromium) and the playwright package"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def base_url(app: Flask) -> Iterator[str]:
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with _sync_playwright()() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of pages in fresh contexts (own cookies); records CSP violations."""
    contexts: list[Any] = []
    violations: list[str] = []

    def make(viewport: dict[str, int], javascript: bool = True) -> Any:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert violations == [], "the CSP blocked something: inline script or style?"


def total(page: Any) -> int:
    return int(page.locator("#total").get_attribute("data-total"))


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_search_tick_untick_and_switch_language(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(base_url)
    page.get_by_label("Buscar en los documentos").fill("educacion")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_url("**q=educacion**")
    everything = total(page)
    assert everything > 10 and page.locator(".hit").count() == 10

    acnur = page.locator('a[data-facet="agency"][data-value="ACNUR"]')
    acnur.click()
    page.wait_for_url("**agency=ACNUR**")
    assert 0 < total(page) < everything
    assert "is-selected" in acnur.get_attribute("class")
    assert page.locator(".hit").count() == total(page)
    screenshot(page, "desktop.png")

    acnur.click()
    page.wait_for_url(lambda url: "agency=" not in url)
    assert total(page) == everything

    page.locator(".lang-switch").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "documents" in page.locator("#total").inner_text()
    page.goto(f"{base_url}/?q=salud")  # no ?lang: the cookie remembers English
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "desktop-en.png")


def test_phone_width_folds_filters_and_does_not_overflow(base_url: str, new_page: Any) -> None:
    page = new_page(PHONE)
    page.goto(f"{base_url}/?q=educacion")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    panel = page.locator("details.filters")
    assert panel.get_attribute("open") is None  # folded by filters.js: results come first
    assert page.locator(".hit").first.is_visible()
    screenshot(page, "phone.png")

    page.locator("details.filters > summary").click()
    page.locator('a[data-facet="language"][data-value="es"]').click()
    page.wait_for_url("**language=es**")
    assert page.locator(".active-filters").is_visible()
    screenshot(page, "phone-filtered.png")


def test_works_without_javascript(base_url: str, new_page: Any) -> None:
    page = new_page(PHONE, javascript=False)
    page.goto(f"{base_url}/?q=educacion")
    assert page.locator("details.filters").get_attribute("open") is not None
    before = total(page)
    page.locator('a[data-facet="year"]').first.click()
    page.wait_for_url("**year=**")
    assert total(page) < before
    page.locator("input[name=year_from]").fill("2016")
    page.locator("input[name=year_to]").fill("2017")
    page.get_by_role("button", name="Aplicar").click()
    page.wait_for_url("**year_from=2016**")
    assert "year_to=2017" in page.url and "q=educacion" in page.url
