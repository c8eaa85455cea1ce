"""Safe access to zip-based documents (DOCX, ODT): size limits before inflating, safe XML.

Both formats are zips of XML parts; the limits and the parser live here once so that a
bomb or an external entity is refused the same way whichever extractor meets it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from acervo.ingest.errors import CorruptDocument, DecompressionBomb

MAX_TOTAL_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # uncompressed : compressed
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024  # small members may compress well legitimately
MB = 1024 * 1024
_LOCAL_HEADER_BYTES = 30  # fixed part of a zip local file header
_CHUNK_BYTES = 64 * 1024


def open_checked_zip(path: Path, kind: str) -> zipfile.ZipFile:
    """Open a zip after checking its declared sizes; `kind` ("DOCX", "ODT") names it in errors."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptDocument(f"Archivo {kind} dañado (el ZIP no se puede leer: {exc}).") from exc
    try:
        _refuse_bomb(archive, kind)
        _refuse_lying_sizes(path, archive, kind)
    except (DecompressionBomb, CorruptDocument):
        archive.close()
        raise
    return archive


def _refuse_bomb(archive: zipfile.ZipFile, kind: str) -> None:
    # Declared sizes can lie low: _refuse_lying_sizes checks that no member inflates past its
    # declared size, so checking the declared sizes here bounds what we will ever inflate.
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_MEMBER_RATIO:
            raise DecompressionBomb(
                f"{kind} rechazado: «{info.filename}» se expande {ratio:.0f} veces "
                f"({info.file_size // MB} MB); posible bomba de descompresión."
            )
    if total > MAX_TOTAL_UNCOMPRESSED_BYTES:
        raise DecompressionBomb(
            f"{kind} rechazado: su contenido descomprimido ocupa {total // MB} MB "
            f"(límite {MAX_TOTAL_UNCOMPRESSED_BYTES // MB} MB)."
        )


def _refuse_lying_sizes(path: Path, archive: zipfile.ZipFile, kind: str) -> None:
    """Inflate every member once, in chunks, stopping as soon as it passes its declared size.

    zipfile trusts the declared sizes only to cut what it returns: `read()` inflates a member's
    whole compressed data in one call first (683 MB for a member that declared a few bytes),
    and python-docx reads members that way. A member that inflates past what it declares is a
    bomb whatever its ratio; checked here, nothing larger than declared is ever inflated.
    """
    with path.open("rb") as raw:
        for info in archive.infolist():
            if _inflated_size(raw, info, kind) > info.file_size:
                raise DecompressionBomb(
                    f"{kind} rechazado: «{info.filename}» declara {info.file_size} bytes pero se "
                    "expande a más (cabeceras falsas); posible bomba de descompresión."
                )


def _inflated_size(raw: BinaryIO, info: zipfile.ZipInfo, kind: str) -> int:
    """Bytes the member inflates to, counted up to one chunk past its declared size."""
    if info.compress_type == zipfile.ZIP_STORED:
        return min(info.compress_size, info.file_size)  # zipfile never returns more
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise CorruptDocument(
            f"Archivo {kind} con un método de compresión que Word no usa en «{info.filename}»."
        )
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER_BYTES)
    if len(header) < _LOCAL_HEADER_BYTES or not header.startswith(b"PK\x03\x04"):
        raise CorruptDocument(f"Archivo {kind} dañado: «{info.filename}» no está donde se dice.")
    name_bytes, extra_bytes = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + _LOCAL_HEADER_BYTES + name_bytes + extra_bytes)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as zip stores it
    size, left = 0, info.compress_size
    try:
        while left > 0 and not inflater.eof:
            pending = raw.read(min(_CHUNK_BYTES, left))
            if not pending:
                break
            left -= len(pending)
            while pending and not inflater.eof:
                size += len(inflater.decompress(pending, _CHUNK_BYTES))
                pending = inflater.unconsumed_tail
                if size > info.file_size:
                    return size
    except zlib.error as exc:
        raise CorruptDocument(f"Archivo {kind} dañado: «{info.filename}» ({exc}).") from exc
    return size


def read_member(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """Read one member; a missing or unreadable member means the document is corrupt."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise CorruptDocument(f"Archivo {kind} incompleto: falta «{name}».") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptDocument(f"Archivo {kind} dañado: no se puede leer «{name}» ({exc}).") from exc


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads a DTD or touches the network."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def parse_xml(data: bytes, kind: str, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(f"Archivo {kind} dañado: «{name}» no es XML válido ({exc}).") from exc


def element_text(element: etree._Element) -> str:
    """Text of an element including what follows unresolved entity references.

    With resolve_entities=False lxml keeps `&xxe;` as a child node; `.text` stops there and
    the rest of the words sit in the entity node's tail, so they must be collected too.
    """
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element if isinstance(child, etree._Entity))
    return "".join(parts)
