"""Bytes to str for the plain-text formats (TXT, HTML), streamed: a 30 MB file is read in
chunks and never held whole, and reading stops once a page holds all the text it may keep.

The encoding is chosen from the file's head (ENCODING_SNIFF_BYTES): its BOM; UTF-16 without a
BOM (every other byte NUL, as Windows tools write it); the declared charset (HTML) when the
head decodes with it; UTF-8; else charset-normalizer's guess. The rest of the file is decoded
with that encoding, undecodable bytes replaced.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from charset_normalizer import from_bytes

from acervo.ingest.detect import utf16_without_bom

ENCODING_SNIFF_BYTES = 1024 * 1024  # the head the encoding is chosen from
READ_CHUNK_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def choose_encoding(head: bytes, declared: str | None = None) -> str:
    """The encoding to read a file with, from its first bytes (see the module docstring)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    utf16 = utf16_without_bom(head)
    if utf16:
        return utf16
    for encoding in (declared, "utf-8"):
        if encoding and _known_encoding(encoding) and _decodes(head, encoding):
            return encoding  # a wrong declaration is common: it must fit the bytes
    return _guess(head)


def decoded_chunks(handle: BinaryIO, head: bytes, encoding: str) -> Iterator[str]:
    """`head` (already read from `handle`) and the rest of the file, decoded chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    yield decoder.decode(head)
    while chunk := handle.read(READ_CHUNK_BYTES):
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def read_text(handle: BinaryIO, limit_chars: int) -> tuple[str, bool]:
    """The file's text, at most `limit_chars` characters, and whether there was more."""
    head = handle.read(ENCODING_SNIFF_BYTES)
    parts: list[str] = []
    kept = 0
    for chunk in decoded_chunks(handle, head, choose_encoding(head)):
        parts.append(chunk)
        kept += len(chunk)
        if kept > limit_chars:
            return "".join(parts)[:limit_chars], True
    return "".join(parts), False


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        # final=False: the head may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> str:
    """charset-normalizer's guess; on a tie, Windows-1252, the usual legacy Spanish encoding.

    Short Spanish text scores the same in a dozen code pages (cp1006, cp1256...), and the
    first of them in charset-normalizer's order is rarely the right one for our corpus.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None:
        return "cp1252"
    for match in results:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tied and match.encoding == "cp1252":
            return "cp1252"
    return best.encoding


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
