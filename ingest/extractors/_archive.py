"""Safe access to zip-based documents (DOCX, ODT): size limits before inflating, safe XML.

Both formats are zips of XML parts; the limits and the parser live here once so that a
bomb or an external entity is refused the same way whichever extractor meets it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from acervo.ingest.errors import CorruptDocument, DecompressionBomb

MAX_TOTAL_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # uncompressed : compressed
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024  # small members may compress well legitimately
MB = 1024 * 1024


def open_checked_zip(path: Path, kind: str) -> zipfile.ZipFile:
    """Open a zip after checking its declared sizes; `kind` ("DOCX", "ODT") names it in errors."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptDocument(f"Archivo {kind} dañado (el ZIP no se puede leer: {exc}).") from exc
    try:
        _refuse_bomb(archive, kind)
    except DecompressionBomb:
        archive.close()
        raise
    return archive


def _refuse_bomb(archive: zipfile.ZipFile, kind: str) -> None:
    # Declared sizes can lie low, but zipfile stops reading a member at its declared size
    # (and raises on a CRC mismatch), so checking them bounds what we will ever inflate.
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
