"""Plain text: one page, decoded by BOM, UTF-8 or a charset-normalizer guess (latin-1 files)."""

from __future__ import annotations

from pathlib import Path

from acervo.ingest.extractors._text import decode_bytes
from acervo.ingest.models import ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "txt"
DEFAULT_OPTIONS = ExtractOptions()


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    text = normalize_text(decode_bytes(path.read_bytes()))
    return ExtractedText(FORMAT, [Page(1, text)])
