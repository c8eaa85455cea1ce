"""UI strings in Spanish (default) and English; `?lang=en` switches and a cookie remembers it.

Only the interface is translated: documents, vocabulary labels in the index and search error
messages (written by the search layer for the analyst) stay as they are.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from acervo import vocab

LANGUAGES: tuple[str, ...] = ("es", "en")
COOKIE_NAME = "acervo_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600

CATALOG: dict[str, dict[str, str]] = {
    "es": {
        "app_tagline": "Estudios de las agencias de la ONU sobre movilidad humana en Ecuador",
        "skip_to_results": "Ir a los resultados",
        "query_label": "Buscar en los documentos",
        "query_placeholder": "p. ej. educacion venezolanas Carchi",
        "search_button": "Buscar",
        "total_one": "1 documento",
        "total_many": "{n} documentos",
        "filters": "Filtros",
        "clear_filters": "Quitar todos los filtros",
        "remove_filter": "Quitar filtro",
        "active_filters": "Filtros activos",
        "show_more": "Ver más",
        "selected": "seleccionado",
        "facet_agency": "Agencia",
        "facet_topic": "Tema",
        "facet_year": "Año",
        "facet_language": "Idioma",
        "facet_doc_type": "Tipo de documento",
        "year_range": "Rango de años",
        "year_from": "Desde",
        "year_to": "Hasta",
        "apply": "Aplicar",
        "results": "Resultados",
        "page_abbr": "pág.",
        "pages": "Páginas",
        "pages_one": "1 página",
        "pages_many": "{n} páginas",
        "no_data": "sin dato",
        "lang_es": "Español",
        "lang_en": "Inglés",
        "switch_language": "English",
        "switch_language_label": "Switch to English",
        "no_results": "Sin resultados",
        "no_results_help": "No hay documentos para esta búsqueda.",
        "no_results_filters": "Pruebe a quitar algunos filtros.",
        "no_results_spelling": "Revise la ortografía o use menos palabras, o una palabra "
        "más general.",
        "syntax_title": "Cómo buscar",
        "syntax_words": "todas las palabras deben aparecer",
        "syntax_phrase": "frase exacta",
        "syntax_or": "una u otra palabra",
        "syntax_not": "excluir una palabra",
        "syntax_prefix": "palabras que empiezan así",
        "syntax_fields": "buscar en un campo",
        "syntax_years": "rango de años",
        "export": "Exportar todos los resultados",
        "export_csv": "CSV (Excel, LibreOffice)",
        "export_json": "JSON",
        "pagination": "Páginas de resultados",
        "previous": "Anterior",
        "next": "Siguiente",
        "page_n": "Página {n}",
        "error_title": "No se pudo hacer la búsqueda",
        "unavailable_title": "El índice todavía no existe",
        "unavailable_text": "Acervo aún no tiene documentos indexados. Un administrador debe "
        "ejecutar este comando en el servidor y luego recargar esta página:",
        "agencies": "Agencias",
        "topics": "Temas",
        "year": "Año",
        "doc_type": "Tipo",
        "language": "Idioma",
        "passages": "Pasajes",
        "open_file": "Abrir el documento",
    },
    "en": {
        "app_tagline": "UN agency studies on human mobility in Ecuador",
        "skip_to_results": "Skip to results",
        "query_label": "Search the documents",
        "query_placeholder": "e.g. education venezuelan Carchi",
        "search_button": "Search",
        "total_one": "1 document",
        "total_many": "{n} documents",
        "filters": "Filters",
        "clear_filters": "Remove all filters",
        "remove_filter": "Remove filter",
        "active_filters": "Active filters",
        "show_more": "Show more",
        "selected": "selected",
        "facet_agency": "Agency",
        "facet_topic": "Topic",
        "facet_year": "Year",
        "facet_language": "Language",
        "facet_doc_type": "Document type",
        "year_range": "Year range",
        "year_from": "From",
        "year_to": "To",
        "apply": "Apply",
        "results": "Results",
        "page_abbr": "p.",
        "pages": "Pages",
        "pages_one": "1 page",
        "pages_many": "{n} pages",
        "no_data": "no data",
        "lang_es": "Spanish",
        "lang_en": "English",
        "switch_language": "Español",
        "switch_language_label": "Cambiar a español",
        "no_results": "No results",
        "no_results_help": "No document matches this search.",
        "no_results_filters": "Try removing some filters.",
        "no_results_spelling": "Check the spelling, or use fewer or more general words.",
        "syntax_title": "How to search",
        "syntax_words": "every word must appear",
        "syntax_phrase": "exact phrase",
        "syntax_or": "either word",
        "syntax_not": "exclude a word",
        "syntax_prefix": "words starting like this",
        "syntax_fields": "search one field",
        "syntax_years": "range of years",
        "export": "Export every result",
        "export_csv": "CSV (Excel, LibreOffice)",
        "export_json": "JSON",
        "pagination": "Result pages",
        "previous": "Previous",
        "next": "Next",
        "page_n": "Page {n}",
        "error_title": "The search could not be run",
        "unavailable_title": "The index does not exist yet",
        "unavailable_text": "Acervo has no indexed documents yet. An administrator must run "
        "this command on the server, then reload this page:",
        "agencies": "Agencies",
        "topics": "Topics",
        "year": "Year",
        "doc_type": "Type",
        "language": "Language",
        "passages": "Passages",
        "open_file": "Open the document",
    },
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


def translate(key: str, **values: object) -> str:
    """The UI string `key` in the current language, formatted with `values`."""
    text = CATALOG[current_language()].get(key) or CATALOG["es"][key]
    return text.format(**values) if values else text


def format_number(n: int) -> str:
    """1234 -> "1.234" in Spanish, "1,234" in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if current_language() == "es" else text


def value_label(facet: str, value: str, fallback: str = "") -> str:
    """How a facet value (a code) is shown: vocabulary label, language name or the value."""
    if not value:
        return translate("no_data")
    if facet == "language" and f"lang_{value}" in CATALOG["es"]:
        return translate(f"lang_{value}")
    if facet in _VOCAB_KINDS:
        return vocab.label(_VOCAB_KINDS[facet], value, current_language())
    return fallback or value


def remember_language(response: Response) -> Response:
    """Store an explicit `?lang=` choice in a cookie so the next pages keep it."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE_NAME) != asked:
        response.set_cookie(
            COOKIE_NAME, asked, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="Lax"
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(remember_language)
    app.jinja_env.globals.update(_=translate, current_language=current_language)
    app.jinja_env.filters["value_label"] = lambda value, facet: value_label(facet, value)
