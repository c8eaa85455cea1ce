"""Counts in the command line's sentences, by Babel's plural rules for the configured language.

The messages live in the web's catalog (`web/translations`, extracted from this module's
callers too: babel.cfg), so one English translation serves the page and the terminal.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from babel.support import NullTranslations, Translations


@cache
def _catalog(language: str) -> NullTranslations:
    # find_spec reads where acervo.web is without importing it (and Flask with it)
    spec = find_spec("acervo.web")
    assert spec is not None and spec.submodule_search_locations is not None
    folder = Path(next(iter(spec.submodule_search_locations))) / "translations"
    return Translations.load(str(folder), [language])  # NullTranslations for Spanish


def ngettext(singular: str, plural: str, n: int, language: str = "es", **values: object) -> str:
    """`singular` or `plural` (Spanish msgids) in `language`, with `num` and `values` filled."""
    return _catalog(language).ngettext(singular, plural, n) % {"num": n, **values}
