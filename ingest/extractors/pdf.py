"""PDF: pdfminer.six page by page (layout analysis on), pypdfium2 as the repairing fallback.

Order of checks: decompression bombs (before any parser inflates anything), then pdfminer;
its many exception types on damaged files become CorruptDocument, and password errors
EncryptedDocument. When pdfminer silently finds no pages or no text, pypdfium2 (which
rebuilds broken xref tables) gets a try; no text anywhere means a scan that needs OCR.
"""

from __future__ import annotations

import binascii
import io
import re
import struct
import zlib
from pathlib import Path

import pypdfium2
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfminer.utils import decode_text

from acervo.ingest.errors import CorruptDocument, EncryptedDocument, NeedsOCR
from acervo.ingest.extractors._flate import refuse_flate_bombs
from acervo.ingest.models import DocProperties, ExtractedText, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "pdf"
MAX_CID_TOKEN_RATIO = 0.30
_CID = re.compile(r"\(cid:\d+\)")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
# pdfminer reports damage with far more than its own exception classes.
_PDFMINER_DAMAGE = (
    PDFException, PSException, ValueError, TypeError, KeyError, IndexError, AttributeError,
    AssertionError, RecursionError, binascii.Error, struct.error, zlib.error, OverflowError,
    EOFError, NotImplementedError,
)  # fmt: skip
PASSWORD_REASON = (
    "PDF protegido con contraseña: añada `password:` en su archivo .meta.yaml "
    "o quite la protección."
)
OCR_REASON = "Sin capa de texto (documento escaneado): necesita OCR."


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path) -> ExtractedText:
    refuse_flate_bombs(path)
    texts, properties = _read_with_pdfminer(path)
    _refuse_cid_garbage(texts)
    if not any(t.strip() for t in texts):
        texts = _read_with_pdfium(path)  # pdfminer may have missed pages of a broken file
    pages = [Page(n, normalize_text(t)) for n, t in enumerate(texts, start=1)]
    if not any(p.text for p in pages):
        raise NeedsOCR(OCR_REASON)
    return ExtractedText(FORMAT, pages, properties)


def _read_with_pdfminer(path: Path) -> tuple[list[str], DocProperties]:
    """Raw text of every page (possibly none) and the Info properties, or a typed error."""
    try:
        with path.open("rb") as handle:
            document = PDFDocument(PDFParser(handle), password="")
            return _pdfminer_page_texts(document), _properties(document)
    except PDFPasswordIncorrect as exc:
        raise EncryptedDocument(PASSWORD_REASON) from exc
    except PDFEncryptionError as exc:
        # "Unknown filter" is raised both for some RC4 password files and for fuzzed ones.
        raise _classify_encryption_error(path, exc) from exc
    except _PDFMINER_DAMAGE as exc:
        raise CorruptDocument(f"PDF dañado: no se puede leer ({_one_line(exc)}).") from exc


def _pdfminer_page_texts(document: PDFDocument) -> list[str]:
    resources = PDFResourceManager(caching=True)
    buffer = io.StringIO()
    # Same converter as pdfminer's extract_text; images are never decoded by it.
    with TextConverter(resources, buffer, laparams=LAParams()) as converter:
        interpreter = PDFPageInterpreter(resources, converter)
        texts = []
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            texts.append(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    return texts


def _classify_encryption_error(path: Path, exc: PDFEncryptionError) -> Exception:
    try:
        pypdfium2.PdfDocument(str(path)).close()
    except pypdfium2.PdfiumError as pdfium_exc:
        if "password" in str(pdfium_exc).lower():
            return EncryptedDocument(PASSWORD_REASON)
    return CorruptDocument(f"PDF dañado: cifrado no reconocible ({_one_line(exc)}).")


def _read_with_pdfium(path: Path) -> list[str]:
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocument(PASSWORD_REASON) from exc
        raise CorruptDocument(f"PDF dañado: no se puede abrir ({_one_line(exc)}).") from exc
    try:
        return [_pdfium_page_text(document, i) for i in range(len(document))]
    finally:
        document.close()


def _pdfium_page_text(document: pypdfium2.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()


def _refuse_cid_garbage(texts: list[str]) -> None:
    """Fonts without a Unicode map come out as (cid:NN): mostly that is a scan for our purpose."""
    joined = " ".join(texts)
    cids = len(_CID.findall(joined))
    if not cids:
        return
    words = len(_CID.sub(" ", joined).split())
    if cids / (cids + words) > MAX_CID_TOKEN_RATIO:
        raise NeedsOCR(OCR_REASON + " El texto extraído son códigos (cid:NN) sin significado.")


def _properties(document: PDFDocument) -> DocProperties:
    info: dict[str, str] = {}
    for entry in document.info:  # a list: one dict per trailer, the newest last
        for key, value in entry.items():
            info[key] = _info_string(value)
    year = _YEAR.search(info.get("CreationDate", "") or info.get("ModDate", ""))
    return DocProperties(
        title=info.get("Title", "").strip(),
        author=info.get("Author", "").strip(),
        subject=info.get("Subject", "").strip(),
        keywords=info.get("Keywords", "").strip(),
        year=int(year.group(1)) if year else None,
    )


def _info_string(value: object) -> str:
    """Info values are PDF strings (PDFDocEncoding or UTF-16 with a BOM), maybe indirect."""
    try:
        value = resolve1(value)
    except _PDFMINER_DAMAGE:
        return ""  # an unreadable Info entry only costs us that property
    if isinstance(value, bytes):
        return normalize_text(decode_text(value))
    return normalize_text(value) if isinstance(value, str) else ""


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
