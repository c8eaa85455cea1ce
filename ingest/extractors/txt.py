"""Plain text: one page, decoded by BOM, UTF-16 pattern, UTF-8 or a charset-normalizer guess
(latin-1 files); read in chunks and no further than a page's MAX_PAGE_TEXT_CHARS."""

from __future__ import annotations

from pathlib import Path

from acervo.ingest.extractors._text import read_text
from acervo.ingest.models import MAX_PAGE_TEXT_CHARS, ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "txt"
DEFAULT_OPTIONS = ExtractOptions()


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    with path.open("rb") as handle:
        text, truncated = read_text(handle, MAX_PAGE_TEXT_CHARS)
    page = Page(1, normalize_text(text))
    return ExtractedText(FORMAT, [page], truncated_pages=(1,) if truncated else ())
