"""Disjunctive facet counts, computed in Python from each document's values read once.

The counts of facet F are taken over the documents that match the query and the selected values
of every *other* facet: ticking ACNUR still shows how many documents each other agency would add
(values of one facet OR, different facets AND). PITFALLS.md measured counting stored values
ourselves as about 4x faster than Whoosh's `groupedby`; multi-valued agency/topic count once per
value, which a sortable comma-joined column would get wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
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
    # ids of the documents this one names as other versions / editions (stored at index time)
    related: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    title_key: tuple[bool, str] | None = None  # the title sort's key (_title_key), when known


RELATED_FIELDS = ("near_duplicates", "translations")
_NO_YEAR_KEY = np.iinfo(np.int64).max  # documents without a year sort last in both directions


class DocTable:
    """Every doc record of one index generation, in match-all order (year desc, then title).

    Built once per generation (IndexStore keeps it): committed generations never change, so
    reading ~N stored records once beats reading them on every search. Rows are numbered by
    their position in `ordered`; numpy arrays over those positions (facet values, years, sort
    keys) let a search count facets and order hits without a Python loop over the matches.
    """

    def __init__(self, rows: Iterable[DocRow]) -> None:
        self.ordered = sorted(rows, key=lambda r: (-(r.year or 0), r.title.casefold(), r.doc_id))
        self.by_doc_id = {row.doc_id: row for row in self.ordered}
        # rows whose sidecar restricts them (search/access.py): few, checked on every request
        self.restricted = [row for row in self.ordered if row.visibility not in ("", "publico")]
        self.docnums = np.array([r.docnum for r in self.ordered], dtype=np.int64)
        self._pairs = [_value_pairs(self.ordered, i) for i in range(len(FACETS))]
        has_year = np.array([r.year is not None for r in self.ordered], dtype=bool)
        years = np.array([r.year or 0 for r in self.ordered], dtype=np.int64)
        self.years, self.has_year = years, has_year
        self.sort_keys = {
            "newest": np.where(has_year, -years, _NO_YEAR_KEY),
            "oldest": np.where(has_year, years, _NO_YEAR_KEY),
            "title": _title_ranks(self.ordered),
        }
        self._later = _named_by(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)

    @classmethod
    def load(
        cls, searcher: WhooshSearcher, kind: str = "doc", rows: RowCache | None = None
    ) -> DocTable:
        """Rows of the doc records, or of another kind of unit ("record": lesson records).
        `rows`: the rows read for earlier generations, reused for the segments they share."""
        if rows is not None:
            return cls(rows.rows(searcher, kind))
        docnums = searcher.docs_for_query(Term("kind", kind))
        return cls(_row(n, searcher.stored_fields(n)) for n in docnums)

    def mask(self, positions: np.ndarray | None = None) -> np.ndarray:
        """A boolean row mask: True at `positions` (every row when None)."""
        if positions is None:
            return np.ones(len(self.ordered), dtype=bool)
        mask = np.zeros(len(self.ordered), dtype=bool)
        mask[positions] = True
        return mask

    def having(self, facet: int, codes: Iterable[str]) -> np.ndarray:
        """Row mask of the rows with any of `codes` in facet number `facet`."""
        rows, values, names = self._pairs[facet]
        wanted = [i for i, name in enumerate(names) if name in set(codes)]
        mask = np.zeros(len(self.ordered), dtype=bool)
        mask[rows[np.isin(values, wanted)]] = True
        return mask

    def value_counts(self, facet: int, mask: np.ndarray) -> Counter[str]:
        """How many rows of `mask` have each value of facet number `facet`."""
        rows, values, names = self._pairs[facet]
        counts = np.bincount(values[mask[rows]], minlength=len(names))
        return Counter({names[i]: int(counts[i]) for i in np.flatnonzero(counts)})

    def related(self, row: DocRow, field: int) -> list[DocRow]:
        """The rows `row` names in RELATED_FIELDS[field] (indexed before it) and the later ones
        that name it: a dictionary lookup, not a query per hit."""
        ids = [*row.related[field], *self._later[field].get(row.doc_id, ())]
        known = self.by_doc_id
        return [known[i] for i in dict.fromkeys(ids) if i in known and i != row.doc_id]


class RowCache:
    """The rows of each segment's records, kept from one generation to the next.

    A segment's records never change: a changed document is deleted from its segment and added
    anew in another one, and a new generation of an incremental ingest keeps the old segments
    (search/writer.py). Reading every record's stored fields was most of the cost of a web
    process's first search on a new generation (0.2 s of CPU at 5,000 documents); with this it
    reads only the records of the segments it has not seen. Not thread-safe: the caller locks.
    """

    def __init__(self) -> None:
        # (segment id, kind) -> local docnum -> row (its docnum as in the generation first read)
        self._segments: dict[tuple[str, str], dict[int, DocRow]] = {}

    def rows(self, searcher: WhooshSearcher, kind: str) -> list[DocRow]:
        """The live rows of `kind` of the generation `searcher` reads, docnums as it numbers them.
        Only the segments of this generation stay cached (older ones went with a merge)."""
        found: list[DocRow] = []
        kept = {key: rows for key, rows in self._segments.items() if key[1] != kind}
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            segment = reader.segment() if reader.is_atomic() else None
            key = (segment.segment_id(), kind) if segment is not None else None
            known = self._segments.get(key, {}) if key else {}
            local: dict[int, DocRow] = {}
            for docnum in sub.docs_for_query(Term("kind", kind)):  # live records only
                row = known.get(docnum)
                local[docnum] = row if row is not None else _row(docnum, sub.stored_fields(docnum))
                found.append(replace(local[docnum], docnum=docnum + offset))
            if key:
                kept[key] = local
        self._segments = kept
        return found


def _value_pairs(rows: list[DocRow], facet: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(row positions, value ids, value names) of every (row, value) of one facet."""
    ids: dict[str, int] = {}
    positions, values = [], []
    for position, row in enumerate(rows):
        for value in row.values[facet]:
            positions.append(position)
            values.append(ids.setdefault(value, len(ids)))
    return np.array(positions, dtype=np.int64), np.array(values, dtype=np.int64), list(ids)


