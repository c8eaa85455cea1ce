"""DOCX: body paragraphs and tables in document order, then headers and footers.

python-docx parses with resolve_entities=False, so external entities stay unresolved; we
read text from the XML ourselves because `Document.paragraphs` skips tables and loses the
words after an unresolved entity.

Pages: a DOCX has no pages, only where Word last drew them. When Word saved the file it left
`w:lastRenderedPageBreak` markers where its pages began, and those give the page Word showed
(explicit breaks included, since Word renders them too). A file without them (written by
another program) is cut at its explicit breaks: page breaks, "page break before" paragraphs and
section breaks that start a new page. A file with neither is one page. Headers and footers go
with the first page.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from acervo.ingest.errors import CorruptDocument
from acervo.ingest.extractors._archive import element_text, open_checked_zip, read_member
from acervo.ingest.models import DocProperties, ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "docx"
DEFAULT_OPTIONS = ExtractOptions()
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CELL_SEPARATOR = " | "
_RENDERED_BREAK = f"{_W}lastRenderedPageBreak"
# Where a page begins in the text being assembled: a form feed, never in a DOCX's own text
# (XML 1.0 cannot carry it), split on before the text is normalised.
_PAGE_BREAK = "\f"


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    with open_checked_zip(path, "DOCX") as archive:
        read_member(archive, "[Content_Types].xml", "DOCX")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CorruptDocument(f"Archivo DOCX dañado: python-docx no lo abre ({exc}).") from exc
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(f"Archivo DOCX dañado: XML no válido ({exc}).") from exc
    blocks = list(_block_texts(document.element.body, _Breaks.of(document.element.body)))
    kept = (b for b in blocks if b.strip() or _PAGE_BREAK in b)  # str.strip() drops "\f"
    pages = "\n\n".join(kept).split(_PAGE_BREAK)
    pages[0] = "\n\n".join([pages[0], *_header_footer_texts(document)])
    numbered = [Page(n, normalize_text(text)) for n, text in enumerate(pages, start=1)]
    return ExtractedText(FORMAT, numbered, _properties(document))


@dataclass(frozen=True)
class _Breaks:
    """Where pages begin: at Word's rendered breaks (`rendered`), else at explicit breaks and
    after the paragraphs that end a section whose next section starts a new page."""

    rendered: bool = False
    section_ends: frozenset[etree._Element] = frozenset()

    @classmethod
    def of(cls, body: etree._Element) -> _Breaks:
        if next(body.iter(_RENDERED_BREAK), None) is not None:
            return cls(rendered=True)
        # A paragraph's w:sectPr closes its section; the next section's own w:sectPr (in a later
        # paragraph, or the body's last one) says whether that one starts on a new page.
        ends = [p for p in body.iter(f"{_W}p") if p.find(f"{_W}pPr/{_W}sectPr") is not None]
        sections = [p.find(f"{_W}pPr/{_W}sectPr") for p in ends] + [body.find(f"{_W}sectPr")]
        pairs = zip(ends, sections[1:], strict=True)
        return cls(section_ends=frozenset(end for end, nxt in pairs if _starts_a_page(nxt)))


def _starts_a_page(section: etree._Element | None) -> bool:
    kind = section.find(f"{_W}type") if section is not None else None
    return kind is None or kind.get(f"{_W}val") in (None, "nextPage", "oddPage", "evenPage")


_NO_BREAKS = _Breaks()


def _block_texts(container: etree._Element, breaks: _Breaks = _NO_BREAKS) -> Iterator[str]:
    """Paragraphs and tables directly under `container` (body, cell, header), in order, with
    _PAGE_BREAK where a page begins (see _Breaks)."""
    for child in container:
        if child.tag == f"{_W}p":
            yield _paragraph_text(child, breaks)
        elif child.tag == f"{_W}tbl":
            yield _table_text(child, breaks)
        elif child.tag == f"{_W}sdt":  # content controls wrap ordinary blocks
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_texts(content, breaks)


def _table_text(table: etree._Element, breaks: _Breaks = _NO_BREAKS) -> str:
    rows = []
    for row in table.findall(f"{_W}tr"):
        cells = [" ".join(_block_texts(cell, breaks)).strip() for cell in row.findall(f"{_W}tc")]
        rows.append(_CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _paragraph_text(paragraph: etree._Element, breaks: _Breaks = _NO_BREAKS) -> str:
    rendered = breaks.rendered
    parts = []
    properties = paragraph.find(f"{_W}pPr")
    if not rendered and properties is not None and _on(properties.find(f"{_W}pageBreakBefore")):
        parts.append(_PAGE_BREAK)
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", _RENDERED_BREAK):
        if _inside_fallback(node, paragraph):
            continue  # mc:Fallback repeats the mc:Choice content (text boxes) for old readers
        if node.tag == f"{_W}t":
            parts.append(element_text(node))
        elif node.tag == _RENDERED_BREAK:
            parts.append(_PAGE_BREAK if rendered else "")
        elif node.tag == f"{_W}br" and node.get(f"{_W}type") == "page":
            parts.append("\n" if rendered else _PAGE_BREAK)
        else:
            parts.append("\t" if node.tag == f"{_W}tab" else "\n")
    if paragraph in breaks.section_ends:
        parts.append(_PAGE_BREAK)
    return "".join(parts)


def _on(toggle: etree._Element | None) -> bool:
    """A Word on/off property: present and not switched off (w:val="0" or "false")."""
    return toggle is not None and toggle.get(f"{_W}val") not in ("0", "false", "off")


def _inside_fallback(node: etree._Element, stop: etree._Element) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag == _MC_FALLBACK:
            return True
    return False


def _header_footer_texts(document: docx.document.Document) -> list[str]:
    """Headers and footers of every section, each distinct text once."""
    seen: list[str] = []
    for section in document.sections:
        for part in (
            section.first_page_header,
            section.header,
            section.even_page_header,
            section.first_page_footer,
            section.footer,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue  # no definition of its own: reading it would create an empty one
            text = "\n".join(_block_texts(part._element)).replace(_PAGE_BREAK, "").strip()
            if text and text not in seen:
                seen.append(text)
    return seen


def _properties(document: docx.document.Document) -> DocProperties:
    core = document.core_properties
    created = core.created
    return DocProperties(
        title=(core.title or "").strip(),
        author=(core.author or "").strip(),
        subject=(core.subject or "").strip(),
        keywords=(core.keywords or "").strip(),
        year=created.year if created else None,
    )
