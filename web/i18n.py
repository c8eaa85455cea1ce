"""UI language: Spanish by default, English by `?lang=en` (remembered in a cookie).

Strings are gettext messages written in Spanish in the templates and in this package
(`_('Buscar')`); their English lives in `translations/en/LC_MESSAGES/messages.po`, compiled to
the committed `messages.mo` that Flask-Babel reads (`pybabel extract/update/compile`, see
README "Translations"). Numbers and dates are formatted by Babel for the UI language.

Only the interface is translated: documents, and search error messages written by the search
layer for the analyst, stay as they are.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations
from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l

from acervo import vocab

LANGUAGES: tuple[str, ...] = ("es", "en")
COOKIE_NAME = "acervo_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

# Facet names -> their heading. A facet the search layer adds later without a label here is
# still shown, under a label made from its name (see facet_label).
FACET_LABELS = {
    "agency": _l("Agencia"),
    "topic": _l("Tema"),
    "year": _l("Año"),
    "language": _l("Idioma"),
    "doc_type": _l("Tipo de documento"),
    "place": _l("Lugar"),
    "sdg": _l("ODS"),
    "gcm": _l("Objetivo del Pacto Mundial para la Migración"),
    "result_type": _l("Tipo de resultado"),
    "area": _l("Área"),
    "lesson_type": _l("Tipo de lección"),
}
LANGUAGE_NAMES = {
    "es": _l("Español"),
    "en": _l("Inglés"),
    "pt": _l("Portugués"),
    "fr": _l("Francés"),
}
SORT_LABELS = {
    "relevance": _l("Relevancia"),
    "newest": _l("Más recientes"),
    "oldest": _l("Más antiguos"),
    "title": _l("Título (A-Z)"),
    "added": _l("Añadidos recientemente"),
}
# facet name -> vocabulary kind whose labels name its values
_VOCAB_KINDS = {"agency": "agency", "topic": "topic", "doc_type": "doc_type"}


def current_language() -> str:
    """`?lang=` if valid, else the cookie, else the app's configured LANGUAGE."""
    if "lang" not in g:
        asked = request.args.get("lang", "")
        remembered = request.cookies.get(COOKIE_NAME, "")
        default = current_app.config.get("LANGUAGE", "es")
        g.lang = next((c for c in (asked, remembered, default) if c in LANGUAGES), "es")
    return g.lang


def format_number(n: int) -> str:
    """1234 -> "1.234" in Spanish, "1,234" in English (Babel's CLDR rules)."""
    return _formatted(n, current_language())


@lru_cache(maxsize=4096)
def _formatted(n: int, language: str) -> str:
    # Babel parses the locale's pattern on every call (about 7 us; a search page shows 70
    # numbers, mostly the same facet counts page after page)
    return format_decimal(n, locale=language)


def _translations() -> NullTranslations:
    """Flask-Babel's translations of this request, looked up once per request and locale: it
    finds them through several context lookups on every string (about 5 us; a search page
    shows 170 strings). A `force_locale` block (a digest in its user's language) has another
    locale, so its own translations."""
    locale = get_locale()
    found = g.get("_acervo_translations")
    if found is None or found[0] is not locale:
        found = g._acervo_translations = (locale, get_translations())
    return found[1]


def format_day(day: date) -> str:
    """A date for the UI language: "24 de noviembre de 2026" / "November 24, 2026"."""
    return format_date(day, format="long", locale=current_language())


def facet_label(facet: str) -> str:
    """The heading of a facet; an unknown facet name becomes a readable label."""
    if facet in FACET_LABELS:
        return str(FACET_LABELS[facet])
    return facet.replace("_", " ").strip().capitalize() or facet


def sort_label(sort: str) -> str:
    return str(SORT_LABELS.get(sort, sort))


def value_label(facet: str, value: str, fallback: str = "") -> str:
    """How a facet value (a code) is shown: vocabulary label, language name or the value."""
    if not value:
        return gettext("sin dato")
    if facet == "language" and value in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[value])
    if facet in _VOCAB_KINDS:
        return vocab.label(_VOCAB_KINDS[facet], value, current_language())
    return fallback or value


def remember_language(response: Response) -> Response:
    """Store an explicit `?lang=` choice in a cookie so the next pages keep it."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE_NAME) != asked:
        response.set_cookie(
            COOKIE_NAME,
            asked,
            max_age=COOKIE_MAX_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "es")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=current_language)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with _translations
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.after_request(remember_language)
    app.jinja_env.globals.update(
        current_language=current_language,
        format_number=format_number,
        format_day=format_day,
        facet_label=facet_label,
        sort_label=sort_label,
    )
    app.jinja_env.filters["value_label"] = lambda value, facet: value_label(facet, value)
