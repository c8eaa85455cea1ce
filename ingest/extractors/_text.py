"""Turning bytes into str for the plain-text formats (TXT, HTML): BOM, declared, UTF-8, guess."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode with the BOM, else the declared charset, else UTF-8, else charset-normalizer."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in (declared, "utf-8"):
        if encoding and _known_encoding(encoding):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue  # a wrong declaration is common; fall through to guessing
    return _guess(data)


def _guess(data: bytes) -> str:
    """charset-normalizer's guess; on a tie, Windows-1252, the usual legacy Spanish encoding.

    Short Spanish text scores the same in a dozen code pages (cp1006, cp1256...), and the
    first of them in charset-normalizer's order is rarely the right one for our corpus.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None:
        return data.decode("cp1252", errors="replace")
    for match in results:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tied and match.encoding == "cp1252":
            return str(match)
    return str(best)


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
