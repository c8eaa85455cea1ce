"""DOCX: body paragraphs and tables in document order, then headers and footers.

python-docx parses with resolve_entities=False, so external entities stay unresolved; we
read text from the XML ourselves because `Document.paragraphs` skips tables and loses the
words after an unresolved entity.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
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
    blocks = list(_block_texts(document.element.body))
    blocks.extend(_header_footer_texts(document))
    text = normalize_text("\n\n".join(b for b in blocks if b.strip()))
    return ExtractedText(FORMAT, [Page(1, text)], _properties(document))


def _block_texts(container: etree._Element) -> Iterator[str]:
    """Paragraphs and tables directly under `container` (body, cell, header), in order."""
    for child in container:
        if child.tag == f"{_W}p":
            yield _paragraph_text(child)
        elif child.tag == f"{_W}tbl":
            yield _table_text(child)
        elif child.tag == f"{_W}sdt":  # content controls wrap ordinary blocks
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_texts(content)


def _table_text(table: etree._Element) -> str:
    rows = []
    for row in table.findall(f"{_W}tr"):
        cells = [" ".join(_block_texts(cell)).strip() for cell in row.findall(f"{_W}tc")]
        rows.append(_CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if _inside_fallback(node, paragraph):
            continue  # mc:Fallback repeats the mc:Choice content (text boxes) for old readers
        if node.tag == f"{_W}t":
            parts.append(element_text(node))
        else:
            parts.append("\t" if node.tag == f"{_W}tab" else "\n")
    return "".join(parts)


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
            text = "\n".join(_block_texts(part._element)).strip()
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
