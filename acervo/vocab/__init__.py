"""Controlled vocabularies shipped as data: agencies, topics, document types; places, SDGs,
GCM objectives, lesson types and the areas of lessons-learned record codes.

Loaded once. Matching is case- and accent-insensitive (`fold`). Used by ingestion (folder names,
inference from text) and by search (field values such as `agencia:UNHCR`, facet labels).
"""

from __future__ import annotations

import csv
import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Term:
    code: str
    label_es: str
    label_en: str
    aliases: tuple[str, ...]  # acronyms, full names and signal terms in both languages

    def label(self, lang: str = "es") -> str:
        return self.label_en if lang == "en" else self.label_es


def fold(text: str) -> str:
    """Lowercase, strip accents (ñ too), collapse separators: 'ONU-Hábitat' -> 'onu habitat'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("/", " ").replace("_", " ").split())


def _load(name: str, alias_column: str) -> tuple[Term, ...]:
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Term(
            code=row["code"],
            label_es=row.get("name_es") or row["label_es"],
            label_en=row.get("name_en") or row["label_en"],
            aliases=tuple(a.strip() for a in row[alias_column].split("|") if a.strip()),
        )
        for row in rows
    )


@cache
def agencies() -> tuple[Term, ...]:
    return _load("agencies.csv", "aliases")


@cache
def topics() -> tuple[Term, ...]:
    return _load("topics.csv", "terms")


@cache
def doc_types() -> tuple[Term, ...]:
    return _load("doc_types.csv", "terms")


@dataclass(frozen=True)
class Place:
    """A place of places.csv: an Ecuadorian province, city or border crossing, or a country."""

    code: str
    name: str
    kind: str  # one of PLACE_KINDS
    province: str  # code of the province of a city or crossing; "" for provinces and countries
    aliases: tuple[str, ...]
    # The name is also a common word or a person's name ("El Oro"/"el oro", "Manta"/"manta"):
    # in running text it counts only when capitalised as written (or in capitals).
    needs_capital: bool


PLACE_KINDS = ("provincia", "ciudad", "paso fronterizo", "país")


@cache
def places() -> tuple[Place, ...]:
    with resources.files(__package__).joinpath("places.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Place(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            province=row["province"],
            aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
            needs_capital=row["needs_capital"] == "si",
        )
        for row in rows
    )


@cache
def place_terms() -> tuple[Term, ...]:
    """Places as vocabulary terms, so `resolve("place", "Lago Agrio")` works like the others."""
    return tuple(Term(p.code, p.name, p.name, p.aliases) for p in places())


@cache
def sdgs() -> tuple[Term, ...]:
    """The 17 Sustainable Development Goals (ODS); codes are their numbers as strings."""
    return _load("sdg.csv", "aliases")


@cache
def gcm_objectives() -> tuple[Term, ...]:
    """The 23 objectives of the Global Compact for Migration; codes are their numbers."""
    return _load("gcm.csv", "aliases")


@cache
def lesson_types() -> tuple[Term, ...]:
    """Kinds of lessons-learned records: positiva (LA), negativa (LN), buena-practica (BP)."""
    return _load("lesson_types.csv", "aliases")


@cache
def record_areas() -> dict[str, str]:
    """Area suffix of a record code (`LN2_GN` -> GN) -> topic code (general)."""
    with resources.files(__package__).joinpath("record_areas.csv").open(encoding="utf-8") as fh:
        return {row["suffix"]: row["topic"] for row in csv.DictReader(fh)}


def terms(kind: str) -> tuple[Term, ...]:
    """Every term of one vocabulary; a record's `area` is a topic code."""
    sources = {
        "agency": agencies,
        "topic": topics,
        "doc_type": doc_types,
        "place": place_terms,
        "sdg": sdgs,
        "gcm": gcm_objectives,
        "lesson_type": lesson_types,
        "area": topics,
    }
    return sources[kind]()


@cache
def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in terms(kind):
        for name in (term.code, term.label_es, term.label_en, *term.aliases):
            table.setdefault(fold(name), term.code)
    return table


def resolve(kind: str, name: str) -> str | None:
    """Canonical code for a name, acronym or label of an agency/topic/doc_type, or None."""
    return _lookup(kind).get(fold(name))


def label(kind: str, code: str, lang: str = "es") -> str:
    for term in terms(kind):
        if term.code == code:
            # agencies are known by their acronym (first alias), not their long name
            return term.aliases[0] if kind == "agency" and term.aliases else term.label(lang)
    return code


@cache
def _names_as_written(kind: str) -> dict[str, str]:
    """Folded name -> the name as written, for every code, alias and label of a vocabulary."""
    names: dict[str, str] = {}
    for term in terms(kind):
        for name in (term.code, *term.aliases, term.label_es, term.label_en):
            names.setdefault(fold(name), name)
    return names


def close_names(kind: str, value: str, limit: int = 4) -> list[str]:
    """Names of the vocabulary starting with `value` (`onu` -> ONU Mujeres) or close to it
    (`UNICEFF` -> UNICEF), one per code, for "did you mean" messages."""
    names = _names_as_written(kind)
    folded = fold(value)
    close = difflib.get_close_matches(folded, list(names), n=limit, cutoff=0.6)
    starting = [n for n in names if folded and n.startswith(folded + " ")]
    picked: dict[str | None, str] = {}
    for name in starting + close:  # one name per code: "onu" -> ONU Mujeres, not ONUDD
        picked.setdefault(resolve(kind, name), names[name])
    return list(picked.values())[:limit]
