"""PDF: pdfminer.six (the reference) or pypdfium2 (the fast path), page by page.

Order of checks: decompression bombs (before any parser inflates anything), then the reader
chosen by `ExtractOptions.extractor`:

- `pdfminer` (default): the reference reader with layout analysis, pypdfium2 only when it finds
  no text. It stays the default because its verdict on damaged files is the one the realdocs
  manifest records (README "Extraction");
- `auto`: pypdfium2, about 20-30x faster and agreeing with pdfminer word for word on nearly every
  page (benchmarks/bench_extract.py). pdfminer takes over the whole file when pdfium cannot open
  it or a page, finds no text at all, returns glyph codes instead of letters (fonts without a
  Unicode map: control and private-use characters) or had to rebuild the xref table; pages
  pdfium finds blank are read again by pdfminer;
- `pdfium`: pypdfium2 alone.

pdfminer's many exception types on damaged files become CorruptDocument, password errors
EncryptedDocument. Pages with no text or only `(cid:NN)` codes need OCR: with `ocr` on and
tesseract installed they are OCR'd (ingest/ocr.py), otherwise a file without usable text is
reported as needing OCR.
"""

from __future__ import annotations

import binascii
import io
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
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

from acervo.ingest import ocr
from acervo.ingest.errors import CorruptDocument, EncryptedDocument, NeedsOCR
from acervo.ingest.extractors._flate import refuse_flate_bombs
from acervo.ingest.extractors._pdf_size import refuse_oversized_pdf
from acervo.ingest.models import DocProperties, ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "pdf"
EXTRACTORS = ("auto", "pdfium", "pdfminer")
MAX_CID_TOKEN_RATIO = 0.30
# Share of a page's visible characters that may be glyph codes before pdfium's text is garbage.
MAX_GARBAGE_CHAR_RATIO = 0.30
_CID = re.compile(r"\(cid:\d+\)")
# pdfium's rendering of glyphs without a Unicode value: C0 controls, private use, U+FFFD.
_GARBAGE_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
# pdfium marks a hyphen it judged to be a line-end hyphenation with U+FFFE.
_PDFIUM_SOFT_HYPHEN = "\ufffe"
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
WRONG_PASSWORD_REASON = (
    "PDF protegido: la contraseña de su archivo .meta.yaml no lo abre; corríjala."
)
OCR_REASON = "Sin capa de texto (documento escaneado): necesita OCR."
OCR_HINT = " Active --ocr con tesseract-ocr-spa instalado para leerlo."
DEFAULT_OPTIONS = ExtractOptions()


class _PdfiumCannotRead(Exception):
    """pdfium failed on this file (not a password problem): pdfminer gets its turn."""


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    refuse_flate_bombs(path)
    refuse_oversized_pdf(path, options.password, options.max_pdf_pages, options.max_pdf_objects)
    raw, properties = _read(path, options)
    if options.ocr and ocr.available():
        return _with_ocr(path, raw, properties, options)
    _refuse_cid_garbage(raw)
    pages = [Page(n, normalize_text(t)) for n, t in enumerate(raw, start=1)]
    if not any(p.text for p in pages):
        raise NeedsOCR(OCR_REASON + ("" if options.ocr else OCR_HINT))
    return ExtractedText(FORMAT, pages, properties)


def _read(path: Path, options: ExtractOptions) -> tuple[list[str], DocProperties]:
    """Raw page texts and properties from the reader the options choose."""
    pdfium_read = None  # pdfium's reading when pdfminer should check it (broken xref table)
    if options.extractor != "pdfminer":
        try:
            texts, properties, xref_ok = _pdfium_texts_and_properties(path, options.password)
            if options.extractor == "pdfium":
                return texts, properties
            if xref_ok and _pdfium_text_usable(texts):
                return _fill_blank_pages(path, options.password, texts), properties
            pdfium_read = (texts, properties) if _pdfium_text_usable(texts) else None
        except _PdfiumCannotRead:
            if options.extractor == "pdfium":
                raise CorruptDocument("PDF dañado: pdfium no puede leerlo.") from None
        except EncryptedDocument:
            # pdfium does not SASLprep AES-256 passwords; pdfminer does: let it try.
            if options.extractor == "pdfium" or not options.password:
                raise
    return _read_with_pdfminer_first(path, options.password, pdfium_read)


