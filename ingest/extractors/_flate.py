"""Refuse PDFs whose compressed streams inflate to absurd sizes, before pdfminer reads them.

pdfminer inflates a content stream whole (a 200 MB stream of whitespace costs ~440 MB of
memory), so we inflate every non-image stream first, incrementally and with a cap, and keep
nothing but the byte counts. Images are skipped: pdfminer never decodes them.
"""

from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path

from acervo.ingest.errors import DecompressionBomb

MAX_STREAM_INFLATED_BYTES = 100 * 1024 * 1024
MAX_TOTAL_INFLATED_BYTES = 300 * 1024 * 1024
_INPUT_CHUNK_BYTES = 64 * 1024
_OUTPUT_CHUNK_BYTES = 4 * 1024 * 1024
_DICT_WINDOW_BYTES = 2048
_STREAM_START = re.compile(rb"stream\r?\n")
_IMAGE_SUBTYPE = re.compile(rb"/Subtype\s*/Image")
MB = 1024 * 1024


def refuse_flate_bombs(path: Path) -> None:
    """Raise DecompressionBomb when one stream or all of them together inflate past the caps."""
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            total = 0
            for match in _STREAM_START.finditer(data):
                start = match.end()
                if _is_image_stream(data, match.start()):
                    continue
                end = data.find(b"endstream", start)
                inflated = _inflated_size(data, start, end if end != -1 else len(data))
                total += inflated
                if inflated > MAX_STREAM_INFLATED_BYTES or total > MAX_TOTAL_INFLATED_BYTES:
                    raise DecompressionBomb(
                        "PDF rechazado: sus datos comprimidos se expanden a más de "
                        f"{total // MB} MB; posible bomba de descompresión."
                    )


def _is_image_stream(data: mmap.mmap, stream_keyword_at: int) -> bool:
    window = data[max(0, stream_keyword_at - _DICT_WINDOW_BYTES) : stream_keyword_at]
    window = window[window.rfind(b"obj") + 1 :]  # only this object's dictionary
    return _IMAGE_SUBTYPE.search(window) is not None


def _inflated_size(data: mmap.mmap, start: int, end: int) -> int:
    """Bytes one zlib stream inflates to, stopping just past the per-stream cap."""
    inflater = zlib.decompressobj()
    size = 0
    try:
        for offset in range(start, end, _INPUT_CHUNK_BYTES):
            pending = data[offset : min(offset + _INPUT_CHUNK_BYTES, end)]
            while pending and not inflater.eof:
                size += len(inflater.decompress(pending, _OUTPUT_CHUNK_BYTES))
                pending = inflater.unconsumed_tail
                if size > MAX_STREAM_INFLATED_BYTES:
                    return size
            if inflater.eof:
                break
    except zlib.error:
        return size  # not zlib data (another filter) or damaged: pdfminer will judge it
    return size
