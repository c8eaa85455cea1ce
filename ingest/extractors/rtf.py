"""RTF via striprtf; the title comes from the {\\info{\\title ...}} group."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from acervo.ingest.errors import CorruptDocument
from acervo.ingest.models import DocProperties, ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "rtf"
DEFAULT_OPTIONS = ExtractOptions()
_CODEPAGE = re.compile(r"\\ansicpg(\d+)")
_INFO_FIELD = r"\{\\%s\s+((?:[^{}\\]|\\.)*)\}"
_YEAR = re.compile(r"\{\\creatim\\yr(\d{4})")


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    # RTF is 7-bit ASCII with \'xx escapes; latin-1 maps any stray 8-bit byte losslessly.
    raw = path.read_bytes().decode("latin-1")
    encoding = _codepage(raw)
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except (ValueError, IndexError, LookupError) as exc:
        raise CorruptDocument(f"Archivo RTF dañado: no se puede interpretar ({exc}).") from exc
    return ExtractedText(FORMAT, [Page(1, normalize_text(text))], _properties(raw, encoding))


def _codepage(raw: str) -> str:
    """The document's \\ansicpgN, when Python knows that code page; else Windows-1252."""
    match = _CODEPAGE.search(raw[:4096])
    if match is None:
        return "cp1252"
    try:
        return codecs.lookup(f"cp{match.group(1)}").name
    except LookupError:
        return "cp1252"


def _properties(raw: str, encoding: str) -> DocProperties:
    def field(name: str) -> str:
        match = re.search(_INFO_FIELD % name, raw)
        if not match:
            return ""
        return rtf_to_text("{\\rtf1 " + match.group(1) + "}", encoding=encoding, errors="replace")

    year = _YEAR.search(raw)
    return DocProperties(
        title=field("title").strip(),
        author=field("author").strip(),
        subject=field("subject").strip(),
        keywords=field("keywords").strip(),
        year=int(year.group(1)) if year else None,
    )
