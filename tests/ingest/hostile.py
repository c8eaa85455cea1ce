"""Builders of hostile files, written byte by byte (never copied from ../shared/).

Each builder writes a small file that attacks one assumption of a reader: a page tree that
shares its nodes, a page tree nested hundreds of levels deep, a cross-reference that declares
millions of objects, a zip whose headers lie about the sizes of its members.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

_PAGE_FONT = (
    b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
)


def _pdf(path: Path, objects: dict[int, bytes], declared_size: int | None = None) -> Path:
    """A PDF of `objects` (number -> body; 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(objects))
    size = declared_size or len(objects) + 1
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    path.write_bytes(bytes(out))
    return path


def _page(number: int, parent: int, text: str) -> dict[int, bytes]:
    """A page object `number` and its content stream `number + 1`."""
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
    return {
        number: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R %s >>"
        % (parent, number + 1, _PAGE_FONT),
        number + 1: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    }


def shared_page_tree_pdf(path: Path, fanout: int = 10, depth: int = 6) -> Path:
    """About 1.3 KB declaring fanout**depth pages (a million by default): each Pages node
    lists the same child `fanout` times, down to one shared page."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number, kids = 2 + level, b" ".join([b"%d 0 R" % (3 + level)] * fanout)
        objects[number] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            kids,
            fanout ** (depth - level),
        )
    objects |= _page(2 + depth, 1 + depth, "Pagina compartida por todo el arbol")
    return _pdf(path, objects)


def nested_page_tree_pdf(path: Path, depth: int = 600) -> Path:
    """One page under `depth` levels of Pages nodes, each with a single kid."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        objects[2 + level] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + level)
    objects |= _page(2 + depth, 1 + depth, "Informe sobre migracion en un arbol muy profundo")
    return _pdf(path, objects)


def many_objects_pdf(path: Path, declared: int = 50_000_000) -> Path:
    """A one-page PDF whose cross-reference trailer declares `declared` objects."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    objects[2] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    objects |= _page(3, 2, "Informe con demasiados objetos declarados")
    return _pdf(path, objects, declared_size=declared)


def _zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of deflated members (name, compressed data, declared size, declared CRC)."""
    out, central = bytearray(), bytearray()
    for name, data, size, crc in members:
        offset, encoded = len(out), name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += b"PK\x03\x04" + struct.pack("<HHHHHLLLHH", *fields) + encoded + data
        fields = (20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)
        central += b"PK\x01\x02" + struct.pack("<HHHHHHLLLHHHHHLL", *fields) + encoded
    end = struct.pack("<HHHHLLH", 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + b"PK\x05\x06" + end))
    return path


def _deflate(chunks: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return b"".join(packer.compress(chunk) for chunk in chunks) + packer.flush()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


RELATIONSHIPS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


def lying_zip_docx(path: Path, inflated_mb: int = 700) -> Path:
    """A DOCX whose word/document.xml declares 1,000 bytes (with the CRC of its first 1,000
    bytes, so zipfile's CRC check passes) and inflates to `inflated_mb` MB."""
    head = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    )
    megabyte = b" " * (1024 * 1024)
    body = _deflate(iter([head, *([megabyte] * inflated_mb)]))
    declared = (head + megabyte)[:1000]
    honest = [
        (name, _deflate(iter([data])), len(data), zlib.crc32(data))
        for name, data in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELATIONSHIPS))
    ]
    return _zip(path, [*honest, ("word/document.xml", body, len(declared), zlib.crc32(declared))])
