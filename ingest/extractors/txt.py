"""Plain text: one page, decoded by BOM, UTF-8 or a charset-normalizer guess (latin-1 files)."""

from __future__ import annotations

from pathlib import Path

from acervo.ingest.extractors._text import decode_bytes
from acervo.ingest.models import ExtractedText, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "txt"


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path) -> ExtractedText:
    text = normalize_text(decode_bytes(path.read_bytes()))
    return ExtractedText(FORMAT, [Page(1, text)])
