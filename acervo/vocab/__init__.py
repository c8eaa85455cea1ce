"""Controlled vocabularies shipped as data: agencies, topics, document types.

Loaded once. Matching is case- and accent-insensitive (`fold`). Used by ingestion (folder names,
inference from text) and by search (field values such as `agencia:UNHCR`, facet labels).
"""

from __future__ import annotations

import csv
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


@cache
def _lookup(kind: str) -> dict[str, str]:
    terms = {"agency": agencies, "topic": topics, "doc_type": doc_types}[kind]()
    table: dict[str, str] = {}
    for term in terms:
        for name in (term.code, term.label_es, term.label_en, *term.aliases):
            table.setdefault(fold(name), term.code)
    return table


def resolve(kind: str, name: str) -> str | None:
    """Canonical code for a name, acronym or label of an agency/topic/doc_type, or None."""
    return _lookup(kind).get(fold(name))


def label(kind: str, code: str, lang: str = "es") -> str:
    terms = {"agency": agencies, "topic": topics, "doc_type": doc_types}[kind]()
    for term in terms:
        if term.code == code:
            # agencies are known by their acronym (first alias), not their long name
            return term.aliases[0] if kind == "agency" and term.aliases else term.label(lang)
    return code