def _read_with_pdfminer_first(
    path: Path, password: str, pdfium_read: tuple[list[str], DocProperties] | None
) -> tuple[list[str], DocProperties]:
    try:
        texts, properties = read_with_pdfminer(path, password)
    except (CorruptDocument, EncryptedDocument) as exc:
        # pdfminer cannot decrypt some RC4 files ("Unknown filter") that pdfium opens.
        if isinstance(exc.__cause__, PDFEncryptionError | PDFPasswordIncorrect):
            read = pdfium_read or _pdfium_reading(path, password)
            if read is not None:
                return read
        raise
    if not any(t.strip() for t in texts):
        texts = _pdfium_or_nothing(path, password, len(texts))
    return texts, properties


def _pdfium_reading(path: Path, password: str) -> tuple[list[str], DocProperties] | None:
    """pdfium's texts and properties when it opens the file and finds usable text, else None."""
    try:
        texts, properties, _ = _pdfium_texts_and_properties(path, password)
    except (_PdfiumCannotRead, EncryptedDocument):
        return None
    return (texts, properties) if _pdfium_text_usable(texts) else None


def _fill_blank_pages(path: Path, password: str, texts: list[str]) -> list[str]:
    """pdfminer reads the pages pdfium found blank: it may find text there, or the damage
    that pdfium silently skipped (then the file is reported as corrupt, as pdfminer would)."""
    blank = {n for n, text in enumerate(texts, start=1) if not normalize_text(text)}
    if not blank:
        return texts
    found = _pdfminer_some_pages(path, password, blank)
    return [found.get(n, text) for n, text in enumerate(texts, start=1)]


def _pdfium_or_nothing(path: Path, password: str, pdfminer_pages: int) -> list[str]:
    """pdfium's pages when pdfminer found no text (it may have missed pages of a broken file)."""
    try:
        return read_with_pdfium(path, password)
    except _PdfiumCannotRead:
        return [""] * pdfminer_pages


def _pdfium_text_usable(texts: list[str]) -> bool:
    """False when pdfium found no text at all or a page is mostly glyph codes."""
    garbage = any(_garbage_ratio(t) > MAX_GARBAGE_CHAR_RATIO for t in texts)
    return any(t.strip() for t in texts) and not garbage


def _garbage_ratio(text: str) -> float:
    visible = sum(1 for ch in text if not ch.isspace())
    return len(_GARBAGE_CHAR.findall(text)) / visible if visible else 0.0


def _with_ocr(
    path: Path, raw: list[str], properties: DocProperties, options: ExtractOptions
) -> ExtractedText:
    """OCR only the pages that need it; the others keep their text layer."""
    pages, done = [], []
    for number, text in enumerate(raw, start=1):
        if _page_needs_ocr(text):
            text = ocr.ocr_pdf_page(path, number, options.password, options.ocr_page_timeout_s)
            done.append(number)
        pages.append(Page(number, normalize_text(text)))
    if not any(p.text for p in pages):
        raise NeedsOCR(OCR_REASON + " El OCR no encontró texto legible.")
    return ExtractedText(FORMAT, pages, properties, ocr_pages=tuple(done))


def _page_needs_ocr(raw: str) -> bool:
    cids = len(_CID.findall(raw))
    words = len(_CID.sub(" ", raw).split())
    if words + cids == 0:
        return True
    mostly_codes = cids / (cids + words) > MAX_CID_TOKEN_RATIO
    return mostly_codes or _garbage_ratio(raw) > MAX_GARBAGE_CHAR_RATIO


def read_with_pdfminer(path: Path, password: str = "") -> tuple[list[str], DocProperties]:
    """Raw text of every page (possibly none) and the Info properties, or a typed error."""
    with _pdfminer_document(path, password) as document:
        return [t for _, t in _pdfminer_page_texts(document)], _properties(document)


