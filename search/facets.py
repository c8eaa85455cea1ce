"""Disjunctive facet counts, computed in Python from each document's values read once.

The counts of facet F are taken over the documents that match the query and the selected values
of every *other* facet: ticking ACNUR still shows how many documents each other agency would add
(values of one facet OR, different facets AND). PITFALLS.md measured counting stored values
ourselves as about 4x faster than Whoosh's `groupedby`; multi-valued agency/topic count once per
value, which a sortable comma-joined column would get wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from whoosh.query import Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo import vocab
from acervo.search.models import FACETS, FacetGroup, FacetValue

LANGUAGE_LABELS = {"es": "Español", "en": "Inglés", "pt": "Portugués", "fr": "Francés"}


@dataclass(frozen=True, slots=True)
class DocRow:
    """What search needs of one doc record without reading its stored fields again."""

    docnum: int
    doc_id: str
    title: str
    year: int | None
    values: tuple[tuple[str, ...], ...]  # facet values, in the order of FACETS
    visibility: str = ""  # publico | miembros | agencia; "" = the configured default


class DocTable:
    """Every doc record of one index generation, in match-all order (year desc, then title).

    Built once per generation (IndexStore keeps it): committed generations never change, so
    reading ~N stored records once beats reading them on every search.
    """

    def __init__(self, rows: Iterable[DocRow]) -> None:
        self.ordered = sorted(rows, key=lambda r: (-(r.year or 0), r.title.casefold(), r.doc_id))
        self.by_docnum = {row.docnum: row for row in self.ordered}
        # a set, not a frozenset: Whoosh only accepts `set` as a filter
        self.docnum_set = set(self.by_docnum)
        self.by_doc_id = {row.doc_id: row for row in self.ordered}
        # rows whose sidecar restricts them (search/access.py): few, checked on every request
        self.restricted = [row for row in self.ordered if row.visibility not in ("", "publico")]

    def __len__(self) -> int:
        return len(self.ordered)

    @classmethod
    def load(cls, searcher: WhooshSearcher, kind: str = "doc") -> DocTable:
        """Rows of the doc records, or of another kind of unit ("record": lesson records)."""
        docnums = searcher.docs_for_query(Term("kind", kind))
        return cls(_row(n, searcher.stored_fields(n)) for n in docnums)


def _row(docnum: int, stored: Mapping) -> DocRow:
    year = stored.get("year")
    values = {
        "agency": split_codes(stored.get("agency", "")),
        "topic": split_codes(stored.get("topic", "")),
        "year": (str(year),) if year is not None else (),  # facet values are strings
        "language": split_codes(stored.get("language", "")),
        "doc_type": split_codes(stored.get("doc_type", "")),
    }
    # place and the lesson-record facets: comma-joined KEYWORD values like agency
    values |= {name: split_codes(stored.get(name, "")) for name in FACETS if name not in values}
    row_values = tuple(values[name] for name in FACETS)
    visibility = stored.get("visibility", "")
    return DocRow(docnum, stored["doc_id"], stored.get("title", ""), year, row_values, visibility)


def split_codes(stored: str) -> tuple[str, ...]:
    """Codes of a comma-separated KEYWORD value (a single code for ID fields)."""
    return tuple(code for code in stored.split(",") if code)


@dataclass(frozen=True)
class Selection:
    matching: list[DocRow]  # rows passing the query and every filter, in the input order
    counts: list[Counter[str]]  # per facet (FACETS order): counts ignoring its own filter


def select(
    rows: Iterable[DocRow],
    filters: Mapping[str, Iterable[str]],
    in_years: Callable[[int | None], bool] | None = None,
) -> Selection:
    """Apply the facet filters to `rows` (already matching the query) and count every facet.

    One pass: a row failing no facet counts everywhere; a row failing exactly one facet F still
    counts for F (F's own selection is ignored when counting F); failing two, it counts nowhere.
    `in_years` (the year range) is part of the year facet: the year counts ignore it, so a year
    histogram shows the years around a chosen range instead of collapsing to it.
    """
    wanted = [frozenset(filters.get(name, ())) for name in FACETS]
    year_index = FACETS.index("year")
    matching: list[DocRow] = []
    counts: list[Counter[str]] = [Counter() for _ in FACETS]
    for row in rows:
        misses = [i for i, want in enumerate(wanted) if want and want.isdisjoint(row.values[i])]
        if in_years is not None and not in_years(row.year) and year_index not in misses:
            misses.append(year_index)
        if not misses:
            matching.append(row)
            for counter, values in zip(counts, row.values, strict=True):
                counter.update(values)
        elif len(misses) == 1:
            counts[misses[0]].update(row.values[misses[0]])
    return Selection(matching, counts)


def facet_groups(
    counts: list[Counter[str]], filters: Mapping[str, Iterable[str]], lang: str = "es"
) -> tuple[FacetGroup, ...]:
    """One group per facet: values by count (desc) then label (goals: by number); selected
    values always shown."""
    groups = []
    for name, counter in zip(FACETS, counts, strict=True):
        selected = set(filters.get(name, ()))
        codes = set(counter) | selected
        values = [
            FacetValue(code, counter[code], code in selected, facet_label(name, code, lang))
            for code in codes
        ]
        values.sort(key=_value_order(name))
        groups.append(FacetGroup(name, tuple(values)))
    return tuple(groups)


NUMBERED_FACETS = frozenset({"sdg", "gcm"})  # goals known by number: ODS 3 before ODS 10


def _value_order(facet: str) -> Callable[[FacetValue], tuple]:
    """Most documents first; ties by goal number (numbered facets) or by label."""
    if facet in NUMBERED_FACETS:
        return lambda v: (-v.count, int(v.value) if v.value.isdigit() else 1_000_000, v.value)
    return lambda v: (-v.count, v.label.casefold(), v.value)


def facet_label(facet: str, code: str, lang: str = "es") -> str:
    if facet == "language":
        return LANGUAGE_LABELS.get(code, code)
    if facet == "year":
        return code
    if facet in ("sdg", "gcm"):  # numbered goals: "4. Educación de calidad"
        return f"{code}. {vocab.label(facet, code, lang)}"
    return vocab.label(facet, code, lang)
