"""Refuse PDFs too big to walk, before any reader walks them.

A 2 KB file whose page tree shares one node ten times at each of six levels declares a million
pages: pdfium believes the tree's /Count and a reader that asks for every page runs out of time
and memory. The pages a document declares (pdfium's count, read from the tree's root) and the
objects it holds (object headers, objects packed in object streams, the xref's /Size) are
checked against the limits in ExtractOptions (`max_pdf_pages`, `max_pdf_objects`) first.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import pypdfium2

from acervo.ingest.errors import DocumentTooLarge

# "12 0 obj": matched by its keyword alone (a leading digit pattern made the scan 20x slower);
# "endobj" has no whitespace before "obj".
_OBJECT_HEADER = re.compile(rb"\sobj\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_PACKED_COUNT = re.compile(rb"/N\s+(\d{1,12})")
_DECLARED_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_DICT_WINDOW_BYTES = 512  # around /Type /ObjStm, where its /N is


def refuse_oversized_pdf(path: Path, password: str, max_pages: int, max_objects: int) -> None:
    """Raise DocumentTooLarge when the file holds more than `max_objects` objects or declares
    more than `max_pages` pages."""
    objects = _object_count(path)
    if objects > max_objects:
        raise DocumentTooLarge(
            f"PDF rechazado: contiene o declara {_n(objects)} objetos (límite {_n(max_objects)}, "
            "max_pdf_objects). Si el documento es legítimo, suba el límite en acervo.toml o "
            "con ACERVO_MAX_PDF_OBJECTS; si no, quítelo del corpus."
        )
    pages = _declared_pages(path, password)
    if pages > max_pages:
        raise DocumentTooLarge(
            f"PDF rechazado: declara {_n(pages)} páginas (límite {_n(max_pages)}, max_pdf_pages); "
            "un árbol de páginas que repite sus nodos lo hace con pocos bytes. Si el documento "
            "es legítimo, suba el límite en acervo.toml o con ACERVO_MAX_PDF_PAGES; si no, "
            "quítelo del corpus."
        )


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # Spanish thousands separator


def _object_count(path: Path) -> int:
    """Objects written in the file plus those packed in object streams, or the largest /Size
    a cross-reference section declares, whichever is more."""
    if path.stat().st_size == 0:
        return 0
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        written = sum(1 for _ in _OBJECT_HEADER.finditer(data))
        packed = 0
        for match in _OBJECT_STREAM.finditer(data):
            window = data[
                max(0, match.start() - _DICT_WINDOW_BYTES) : match.end() + _DICT_WINDOW_BYTES
            ]
            count = _PACKED_COUNT.search(window)
            packed += int(count.group(1)) if count else 0
        declared = max((int(m.group(1)) for m in _DECLARED_SIZE.finditer(data)), default=0)
    return max(written + packed, declared)


def _declared_pages(path: Path, password: str) -> int:
    """The page count pdfium reads from the page tree's root, without loading any page; 0 when
    pdfium cannot open the file (pdfminer then walks the tree, visiting each node once)."""
    try:
        document = pypdfium2.PdfDocument(str(path), password=password or None)
    except pypdfium2.PdfiumError:
        return 0
    try:
        return len(document)
    finally:
        document.close()
