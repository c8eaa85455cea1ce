"""Places named in a text: Ecuador's provinces, cities and border crossings, and the countries
of the region (`acervo/vocab/places.csv`).

Matching rules (tested by a table in `tests/ingest/test_places.py`):

- accents never matter: `Sucumbios` = `Sucumbíos`, `Tulcan` = `Tulcán`;
- whole words and phrases only, the longest name first: `Nueva Loja` is not `Loja`, `Santo
  Domingo de los Tsáchilas` is not `Santo Domingo`;
- names that are also common words or people's names (`El Oro` / "el oro", `Manta` / "una
  manta", `Chile` / "chile", `Ecuador` / "el ecuador") are flagged `needs_capital` and count only
  when capitalised as in the vocabulary or written in capitals (`EL ORO`); other names match in
  any case (`sucumbios`);
- a few phrases are not places although they contain one (`Simón Bolívar` is not the province).

Tagging a document (`infer_places`): a place counts when it is named at least `MIN_MENTIONS`
times in the whole text, or once on the front (the first `FRONT_CHARS` characters: cover, title,
summary). One passing mention deep in a report ("unlike Chile, ...") is not what it is about;
nor is the imprint line of a cover or footer ("Quito, abril de 2022"), which is not counted.
A tagged city or border crossing also tags its province (Lago Agrio -> Sucumbíos), so
`lugar:sucumbios` finds a study about Lago Agrio. Lesson records are short: any mention counts
(`places_in_text`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TypeAlias

from acervo import vocab
from acervo.ingest.models import Page

MIN_MENTIONS = 2
WORD = re.compile(r"\w+")
FRONT_CHARS = 1500
# Phrases that contain a place name without naming the place; matched like places, then dropped.
NOT_PLACES = ("Simón Bolívar", "Avenida Simón Bolívar", "Puente Internacional Simón Bolívar")
# "Quito, abril de 2022" on a cover or in a footer is where the report was printed, not what it
# is about: a place followed by a month or a year is not counted.
IMPRINT = re.compile(
    r",?\s*(?:\d{1,2}\s+de\s+)?(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    r"setiembre|octubre|noviembre|diciembre|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|(?:19|20)\d\d\b)",
    re.IGNORECASE,
)


# folded words of a name -> [(code, needs capital, its words as written)]
_NameTable: TypeAlias = dict[tuple[str, ...], list[tuple[str, bool, tuple[str, ...]]]]


def fold_same_length(text: str) -> str:
    """Accents stripped (ñ -> n), case kept, one character out per character in.

    Keeping the length lets a match on the folded text be cut from the original text.
    """
    return text.translate(_FOLD)


class _FoldTable(dict[int, str]):
    """str.translate table that works out each character's folded form once, when first seen."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFD", chr(code))[0]
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def place_mentions(text: str) -> Counter[str]:
    """How many times each place code is named in `text` (imprint lines left out).

    Words are looked up as n-grams in a table of names (longest first), and only where a name
    can start: one regular expression with ~200 alternatives was slower than extraction.
    """
    names, starts, longest = _names()
    folded = fold_same_length(text)
    spans = list(WORD.finditer(folded))
    words = [m.group() for m in spans]
    lowered = [w.casefold() for w in words]
    counts: Counter[str] = Counter()
    i = 0
    while i < len(words):
        found = _name_at(words, lowered, i, names, longest) if lowered[i] in starts else None
        if found is None:
            i += 1
            continue
        code, size = found
        if code and not IMPRINT.match(folded, spans[i + size - 1].end()):
            counts[code] += 1
        i += size
    return counts


def _name_at(
    words: list[str], lowered: list[str], i: int, names: _NameTable, longest: int
) -> tuple[str, int] | None:
    """(code, number of words) of the longest name starting at word i; code "" = no place."""
    for size in range(min(longest, len(words) - i), 0, -1):
        for code, needs_capital, form in names.get(tuple(lowered[i : i + size]), ()):
            written = tuple(words[i : i + size])
            if not needs_capital or written in (form, tuple(w.upper() for w in form)):
                return code, size
    return None


def infer_places(pages: Sequence[Page]) -> tuple[str, ...]:
    """Places a document is about (threshold in the module docstring), most named first."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update(place_mentions(page.text))
    front = place_mentions(pages[0].text[:FRONT_CHARS]) if pages else Counter()
    tagged = [code for code, n in counts.most_common() if n >= MIN_MENTIONS or code in front]
    return with_provinces(tagged)


def places_in_text(text: str) -> tuple[str, ...]:
    """Every place named in a short text (a lesson record), with provinces, most named first."""
    return with_provinces(code for code, _ in place_mentions(text).most_common())


def with_provinces(codes: Iterable[str]) -> tuple[str, ...]:
    """`codes` followed by the provinces of the cities and crossings among them (no repeats)."""
    codes = list(codes)
    province = {place.code: place.province for place in vocab.places()}
    return tuple(dict.fromkeys([*codes, *(province[c] for c in codes if province.get(c))]))


@cache
def _names() -> tuple[_NameTable, frozenset[str], int]:
    """Folded words of every name -> (code, needs capital, words as written); the first words of
    names; the most words in a name.

    `NOT_PLACES` are in the table with code "": matched like places, then dropped.
    """
    entries = [(name, "", True) for name in NOT_PLACES]
    for place in vocab.places():
        # "Esmeraldas (ciudad)" is a label for people; texts say "ciudad de Esmeraldas" (alias).
        written = place.aliases if "(" in place.name else (place.name, *place.aliases)
        entries += [(name, place.code, place.needs_capital) for name in written]
    table: dict[tuple[str, ...], list[tuple[str, bool, tuple[str, ...]]]] = {}
    for name, code, needs_capital in entries:
        form = tuple(WORD.findall(fold_same_length(name)))
        table.setdefault(tuple(w.casefold() for w in form), []).append((code, needs_capital, form))
    starts = frozenset(key[0] for key in table)
    return table, starts, max(len(key) for key in table)
