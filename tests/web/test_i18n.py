"""The UI catalogs: every string in English, the committed .mo in step with its .po, numbers and
dates in the UI language, readable labels for facets the search layer adds later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from acervo.web import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = i18n.TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_msgids() -> set[str]:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    found = extract_from_dir(ROOT, method_map, keywords=KEYWORDS)
    return {msg if isinstance(msg, str) else msg[0] for _f, _l, msg, _c, _ctx in found}


def _catalog() -> dict[str, str]:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else m.string[0]
        )
        for m in catalog
        if m.id
    }


def test_every_ui_string_has_an_english_translation() -> None:
    translations = _catalog()
    untranslated = sorted(m for m in _source_msgids() if not translations.get(m))
    assert untranslated == [], "run scripts/update_translations.sh and translate these"


def test_the_committed_mo_matches_the_po() -> None:
    with MO.open("rb") as fh:
        compiled = read_mo(fh)
    in_mo = {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else m.string[0]
        )
        for m in compiled
        if m.id
    }
    assert in_mo == _catalog(), "run `pybabel compile -d web/translations`"


@pytest.mark.parametrize(
    ("lang", "number", "day"),
    [("es", "1.234.567", "24 de noviembre de 2026"), ("en", "1,234,567", "November 24, 2026")],
)
def test_numbers_and_dates_follow_the_ui_language(
    app: Flask, lang: str, number: str, day: str
) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.format_number(1234567) == number
        assert i18n.format_day(date(2026, 11, 24)) == day


def test_a_forced_locale_within_a_request_speaks_its_own_language(app: Flask) -> None:
    """Templates look the request's translations up once (i18n._translations), yet a digest
    rendered in its user's language within a Spanish request is English, and what follows
    it Spanish again."""
    template = app.jinja_env.from_string("{{ _('Ordenar por') }}")
    with app.test_request_context("/?lang=es"):
        before = template.render()
        with force_locale("en"):
            forced = template.render()
        after = template.render()
    assert (before, forced, after) == ("Ordenar por", "Sort by", "Ordenar por")


def test_the_search_page_speaks_the_chosen_language(client: FlaskClient) -> None:
    spanish = client.get("/?q=educacion&agency=OIM&lang=es").get_data(as_text=True)
    english = client.get("/?q=educacion&agency=OIM&lang=en").get_data(as_text=True)
    assert "Ordenar por" in spanish and "Limpiar filtros" in spanish and "documentos" in spanish
    assert "Sort by" in english and "Clear filters" in english and "documents" in english
    assert "Ordenar por" not in english and "Limpiar filtros" not in english


@pytest.mark.parametrize(
    ("facet", "lang", "label"),
    [
        ("agency", "es", "Agencia"),
        ("agency", "en", "Agency"),
        ("sdg", "es", "ODS"),
        ("sdg", "en", "SDG"),
        ("result_kind", "es", "Result kind"),
    ],
)
def test_facet_labels(app: Flask, facet: str, lang: str, label: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.facet_label(facet) == label
