"""HTML: visible text only (scripts, styles and templates dropped), <title> as a property.

The stdlib parser only tokenises: nothing is executed or fetched. The charset comes from
the BOM or <meta charset>, else UTF-8, else a guess (windows-1251 pages exist). The file is
fed to the parser in chunks and reading stops once the page holds MAX_PAGE_TEXT_CHARS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from acervo.ingest.extractors._text import ENCODING_SNIFF_BYTES, choose_encoding, decoded_chunks
from acervo.ingest.models import (
    MAX_PAGE_TEXT_CHARS,
    DocProperties,
    ExtractedText,
    ExtractOptions,
    Page,
)
from acervo.ingest.normalize import normalize_text

FORMAT = "html"
DEFAULT_OPTIONS = ExtractOptions()
META_SNIFF_BYTES = 4096
MAX_CARRIED_CHARS = 256  # a tag cut at a chunk's end is carried to the next chunk up to this
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# Only elements whose content is never shown; an unclosed one would hide the rest of the page,
# so tags that HTML authors leave open (svg, iframe) are not in the list.
_HIDDEN_TAGS = {"script", "style", "template"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "dt", "dd", "hr", "ul", "ol",
}  # fmt: skip
_CELL_TAGS = {"td", "th"}
# Browsers close a script at "</script foo>"; html.parser only at "</script>", and would
# swallow the rest of the page as script.
_END_TAG_WITH_ATTRIBUTES = re.compile(r"</(script|style)\b[^>]*>", re.I)
# Layout tables leave rows of bare cell separators; keep only separators between words.
_EDGE_SEPARATORS = re.compile(r"^[ |]+|[ |]+$", re.M)


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    parser = _TextCollector()
    with path.open("rb") as handle:
        head = handle.read(ENCODING_SNIFF_BYTES)
        declared = _META_CHARSET.search(head[:META_SNIFF_BYTES])
        encoding = choose_encoding(head, declared.group(1).decode("ascii") if declared else None)
        for markup in _batched(parser, _whole_end_tags(decoded_chunks(handle, head, encoding))):
            parser.feed(_END_TAG_WITH_ATTRIBUTES.sub(r"</\1>", markup))
            if parser.body_chars > MAX_PAGE_TEXT_CHARS:
                break  # the page keeps no more: the rest is not even read
        else:
            parser.close()
    title = normalize_text(" ".join(parser.title_parts))
    body = _EDGE_SEPARATORS.sub("", normalize_text("".join(parser.body_parts)))
    truncated = (1,) if parser.body_chars > MAX_PAGE_TEXT_CHARS else ()
    page = Page(1, normalize_text(body))
    return ExtractedText(FORMAT, [page], DocProperties(title=title), truncated_pages=truncated)


def _batched(parser: HTMLParser, chunks: Iterable[str]) -> Iterator[str]:
    """The chunks joined into pieces at least as long as what the parser still holds.

    Inside a long comment or script the parser keeps everything since its start and searches
    it again at every feed: fed in fixed chunks, a 30 MB comment took 51 s (quadratic); fed at
    least as much again each time, 2 s.
    """
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= len(parser.rawdata):
            yield "".join(pending)
            pending.clear()
            size = 0
    yield "".join(pending)


def _whole_end_tags(chunks: Iterable[str]) -> Iterator[str]:
    """The chunks, with a tag cut at a chunk's end moved to the next one, so that the end-tag
    fix sees "</script foo>" whole. A "<" with no ">" within MAX_CARRIED_CHARS is not a tag."""
    carried = ""
    for chunk in chunks:
        data = carried + chunk
        start = data.rfind("<", max(0, len(data) - MAX_CARRIED_CHARS))
        if start != -1 and ">" not in data[start:]:
            data, carried = data[:start], data[start:]
        else:
            carried = ""
        yield data
    yield carried


class _TextCollector(HTMLParser):
    """Collects the title and the visible text, with line breaks at block boundaries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.body_parts: list[str] = []
        self._hidden_depth = 0
        self._in_title = False
        self.body_chars = 0  # characters of visible text collected so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag == "title":
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self.body_parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self.body_parts.append("\n")
        elif tag in _CELL_TAGS:
            self.body_parts.append(" | ")

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._in_title:
            self.title_parts.append(data)
        else:
            self.body_parts.append(data)
            self.body_chars += len(data)