def _pdfminer_some_pages(path: Path, password: str, numbers: set[int]) -> dict[int, str]:
    """pdfminer's raw text of the pages `numbers` (1-based) only."""
    with _pdfminer_document(path, password) as document:
        return dict(_pdfminer_page_texts(document, numbers))


@contextmanager
def _pdfminer_document(path: Path, password: str) -> Iterator[PDFDocument]:
    """The open document; pdfminer's errors, while opening or reading it, become typed ones."""
    try:
        with path.open("rb") as handle:
            yield PDFDocument(PDFParser(handle), password=password)
    except PDFPasswordIncorrect as exc:
        raise EncryptedDocument(WRONG_PASSWORD_REASON if password else PASSWORD_REASON) from exc
    except PDFEncryptionError as exc:
        # "Unknown filter" is raised both for some RC4 password files and for fuzzed ones.
        raise _classify_encryption_error(path, exc, password) from exc
    except _PDFMINER_DAMAGE as exc:
        raise CorruptDocument(f"PDF dañado: no se puede leer ({_one_line(exc)}).") from exc


def _pdfminer_page_texts(
    document: PDFDocument, only: set[int] | None = None
) -> list[tuple[int, str]]:
    resources = PDFResourceManager(caching=True)
    buffer = io.StringIO()
    # Same converter as pdfminer's extract_text; images are never decoded by it.
    with TextConverter(resources, buffer, laparams=LAParams()) as converter:
        interpreter = PDFPageInterpreter(resources, converter)
        texts = []
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if only is not None and number not in only:
                continue
            interpreter.process_page(page)
            texts.append((number, buffer.getvalue()))
            buffer.seek(0)
            buffer.truncate()
    return texts


def _classify_encryption_error(path: Path, exc: PDFEncryptionError, password: str) -> Exception:
    try:
        pypdfium2.PdfDocument(str(path), password=password or None).close()
    except pypdfium2.PdfiumError as pdfium_exc:
        if "password" in str(pdfium_exc).lower():
            return EncryptedDocument(WRONG_PASSWORD_REASON if password else PASSWORD_REASON)
    return CorruptDocument(f"PDF dañado: cifrado no reconocible ({_one_line(exc)}).")


def open_with_pdfium(path: Path, password: str = "") -> pypdfium2.PdfDocument:
    """Open with pdfium: a password problem is EncryptedDocument, others _PdfiumCannotRead."""
    try:
        return pypdfium2.PdfDocument(str(path), password=password or None)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            reason = WRONG_PASSWORD_REASON if password else PASSWORD_REASON
            raise EncryptedDocument(reason) from exc
        raise _PdfiumCannotRead(str(exc)) from exc


def read_with_pdfium(path: Path, password: str = "") -> list[str]:
    """Raw text of every page; _PdfiumCannotRead when the file or one of its pages fails."""
    return _pdfium_texts_and_properties(path, password)[0]


def _pdfium_texts_and_properties(
    path: Path, password: str
) -> tuple[list[str], DocProperties, bool]:
    """Page texts, properties, and whether the cross-reference table was valid (pdfium
    rebuilds a broken one by scanning the file, and may then find pages of old revisions)."""
    document = open_with_pdfium(path, password)
    try:
        texts = [_pdfium_page_text(document, i) for i in range(len(document))]
        xref_ok = bool(pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(document))
        return texts, _pdfium_properties(document), xref_ok
    except pypdfium2.PdfiumError as exc:
        raise _PdfiumCannotRead(str(exc)) from exc
    finally:
        document.close()


def _pdfium_page_text(document: pypdfium2.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return text.replace(_PDFIUM_SOFT_HYPHEN, "-")


def _pdfium_properties(document: pypdfium2.PdfDocument) -> DocProperties:
    info = {k: normalize_text(v or "") for k, v in document.get_metadata_dict().items()}
    year = _YEAR.search(info.get("CreationDate", "") or info.get("ModDate", ""))
    return DocProperties(
        title=info.get("Title", ""),
        author=info.get("Author", ""),
        subject=info.get("Subject", ""),
        keywords=info.get("Keywords", ""),
        year=int(year.group(1)) if year else None,
    )


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
