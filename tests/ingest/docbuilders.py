"""Builders of small real documents (PDF, DOCX, ODT) for the ingest tests."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import docx
from fpdf import FPDF

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
<office:body><office:text>
<text:h>Informe ODT</text:h>
<text:p>Primer<text:s text:c="2"/>párrafo con <text:span>énfasis</text:span>.</text:p>
<table:table><table:table-row>
<table:table-cell><text:p>celda A</text:p></table:table-cell>
<table:table-cell><text:p>celda B</text:p></table:table-cell>
</table:table-row></table:table>
<text:list><text:list-item><text:p>elemento de lista</text:p></text:list-item></text:list>
</office:text></office:body></office:document-content>"""
ODT_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>
<dc:title>Título ODT</dc:title><meta:initial-creator>OIM</meta:initial-creator>
<meta:keyword>migración</meta:keyword><meta:creation-date>2019-05-01T10:00:00</meta:creation-date>
</office:meta></office:document-meta>"""


def write_pdf(path: Path, pages: list[str], title: str = "") -> Path:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.set_title(title)
    pdf.set_author("ACNUR")
    pdf.set_creation_date(datetime(2021, 3, 4))
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def write_docx(path: Path) -> Path:
    """Paragraph, table, paragraph in the body; a header and a footer; core properties."""
    document = docx.Document()
    document.add_paragraph("Párrafo antes de la tabla.")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"fila{r} col{c}"
    document.add_paragraph("Párrafo después de la tabla.")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Encabezado OIM"
    section.footer.paragraphs[0].text = "Pie de página ACNUR"
    document.core_properties.title = "Estudio de movilidad"
    document.core_properties.author = "OIM"
    document.core_properties.created = datetime(2020, 6, 1)
    document.save(str(path))
    return path


def write_odt(path: Path, manifest: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODT_CONTENT)
        archive.writestr("meta.xml", ODT_META)
        if manifest:
            archive.writestr("META-INF/manifest.xml", manifest)
    return path
