"""The compendium ("un documento único"): the lessons-learned records of a search as one DOCX.

Laid out as the records' own documents are: a section per area (the code's suffix, `LN2_GN` ->
GN), opening with a table of its records (Código | Descripción), then each record with every
field and, under it, the document and page it comes from. The first page says which search made
it (query, filters, index version, date) and holds a table of contents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from acervo import vocab
from acervo.search.export import ExportInfo, xml_text
from acervo.search.models import RecordInfo, SearchHit

NOT_STATED = "No consta."
DocPageUrl = Callable[[str, int], str]  # (doc_id, page) -> the document page at that page


@dataclass(frozen=True)
class Entry:
    code: str
    statement: str
    hit: SearchHit

    @property
    def record(self) -> RecordInfo:
        assert self.hit.record is not None
        return self.hit.record


def _labels(kind: str, codes: Iterable[str]) -> str:
    return "; ".join(f"{c}. {vocab.label(kind, c)}" for c in codes)


# (label, its text from a record): every field of a record, in the order its documents use
FIELDS: tuple[tuple[str, Callable[[RecordInfo], str]], ...] = (
    ("Hallazgo", lambda r: r.finding),
    ("Descripción de la lección", lambda r: r.description),
    ("Contexto y condiciones previas relacionadas", lambda r: r.context),
    ("Metas del proyecto", lambda r: r.goals),
    ("Beneficiarios", lambda r: r.beneficiaries),
    ("Relación con ODS", lambda r: _labels("sdg", r.sdg)),
    ("Relación con el Pacto Mundial para la Migración", lambda r: _labels("gcm", r.gcm)),
    (
        "Tipo de lección",
        lambda r: vocab.label("lesson_type", r.lesson_type) if r.lesson_type else "",
    ),
    ("Éxito / Cuestiones positivas", lambda r: r.success),
    ("Desafíos, dificultades, problemas", lambda r: r.challenges),
)


def area_suffix(code: str) -> str:
    return code.rsplit("_", 1)[-1].upper() if "_" in code else ""


def area_title(suffix: str) -> str:
    """`GN` -> `GENERAL (GN)`, as the records' documents head their sections."""
    topic = vocab.record_areas().get(suffix)
    name = vocab.label("topic", topic) if topic else (suffix or "Sin área")
    return f"{name.upper()} ({suffix})" if suffix else name.upper()


def sections(hits: Iterable[SearchHit]) -> list[tuple[str, list[Entry]]]:
    """(area suffix, its records by code) in the order of record_areas.csv, unknown ones last."""
    by_area: dict[str, list[Entry]] = {}
    for hit in hits:
        if hit.record is None:
            continue
        code = hit.record.code
        statement = hit.title.split(": ", 1)[1] if hit.title.startswith(f"{code}: ") else ""
        by_area.setdefault(area_suffix(code), []).append(Entry(code, statement, hit))
    order = {suffix: n for n, suffix in enumerate(vocab.record_areas())}
    ordered = sorted(by_area.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return [(suffix, sorted(entries, key=lambda e: e.code)) for suffix, entries in ordered]


def write_compendium(
    target: IO[bytes], info: ExportInfo, hits: Iterable[SearchHit], page_url: DocPageUrl
) -> int:
    """Write the DOCX; returns how many records it holds."""
    grouped = sections(hits)
    document = docx.Document()
    _first_page(document, info, grouped)
    for suffix, entries in grouped:
        document.add_heading(area_title(suffix), level=1)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Código", "Descripción"
        for entry in entries:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = entry.code, xml_text(entry.statement)
        for entry in entries:
            _record(document, entry, page_url)
    document.save(target)
    return sum(len(entries) for _, entries in grouped)


def _first_page(document, info: ExportInfo, grouped: list) -> None:  # noqa: ANN001
    document.add_heading("Compendio de lecciones aprendidas", level=0)
    filters = "; ".join(f"{k}: {', '.join(v)}" for k, v in info.filters.items())
    years = (
        f"{info.year_from or '…'}–{info.year_to or '…'}"
        if info.year_from is not None or info.year_to is not None
        else ""
    )
    total = sum(len(entries) for _, entries in grouped)
    for label, value in (
        ("Consulta", info.query or "(todas)"),
        ("Filtros", "; ".join(x for x in (filters, years and f"años: {years}") if x) or "ninguno"),
        ("Registros", str(total)),
        ("Índice", info.index_version),
        ("Fecha", info.exported_at),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_text(value))
    document.add_heading("Contenido", level=1)
    _toc_field(document)
    for suffix, entries in grouped:  # also written out: a TOC field is empty until updated
        document.add_paragraph(f"{area_title(suffix)}: {len(entries)} registros", "List Bullet")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc_field(document) -> None:  # noqa: ANN001
    """A Word table of contents (headings 1-2) that Word fills when the fields are updated."""
    run = document.add_paragraph().add_run()
    tags = ("w:fldChar", "w:instrText", "w:fldChar", "w:fldChar")
    begin, instr, separate, end = (OxmlElement(tag) for tag in tags)
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "Actualice los campos (F9) para ver el índice con páginas."
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        run._r.append(element)
    document.settings.element.append(_update_fields_on_open())


def _update_fields_on_open():  # noqa: ANN202
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    return element


def _record(document, entry: Entry, page_url: DocPageUrl) -> None:  # noqa: ANN001
    heading = f"{entry.code}: {entry.statement}" if entry.statement else entry.code
    document.add_heading(xml_text(heading), level=2)
    for label, value in FIELDS:
        document.add_heading(label, level=3)
        document.add_paragraph(xml_text(value(entry.record)) or NOT_STATED)
    hit, record = entry.hit, entry.record
    agencies = ", ".join(vocab.label("agency", a) for a in hit.agencies) or "sin agencia"
    year = str(hit.year) if hit.year is not None else "sin año"
    source = document.add_paragraph(style="Intense Quote")
    source.add_run("Fuente: ").bold = True
    source.add_run(xml_text(f"{record.document_title} ({agencies}, {year}), pág. {record.page}. "))
    source.add_run(page_url(hit.id, record.page))
