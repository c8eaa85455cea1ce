"""The evidence map ("¿Qué se ha estudiado?"): a search's hits counted by two facets at once.

Rows are topics (documents) or record areas (lessons-learned records); columns are agencies,
years, places, SDGs or GCM objectives. Every count comes from `Searcher.facet_pairs`, the same
query, filters and year range as the search, so a cell's number is what its search finds.
Written out as CSV, XLSX or an SVG heat map (the same numbers as the table: tests read both).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import escape

import xlsxwriter

from acervo import vocab
from acervo.search.errors import BadParameter
from acervo.search.facets import facet_label
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher

# result type -> (row facet, the column facets offered, the default column facet)
AXES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "documents": ("topic", ("agency", "year", "place"), "agency"),
    "records": ("area", ("gcm", "sdg", "agency", "year"), "gcm"),
}
MAX_COLUMNS = 30  # more would not fit a page or a report; the cap is said on the page


@dataclass(frozen=True)
class Value:
    code: str
    label: str  # full label ("4. Educación de calidad")
    short: str  # column heading ("ODS 4"); the label for rows


@dataclass(frozen=True)
class EvidenceMap:
    request: SearchRequest
    row_facet: str
    col_facet: str
    rows: tuple[Value, ...]  # most studied first; rows without any hit last (gaps)
    cols: tuple[Value, ...]  # most documents first (years in order)
    counts: Mapping[tuple[str, str], int]  # (row code, column code) -> hits; absent = 0
    hidden_columns: int = 0  # columns left out by MAX_COLUMNS (those with fewest hits)

    def count(self, row: str, col: str) -> int:
        return self.counts.get((row, col), 0)

    def matrix(self) -> list[list[int]]:
        return [[self.count(r.code, c.code) for c in self.cols] for r in self.rows]

    @property
    def largest(self) -> int:
        return max(self.counts.values(), default=0)


def column_facet(result_type: str, asked: str | None) -> str:
    """The column facet for `asked` (None: the default); BadParameter for another."""
    _, offered, default = AXES[result_type]
    if asked is None:
        return default
    if asked not in offered:
        raise BadParameter(
            f"Eje desconocido «{asked[:40]}» para el mapa de evidencia: use uno de "
            f"{', '.join(offered)}."
        )
    return asked


def evidence_map(
    searcher: Searcher,
    req: SearchRequest,
    col_facet: str | None = None,
    lang: str = "es",
    max_columns: int = MAX_COLUMNS,
) -> EvidenceMap:
    row_facet, _, _ = AXES[req.result_type]
    col_facet = column_facet(req.result_type, col_facet)
    pairs = searcher.facet_pairs(req, row_facet, col_facet)
    row_totals: dict[str, int] = {}
    col_totals: dict[str, int] = {}
    for (row, col), n in pairs.items():
        row_totals[row] = row_totals.get(row, 0) + n
        col_totals[col] = col_totals.get(col, 0) + n
    # A selected value of either facet narrows the map to it, as it narrows the search.
    rows = req.filters.get(row_facet) or _all_codes(row_facet, row_totals)
    rows = sorted(rows, key=lambda code: (-row_totals.get(code, 0), _label(row_facet, code, lang)))
    # numbered goals: every objective is a column, so those without lessons show as gaps
    cols = list(req.filters.get(col_facet) or _all_codes(col_facet, col_totals))
    cols.sort(key=lambda code: (-col_totals.get(code, 0), code))
    hidden = max(0, len(cols) - max_columns)
    cols = cols[:max_columns]
    if col_facet == "year":
        cols.sort()
    elif col_facet in ("sdg", "gcm"):
        cols.sort(key=lambda code: (not code.isdigit(), int(code) if code.isdigit() else 0, code))
    return EvidenceMap(
        request=req,
        row_facet=row_facet,
        col_facet=col_facet,
        rows=tuple(_value(row_facet, code, lang) for code in rows),
        cols=tuple(_value(col_facet, code, lang) for code in cols),
        counts={(r, c): n for (r, c), n in pairs.items() if n},
        hidden_columns=hidden,
    )


def _all_codes(facet: str, found: Mapping[str, int]) -> list[str]:
    """Every value the vocabulary knows for topics, areas and numbered goals (so a topic nobody
    studied shows as a gap row), else the values found."""
    known = [t.code for t in vocab.terms(facet)] if facet in ("topic", "area", "sdg", "gcm") else []
    return list(dict.fromkeys([*known, *found]))


def _label(facet: str, code: str, lang: str) -> str:
    return facet_label(facet, code, lang)


_SHORT = {"sdg": {"es": "ODS", "en": "SDG"}, "gcm": {"es": "Objetivo", "en": "Objective"}}


def _value(facet: str, code: str, lang: str) -> Value:
    label = _label(facet, code, lang)
    short = f"{_SHORT[facet][lang if lang == 'en' else 'es']} {code}" if facet in _SHORT else label
    return Value(code, label, short)


# ---- files -------------------------------------------------------------------------------


def csv_text(emap: EvidenceMap, corner: str) -> str:
    """The matrix as CSV: a header of column labels, then one row per row label."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([corner, *(c.short for c in emap.cols)])
    for value, counts in zip(emap.rows, emap.matrix(), strict=True):
        writer.writerow([value.short, *counts])
    return out.getvalue()


