"""Extractor registry: one module per format, chosen by `detect_format`, never by extension.

Every module has the same interface: `can_handle(fmt) -> bool` and
`extract(path, options: ExtractOptions) -> ExtractedText` (only the PDF reader uses all the
options: reader, OCR, password; a password-protected DOCX uses the password). Markdown is plain
text to us: `.md` files are detected as `txt`.
`extract(path, fmt, options)` returns an ExtractedText or raises a typed IngestError; formats that
Acervo does not read are refused here with a reason naming the format.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

from acervo.ingest.errors import (
    CorruptDocument,
    EmptyDocument,
    UnsupportedFormat,
)
from acervo.ingest.extractors import docx, html, odt, office_encrypted, pdf, rtf, txt
from acervo.ingest.models import MAX_PAGE_TEXT_CHARS, ExtractedText, ExtractOptions

EXTRACTORS: tuple[ModuleType, ...] = (pdf, docx, office_encrypted, odt, rtf, html, txt)
# Extensions of binary formats: a file named like one of them whose bytes are plain text is
# not a mislabelled text file worth indexing but a damaged or substituted document.
_BINARY_EXTENSIONS = {".pdf", ".docx", ".docm", ".doc", ".odt", ".rtf", ".xlsx", ".pptx"}
_REFUSALS: dict[str, Exception] = {
    "empty": EmptyDocument("Archivo vacío (0 bytes): no hay nada que indexar."),
    "docm": UnsupportedFormat(
        "Documento de Word con macros (.docm): no se indexa; guárdelo como .docx sin macros."
    ),
    "doc": UnsupportedFormat(
        "Documento de Word antiguo (.doc, formato binario): guárdelo como .docx o PDF."
    ),
    "zip": CorruptDocument(
        "El archivo es un ZIP que no es un documento de Word ni ODT (o está dañado)."
    ),
    "unknown": UnsupportedFormat(
        "Formato no reconocido: no es PDF, DOCX, ODT, RTF, HTML ni texto."
    ),
}


DEFAULT_OPTIONS = ExtractOptions()


def extract(path: Path, fmt: str, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    """Extract `path`, whose real format `fmt` came from `detect_format`."""
    refusal = _REFUSALS.get(fmt)
    if refusal is not None:
        raise type(refusal)(*refusal.args)  # a fresh instance: no shared traceback
    if fmt == "txt" and path.suffix.lower() in _BINARY_EXTENSIONS:
        raise CorruptDocument(
            f"El archivo se llama «{path.suffix}» pero contiene texto plano: "
            "está dañado o mal nombrado."
        )
    for extractor in EXTRACTORS:
        if extractor.can_handle(fmt):
            return _capped(extractor.extract(path, options))
    raise UnsupportedFormat(f"Formato «{fmt}» no admitido.")


def _capped(text: ExtractedText) -> ExtractedText:
    """Pages cut at MAX_PAGE_TEXT_CHARS, and the cut pages named (TXT and HTML extractors stop
    reading there and name their page themselves)."""
    long_pages = [p.number for p in text.pages if len(p.text) > MAX_PAGE_TEXT_CHARS]
    if not long_pages:
        return text
    pages = [replace(p, text=p.text[:MAX_PAGE_TEXT_CHARS]) for p in text.pages]
    truncated = tuple(sorted({*text.truncated_pages, *long_pages}))
    return replace(text, pages=pages, truncated_pages=truncated)
