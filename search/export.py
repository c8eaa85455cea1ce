"""Streaming exports of a whole hit set: CSV for Excel/LibreOffice, JSON for scripts and Zotero.

Both take an iterator of hits and yield text chunks, so an export of every hit never holds more
than one batch in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice

from acervo.search.models import SearchHit, hit_to_json

BOM = "\ufeff"  # without it Excel reads UTF-8 CSV as ANSI and mangles accents
CSV_HEADER = ("titulo", "agencias", "temas", "anio", "tipo", "idioma", "ruta", "pagina", "pasaje")
ROWS_PER_CHUNK = 100
# Excel evaluates a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(hits: Iterable[SearchHit]) -> Iterator[str]:
    """The CSV export: BOM and header first, then ROWS_PER_CHUNK rows per chunk."""
    yield BOM + _csv_text([CSV_HEADER])
    hits = iter(hits)
    while batch := list(islice(hits, ROWS_PER_CHUNK)):
        yield _csv_text(_csv_row(hit) for hit in batch)


def _csv_text(rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_row(hit: SearchHit) -> list[str]:
    passage = hit.passages[0] if hit.passages else None
    cells = [
        hit.title,
        "; ".join(hit.agencies),
        "; ".join(hit.topics),
        "" if hit.year is None else str(hit.year),
        hit.doc_type,
        hit.language,
        hit.path,
        "" if passage is None else str(passage.page),
        "" if passage is None else " ".join(passage.text.split()),
    ]
    return [neutralise(cell) for cell in cells]


def neutralise(cell: str) -> str:
    """Prefix a quote to cells Excel would run as formulas; the quote is not shown."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def json_chunks(meta: dict, hits: Iterable[SearchHit]) -> Iterator[str]:
    """One JSON document, `meta`'s keys then "hits": [...], streamed one hit per chunk."""
    head = json.dumps({k: v for k, v in meta.items() if k != "hits"}, ensure_ascii=False)
    # Reopen the object written by json.dumps to append the hits array to it.
    yield (head[:-1] + ", " if len(head) > 2 else "{") + '"hits": ['
    for n, hit in enumerate(hits):
        yield ("," if n else "") + "\n" + json.dumps(hit_to_json(hit), ensure_ascii=False)
    yield "\n]}\n"
