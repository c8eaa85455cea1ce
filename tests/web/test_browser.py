"""The search page in Debian's chromium (Playwright), served by waitress over the real test index.

Run alone with `pytest -m browser`. Screenshots go to tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_support import DESKTOP, PHONE, screenshot, total

pytestmark = pytest.mark.browser


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


def _years_shown(page: Any) -> list[int]:
    """The year of each hit on the page, in order (hits without a year left out)."""
    texts = page.locator(".hit .hit__meta div", has_text=re.compile(r"^Año")).all_inner_texts()
    return [int(m.group()) for t in texts if (m := re.search(r"\d{4}", t))]


def test_sort_page_size_and_pagination(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=educacion")
    relevance = page.locator(".hit__title").all_inner_texts()
    page.get_by_label("Ordenar por").select_option("recientes")
    page.get_by_label("Resultados por página").select_option("20")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url("**orden=recientes**")
    assert "per_page=20" in page.url
    years = _years_shown(page)
    assert years == sorted(years, reverse=True) and years[0] > years[-1]
    assert page.locator(".hit").count() == min(20, total(page))
    assert page.locator(".hit__title").all_inner_texts()[:10] != relevance

    page.get_by_label("Ordenar por").select_option("antiguos")
    page.get_by_label("Resultados por página").select_option("10")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url("**orden=antiguos**")
    first_page = _years_shown(page)
    page.get_by_role("link", name="Siguiente").click()
    page.wait_for_url("**page=2**")
    assert "orden=antiguos" in page.url  # the order survives paging
    second_page = _years_shown(page)
    assert first_page == sorted(first_page) and max(first_page) <= min(second_page)


def test_chips_and_clear_filters(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=educacion")
    everything = total(page)
    page.locator('a[data-facet="agency"][data-value="OIM"]').click()
    page.wait_for_url("**agency=OIM**")
    page.locator('a[data-facet="language"][data-value="es"]').click()
    page.wait_for_url("**language=es**")
    chips = page.locator(".active-filters .chip")
    assert chips.count() == 2
    chips.filter(has_text="Agencia").click()
    page.wait_for_url(lambda url: "agency=" not in url and "language=es" in url)
    assert page.locator(".active-filters .chip").count() == 1
    page.locator(".active-filters .clear-filters").click()
    page.wait_for_url(lambda url: "language=" not in url and "q=educacion" in url)
    assert total(page) == everything and page.locator(".active-filters").count() == 0


def test_histogram_two_clicks_choose_a_range(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP, javascript=False)  # bars are plain links: no script needed
    page.goto(f"{base_url}/?q=educacion")
    bars = page.locator(".histogram__bar")
    years = sorted(int(y) for y in bars.evaluate_all("bs => bs.map(b => b.dataset.year)"))
    low, high = years[0], years[-1] - 1
    page.locator(f'.histogram__bar[data-year="{low}"]').click()
    page.wait_for_url(f"**year_from={low}&year_to={low}**")
    one_year = total(page)
    assert one_year == len(_years_shown(page)) and set(_years_shown(page)) == {low}
    # the other bars stay: the histogram counts ignore the range
    assert page.locator(".histogram__bar").count() == len(years)
    page.locator(f'.histogram__bar[data-year="{high}"]').click()
    page.wait_for_url(f"**year_from={low}&year_to={high}**")
    assert total(page) > one_year
    assert page.locator(".active-filters .chip", has_text=f"{low}–{high}").count() == 1


def test_zero_results_say_why(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=Carchi&language=en")
    assert total(page) == 0
    why = page.locator(".relaxation", has_text="Idioma: Inglés")
    assert why.count() == 1
    screenshot(page, "zero-results-desktop.png")
    why.get_by_role("link").click()
    page.wait_for_url(lambda url: "language=" not in url)
    assert total(page) == 1

    page.goto(f"{base_url}/?q=Carchi+zzqxwv")
    assert "«zzqxwv»" in page.locator(".missing-term").inner_text()


def test_screenshots_of_search_and_zero_results(base_url: str, new_page: Any) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport)
        page.goto(f"{base_url}/?q=educacion&year_from=2016&year_to=2019")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"search-{name}.png")
        if viewport == PHONE:  # the folded filter panel, opened
            page.locator("details.filters > summary").click()
            screenshot(page, "search-phone-filters.png")
        page.goto(f"{base_url}/?q=educacion+zzqxwv&agency=ACNUR")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"zero-results-{name}.png")


def test_english_numbers_and_remembered_language(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=educacion")
    page.locator(".lang-switch").click()
    page.wait_for_url("**lang=en**")
    assert page.get_by_label("Sort by").count() == 1
    page.locator('a[data-facet="agency"][data-value="OIM"]').click()  # a link without ?lang
    page.wait_for_url("**agency=OIM**")
    assert "lang=" not in page.url and page.locator("html").get_attribute("lang") == "en"
    assert re.fullmatch(r"\d+ documents?", page.locator("#total").inner_text().strip())


def test_keyboard_reaches_the_results_and_the_histogram(base_url: str, new_page: Any) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=educacion")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#resultados"
    # every histogram bar is a link one can tab to and open with Enter
    bar = page.locator(".histogram__bar").first
    year = bar.get_attribute("data-year")
    bar.focus()
    assert page.evaluate("document.activeElement.dataset.year") == year
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('.histogram__bar:focus .histogram__hit')).stroke"
    )
    assert outline not in ("none", "")  # the focused bar is visibly marked
    page.keyboard.press("Enter")
    page.wait_for_url(f"**year_from={year}&year_to={year}**")


def test_a_hit_lacking_a_word_says_so_and_one_click_requires_it(
    base_url: str, new_page: Any
) -> None:
    page = new_page(DESKTOP)
    page.goto(f"{base_url}/?q=niñas+venezolanas+educación+Carchi&lang=es")
    before = total(page)
    lacking = page.locator(".hit", has=page.locator(".hit__missing s", has_text="Carchi"))
    assert lacking.count() > 0
    screenshot(page, "missing-words.png")
    lacking.first.locator(".hit__missing a", has_text="Carchi").click()
    page.wait_for_url("**%22Carchi%22**")
    assert page.get_by_label("Buscar en los documentos").input_value() == (
        'niñas venezolanas educación "Carchi"'
    )
    assert 0 < total(page) < before
    assert page.locator(".hit__missing s", has_text="Carchi").count() == 0
