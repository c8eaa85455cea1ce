"""Which format a file really is, from its bytes: the extension is never trusted.

`detect_format` returns one of FORMATS. The extractors registry maps each to an extractor or
to a typed refusal (legacy Word, macro documents, plain zips, unknown binaries).
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

FORMATS = (
    "pdf",
    "docx",
    "docm",  # macro-enabled Word: refused, macros must never run
    "odt",
    "rtf",
    "html",
    "txt",
    "doc",  # legacy binary Word (OLE2 without an EncryptedPackage stream)
    "encrypted_ooxml",  # OLE2 holding an EncryptedPackage: a password-protected DOCX/XLSX
    "zip",  # a zip that is not a text document we read (or a broken one)
    "empty",
    "unknown",
)

HEAD_BYTES = 8192  # how much of the file callers should pass as `head`
PDF_MAGIC_WINDOW_BYTES = 1024  # Acrobat accepts %PDF anywhere in the first 1 KB
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE2 directory entries store stream names in UTF-16LE.
ENCRYPTED_PACKAGE_NAME = "EncryptedPackage".encode("utf-16-le")
OLE2_SCAN_LIMIT_BYTES = 64 * 1024 * 1024
ZIP_SNIFF_BYTES = 1024 * 1024  # of [Content_Types].xml or mimetype, to tell zips apart
MAX_CONTROL_CHAR_RATIO = 0.01
# UTF-16 without a BOM: in Latin-script text one byte of (nearly) every pair is NUL, always
# the same one (the high byte: second in little-endian, first in big-endian).
UTF16_MIN_NUL_SHARE = 0.3  # of the byte pairs, NUL on the high side at least this often
UTF16_MAX_LOW_NUL_SHARE = 0.01  # and on the low side (a real character) almost never
# Markup first, then an HTML tag somewhere in the head: pages may open with an XML
# declaration, comments or even a long <script> preamble before <html>.
_HTML_TAG = re.compile(rb"<(!doctype\s+html|html|head|body)\b", re.I)
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_DOCM_CONTENT_TYPE = b"macroEnabled"


def detect_format(path: Path, head: bytes) -> str:
    """Return the real format of `path`; `head` is its first HEAD_BYTES bytes."""
    if not head:
        return "empty"
    if b"%PDF" in head[:PDF_MAGIC_WINDOW_BYTES]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(path)
    if head.startswith(OLE2_MAGIC):
        return "encrypted_ooxml" if _ole2_has_encrypted_package(path) else "doc"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_html(_strip_bom(head)):
        return "html"
    if _looks_like_text(head):
        return "txt"
    return "unknown"


def _strip_bom(head: bytes) -> bytes:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            return head[len(bom) :].replace(b"\x00", b"")  # crude UTF-16 -> ASCII for sniffing
    return head.replace(b"\x00", b"") if utf16_without_bom(head) else head


def _looks_like_html(head: bytes) -> bool:
    return head.lstrip().startswith(b"<") and _HTML_TAG.search(head) is not None


def _zip_format(path: Path) -> str:
    """Tell OOXML Word, macro Word and ODF text apart from other zips by their members."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _read_at_most(archive, "mimetype").strip()
                return "odt" if mimetype == _ODT_MIMETYPE else "zip"
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return "zip"
            content_types = _read_at_most(archive, "[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, zlib.error):
        return "zip"  # broken archive: the registry reports it as corrupt
    if _DOCM_CONTENT_TYPE in content_types or "word/vbaProject.bin" in names:
        return "docm"
    return "docx"


def _read_at_most(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's first bytes: `archive.read` would inflate all of it, whatever it declares."""
    with archive.open(name) as member:
        return member.read(ZIP_SNIFF_BYTES)


def _ole2_has_encrypted_package(path: Path) -> bool:
    """Scan the compound file for the EncryptedPackage stream name (no OLE parser needed)."""
    overlap = len(ENCRYPTED_PACKAGE_NAME)
    previous = b""
    read_total = 0
    with path.open("rb") as handle:
        while read_total < OLE2_SCAN_LIMIT_BYTES:
            chunk = handle.read(1024 * 1024)
            if not chunk:
                return False
            read_total += len(chunk)
            if ENCRYPTED_PACKAGE_NAME in previous[-overlap:] + chunk:
                return True
            previous = chunk
    return False


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 (or UTF-16 with BOM), else a legacy 8-bit encoding with few control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    utf16 = utf16_without_bom(head)
    if utf16:  # NUL in every other byte: text written by Windows tools without a BOM
        return _control_char_ratio(head.decode(utf16, "replace")) <= MAX_CONTROL_CHAR_RATIO
    if b"\x00" in head:
        return False
    try:
        # final=False: the head may end in the middle of a multi-byte character.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        best = from_bytes(head).best()
        if best is None:
            return False
        text = str(best)
    return _control_char_ratio(text) <= MAX_CONTROL_CHAR_RATIO


def _control_char_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(text)


def utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when `head` looks like UTF-16 text without a BOM, else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    first, second = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if second >= UTF16_MIN_NUL_SHARE * pairs and first <= UTF16_MAX_LOW_NUL_SHARE * pairs:
        return "utf-16-le"
    if first >= UTF16_MIN_NUL_SHARE * pairs and second <= UTF16_MAX_LOW_NUL_SHARE * pairs:
        return "utf-16-be"
    return None
