"""The thesaurus: forms of one concept an analyst may type, in Spanish and English.

`ACNUR` = `UNHCR` = "Alto Comisionado de las Naciones Unidas para los Refugiados" = "UN Refugee
Agency"; `VBG` = `GBV` = "violencia basada en género"; `refugiados` = `refugees`. A query for one
form also searches the others (see `query.py`): that is also how a Spanish query reaches English
documents and the reverse.

Where the forms come from:
- `search/data/thesaurus.csv`: sector and field terms (`concept,language,term`; language `es`,
  `en`, or `*` for acronyms written alike in both);
- `acervo/vocab/agencies.csv`: every agency's aliases (`*`) and its Spanish and English names,
  so agency names are kept in one place;
- patterns, for what no list can hold: numbers (`1.500.000` = `1,5 millones` = `1.5 million`),
  percentages (`45%` = `45 %` = `45 por ciento` = `45 percent`) and SDG numbers (`ODS 4` =
  `SDG 4`).

Forms are compared by their analysed terms (the index's own analyzers), so accents, case, plural
and gender do not matter: `refugiadas` finds the `refugiados` row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from acervo import vocab
from acervo.search.analysis import english_analyzer, spanish_analyzer

ANY_LANGUAGE = "*"
LANGUAGES = ("es", "en")
MAX_FORM_WORDS = 12  # longest run of typed words looked up (the longest agency name)

_SPANISH = spanish_analyzer()
_ENGLISH = english_analyzer()

_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+")
_MILLIONS = re.compile(r"(\d+)(?:[.,](\d{1,2}))?\s+(millones|millón|millon|millions?)")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|por\s+ciento|percent|per\s+cent)")
_SDG = re.compile(r"(?:ods|sdg)\s*-?\s*(\d{1,2})")
MILLION = 1_000_000
MIN_SPOKEN_MILLIONS = MILLION  # below a million, numbers are written in digits only


@dataclass(frozen=True)
class Form:
    text: str  # as written in the thesaurus
    language: str  # es | en | *: the fields it is searched in


@dataclass(frozen=True)
class Concept:
    id: str
    forms: tuple[Form, ...]
    exact: bool = False  # a pattern (number, percentage, SDG): the typed words are a phrase

    def others(self, typed: str) -> tuple[Form, ...]:
        """Every form but the ones that analyse like `typed` (what is searched in addition)."""
        mine = _keys(typed, ANY_LANGUAGE)
        return tuple(f for f in self.forms if not mine & _keys(f.text, f.language))


TERMS_CACHE = 10_000  # typed texts and forms analysed (queries repeat; forms are few)


@lru_cache(maxsize=TERMS_CACHE)
def _terms(text: str, language: str) -> tuple[str, ...]:
    analyzer = _ENGLISH if language == "en" else _SPANISH
    return tuple(token.text for token in analyzer(text, mode="query"))


def _keys(text: str, language: str) -> frozenset[tuple[str, tuple[str, ...]]]:
    """(language, analysed terms) under which a form is known; stop-word-only forms have none."""
    languages = LANGUAGES if language == ANY_LANGUAGE else (language,)
    keys = ((lang, _terms(text, lang)) for lang in languages)
    return frozenset((lang, terms) for lang, terms in keys if terms)


class Thesaurus:
    """Concepts by the analysed terms of each of their forms."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts = tuple(c for c in concepts if len(c.forms) > 1)
        self._by_key: dict[tuple[str, tuple[str, ...]], Concept] = {}
        for concept in self.concepts:
            for form in concept.forms:
                for key in _keys(form.text, form.language):
                    self._by_key.setdefault(key, concept)  # first concept wins a shared form

    def lookup(self, text: str) -> Concept | None:
        """The concept `text` is a form of (listed or a number pattern), or None."""
        pattern = pattern_concept(text)
        if pattern is not None:
            return pattern
        for key in sorted(_keys(text, ANY_LANGUAGE)):  # sorted: es before en, deterministic
            if key in self._by_key:
                return self._by_key[key]
        return None


def _csv_rows() -> Iterator[dict[str, str]]:
    source = resources.files("acervo.search").joinpath("data/thesaurus.csv")
    with source.open(encoding="utf-8") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


def _csv_concepts() -> list[Concept]:
    forms: dict[str, list[Form]] = {}
    for row in _csv_rows():
        forms.setdefault(row["concept"], []).append(Form(row["term"], row["language"]))
    return [Concept(concept, tuple(fs)) for concept, fs in forms.items()]


def _agency_concepts() -> list[Concept]:
    concepts = []
    for term in vocab.agencies():
        forms = [Form(alias, ANY_LANGUAGE) for alias in term.aliases]
        forms += [Form(term.label_es, "es"), Form(term.label_en, "en")]
        unique = {(vocab.fold(f.text), f.language): f for f in forms}
        concepts.append(Concept(f"agency:{term.code}", tuple(unique.values())))
    return concepts


@cache
def default() -> Thesaurus:
    """The shipped thesaurus (CSV rows first: they win a form shared with an agency)."""
    return Thesaurus([*_csv_concepts(), *_agency_concepts()])


# ---- patterns -----------------------------------------------------------------------------


def pattern_concept(text: str) -> Concept | None:
    """Numbers, percentages and SDG numbers written in another way, or None."""
    folded = vocab.fold(text)
    for builder in (_millions_concept, _percent_concept, _sdg_concept, _number_concept):
        concept = builder(folded)
        if concept is not None:
            return concept
    return None


def _spoken_millions(value: int) -> list[Form]:
    """`1500000` -> "1,5 millones", "1.5 million" (only round values of a million or more)."""
    if value < MIN_SPOKEN_MILLIONS or value % (MILLION // 100):
        return []
    amount = f"{value / MILLION:g}"
    spanish = "millón" if value == MILLION else "millones"
    return [
        Form(f"{amount.replace('.', ',')} {spanish}", "es"),
        Form(f"{amount} million", "en"),
    ]


def _digits(value: int) -> list[Form]:
    return [Form(f"{value:,}".replace(",", "."), "es"), Form(f"{value:,}", "en")]


def _number_concept(folded: str) -> Concept | None:
    if not _THOUSANDS.fullmatch(folded):
        return None
    value = int(folded.replace(".", "").replace(",", ""))
    spoken = _spoken_millions(value)
    if not spoken:
        return None
    return Concept(f"number:{value}", (*_digits(value), *spoken), exact=True)


def _millions_concept(folded: str) -> Concept | None:
    match = _MILLIONS.fullmatch(folded)
    if match is None:
        return None
    whole, decimals = int(match[1]), match[2] or ""
    value = whole * MILLION + int(decimals.ljust(6, "0") or 0)
    forms = [Form(folded, "es" if match[3].startswith("millon") else "en")]
    forms += [*_digits(value), *_spoken_millions(value)]
    return Concept(f"number:{value}", tuple(forms), exact=True)


def _percent_concept(folded: str) -> Concept | None:
    match = _PERCENT.fullmatch(folded)
    if match is None:
        return None
    amount = match[1]
    forms = (
        Form(f"{amount}%", ANY_LANGUAGE),
        Form(f"{amount} por ciento", "es"),
        Form(f"{amount} percent", "en"),
    )
    return Concept(f"percent:{amount}", forms, exact=True)


def _sdg_concept(folded: str) -> Concept | None:
    match = _SDG.fullmatch(folded)
    if match is None:
        return None
    goal = int(match[1])
    forms = (Form(f"ODS {goal}", ANY_LANGUAGE), Form(f"SDG {goal}", ANY_LANGUAGE))
    return Concept(f"sdg:{goal}", forms, exact=True)