def _title_ranks(rows: list[DocRow]) -> np.ndarray:
    """Dense rank of each row's title (accent- and case-folded, untitled last); equal titles
    share a rank, so their ties are broken by score."""
    keys = [row.title_key or _title_key(row.title) for row in rows]
    rank = {key: i for i, key in enumerate(sorted(set(keys)))}
    return np.array([rank[key] for key in keys], dtype=np.int64)


def _title_key(title: str) -> tuple[bool, str]:
    # folding every title was half the cost of building a table (it is kept with the row)
    return (not title, vocab.fold(title))


def _named_by(rows: list[DocRow]) -> list[dict[str, list[str]]]:
    """Per related field: doc_id -> the later documents that name it."""
    later: list[dict[str, list[str]]] = [defaultdict(list) for _ in RELATED_FIELDS]
    for row in rows:
        for field, named in enumerate(row.related):
            for doc_id in named:
                later[field][doc_id].append(row.doc_id)
    return later


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
    related = tuple(split_codes(stored.get(name) or "") for name in RELATED_FIELDS)
    title = stored.get("title", "")
    return DocRow(
        docnum, stored["doc_id"], title, year, row_values, visibility, related, _title_key(title)
    )


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


@dataclass(frozen=True)
class MaskSelection:
    selected: np.ndarray  # row mask: matching the query and passing every filter
    counts: list[Counter[str]]  # per facet (FACETS order): counts ignoring its own filter


def counts(
    table: DocTable,
    matched: np.ndarray,
    filters: Mapping[str, Iterable[str]],
    year_range: tuple[int | None, int | None] = (None, None),
) -> MaskSelection:
    """`select`'s rule on row masks, vectorised: `matched` (the query's rows) filtered, and
    every facet counted over the rows that pass every *other* facet's filter."""
    passes: list[np.ndarray | None] = []
    fails = np.zeros(len(table), dtype=np.int8)
    for i, name in enumerate(FACETS):
        wanted = tuple(filters.get(name, ()))
        passing = table.having(i, wanted) if wanted else None
        if name == "year" and year_range != (None, None):
            in_range = _years_in(table, *year_range)
            passing = in_range if passing is None else passing & in_range
        passes.append(passing)
        if passing is not None:
            fails += ~passing
    selected = matched & (fails == 0)
    found = []
    for i, passing in enumerate(passes):
        # a row failing only this facet's own filter still counts for it
        base = selected if passing is None else matched & ((fails == 0) | (fails == 1) & ~passing)
        found.append(table.value_counts(i, base))
    return MaskSelection(selected, found)


def _years_in(table: DocTable, low: int | None, high: int | None) -> np.ndarray:
    # A document without a year cannot be said to fall in a range: left out.
    inside = table.has_year.copy()
    if low is not None:
        inside &= table.years >= low
    if high is not None:
        inside &= table.years <= high
    return inside


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