def write_xlsx(target: BinaryIO, emap: EvidenceMap, corner: str, notes: list[str]) -> None:
    """The matrix on one sheet (numbers as numbers), then the notes (search, index, date)."""
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Mapa")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [corner, *(c.short for c in emap.cols)], bold)
    for i, (value, counts) in enumerate(zip(emap.rows, emap.matrix(), strict=True), start=1):
        sheet.write_string(i, 0, value.short, bold)
        sheet.write_row(i, 1, counts)
    last = len(emap.rows)
    if emap.cols and emap.rows:
        sheet.conditional_format(
            1, 1, last, len(emap.cols), {"type": "2_color_scale", "max_color": "#1f5f99"}
        )
    sheet.set_column(0, 0, 32)
    for j, note in enumerate(notes, start=last + 2):
        sheet.write_string(j, 0, note)
    book.close()


# SVG geometry (user units ~ pixels)
LABEL_WIDTH, HEADER_HEIGHT, CELL_W, CELL_H = 210, 90, 44, 24
EMPTY_FILL, LOW, HIGH = "#f2f2f2", (0xE3, 0xEE, 0xF8), (0x1F, 0x4E, 0x79)


def svg(emap: EvidenceMap, title: str, href: Callable[[str, str], str] | None = None) -> str:
    """A heat map of the matrix: each cell shaded by its count, the count written in it."""
    width = LABEL_WIDTH + CELL_W * len(emap.cols) + 10
    height = HEADER_HEIGHT + CELL_H * len(emap.rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="map-title" '
        'font-family="sans-serif" font-size="11">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for j, col in enumerate(emap.cols):
        x = LABEL_WIDTH + j * CELL_W + CELL_W / 2
        parts.append(
            f'<text class="col" x="{x}" y="{HEADER_HEIGHT - 6}" '
            f'transform="rotate(-45 {x} {HEADER_HEIGHT - 6})">{escape(_cut(col.short, 18))}</text>'
        )
    for i, row in enumerate(emap.rows):
        y = HEADER_HEIGHT + i * CELL_H
        parts.append(
            f'<text class="row" x="{LABEL_WIDTH - 6}" y="{y + CELL_H / 2 + 4}" '
            f'text-anchor="end">{escape(_cut(row.short, 32))}</text>'
        )
        for j, col in enumerate(emap.cols):
            parts.append(_svg_cell(emap, row, col, LABEL_WIDTH + j * CELL_W, y))
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_cell(emap: EvidenceMap, row: Value, col: Value, x: float, y: float) -> str:
    n = emap.count(row.code, col.code)
    fill = _shade(n / emap.largest) if n else EMPTY_FILL
    ink = "#ffffff" if n and n / emap.largest > 0.5 else "#222222"
    data = f'data-row="{escape(row.code)}" data-col="{escape(col.code)}"'
    return (
        f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" fill="{fill}">'
        f"<title>{escape(row.short)} · {escape(col.short)}: {n}</title></rect>"
        f'<text class="count" {data} x="{x + CELL_W / 2 - 1}" y="{y + CELL_H / 2 + 3}" '
        f'text-anchor="middle" fill="{ink}">{n if n else "–"}</text>'
    )


def _shade(share: float) -> str:
    rgb = (round(lo + (hi - lo) * share) for lo, hi in zip(LOW, HIGH, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
