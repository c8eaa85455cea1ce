"""ODT: content.xml and meta.xml only, parsed without DTDs or entities.

Embedded objects (formulas, charts) may declare an external DTD; we never open them, and the
parser would not fetch a DTD anyway.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from acervo.ingest.errors import EncryptedDocument
from acervo.ingest.extractors._archive import open_checked_zip, parse_xml, read_member
from acervo.ingest.models import DocProperties, ExtractedText, ExtractOptions, Page
from acervo.ingest.normalize import normalize_text

FORMAT = "odt"
DEFAULT_OPTIONS = ExtractOptions()
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_BLOCK_TAGS = {f"{_TEXT}p", f"{_TEXT}h"}
_CELL_SEPARATOR = " | "


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    del options  # one interface for every format; only PDFs have reader, OCR and password options
    with open_checked_zip(path, "ODT") as archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names:
            manifest = read_member(archive, "META-INF/manifest.xml", "ODT")
            if b"encryption-data" in manifest:
                raise EncryptedDocument(
                    "ODT protegido con contraseña: guárdelo sin contraseña para indexarlo."
                )
        content = parse_xml(read_member(archive, "content.xml", "ODT"), "ODT", "content.xml")
        meta = read_member(archive, "meta.xml", "ODT") if "meta.xml" in names else b""
    body = content.find(f"{_OFFICE}body")
    blocks = _blocks(body if body is not None else content)
    text = normalize_text("\n\n".join(b for b in blocks if b.strip()))
    properties = _properties(parse_xml(meta, "ODT", "meta.xml")) if meta else DocProperties()
    return ExtractedText(FORMAT, [Page(1, text)], properties)


def _blocks(element: etree._Element) -> list[str]:
    """Paragraphs, headings and table rows in document order (lists and sections recurse)."""
    blocks: list[str] = []
    for child in element:
        if child.tag in _BLOCK_TAGS:
            blocks.append(_inline_text(child))
        elif child.tag == f"{_TABLE}table-row":
            cells = child.findall(f"{_TABLE}table-cell")
            blocks.append(_CELL_SEPARATOR.join(" ".join(_blocks(c)).strip() for c in cells))
        elif isinstance(child.tag, str):
            blocks.extend(_blocks(child))
    return blocks


def _inline_text(element: etree._Element) -> str:
    """Text of a paragraph: spans recurse; text:s, text:tab and text:line-break are spacing."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * int(child.get(f"{_TEXT}c", "1")))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif isinstance(child.tag, str):
            inner = _blocks(child)  # frames and notes hold whole paragraphs
            parts.append(" ".join(inner) if inner else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _properties(meta: etree._Element) -> DocProperties:
    def first(tag: str) -> str:
        found = meta.find(f".//{tag}")
        return (found.text or "").strip() if found is not None else ""

    keywords = ", ".join(k.text.strip() for k in meta.iter(f"{_META}keyword") if k.text)
    created = first(f"{_META}creation-date") or first(f"{_DC}date")
    return DocProperties(
        title=first(f"{_DC}title"),
        author=first(f"{_META}initial-creator") or first(f"{_DC}creator"),
        subject=first(f"{_DC}subject"),
        keywords=keywords,
        year=int(created[:4]) if created[:4].isdigit() else None,
    )
