# ruff: noqa: E501  (the hand-written corpus texts are long string literals)
"""Build Acervo's document corpora.

Two corpora, one renderer:

* ``write_sample_corpus(dest)``: the small hand-written corpus shipped in ``corpus/``: summaries of
  plausible studies by UN agencies, coordination platforms and NGOs on Venezuelan refugees and
  migrants in Ecuador, as multi-page PDFs and DOCX files laid out as ``<AGENCY>/<YEAR>/<slug>``.
  The texts live in ``SAMPLE_DOCS`` below; every page says something different, so end-to-end
  tests can assert *which page* answers a query. Output is deterministic: same bytes every run
  (fixed PDF creation dates, fixed DOCX core properties, fixed zip entry timestamps).
* ``write_generated_corpus(dest, n_docs, seed)``: a larger synthetic corpus for benchmarks, built
  by recombining sentence templates with vocabulary drawn from a seeded ``random.Random``.

CLI::

    python scripts/make_corpus.py sample corpus/
    python scripts/make_corpus.py generated /tmp/bench --docs 2000 --seed 1

Only documents (and their ``.meta.yaml`` sidecars) are written under the destination: every file
there gets ingested.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF
from fpdf.fonts import FontFace

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

# A page is a list of blocks:
#   "text"                          a paragraph
#   ("h", "Heading")                a section heading
#   ("b", ["item", ...])            a bulleted list
#   ("t", ["col", ...], [[...]])    a table with a header row
Block = object
PageBlocks = list


@dataclass
class Doc:
    path: str  # relative to the corpus root: "<AGENCY>/<YEAR>/<slug>.pdf|docx"
    title: str
    org: str  # the author line printed on the cover (agency name and acronym)
    date_line: str  # "Quito, junio de 2019": the publication year as printed
    year: int | None  # publication year (None: only the text says it)
    lang: str  # "es" | "en"
    doc_type: str  # code from acervo/vocab/doc_types.csv
    topics: tuple[str, ...]  # codes from acervo/vocab/topics.csv
    pages: list[PageBlocks]  # PDF: one entry per page; DOCX: sections of the single flow
    subtitle: str = ""
    short: str = ""  # running header / footer label, e.g. "UNICEF Ecuador"
    props: bool = True  # write PDF Info / DOCX core properties (title, author, subject, keywords)
    dated: bool = True  # write a creation date (PDF) when props are off
    font: str = "helvetica"  # "helvetica" (core, Latin-1) or "dejavu" (embedded TTF)
    copies: tuple[str, ...] = ()  # byte-identical copies at these relative paths
    sidecar: dict | None = None  # written as "<file>.meta.yaml"
    keywords: str = ""

    @property
    def fmt(self) -> str:
        return self.path.rsplit(".", 1)[1]


# --------------------------------------------------------------------------------------------
# rendering: PDF
# --------------------------------------------------------------------------------------------


class _ReportPDF(FPDF):
    def __init__(self, doc: Doc, font: str):
        super().__init__(format="A4")
        self._doc = doc
        self._font = font
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(True, margin=20)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(self._font, "I", 8)
        self.set_text_color(110, 110, 110)
        # label and year only: a running title would put the title's words on every page
        label = self._doc.short or self._doc.org
        if self._doc.year:
            label = f"{label}  |  {self._doc.year}"
        self.cell(0, 5, label, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self._font, "", 8)
        self.set_text_color(110, 110, 110)
        word = "Page" if self._doc.lang == "en" else "Página"
        self.cell(0, 6, f"{word} {self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _pdf_font(pdf: FPDF, wanted: str) -> str:
    if wanted == "dejavu" and (DEJAVU_DIR / "DejaVuSans.ttf").exists():
        pdf.add_font("dejavu", "", str(DEJAVU_DIR / "DejaVuSans.ttf"))
        pdf.add_font("dejavu", "B", str(DEJAVU_DIR / "DejaVuSans-Bold.ttf"))
        pdf.add_font("dejavu", "I", str(DEJAVU_DIR / "DejaVuSans-Oblique.ttf"))
        return "dejavu"
    return "helvetica"


def _latin1(text: str, where: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{where}: not Latin-1: {text[exc.start : exc.end + 20]!r}") from exc
    return text


def _fast_paragraph(pdf: FPDF, text: str, size: float, widths: dict[str, float]) -> None:
    """Greedy left-aligned wrapping with cached word widths: fpdf2's multi_cell line breaking
    dominates the generation time of large corpora, this is ~10x faster."""
    line_h = size * 0.5
    avail = pdf.w - pdf.l_margin - pdf.r_margin
    space = widths.get(" ")
    if space is None:
        space = widths[" "] = pdf.get_string_width(" ")
    line: list[str] = []
    used = 0.0
    lines = []
    for word in text.split():
        w = widths.get(word)
        if w is None:
            w = widths[word] = pdf.get_string_width(word)
        if line and used + space + w > avail:
            lines.append(" ".join(line))
            line, used = [word], w
        else:
            used += (space if line else 0.0) + w
            line.append(word)
    if line:
        lines.append(" ".join(line))
    for text_line in lines:
        if pdf.get_y() + line_h > pdf.page_break_trigger:
            pdf.add_page()
        pdf.text(pdf.l_margin, pdf.get_y() + line_h * 0.75, text_line)
        pdf.set_y(pdf.get_y() + line_h)


def _pdf_blocks(
    pdf: FPDF, font: str, blocks: Sequence, size: float, fast: dict[str, float] | None = None
) -> None:
    for block in blocks:
        if isinstance(block, str) and fast is not None:
            pdf.set_font(font, "", size)
            _fast_paragraph(pdf, block, size, fast)
            pdf.ln(2.2)
        elif isinstance(block, str):
            pdf.set_font(font, "", size)
            pdf.multi_cell(0, size * 0.5, block, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.2)
        elif block[0] == "h":
            pdf.ln(1.5)
            pdf.set_font(font, "B", size + 1.5)
            pdf.multi_cell(0, 6.5, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        elif block[0] == "b":
            pdf.set_font(font, "", size)
            for item in block[1]:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(0, size * 0.5, "- " + item, align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.8)
            pdf.ln(1.5)
        elif block[0] == "t":
            pdf.set_font(font, "", size - 1)
            pdf.set_fill_color(255, 255, 255)
            with pdf.table(
                text_align="LEFT",
                line_height=size * 0.5,
                first_row_as_headings=True,
                headings_style=FontFace(
                    emphasis="BOLD", color=(255, 255, 255), fill_color=(0, 90, 156)
                ),
                cell_fill_color=(232, 240, 248),
                cell_fill_mode="ROWS",
            ) as table:
                for row in [block[1], *block[2]]:
                    cells = table.row()
                    for value in row:
                        cells.cell(str(value))
            pdf.ln(3)
        else:  # pragma: no cover - authoring error
            raise ValueError(f"unknown block {block!r}")


def render_pdf(doc: Doc, strict: bool = True) -> bytes:
    pdf = _ReportPDF(doc, "helvetica")
    font = _pdf_font(pdf, doc.font)
    pdf._font = font
    if font == "helvetica":
        for i, page in enumerate(doc.pages):
            for block in page:
                for text in _block_texts(block):
                    _latin1(text, f"{doc.path} page {i + 1}")
        for text in (doc.title, doc.subtitle, doc.org, doc.date_line, doc.short):
            _latin1(text, doc.path)
    year = doc.year or 2018
    if doc.props:
        pdf.set_title(doc.title)
        pdf.set_author(doc.org)
        pdf.set_subject(doc.subtitle or doc.title)
        pdf.set_keywords(doc.keywords or ", ".join(doc.topics))
        pdf.set_creator("Acervo sample corpus")
    pdf.set_creation_date(datetime(year, 6, 30, 12, 0, 0, tzinfo=UTC))
    size = 10.0
    widths: dict[str, float] | None = None if strict else {}
    for i, page in enumerate(doc.pages):
        pdf.add_page()
        if i == 0:
            _pdf_cover(pdf, font, doc)
        _pdf_blocks(pdf, font, page, size, widths)
        if strict and pdf.page_no() != i + 1:
            raise ValueError(f"{doc.path}: page {i + 1} overflows onto page {pdf.page_no()}")
    data = bytes(pdf.output())
    if not (doc.props or doc.dated):
        # fpdf2 always writes /CreationDate; blank it with spaces of the same length so that
        # the xref offsets stay valid: only the text says when this document was published
        data = re.sub(rb"/CreationDate \(D:[^)]*\)", lambda m: b" " * len(m.group(0)), data)
    return data


def _pdf_cover(pdf: FPDF, font: str, doc: Doc) -> None:
    pdf.set_fill_color(0, 90, 156)
    pdf.rect(0, 0, 210, 9, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(6)
    pdf.set_font(font, "B", 10)
    pdf.set_text_color(0, 90, 156)
    pdf.multi_cell(0, 5.5, doc.org, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    pdf.set_font(font, "B", 17)
    pdf.multi_cell(0, 8.5, doc.title, align="L", new_x="LMARGIN", new_y="NEXT")
    if doc.subtitle:
        pdf.ln(1.5)
        pdf.set_font(font, "I", 11.5)
        pdf.multi_cell(0, 6, doc.subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "", 10)
    pdf.cell(0, 6, doc.date_line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(0, 90, 156)
    pdf.line(pdf.l_margin, pdf.get_y() + 3, 210 - pdf.r_margin, pdf.get_y() + 3)
    pdf.ln(8)


def _block_texts(block) -> list[str]:
    if isinstance(block, str):
        return [block]
    if block[0] == "h":
        return [block[1]]
    if block[0] == "b":
        return list(block[1])
    return [str(c) for row in [block[1], *block[2]] for c in row]


# --------------------------------------------------------------------------------------------
# rendering: DOCX
# --------------------------------------------------------------------------------------------


def render_docx(doc: Doc) -> bytes:
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    cp = d.core_properties
    when = datetime(doc.year or 2018, 6, 30, 12, 0, 0)
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.comments = ""
    cp.category = ""
    if doc.props:
        cp.title = doc.title
        cp.author = doc.org
        cp.subject = doc.subtitle or doc.title
        cp.keywords = doc.keywords or ", ".join(doc.topics)
        cp.last_modified_by = doc.short or doc.org
        cp.language = doc.lang
    else:
        cp.title = ""
        cp.author = ""
        cp.subject = ""
        cp.keywords = ""
        cp.last_modified_by = ""

    section = d.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"{doc.short or doc.org}  |  {doc.title}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.text = (
        f"{doc.org} - {doc.date_line}"
        if doc.lang == "es"
        else f"{doc.org} - {doc.date_line}. For internal and partner use."
    )
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in footer.runs:
        run.font.size = Pt(8)

    org = d.add_paragraph()
    org_run = org.add_run(doc.org)
    org_run.bold = True
    d.add_heading(doc.title, 0)
    if doc.subtitle:
        sub = d.add_paragraph()
        sub_run = sub.add_run(doc.subtitle)
        sub_run.italic = True
    d.add_paragraph(doc.date_line)
    for i, page in enumerate(doc.pages):
        if i > 0:
            d.add_page_break()
        for block in page:
            if isinstance(block, str):
                d.add_paragraph(block)
            elif block[0] == "h":
                d.add_heading(block[1], 1)
            elif block[0] == "b":
                for item in block[1]:
                    d.add_paragraph(item, style="List Bullet")
            elif block[0] == "t":
                cols, rows = block[1], block[2]
                table = d.add_table(rows=1, cols=len(cols))
                table.style = "Table Grid"
                for cell, name in zip(table.rows[0].cells, cols, strict=True):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(str(name))
                    run.bold = True
                for row in rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        cell.text = str(value)
                d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    return _fix_zip_times(buf.getvalue())


def _fix_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps so that the DOCX bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render(doc: Doc, strict: bool = True) -> bytes:
    return render_pdf(doc, strict) if doc.fmt == "pdf" else render_docx(doc)


def _write_doc(dest: Path, doc: Doc, strict: bool = True) -> list[Path]:
    data = render(doc, strict)
    written = []
    for rel in (doc.path, *doc.copies):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    if doc.sidecar is not None:
        side = dest / (doc.path + ".meta.yaml")
        side.write_text(
            yaml.safe_dump(doc.sidecar, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        written.append(side)
    return written


def write_sample_corpus(dest: Path) -> list[Path]:
    """Write the shipped sample corpus under ``dest``; returns every file written, sorted."""
    dest = Path(dest)
    written: list[Path] = []
    for doc in SAMPLE_DOCS:
        written.extend(_write_doc(dest, doc))
    return sorted(written)


# --------------------------------------------------------------------------------------------
# the sample corpus: summaries of plausible studies (hand-written; no real study is quoted)
# --------------------------------------------------------------------------------------------

ORG = {
    "UNICEF": "Fondo de las Naciones Unidas para la Infancia (UNICEF) - Oficina de Ecuador",
    "ACNUR": "Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR) - Ecuador",
    "UNHCR": "Office of the United Nations High Commissioner for Refugees (UNHCR) - Ecuador",
    "OIM": "Organización Internacional para las Migraciones (OIM) - Misión en Ecuador",
    "IOM": "International Organization for Migration (IOM) - Ecuador Mission",
    "PMA": "Programa Mundial de Alimentos (PMA) - Oficina en Ecuador",
    "WFP": "World Food Programme (WFP) - Ecuador Country Office",
    "OPS": "Organización Panamericana de la Salud / Organización Mundial de la Salud (OPS/OMS)",
    "PAHO": "Pan American Health Organization / World Health Organization (PAHO/WHO)",
    "PNUD": "Programa de las Naciones Unidas para el Desarrollo (PNUD) - Ecuador",
    "UNFPA": "Fondo de Población de las Naciones Unidas (UNFPA) - Ecuador",
    "OIT": "Organización Internacional del Trabajo (OIT) - Oficina para los Países Andinos",
    "ONUM": "ONU Mujeres - Oficina de País en Ecuador",
    "UNW": "UN Women - Ecuador Country Office",
    "GTRM": "Grupo de Trabajo para Refugiados y Migrantes (GTRM) Ecuador - Plataforma R4V",
    "GTRM_EN": "Working Group for Refugees and Migrants (GTRM) Ecuador - R4V Platform",
    "CRE": "Cruz Roja Ecuatoriana",
}

SAMPLE_DOCS: list[Doc] = [
    # ---------------------------------------------------------------- UNICEF
    Doc(
        path="UNICEF/2019/situacion-nna-frontera-norte.pdf",
        title="Niñez y adolescencia venezolana en la frontera norte: educación, protección y salud",
        subtitle="Evaluación rápida en las provincias de Carchi y Sucumbíos",
        org=ORG["UNICEF"],
        short="UNICEF Ecuador",
        date_line="Quito, septiembre de 2019",
        year=2019,
        lang="es",
        doc_type="diagnostico",
        topics=("educacion", "proteccion-infancia", "salud", "nutricion"),
        keywords="niñez migrante, educación, protección de la infancia, salud, Carchi, Sucumbíos",
        pages=[
            [
                ("h", "Resumen ejecutivo"),
                "Entre mayo y julio de 2019 el Fondo de las Naciones Unidas para la Infancia "
                "(UNICEF) realizó una evaluación rápida sobre la situación de los niños, niñas y "
                "adolescentes (NNA) venezolanos que ingresan a Ecuador por la frontera norte o "
                "que ya residen en las provincias de Carchi y Sucumbíos. El estudio combinó 412 "
                "encuestas a hogares, 36 entrevistas a docentes, funcionarios de salud y "
                "miembros de las Juntas Cantonales de Protección de Derechos, y 9 grupos focales "
                "con madres, padres y adolescentes.",
                "Los hallazgos muestran que la niñez migrante enfrenta tres brechas que se "
                "refuerzan entre sí: la falta de cupos y de documentos que retrasa la matrícula "
                "escolar, la exposición a riesgos de protección durante el tránsito y el acceso "
                "irregular a servicios de salud y nutrición. El 58% de los hogares encuestados "
                "tenía al menos un hijo o hija menor de 18 años y el 21% viajaba con NNA que no "
                "eran sus hijos.",
                "El informe se organiza en cuatro capítulos: educación en Carchi (página 2), "
                "protección de la infancia en el paso fronterizo de Rumichaca (página 3), salud y "
                "nutrición en Sucumbíos (página 4) y recomendaciones para el Estado y los "
                "socios de la respuesta (página 5).",
            ],
            [
                ("h", "2. Acceso a la educación en Carchi"),
                "En Tulcán y en los cantones de Montúfar y Espejo, las escuelas fiscales "
                "recibieron durante el año lectivo 2018-2019 a 1.240 estudiantes venezolanos, "
                "casi el doble que el año anterior. Aun así, el 37% de los niños y niñas "
                "venezolanas en edad escolar de los hogares encuestados no estaba matriculado. "
                "Las familias citaron como razones principales la falta de cupos en las "
                "instituciones cercanas (44%), el desconocimiento de que la matrícula no exige "
                "documentos de identidad ni apostillas (31%) y el costo de uniformes, útiles y "
                "transporte (27%).",
                "Los docentes entrevistados describieron aulas de más de 40 estudiantes y la "
                "necesidad de nivelar a niños que habían perdido uno o dos años de escolaridad en "
                "Venezuela. Señalaron también episodios de burla y exclusión hacia niñas y niños "
                "venezolanos por su acento, que en algunos casos derivaron en abandono escolar. "
                "Las escuelas que aplicaron el examen de ubicación y un plan de acogida tuvieron "
                "tasas de permanencia 15 puntos más altas.",
                "La educación de las niñas adolescentes requiere atención específica: muchas "
                "asumen el cuidado de hermanos menores mientras los adultos trabajan, lo que "
                "explica que la inasistencia sea mayor entre ellas a partir de los 13 años.",
            ],
            [
                ("h", "3. Protección de la infancia en el paso de Rumichaca"),
                "En el Puente Internacional de Rumichaca se registraron entre enero y junio de "
                "2019 más de 9.800 ingresos de niños, niñas y adolescentes. Los equipos de "
                "protección identificaron 312 NNA no acompañados o separados de sus familias; "
                "la mayoría tenía entre 14 y 17 años y viajaba para reunirse con familiares en "
                "Quito, Guayaquil o Lima.",
                "Los principales riesgos observados fueron la separación familiar durante el "
                "tránsito, el trabajo infantil en ventas ambulantes, la mendicidad y la captación "
                "por redes de trata y explotación. Las Juntas Cantonales de Protección de "
                "Derechos de Tulcán carecen de personal suficiente para emitir medidas de "
                "protección con rapidez, y los espacios de acogida temporal para adolescentes "
                "son escasos.",
                "El Espacio Amigable para la Niñez instalado en el puente atendió a 4.100 NNA con "
                "actividades lúdicas, primeros auxilios psicológicos y referencia a servicios. "
                "La coordinación con la Policía Especializada en Niños, Niñas y Adolescentes "
                "(DINAPEN) permitió verificar la filiación de 87 NNA antes de autorizar su viaje.",
            ],
            [
                ("h", "4. Salud y nutrición en Sucumbíos"),
                "En Lago Agrio y Shushufindi, el 29% de los hogares venezolanos con niños "
                "menores de cinco años declaró no haber acudido a ningún control de salud desde "
                "su llegada. Los centros de salud del Ministerio de Salud Pública atienden sin "
                "exigir documentos, pero las familias desconocen ese derecho o temen ser "
                "reportadas a las autoridades migratorias.",
                "La cobertura de vacunación contra sarampión y rubéola entre los niños evaluados "
                "fue del 71%, por debajo de la meta nacional del 95%. Las brigadas conjuntas de "
                "vacunación en el terminal terrestre de Lago Agrio aplicaron 2.350 dosis en "
                "cuatro meses.",
                "La medición antropométrica de 640 niños y niñas de 6 a 59 meses encontró una "
                "prevalencia de desnutrición crónica del 23% y de anemia del 31%. Solo el 42% "
                "de los lactantes menores de seis meses recibía lactancia materna exclusiva. "
                "Las madres relataron síntomas de ansiedad y tristeza persistente, lo que "
                "sugiere la necesidad de integrar la salud mental materna en los controles "
                "de crecimiento.",
            ],
            [
                ("h", "5. Recomendaciones"),
                (
                    "b",
                    [
                        "Difundir en la frontera y en las comunidades de acogida que la matrícula "
                        "escolar no exige documentos y ampliar cupos en Tulcán mediante jornadas "
                        "vespertinas.",
                        "Fortalecer las Juntas Cantonales de Protección de Derechos con personal y "
                        "protocolos para NNA no acompañados, incluida la búsqueda de familiares.",
                        "Mantener brigadas de vacunación y tamizaje nutricional en los puntos de "
                        "tránsito de Carchi y Sucumbíos.",
                        "Incluir la suplementación con micronutrientes y la consejería en lactancia "
                        "en la asistencia a familias con niños pequeños.",
                        "Crear un sistema de referencia interinstitucional con registro único de "
                        "casos para evitar duplicidades entre organizaciones.",
                    ],
                ),
                "UNICEF reitera que todos los niños y niñas en Ecuador, con independencia de su "
                "nacionalidad o condición migratoria, son titulares de los derechos reconocidos "
                "en la Convención sobre los Derechos del Niño y en el Código de la Niñez y "
                "Adolescencia.",
            ],
        ],
    ),
    Doc(
        path="UNICEF/2021/educacion-a-distancia-covid19.pdf",
        title="Educación a distancia durante la COVID-19: niñas, niños y adolescentes en movilidad "
        "humana",
        subtitle="Estudio sobre conectividad, permanencia escolar y aprendizajes (2020–2021)",
        org=ORG["UNICEF"],
        short="UNICEF Ecuador",
        date_line="Quito, mayo de 2021",
        year=2021,
        lang="es",
        doc_type="estudio",
        topics=("educacion", "proteccion-infancia"),
        font="dejavu",
        pages=[
            [
                ("h", "Resumen"),
                "El cierre de las escuelas decretado en marzo de 2020 por la emergencia de la "
                "COVID-19 afectó a más de 4,3 millones de estudiantes en Ecuador. Para las "
                "familias venezolanas, que a menudo comparten un solo teléfono y viven de "
                "ingresos diarios, la educación a distancia se convirtió en una barrera "
                "adicional. Este estudio de UNICEF recoge la experiencia de 1.015 hogares "
                "venezolanos y ecuatorianos en Quito, Guayaquil, Manta y Machala.",
                "El 41% de los hogares venezolanos no tenía conexión a internet en casa y el 63% "
                "dependía de datos móviles prepago. Uno de cada cinco estudiantes venezolanos "
                "dejó de participar en las clases virtuales durante al menos dos meses. La "
                "brecha fue mayor entre los niños de educación inicial y entre las adolescentes "
                "que asumieron tareas de cuidado.",
            ],
            [
                ("h", "Conectividad y dispositivos"),
                "En Pichincha y Guayas, la mayoría de las familias con niños venezolanos en edad "
                "escolar utilizaba un único teléfono inteligente para todos los hijos. Cuando el "
                "padre o la madre salía a trabajar con el teléfono, los niños perdían las "
                "clases sincrónicas y recibían las tareas por WhatsApp al final del día.",
                "Las fichas pedagógicas impresas del plan «Aprendamos juntos en casa» llegaron "
                "al 52% de los hogares encuestados. Los programas educativos por radio y "
                "televisión fueron la alternativa más usada en los barrios periféricos de "
                "Guayaquil, donde la señal de internet es inestable.",
                "Los docentes reportaron que el 30% de sus estudiantes venezolanos no devolvía "
                "las tareas, y que la comunicación con las familias recién llegadas era difícil "
                "porque cambiaban con frecuencia de número telefónico y de vivienda.",
            ],
            [
                ("h", "Permanencia escolar y trabajo infantil"),
                "Entre los hogares que perdieron su fuente de ingresos durante el confinamiento, "
                "el 18% reconoció que al menos un niño o adolescente empezó a trabajar, sobre "
                "todo en ventas informales y reciclaje. El abandono escolar se concentró en "
                "adolescentes de 15 a 17 años.",
                "Las niñas y adolescentes venezolanas dedicaron en promedio 3,5 horas diarias al "
                "cuidado de hermanos y a labores domésticas, frente a 1,6 horas de los varones. "
                "Varias participantes de los grupos focales describieron la sensación de haber "
                "«quedado fuera» del año escolar.",
                "Los desalojos por falta de pago del arriendo obligaron a muchas familias a "
                "mudarse en plena pandemia; cada cambio de domicilio implicó, en promedio, tres "
                "semanas sin contacto con la escuela.",
            ],
            [
                ("h", "Regreso a clases y recomendaciones"),
                "El retorno progresivo a las aulas en el año lectivo 2021-2022 es una "
                "oportunidad para reincorporar a los estudiantes que se desconectaron. UNICEF "
                "recomienda:",
                (
                    "b",
                    [
                        "Campañas de búsqueda activa de estudiantes desvinculados, con mensajes "
                        "dirigidos a familias venezolanas.",
                        "Programas de nivelación y tutorías para niños y niñas con rezago.",
                        "Entrega de paquetes de datos o dispositivos a hogares con varios "
                        "estudiantes.",
                        "Protocolos de prevención de la discriminación y de la xenofobia en las "
                        "escuelas.",
                        "Apoyo psicosocial para estudiantes y docentes tras el confinamiento.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="UNICEF/sin-fecha/guia-espacios-amigables-frontera.pdf",
        title="Guía para la gestión de Espacios Amigables para la Niñez en puntos de frontera",
        org="UNICEF Ecuador, en coordinación con el Ministerio de Inclusión Económica y Social",
        date_line="Primera edición. Quito, noviembre de 2018.",
        year=None,
        lang="es",
        doc_type="guia",
        topics=("proteccion-infancia", "educacion"),
        props=False,
        dated=False,
        pages=[
            [
                ("h", "Presentación"),
                "Esta guía orienta a los equipos que gestionan Espacios Amigables para la Niñez "
                "en los pasos fronterizos de Rumichaca, San Miguel y Huaquillas. Un Espacio "
                "Amigable es un lugar seguro, temporal y supervisado donde niños, niñas y "
                "adolescentes en tránsito pueden jugar, descansar y recibir apoyo mientras sus "
                "familias realizan trámites migratorios.",
                "La guía se elaboró en 2018 a partir de la experiencia de los primeros meses de "
                "operación, con aportes de facilitadores comunitarios, psicólogas y personal "
                "del Ministerio de Inclusión Económica y Social (MIES). Está dirigida a "
                "coordinadores, facilitadores y voluntarios.",
                ("h", "Principios"),
                (
                    "b",
                    [
                        "Interés superior del niño y no discriminación por nacionalidad.",
                        "Participación: los niños opinan sobre las actividades.",
                        "Confidencialidad de la información de cada caso.",
                        "Acción sin daño y enfoque de género.",
                    ],
                ),
            ],
            [
                ("h", "Funcionamiento diario"),
                "Cada espacio debe contar con al menos dos facilitadores por turno y una "
                "proporción máxima de un adulto por cada 15 niños. El registro de ingreso anota "
                "solamente el nombre, la edad y el adulto responsable; nunca se retiene a un "
                "niño ni se solicitan documentos.",
                "Las actividades se organizan por grupos de edad: juego libre y estimulación "
                "temprana para menores de cinco años; lectura, dibujo y juegos cooperativos para "
                "niños de 6 a 11; y talleres de expresión y de información segura sobre la ruta "
                "para adolescentes. Las actividades educativas no sustituyen la escuela, pero "
                "ayudan a mantener hábitos de aprendizaje durante el viaje.",
                "El espacio dispone de agua segura, refrigerios, pañales, kits de higiene y un "
                "rincón de lactancia para madres con bebés.",
            ],
            [
                ("h", "Identificación y referencia de casos"),
                "Los facilitadores observan señales de alerta: niños que viajan con adultos que "
                "no son sus familiares, signos de maltrato, desnutrición, miedo intenso o "
                "relatos de violencia. Ante una alerta, se sigue la ruta de referencia: "
                "entrevista con la psicóloga o trabajadora social del espacio, comunicación con "
                "la Junta Cantonal de Protección de Derechos y, cuando corresponde, con la DINAPEN "
                "y la Fiscalía.",
                "Los casos de NNA no acompañados se documentan en la ficha única de referencia "
                "y se hace seguimiento hasta confirmar que el niño fue acogido por un familiar o "
                "por el sistema de protección. Ningún niño sale del espacio con un adulto "
                "distinto del que lo trajo sin autorización de la autoridad competente.",
            ],
        ],
    ),
    Doc(
        path="UNICEF/2023/agua-saneamiento-higiene-escuelas.docx",
        title="Agua, saneamiento e higiene en escuelas que reciben estudiantes en movilidad humana",
        subtitle="Línea de base en cinco provincias",
        org=ORG["UNICEF"],
        short="UNICEF Ecuador",
        date_line="Quito, marzo de 2023",
        year=2023,
        lang="es",
        doc_type="diagnostico",
        topics=("wash", "educacion"),
        pages=[
            [
                ("h", "Antecedentes"),
                "Las escuelas de las provincias con mayor presencia de población venezolana "
                "reciben cada año más estudiantes sin que su infraestructura sanitaria crezca al "
                "mismo ritmo. Tras la pandemia de COVID-19, el lavado de manos, el acceso a agua "
                "potable y baterías sanitarias separadas por sexo son condiciones básicas para "
                "que niños y niñas permanezcan en clases.",
                "UNICEF y las direcciones distritales de educación visitaron 186 escuelas "
                "fiscales en Carchi, Imbabura, Pichincha, Sucumbíos y El Oro entre octubre y "
                "diciembre de 2022. En ellas estudian 9.870 niños, niñas y adolescentes "
                "extranjeros, en su mayoría venezolanos.",
            ],
            [
                ("h", "Resultados por provincia"),
                (
                    "t",
                    [
                        "Provincia",
                        "Escuelas visitadas",
                        "Agua potable continua (%)",
                        "Baterías sanitarias funcionales (%)",
                        "Puntos de lavado de manos (%)",
                    ],
                    [
                        ["Carchi", 34, 82, 71, 64],
                        ["Imbabura", 29, 86, 75, 70],
                        ["Pichincha", 51, 93, 84, 79],
                        ["Sucumbíos", 38, 55, 48, 41],
                        ["El Oro", 34, 68, 62, 57],
                    ],
                ),
                "Sucumbíos presenta las brechas más graves: en las escuelas rurales de Lago "
                "Agrio y Cascales el agua llega por tanquero dos veces por semana y se almacena "
                "sin tratamiento. En El Oro, las escuelas de Huaquillas y Arenillas sufren "
                "cortes frecuentes durante la estación seca.",
            ],
            [
                ("h", "Higiene menstrual y recomendaciones"),
                "El 46% de las escuelas no tenía insumos de higiene menstrual ni basureros en "
                "los baños de mujeres. Las adolescentes venezolanas entrevistadas dijeron que "
                "faltan a clases uno o dos días al mes por esa razón.",
                (
                    "b",
                    [
                        "Priorizar la rehabilitación de sistemas de agua en escuelas de Sucumbíos y "
                        "El Oro.",
                        "Instalar estaciones de lavado de manos a la altura de los niños más "
                        "pequeños.",
                        "Distribuir kits de higiene menstrual y formar a docentes en su gestión.",
                        "Incluir indicadores WASH en el sistema de información del Ministerio de "
                        "Educación.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="UNICEF/2022/nutricion-lactancia-materna.docx",
        title="Nutrición infantil y lactancia materna en familias refugiadas y migrantes",
        subtitle="Resultados del tamizaje nutricional conjunto 2021-2022",
        org="UNICEF y Programa Mundial de Alimentos (PMA) en Ecuador",
        short="UNICEF - PMA",
        date_line="Quito, agosto de 2022",
        year=2022,
        lang="es",
        doc_type="monitoreo",
        topics=("nutricion", "seguridad-alimentaria", "salud"),
        sidecar={
            "title": "Nutrición infantil y lactancia materna en familias refugiadas y migrantes",
            "agencies": ["UNICEF", "PMA"],
            "year": 2022,
            "topics": ["nutricion", "seguridad-alimentaria", "salud"],
            "doc_type": "monitoreo",
            "language": "es",
        },
        pages=[
            [
                ("h", "Introducción"),
                "UNICEF y el PMA realizaron de forma conjunta el tamizaje nutricional de 2.870 "
                "niños y niñas menores de cinco años de familias venezolanas y de comunidades de "
                "acogida, en los puntos de atención de Tulcán, Ibarra, Quito, Lago Agrio, "
                "Guayaquil y Huaquillas. Se midió peso, talla y perímetro braquial, y se aplicó "
                "una encuesta sobre prácticas de alimentación del lactante.",
                "El estudio se enmarca en el plan de respuesta del GTRM y en la estrategia "
                "nacional Ecuador Crece sin Desnutrición Infantil.",
            ],
            [
                ("h", "Indicadores nutricionales"),
                (
                    "t",
                    [
                        "Provincia",
                        "Desnutrición crónica (%)",
                        "Desnutrición aguda (%)",
                        "Anemia 6-59 meses (%)",
                        "Lactancia materna exclusiva (%)",
                    ],
                    [
                        ["Carchi", "21,4", "1,8", "29,0", "48"],
                        ["Imbabura", "19,7", "1,5", "26,3", "51"],
                        ["Pichincha", "16,2", "1,2", "24,8", "45"],
                        ["Sucumbíos", "26,9", "2,7", "35,1", "39"],
                        ["Guayas", "14,8", "2,1", "27,6", "37"],
                        ["El Oro", "17,5", "2,4", "30,2", "41"],
                    ],
                ),
                "La desnutrición crónica es más alta en Sucumbíos, donde se combina la llegada "
                "reciente de familias, el alto costo de los alimentos y el menor acceso a "
                "controles de salud. En Guayas preocupa la baja lactancia materna exclusiva, "
                "asociada a que las madres trabajan fuera del hogar desde las primeras semanas.",
            ],
            [
                ("h", "Alimentación complementaria y recomendaciones"),
                "Solo el 34% de los niños de 6 a 23 meses recibió una dieta mínima aceptable. "
                "Las familias que recibían transferencias monetarias del PMA mostraron mayor "
                "diversidad de la dieta, en especial mayor consumo de huevos, leche y frutas.",
                (
                    "b",
                    [
                        "Acompañar las transferencias con consejería nutricional y en lactancia.",
                        "Entregar micronutrientes en polvo a niños de 6 a 59 meses en tránsito.",
                        "Referir los casos de desnutrición aguda a los centros de salud de forma "
                        "inmediata.",
                        "Repetir el tamizaje cada seis meses en Sucumbíos y Carchi.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- ACNUR / UNHCR
    Doc(
        path="ACNUR/2017/diagnostico-albergues-frontera.pdf",
        title="Diagnóstico de albergues y alojamiento temporal en la frontera",
        subtitle="Tulcán, Lago Agrio y Huaquillas",
        org=ORG["ACNUR"],
        short="ACNUR Ecuador",
        date_line="Quito, diciembre de 2017",
        year=2017,
        lang="es",
        doc_type="diagnostico",
        topics=("alojamiento", "wash", "proteccion"),
        props=False,
        pages=[
            [
                ("h", "Introducción"),
                "Durante el segundo semestre de 2017 aumentó de forma sostenida la llegada de "
                "personas venezolanas a Ecuador, muchas de ellas con intención de permanecer en "
                "el país o de continuar hacia Perú y Chile. El Alto Comisionado de las Naciones "
                "Unidas para los Refugiados (ACNUR) evaluó la capacidad de los albergues y "
                "casas de acogida en tres ciudades de frontera para orientar la inversión en "
                "alojamiento temporal.",
                "Se visitaron 14 albergues administrados por organizaciones religiosas, "
                "municipios y la sociedad civil, con una capacidad conjunta de 610 plazas. La "
                "ocupación promedio superó el 120% en las semanas de mayor afluencia, lo que "
                "obligó a habilitar colchones en pasillos y patios.",
            ],
            [
                ("h", "Condiciones de los albergues"),
                "En Tulcán, los dos albergues principales estaban a más de tres kilómetros del "
                "puente de Rumichaca y no contaban con transporte; familias con niños pequeños "
                "pasaban la noche a la intemperie con temperaturas cercanas a cero grados. En "
                "Lago Agrio, el albergue de la diócesis ofrecía 80 plazas pero solo dos duchas. "
                "En Huaquillas, la mayoría de las personas dormía en pensiones de bajo costo o en "
                "la calle cerca del Centro Binacional de Atención Fronteriza (CEBAF).",
                "Las condiciones de agua, saneamiento e higiene eran insuficientes: un inodoro "
                "por cada 38 personas, ausencia de espacios separados para mujeres y falta de "
                "iluminación en los baños, lo que incrementa el riesgo de violencia sexual. "
                "Ningún albergue tenía un procedimiento escrito para identificar a personas con "
                "necesidades de protección internacional.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Ampliar en 300 plazas la capacidad de alojamiento temporal en Tulcán y "
                        "Huaquillas, con espacios para familias y para mujeres solas.",
                        "Construir baterías sanitarias y duchas separadas por sexo, con iluminación.",
                        "Capacitar al personal de los albergues en identificación y referencia de "
                        "casos de protección.",
                        "Establecer un sistema común de registro de ocupación entre albergues.",
                        "Prever apoyo para el arriendo de vivienda de familias que deciden "
                        "quedarse en Ecuador.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="ACNUR/2018/monitoreo-proteccion-frontera.pdf",
        title="Monitoreo de protección en la frontera norte y sur del Ecuador",
        subtitle="Primer informe semestral",
        org=ORG["ACNUR"],
        short="ACNUR Ecuador",
        date_line="Quito, agosto de 2018",
        year=2018,
        lang="es",
        doc_type="monitoreo",
        topics=("proteccion", "trata", "vbg"),
        pages=[
            [
                ("h", "Resumen"),
                "Entre enero y junio de 2018 los equipos de monitoreo de protección del ACNUR "
                "entrevistaron a 3.412 personas venezolanas en Rumichaca (Carchi) y en "
                "Huaquillas (El Oro). El 64% declaró haber salido de Venezuela por la "
                "inseguridad, la violencia o amenazas, y el 71% por la falta de alimentos y "
                "medicinas. Uno de cada cuatro entrevistados reportó algún incidente de "
                "protección durante el viaje.",
                "El informe describe los perfiles de la población, los riesgos durante el "
                "tránsito y el acceso a documentación y a procedimientos de asilo.",
            ],
            [
                ("h", "Perfil de la población y riesgos en el tránsito"),
                "El 52% de las personas entrevistadas eran hombres y el 48% mujeres; el 19% "
                "viajaba con niños, niñas o adolescentes. La mayoría cruzó Colombia por tierra "
                "en un trayecto promedio de seis días. Los incidentes más frecuentes fueron "
                "robos (38%), extorsión por parte de grupos armados o transportistas (17%), "
                "amenazas (12%) y violencia sexual o acoso (6% del total, 11% entre mujeres).",
                "En Huaquillas, los monitores documentaron ofrecimientos de empleo en Perú que "
                "presentaban indicios de trata de personas y de tráfico ilícito de migrantes, "
                "en especial dirigidos a mujeres jóvenes. Se refirieron 46 casos a la Fiscalía y "
                "a organizaciones especializadas.",
            ],
            [
                ("h", "Documentación y acceso al asilo"),
                "La Ley Orgánica de Movilidad Humana, vigente desde 2017, reconoce el derecho a "
                "solicitar refugio y establece la visa UNASUR como alternativa de regularización. "
                "Sin embargo, solo el 9% de los entrevistados conocía el procedimiento de "
                "refugio y el 62% no tenía pasaporte vigente, requisito exigido para la mayoría "
                "de visas.",
                "Las solicitudes de refugio de personas venezolanas pasaron de 1.600 en 2017 a "
                "cerca de 4.800 en el primer semestre de 2018. El tiempo promedio de espera para "
                "la entrevista de elegibilidad superó los cinco meses, periodo en el que los "
                "solicitantes tienen dificultades para trabajar formalmente.",
            ],
            [
                ("h", "Conclusiones y recomendaciones"),
                "Un número importante de personas venezolanas tiene necesidades de protección "
                "internacional y debe poder acceder a un procedimiento de asilo justo y "
                "eficiente. El ACNUR recomienda fortalecer la Dirección de Protección "
                "Internacional, establecer un registro en frontera, informar a las personas "
                "sobre sus derechos al momento de ingresar y reforzar los mecanismos de "
                "identificación de sobrevivientes de violencia basada en género y de posibles "
                "víctimas de trata.",
                "Se recomienda también flexibilizar la exigencia de pasaporte para niños, "
                "niñas y adolescentes y para personas en situación de vulnerabilidad.",
            ],
        ],
    ),
    Doc(
        path="ACNUR/2020/protection-monitoring-covid19.pdf",
        title="Protection Monitoring Report: the Impact of COVID-19 on Refugees and Migrants "
        "in Ecuador",
        subtitle="April–September 2020",
        org=ORG["UNHCR"],
        short="UNHCR Ecuador",
        date_line="Quito, October 2020",
        year=2020,
        lang="en",
        doc_type="monitoreo",
        topics=("proteccion", "alojamiento", "salud", "transferencias"),
        font="dejavu",
        keywords="protection monitoring, COVID-19, evictions, refugees, Venezuela, Ecuador",
        pages=[
            [
                ("h", "Key findings"),
                "Between April and September 2020 UNHCR and its partners conducted 2,954 remote "
                "protection monitoring interviews by telephone with Venezuelan refugee and "
                "migrant households in 17 provinces of Ecuador. The national lockdown declared "
                "in March 2020 to contain COVID-19 left most respondents without income: 79% "
                "of households reported that at least one member lost their job, and 67% were "
                "eating fewer meals per day than before the pandemic.",
                (
                    "b",
                    [
                        "34% of households had been evicted or threatened with eviction.",
                        "Only 12% held a regular migration status with a work permit.",
                        "18% reported a family member with COVID-19 symptoms who did not seek "
                        "medical care for fear of costs or of being reported.",
                        "Reports of domestic violence increased in 1 in 10 households.",
                    ],
                ),
            ],
            [
                ("h", "Housing and evictions"),
                "Most refugees and migrants rent single rooms in informal arrangements without "
                "written contracts. When daily earnings stopped, landlords in Quito, Guayaquil, "
                "Manta and Machala demanded payment or evicted families. Although the "
                "Humanitarian Support Law of June 2020 temporarily suspended evictions, few "
                "tenants knew about it. Evicted families moved in with relatives, slept in "
                "overcrowded shelters or started walking back towards the Colombian border.",
                "UNHCR negotiated with landlords in 240 cases and provided rental support to "
                "3,100 households. Mediation was most successful when combined with a one-off "
                "cash grant covering two months of rent.",
            ],
            [
                ("h", "Access to health and information"),
                "Respondents with chronic conditions such as diabetes, hypertension or HIV "
                "reported interruptions in treatment. Public hospitals provided emergency care "
                "regardless of status, but many people believed they needed an identity "
                "document. Hotline and WhatsApp information campaigns reached 85,000 people with "
                "messages on COVID-19 prevention, health rights and the availability of "
                "assistance.",
                "Mental health concerns were frequent: 42% of respondents said they felt "
                "constant worry or hopelessness. Women heading households and older persons "
                "were the most affected.",
            ],
            [
                ("h", "Cash assistance and recommendations"),
                "Multipurpose cash assistance reached 21,400 households between April and "
                "September. Post-distribution monitoring showed that 61% of the cash was spent "
                "on food, 24% on rent and 8% on medicines and hygiene items.",
                (
                    "b",
                    [
                        "Extend the suspension of evictions and publicise it in refugee communities.",
                        "Include refugees and migrants in national social protection and "
                        "vaccination plans.",
                        "Scale up multipurpose cash for households with specific needs.",
                        "Ensure safe referral pathways for survivors of gender-based violence "
                        "during lockdowns.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="ACNUR/2022/integracion-local-medios-de-vida.pdf",
        title="Integración local de personas refugiadas y migrantes: medios de vida, empleo y "
        "convivencia",
        org=ORG["ACNUR"],
        short="ACNUR Ecuador",
        date_line="Guayaquil, junio de 2022",
        year=2022,
        lang="es",
        doc_type="estudio",
        topics=("integracion", "proteccion"),
        props=False,
        pages=[
            [
                ("h", "Resumen"),
                "Este estudio analiza las condiciones de integración local de 1.820 personas "
                "refugiadas y migrantes venezolanas y colombianas que viven en Guayaquil, Quito, "
                "Manta y Santo Domingo. La integración se entiende como un proceso de doble vía "
                "que incluye dimensiones legales, económicas y socioculturales.",
                "Cinco años después del inicio de la llegada masiva, la mayoría de las personas "
                "entrevistadas quiere quedarse en Ecuador: el 74% no tiene planes de retornar ni "
                "de moverse a otro país. Sin embargo, su inserción económica sigue siendo "
                "precaria y la discriminación limita sus oportunidades.",
            ],
            [
                ("h", "Situación legal y acceso a derechos"),
                "El 38% de las personas entrevistadas tenía una visa vigente o había sido "
                "reconocida como refugiada. Las demás estaban en situación irregular, a la espera "
                "del proceso de regularización anunciado para 2022. La falta de documentos "
                "impide abrir cuentas bancarias, firmar contratos de arriendo y afiliarse a la "
                "seguridad social.",
                "Las personas con estatus de refugiado reportaron mejores condiciones de empleo "
                "y mayor confianza en las instituciones, lo que confirma que la documentación es "
                "la puerta de entrada a los demás derechos.",
            ],
            [
                ("h", "Empleo, xenofobia y discriminación"),
                "Solo el 14% tenía un empleo formal con afiliación al IESS. La mayoría trabaja en "
                "comercio informal, servicios de limpieza, construcción y reparto a domicilio, "
                "con ingresos por debajo del salario básico. El 46% dijo haber sido rechazado en "
                "una oferta de empleo por ser extranjero y el 31% percibió un trato xenófobo de "
                "empleadores o compañeros de trabajo.",
                "La xenofobia aumentó tras episodios de inseguridad difundidos en redes "
                "sociales, y afecta especialmente a mujeres venezolanas, que denuncian acoso y "
                "estereotipos sexualizados. Las empresas que participaron en programas de "
                "empleo inclusivo valoraron positivamente la experiencia y la formación de los "
                "trabajadores venezolanos.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Acelerar la regularización y la emisión de cédulas de identidad para "
                        "extranjeros.",
                        "Promover el reconocimiento de títulos profesionales y certificar "
                        "competencias laborales.",
                        "Trabajar con el sector privado en programas de empleo inclusivo y "
                        "campañas contra la xenofobia.",
                        "Facilitar el acceso a servicios financieros y a capital semilla para "
                        "emprendimientos.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- OIM / IOM
    Doc(
        path="OIM/2018/dtm-flujos-rumichaca-huaquillas.pdf",
        title="Matriz de Seguimiento del Desplazamiento (DTM): flujos migratorios en Rumichaca y "
        "Huaquillas",
        subtitle="Ronda 2, abril-mayo de 2018",
        org=ORG["OIM"],
        short="OIM Ecuador - DTM",
        date_line="Quito, junio de 2018",
        year=2018,
        lang="es",
        doc_type="monitoreo",
        topics=("monitoreo", "transporte", "salud"),
        keywords="DTM, flujos migratorios, Rumichaca, Huaquillas, caminantes",
        pages=[
            [
                ("h", "Metodología"),
                "La Matriz de Seguimiento del Desplazamiento (DTM) de la Organización "
                "Internacional para las Migraciones (OIM) recoge datos sobre los perfiles, "
                "necesidades e intenciones de las personas en movimiento. En esta ronda se "
                "aplicaron 2.145 encuestas en el Puente Internacional de Rumichaca, en la "
                "provincia de Carchi, y en el CEBAF de Huaquillas, en la provincia de El Oro, "
                "entre el 12 de abril y el 20 de mayo de 2018.",
                "La muestra no es probabilística; los resultados describen a las personas "
                "encuestadas y no pueden generalizarse al conjunto de la población migrante.",
            ],
            [
                ("h", "Perfil de las personas encuestadas"),
                (
                    "t",
                    ["Indicador", "Rumichaca", "Huaquillas"],
                    [
                        ["Encuestas aplicadas", "1.230", "915"],
                        ["Mujeres (%)", "44", "41"],
                        ["Edad promedio (años)", "29", "30"],
                        ["Viajan con NNA (%)", "22", "18"],
                        ["Destino final Ecuador (%)", "38", "6"],
                        ["Destino final Perú (%)", "49", "71"],
                        ["Destino final Chile (%)", "9", "19"],
                    ],
                ),
                "La mayoría de personas encuestadas en Huaquillas estaba de salida hacia Perú, "
                "mientras que en Rumichaca un tercio indicaba que se quedaría en Ecuador, "
                "principalmente en Quito y Guayaquil.",
            ],
            [
                ("h", "Caminantes y transporte humanitario"),
                "El 27% de las personas encuestadas recorrió a pie al menos una parte del "
                "trayecto entre Tulcán y Huaquillas, unos 1.000 kilómetros. Los caminantes "
                "duermen en gasolineras y parques, y enfrentan accidentes en la carretera, "
                "frío en el páramo y deshidratación en la costa. El 12% de los caminantes "
                "viajaba con niños menores de cinco años.",
                "Desde abril, la OIM y el Ministerio de Transporte organizan un servicio de "
                "transporte humanitario que trasladó a 4.600 personas en situación de "
                "vulnerabilidad, priorizando a mujeres embarazadas, personas mayores y "
                "familias con niños pequeños.",
            ],
            [
                ("h", "Necesidades reportadas"),
                "Las necesidades más mencionadas fueron alimentos (78%), información sobre "
                "requisitos migratorios (51%), alojamiento (47%), atención médica (33%) y "
                "transporte (29%). El 21% tenía una enfermedad crónica o una condición de salud "
                "que requería medicación, y solo la mitad de ellos la llevaba consigo.",
                "La OIM recomienda mantener puntos de asistencia humanitaria en ambos pasos "
                "fronterizos, ampliar el transporte humanitario y difundir información "
                "confiable sobre la ruta para reducir la exposición a redes de tráfico ilícito.",
            ],
        ],
    ),
    Doc(
        path="OIM/2019/dtm-round-5-ecuador.pdf",
        title="Displacement Tracking Matrix (DTM) Ecuador - Round 5: Monitoring Venezuelan "
        "Migration Flows",
        org=ORG["IOM"],
        short="IOM Ecuador - DTM",
        date_line="Quito, March 2019",
        year=2019,
        lang="en",
        doc_type="monitoreo",
        topics=("monitoreo", "proteccion", "integracion"),
        pages=[
            [
                ("h", "Overview"),
                "This fifth round of the International Organization for Migration's "
                "Displacement Tracking Matrix (DTM) surveyed 1,876 Venezuelan nationals at the "
                "Rumichaca bridge, in Huaquillas and in Quito between January and February 2019. "
                "Almost half of the respondents (47%) intended to stay in Ecuador, a clear "
                "increase from 2018, when most people were transiting towards Peru and Chile.",
                "Respondents left Venezuela mainly because of the economic crisis (82%), lack "
                "of access to food and medicine (64%) and insecurity (29%). A small group (3%) "
                "planned to travel on to the United States.",
            ],
            [
                ("h", "Protection risks and documentation"),
                "24% of respondents had experienced at least one risk during the journey, most "
                "commonly theft, being asked for bribes, and verbal aggression. Women were more "
                "likely to report harassment and sexual exploitation offers. 3% reported having "
                "been offered work under deceptive conditions, an indicator of possible "
                "trafficking in persons.",
                "Only 58% of respondents held a valid passport. The new requirement of a "
                "passport or apostilled documents introduced in 2019 is pushing people to cross "
                "through irregular paths, where they face greater risks.",
            ],
            [
                ("h", "Employment and integration"),
                "Among respondents living in Quito, 71% worked in the informal economy, mainly "
                "as street vendors. Average monthly income was 290 US dollars, below Ecuador's "
                "minimum wage. 39% reported discrimination because of their nationality, and "
                "women reported lower earnings than men for the same activities.",
                "IOM recommends regularization pathways that do not depend on a passport, "
                "support for professional certification and livelihood programmes linked to "
                "local economic development.",
            ],
        ],
    ),
    Doc(
        path="OIM/2020/monitoreo-conjunto-proteccion-oim-acnur.pdf",
        title="Monitoreo conjunto de protección y necesidades en la frontera norte durante la "
        "emergencia sanitaria",
        subtitle="Informe conjunto OIM - ACNUR",
        org="Organización Internacional para las Migraciones (OIM) y Alto Comisionado de las "
        "Naciones Unidas para los Refugiados (ACNUR)",
        short="OIM - ACNUR",
        date_line="Tulcán, noviembre de 2020",
        year=2020,
        lang="es",
        doc_type="monitoreo",
        topics=("proteccion", "trata", "alojamiento", "proteccion-infancia"),
        sidecar={
            "title": "Monitoreo conjunto de protección y necesidades en la frontera norte "
            "durante la emergencia sanitaria",
            "agencies": ["OIM", "ACNUR"],
            "year": 2020,
            "topics": ["proteccion", "trata", "alojamiento", "proteccion-infancia"],
            "doc_type": "monitoreo",
            "language": "es",
        },
        pages=[
            [
                ("h", "Presentación"),
                "Con el cierre oficial de las fronteras terrestres en marzo de 2020, el ingreso "
                "de personas venezolanas a Ecuador no se detuvo, pero pasó a realizarse por "
                "pasos irregulares, conocidos como trochas, en Carchi y Sucumbíos. La OIM y el "
                "ACNUR establecieron un sistema conjunto de monitoreo para conocer los riesgos "
                "de protección de esta población y orientar la respuesta humanitaria.",
                "Entre julio y octubre de 2020 se realizaron 1.560 entrevistas a grupos "
                "familiares en Tulcán, San Gabriel, Ibarra y Lago Agrio.",
            ],
            [
                ("h", "Riesgos en los pasos irregulares"),
                "El 68% de las personas entrevistadas ingresó por trochas, y el 41% pagó a "
                "personas que controlan esos pasos. Se registraron robos, cobros extorsivos, "
                "amenazas con armas y violencia sexual. Los monitores identificaron 27 casos con "
                "indicios de trata de personas con fines de explotación sexual o laboral, "
                "referidos a la Fiscalía y a la Unidad contra la Trata de la Policía Nacional.",
                "La ausencia de control sanitario en las trochas impidió aplicar pruebas de "
                "COVID-19 y cuarentenas seguras, lo que aumentó la estigmatización de las "
                "personas migrantes en las comunidades fronterizas.",
            ],
            [
                ("h", "Niñez no acompañada y alojamiento"),
                "Se identificaron 143 niños, niñas y adolescentes no acompañados o separados. "
                "Varios adolescentes viajaban con adultos que habían conocido en el camino. Las "
                "Juntas Cantonales de Protección de Derechos y el MIES activaron medidas de "
                "acogimiento temporal en 61 casos.",
                "Los albergues de Tulcán e Ibarra funcionaron con aforo reducido por las medidas "
                "de bioseguridad. Muchas familias durmieron en la calle o en terminales, y el "
                "apoyo para arriendo fue la modalidad más solicitada para evitar desalojos.",
            ],
            [
                ("h", "Recomendaciones conjuntas"),
                (
                    "b",
                    [
                        "Garantizar el acceso al territorio y al procedimiento de asilo incluso con "
                        "fronteras cerradas.",
                        "Desplegar equipos de protección móviles en zonas cercanas a las trochas.",
                        "Reforzar la coordinación con Fiscalía para casos de trata y tráfico.",
                        "Ampliar los cupos de alojamiento con protocolos de bioseguridad.",
                        "Incluir a NNA no acompañados en un registro único interinstitucional.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OIM/2021/trata-de-personas-frontera-sur.pdf",
        title="Trata de personas y tráfico ilícito de migrantes en la frontera sur del Ecuador",
        subtitle="Diagnóstico en Huaquillas, Arenillas y Machala (provincia de El Oro)",
        org=ORG["OIM"],
        short="OIM Ecuador",
        date_line="Machala, julio de 2021",
        year=2021,
        lang="es",
        doc_type="diagnostico",
        topics=("trata", "vbg", "proteccion"),
        keywords="trata de personas, tráfico ilícito de migrantes, Huaquillas, El Oro",
        pages=[
            [
                ("h", "Resumen ejecutivo"),
                "La frontera sur, y en particular la ciudad de Huaquillas, es un punto crítico "
                "para la trata de personas y el tráfico ilícito de migrantes. Con el cierre de "
                "fronteras por la COVID-19, los cruces hacia Perú se desplazaron a pasos "
                "irregulares controlados por redes que cobran entre 20 y 100 dólares por "
                "persona.",
                "Este diagnóstico de la Organización Internacional para las Migraciones se basa "
                "en 48 entrevistas a operadores de justicia, personal de salud, organizaciones "
                "de la sociedad civil y sobrevivientes, así como en el análisis de 112 casos "
                "atendidos entre 2019 y 2021.",
            ],
            [
                ("h", "Modalidades de trata identificadas"),
                "La explotación sexual es la modalidad más frecuente (61% de los casos), seguida "
                "por la explotación laboral en agricultura, comercio y servicio doméstico (27%) "
                "y la mendicidad forzada de niños y niñas (8%). Las víctimas son en su mayoría "
                "mujeres venezolanas de 15 a 29 años captadas con ofertas de empleo en "
                "restaurantes o como trabajadoras del hogar en Huaquillas y Machala.",
                "Los tratantes retienen documentos, imponen deudas por transporte y alojamiento "
                "y utilizan amenazas contra familiares en Venezuela. La situación migratoria "
                "irregular hace que las víctimas teman denunciar.",
            ],
            [
                ("h", "Tráfico ilícito de migrantes en Huaquillas"),
                "Los coyotes ofrecen el cruce por el canal internacional o por las zonas de "
                "bananeras, a menudo de noche. Las personas entrevistadas relataron abandonos, "
                "robos y violencia sexual durante el trayecto. El tráfico ilícito puede "
                "convertirse en trata cuando el traficante retiene a la persona para explotarla "
                "como pago de la deuda.",
                "En 2020 se registraron en El Oro 19 noticias de delito por trata de personas y "
                "7 por tráfico ilícito; solo dos terminaron en sentencia.",
            ],
            [
                ("h", "Respuesta institucional"),
                "La Ley Orgánica de Movilidad Humana y el Código Orgánico Integral Penal "
                "tipifican la trata y el tráfico ilícito de migrantes, y el Protocolo de "
                "actuación interinstitucional define la ruta de atención a víctimas. En la "
                "práctica, la mesa provincial contra la trata de El Oro no contaba con "
                "presupuesto y la casa de acogida especializada más cercana está en Quito.",
                "Las víctimas extranjeras tienen derecho a un estatus migratorio temporal, pero "
                "ninguna de las sobrevivientes entrevistadas lo había obtenido.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Crear una casa de acogida especializada para víctimas de trata en El Oro.",
                        "Capacitar a policías, fiscales y personal de salud de Huaquillas en "
                        "identificación de víctimas.",
                        "Fortalecer la cooperación binacional Ecuador-Perú contra redes de trata y "
                        "tráfico.",
                        "Garantizar la regularización migratoria de las víctimas.",
                        "Difundir campañas de prevención en terminales y pasos fronterizos.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OIM/2023/transito-hacia-estados-unidos.pdf",
        title="Movilidad en tránsito hacia el norte: personas venezolanas que salen de Ecuador "
        "rumbo a Estados Unidos",
        org=ORG["OIM"],
        short="OIM Ecuador",
        date_line="Quito, octubre de 2023",
        year=2023,
        lang="es",
        doc_type="estudio",
        topics=("transporte", "proteccion", "monitoreo"),
        props=False,
        font="dejavu",
        pages=[
            [
                ("h", "Contexto"),
                "Desde 2022 la dirección de los flujos cambió: además de quienes llegan desde "
                "Colombia, miles de personas venezolanas que vivían en Ecuador, Perú y Chile "
                "emprenden el viaje hacia Estados Unidos atravesando Colombia y la selva del "
                "Darién. La Organización Internacional para las Migraciones (OIM) encuestó a "
                "1.320 personas en Quito, Tulcán y Lago Agrio entre mayo y agosto de 2023.",
                "El 58% de las personas que salían hacia el norte había vivido en Ecuador más de "
                "dos años; el 23% tenía un empleo en el país antes de partir.",
            ],
            [
                ("h", "Motivos de salida"),
                "Los motivos más citados fueron la falta de ingresos suficientes (71%), la "
                "inseguridad y la extorsión en los barrios (38%), la dificultad para "
                "regularizarse (26%) y la reunificación con familiares en Estados Unidos (24%). "
                "Muchas personas mencionaron la información, a menudo falsa, difundida en redes "
                "sociales sobre facilidades para ingresar a Estados Unidos.",
                "El costo promedio estimado del viaje era de 2.800 dólares, financiado con "
                "ahorros, venta de bienes o préstamos de familiares.",
            ],
            [
                ("h", "Riesgos en la ruta"),
                "El 44% de las personas viajaba con niños, niñas o adolescentes. Entre quienes "
                "habían intentado el cruce antes y regresaron, se relataron robos, violencia "
                "sexual, muertes de acompañantes en la selva y extorsión. Las mujeres y los "
                "adolescentes no acompañados enfrentan los mayores riesgos de trata.",
                "También se registraron retornos: personas que no lograron continuar y regresan "
                "a Ecuador sin recursos, con necesidades de alojamiento y atención de salud.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Difundir información verificada sobre vías regulares y riesgos de la ruta.",
                        "Fortalecer la integración en Ecuador para que salir no sea la única opción.",
                        "Establecer puntos de atención para personas en tránsito y retornadas.",
                        "Coordinar con Colombia y Panamá la protección de familias con niños.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OIM/2024/encuesta-percepcion-xenofobia.pdf",
        title="Percepciones sobre la migración venezolana y xenofobia en comunidades de acogida",
        subtitle="Encuesta nacional 2024",
        org=ORG["OIM"],
        short="OIM Ecuador",
        date_line="Quito, abril de 2024",
        year=2024,
        lang="es",
        doc_type="monitoreo",
        topics=("integracion", "comunicacion"),
        pages=[
            [
                ("h", "Resumen"),
                "La Organización Internacional para las Migraciones aplicó una encuesta "
                "telefónica a 2.400 personas ecuatorianas en 12 provincias para conocer sus "
                "percepciones sobre la migración venezolana. El 52% considera que la llegada de "
                "personas migrantes ha afectado negativamente al país, frente al 61% en 2021. "
                "Las percepciones mejoran entre quienes tienen contacto cotidiano con personas "
                "venezolanas en el trabajo, el barrio o la escuela.",
            ],
            [
                ("h", "Empleo y xenofobia"),
                "La creencia más extendida es que las personas venezolanas «quitan empleo» a los "
                "ecuatorianos (57%), aunque la mayoría trabaja en la economía informal. El 35% "
                "asocia la migración con la delincuencia, una percepción alimentada por la "
                "cobertura mediática de hechos violentos. Las expresiones de xenofobia en redes "
                "sociales aumentaron en los meses de crisis de seguridad.",
                "Al mismo tiempo, el 64% reconoce que las personas venezolanas aportan con "
                "emprendimientos, gastronomía y trabajo, y el 70% apoya que niños y niñas "
                "migrantes estudien en escuelas públicas.",
            ],
            [
                ("h", "Comunicación y recomendaciones"),
                "Las campañas de comunicación basadas en historias de vecinos y compañeros de "
                "trabajo tuvieron mejor recepción que los mensajes institucionales. Se recomienda "
                "trabajar con medios de comunicación en coberturas sin estigmas, crear espacios "
                "de encuentro comunitario y medir cada año la evolución de la xenofobia en el "
                "marco de la estrategia de integración del GTRM.",
            ],
        ],
    ),
    # ---------------------------------------------------------------- PMA / WFP
    Doc(
        path="PMA/2019/evaluacion-seguridad-alimentaria.pdf",
        title="Evaluación de seguridad alimentaria de la población migrante venezolana en Ecuador",
        org=ORG["PMA"],
        short="PMA Ecuador",
        date_line="Quito, noviembre de 2019",
        year=2019,
        lang="es",
        doc_type="evaluacion",
        topics=("seguridad-alimentaria", "nutricion", "transferencias"),
        keywords="seguridad alimentaria, inseguridad alimentaria, consumo de alimentos",
        pages=[
            [
                ("h", "Resumen"),
                "El Programa Mundial de Alimentos (PMA) evaluó la seguridad alimentaria de 3.100 "
                "hogares venezolanos en Carchi, Imbabura, Pichincha, Sucumbíos, Guayas y El Oro, "
                "mediante el enfoque consolidado para reportar indicadores de seguridad "
                "alimentaria (CARI). El 37% de los hogares se encuentra en inseguridad "
                "alimentaria moderada o severa, y el 69% usa estrategias de afrontamiento "
                "negativas, como reducir el número de comidas o endeudarse para comprar "
                "alimentos.",
            ],
            [
                ("h", "Consumo de alimentos"),
                "El puntaje de consumo de alimentos fue pobre o límite en el 28% de los hogares. "
                "La dieta se basa en arroz, pan y fideos; el consumo de proteína animal, frutas y "
                "verduras es bajo. Los hogares encabezados por mujeres y los que llegaron al país "
                "hace menos de seis meses presentan peor consumo.",
                "El gasto en alimentos representa el 62% del gasto total del hogar. El alto "
                "costo del arriendo en Quito y Guayaquil reduce lo disponible para comer.",
            ],
            [
                ("h", "Nutrición y grupos vulnerables"),
                "En Sucumbíos y Carchi se observaron las peores condiciones: el 48% de los "
                "hogares con niños menores de cinco años no logra una diversidad mínima de la "
                "dieta infantil. Las mujeres embarazadas y en periodo de lactancia reportaron "
                "saltarse comidas para alimentar a sus hijos, lo que aumenta el riesgo de "
                "desnutrición y anemia.",
                "Las personas caminantes en tránsito dependen casi por completo de la asistencia "
                "alimentaria en albergues y comedores.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Ampliar la asistencia alimentaria mediante cupones y transferencias "
                        "monetarias en los mercados locales.",
                        "Priorizar hogares con mujeres embarazadas, niños pequeños y personas con "
                        "enfermedades crónicas.",
                        "Entregar raciones de alimentos listas para el consumo a caminantes.",
                        "Vincular la asistencia con medios de vida para reducir la dependencia.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="PMA/2020/transferencias-monetarias-covid19.pdf",
        title="Transferencias monetarias durante la COVID-19: monitoreo posdistribución",
        subtitle="Asistencia del PMA a hogares refugiados, migrantes y ecuatorianos vulnerables",
        org=ORG["PMA"],
        short="PMA Ecuador",
        date_line="Quito, diciembre de 2020",
        year=2020,
        lang="es",
        doc_type="monitoreo",
        topics=("transferencias", "seguridad-alimentaria", "comunicacion"),
        props=False,
        pages=[
            [
                ("h", "Resumen"),
                "Entre abril y octubre de 2020 el PMA amplió su programa de transferencias "
                "monetarias (PTM) para responder a la pérdida de ingresos causada por la "
                "COVID-19. Se asistió a 138.000 personas, el 76% venezolanas y el 24% "
                "ecuatorianas de las comunidades de acogida, en 16 provincias. Las transferencias "
                "se entregaron mediante tarjetas electrónicas canjeables en supermercados y, "
                "desde agosto, como efectivo a través de agencias bancarias.",
                "El monitoreo posdistribución se basó en 2.480 encuestas telefónicas.",
            ],
            [
                ("h", "Uso de las transferencias"),
                "El 88% de los hogares usó la transferencia principalmente para comprar "
                "alimentos. Los hogares que recibieron efectivo destinaron además una parte al "
                "arriendo (19%), a medicinas (7%) y a servicios básicos. El puntaje de consumo "
                "aceptable subió del 54% al 79% entre la línea de base y el segundo mes de "
                "asistencia.",
                "Las personas beneficiarias valoraron la libertad de elegir los alimentos y la "
                "posibilidad de comprar en tiendas de barrio. El monto mensual de 25 dólares por "
                "persona cubría cerca del 60% de la canasta básica alimentaria.",
            ],
            [
                ("h", "Dificultades de implementación"),
                "La falta de documentos de identidad impidió a muchas personas venezolanas "
                "cobrar en bancos; el PMA negoció con las entidades financieras la aceptación "
                "del pasaporte vencido o de la cédula venezolana. Los cambios frecuentes de "
                "número telefónico dificultaron la notificación de los pagos. Se detectaron "
                "casos de personas registradas por varias organizaciones, lo que llevó a "
                "compartir listas con otros socios del GTRM para evitar duplicidades.",
            ],
            [
                ("h", "Rendición de cuentas y recomendaciones"),
                "La línea gratuita de retroalimentación recibió 11.300 llamadas, la mayoría "
                "consultas sobre fechas de pago. Las quejas fueron resueltas en un promedio de "
                "cuatro días.",
                (
                    "b",
                    [
                        "Armonizar los montos de transferencias monetarias entre organizaciones.",
                        "Crear un registro común de beneficiarios para evitar duplicidades.",
                        "Vincular la asistencia con el sistema de protección social del Estado.",
                        "Mantener canales de comunicación con comunidades en varios idiomas y "
                        "formatos.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="PMA/2022/food-security-remote-monitoring.pdf",
        title="Food Security Remote Monitoring of Refugees, Migrants and Host Communities in "
        "Ecuador",
        org=ORG["WFP"],
        short="WFP Ecuador",
        date_line="Quito, September 2022",
        year=2022,
        lang="en",
        doc_type="monitoreo",
        topics=("seguridad-alimentaria", "transferencias", "nutricion"),
        keywords="food security, remote monitoring, food insecurity, Ecuador",
        pages=[
            [
                ("h", "Summary"),
                "The World Food Programme (WFP) conducted a remote food security survey of "
                "4,210 households in May and June 2022: 2,730 Venezuelan refugee and migrant "
                "households and 1,480 Ecuadorian host-community households. Food insecurity "
                "remains high two years after the COVID-19 lockdown: 42% of Venezuelan "
                "households and 26% of host households are moderately or severely food "
                "insecure.",
                "Rising food and fuel prices since early 2022 have eroded the purchasing power "
                "of families that depend on daily informal work.",
            ],
            [
                ("h", "Coping strategies"),
                "Nearly six in ten Venezuelan households relied on less preferred or cheaper "
                "food, and 35% reduced the number of meals eaten per day. Crisis or emergency "
                "livelihood coping strategies, such as selling productive assets, begging or "
                "sending children to work, were used by 22% of households. Households with "
                "irregular migration status were twice as likely to adopt emergency strategies.",
            ],
            [
                ("h", "Assistance and recommendations"),
                "Households that received cash-based transfers in the previous three months had "
                "acceptable food consumption in 71% of cases, compared with 49% of those who "
                "received no assistance. WFP recommends continuing cash transfers targeted by "
                "vulnerability rather than nationality, linking assistance to livelihoods and "
                "to the regularization process, and monitoring food prices in border provinces.",
            ],
        ],
    ),
    Doc(
        path="PMA/2023/lecciones-transferencias-monetarias.docx",
        title="Lecciones aprendidas del programa de transferencias monetarias 2019-2022",
        org=ORG["PMA"],
        short="PMA Ecuador",
        date_line="Quito, febrero de 2023",
        year=2023,
        lang="es",
        doc_type="lecciones",
        topics=("transferencias", "seguridad-alimentaria", "monitoreo"),
        pages=[
            [
                ("h", "Propósito"),
                "Este documento sistematiza las lecciones aprendidas del programa de "
                "transferencias monetarias del PMA en Ecuador entre 2019 y 2022, periodo en el "
                "que se pasó de cupones de papel a tarjetas electrónicas y a efectivo "
                "multipropósito. Las lecciones surgen de talleres con el personal, socios "
                "cooperantes y personas beneficiarias.",
            ],
            [
                ("h", "Síntesis de lecciones"),
                (
                    "t",
                    ["Código", "Tema", "Lección"],
                    [
                        [
                            "LA1_TM",
                            "Focalización",
                            "Focalizar por vulnerabilidad y no por nacionalidad redujo tensiones con "
                            "las comunidades de acogida.",
                        ],
                        [
                            "LA2_TM",
                            "Entrega",
                            "Las tarjetas electrónicas recargables bajaron los costos operativos frente "
                            "a los cupones de papel.",
                        ],
                        [
                            "LN1_TM",
                            "Registro",
                            "Sin un registro común de beneficiarios hubo duplicidades con otros "
                            "socios.",
                        ],
                        [
                            "BP1_TM",
                            "Rendición de cuentas",
                            "La línea gratuita de retroalimentación permitió corregir errores de pago "
                            "en pocos días.",
                        ],
                        [
                            "LN2_TM",
                            "Salida",
                            "La asistencia terminó sin vínculo con medios de vida para muchos "
                            "hogares.",
                        ],
                    ],
                ),
            ],
            [
                ("h", "Recomendaciones para futuros programas"),
                "Diseñar desde el inicio la estrategia de salida, vinculando las transferencias "
                "monetarias con capacitación laboral, emprendimiento e inclusión financiera. "
                "Compartir los criterios de focalización y los montos con el grupo de "
                "transferencias monetarias del GTRM, y medir en cada ronda de monitoreo la "
                "seguridad alimentaria y el uso de las transferencias.",
            ],
        ],
    ),
    # ---------------------------------------------------------------- OPS/OMS / PAHO
    Doc(
        path="OPS-OMS/2019/salud-poblacion-migrante-frontera.pdf",
        title="Situación de salud de la población migrante venezolana en las provincias de "
        "frontera",
        org=ORG["OPS"],
        short="OPS/OMS Ecuador",
        date_line="Quito, octubre de 2019",
        year=2019,
        lang="es",
        doc_type="informe",
        topics=("salud", "nutricion"),
        keywords="salud, vacunación, sarampión, migración, frontera",
        pages=[
            [
                ("h", "Introducción"),
                "La Organización Panamericana de la Salud (OPS/OMS) apoya al Ministerio de Salud "
                "Pública en la vigilancia epidemiológica y la atención a la población migrante. "
                "Este informe analiza 48.600 atenciones a personas venezolanas registradas en "
                "establecimientos de salud de Carchi, Sucumbíos, Pichincha y El Oro entre enero "
                "y agosto de 2019.",
            ],
            [
                ("h", "Vacunación y vigilancia"),
                "Tras los brotes de sarampión y difteria en Venezuela, Ecuador instaló puestos "
                "de vacunación en Rumichaca, San Miguel y Huaquillas. En 2019 se aplicaron "
                "112.000 dosis a personas migrantes, incluidas 38.500 de la vacuna contra "
                "sarampión y rubéola. Se confirmaron 19 casos importados de sarampión en 2018 y "
                "ninguno en 2019, lo que muestra la eficacia del cerco epidemiológico.",
                "Las enfermedades más atendidas fueron infecciones respiratorias, "
                "enfermedades diarreicas y afecciones de la piel asociadas al viaje.",
            ],
            [
                ("h", "Salud materna y enfermedades crónicas"),
                "El 12% de las atenciones correspondió a mujeres embarazadas; muchas llegaron "
                "sin ningún control prenatal. Los partos de madres venezolanas en el hospital de "
                "Tulcán se triplicaron entre 2017 y 2019. Las personas con VIH, diabetes e "
                "hipertensión reportaron interrupciones de tratamiento de varios meses.",
                "La salud mental es una necesidad poco atendida: los equipos observaron "
                "cuadros de ansiedad, depresión y duelo migratorio.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Mantener la vacunación en frontera y completar esquemas en destino.",
                        "Garantizar el control prenatal gratuito sin requisitos documentales.",
                        "Asegurar la continuidad de tratamientos antirretrovirales y crónicos.",
                        "Incorporar la salud mental y el apoyo psicosocial en el primer nivel de "
                        "atención.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OPS-OMS/2020/covid19-health-access-brief.pdf",
        title="COVID-19 and Access to Health Services for Refugees and Migrants in Ecuador",
        subtitle="Technical brief",
        org=ORG["PAHO"],
        short="PAHO/WHO Ecuador",
        date_line="Quito, August 2020",
        year=2020,
        lang="en",
        doc_type="informe",
        topics=("salud", "wash"),
        props=False,
        pages=[
            [
                ("h", "Background"),
                "Ecuador was one of the countries in Latin America most affected by the first "
                "wave of COVID-19, with the city of Guayaquil overwhelmed in March and April "
                "2020. This brief by the Pan American Health Organization (PAHO/WHO) summarizes "
                "the barriers faced by Venezuelan refugees and migrants in accessing testing, "
                "treatment and prevention during the emergency.",
            ],
            [
                ("h", "Barriers to care"),
                "Migrants living in overcrowded rooms could not isolate when infected. Many "
                "avoided health centres because they feared deportation or costs, even though "
                "public services are free. Language was not a barrier, but lack of information "
                "was: 46% of surveyed migrants did not know the national COVID-19 hotline "
                "number. Access to water and soap was limited in informal settlements and "
                "shelters, making hand hygiene difficult.",
            ],
            [
                ("h", "Recommendations"),
                (
                    "b",
                    [
                        "Include refugees and migrants in testing, treatment and future "
                        "vaccination plans regardless of status.",
                        "Support isolation spaces for people living in overcrowded housing.",
                        "Improve water, sanitation and hygiene in shelters.",
                        "Deliver health messages through community leaders and migrant "
                        "organizations.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OPS-OMS/2021/salud-mental-apoyo-psicosocial.pdf",
        title="Salud mental y apoyo psicosocial para personas refugiadas y migrantes venezolanas",
        subtitle="Estudio de necesidades y servicios disponibles",
        org=ORG["OPS"],
        short="OPS/OMS Ecuador",
        date_line="Quito, noviembre de 2021",
        year=2021,
        lang="es",
        doc_type="estudio",
        topics=("salud", "vbg", "proteccion-infancia"),
        font="dejavu",
        keywords="salud mental, apoyo psicosocial, migración, COVID-19",
        pages=[
            [
                ("h", "Resumen"),
                "La migración forzada, la separación familiar, la violencia en el camino y la "
                "precariedad en el país de acogida afectan la salud mental de las personas "
                "venezolanas. Esta investigación de la OPS/OMS combinó una encuesta a 1.150 "
                "personas adultas en Quito, Guayaquil, Ibarra y Lago Agrio con entrevistas a 40 "
                "profesionales de salud y de organizaciones humanitarias.",
            ],
            [
                ("h", "Prevalencia de síntomas"),
                "Los problemas de salud mental son frecuentes entre los migrantes venezolanos. "
                "El 39% de las personas venezolanas encuestadas presentó síntomas compatibles "
                "con depresión y el 33% con ansiedad, según instrumentos de tamizaje validados. "
                "Las cifras son mayores entre mujeres, personas que sufrieron violencia durante "
                "el tránsito y personas sin documentos. La pandemia de COVID-19 agravó el "
                "aislamiento y la incertidumbre: la pérdida del empleo y los desalojos fueron "
                "los factores más asociados al malestar emocional.",
                "Los adolescentes venezolanos reportaron soledad, acoso escolar y "
                "preocupación por familiares que se quedaron en Venezuela.",
            ],
            [
                ("h", "Servicios de salud mental disponibles"),
                "La red pública cuenta con pocos psicólogos en el primer nivel de atención: en "
                "Sucumbíos hay un profesional por cada 28.000 habitantes. Las organizaciones "
                "humanitarias ofrecen primeros auxilios psicológicos y grupos de apoyo, pero la "
                "atención suele interrumpirse cuando las personas se mudan. Solo el 8% de "
                "los venezolanos y venezolanas que tenían síntomas recibió algún tipo de "
                "atención de salud mental.",
                "Las sobrevivientes de violencia basada en género valoraron los grupos de apoyo "
                "entre mujeres y la atención con enfoque de género.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Integrar la salud mental en la atención primaria con la guía mhGAP.",
                        "Capacitar a personal comunitario en primeros auxilios psicológicos.",
                        "Garantizar la continuidad del acompañamiento cuando las familias se "
                        "trasladan.",
                        "Desarrollar servicios adaptados para niños, niñas y adolescentes.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- PNUD
    Doc(
        path="PNUD/2020/impacto-socioeconomico-covid19-migrantes.pdf",
        title="Impacto socioeconómico de la COVID-19 en la población en movilidad humana",
        org=ORG["PNUD"],
        short="PNUD Ecuador",
        date_line="Quito, septiembre de 2020",
        year=2020,
        lang="es",
        doc_type="estudio",
        topics=("integracion", "transferencias", "seguridad-alimentaria"),
        pages=[
            [
                ("h", "Resumen"),
                "El Programa de las Naciones Unidas para el Desarrollo (PNUD) estimó el impacto "
                "de la pandemia sobre los ingresos, el empleo y la pobreza de las personas "
                "venezolanas en Ecuador, a partir de una encuesta a 1.600 hogares y de la "
                "Encuesta Nacional de Empleo, Desempleo y Subempleo. La pobreza por ingresos de "
                "los hogares venezolanos pasó del 42% antes de la pandemia al 73% en junio de "
                "2020.",
            ],
            [
                ("h", "Ingresos y empleo"),
                "El 83% de los trabajadores venezolanos estaba en la informalidad antes de la "
                "emergencia; el confinamiento interrumpió de inmediato las ventas ambulantes y "
                "los servicios por día. El ingreso laboral promedio cayó un 61% entre febrero y "
                "mayo. Las mujeres, concentradas en comercio, restaurantes y trabajo doméstico, "
                "perdieron el empleo en mayor proporción que los hombres.",
                "Solo el 4% de los hogares venezolanos accedió al bono de protección familiar "
                "del Gobierno, porque los requisitos exigían cédula ecuatoriana o registro en el "
                "Registro Social.",
            ],
            [
                ("h", "Xenofobia y competencia por el empleo"),
                "La contracción económica avivó la percepción de competencia por el empleo. El "
                "29% de los encuestados ecuatorianos en barrios populares cree que las personas "
                "migrantes aceptan salarios más bajos y desplazan a trabajadores locales. "
                "Episodios de xenofobia en redes sociales y en el transporte público se "
                "multiplicaron durante los meses de confinamiento.",
                "El análisis muestra, sin embargo, que la población venezolana se concentra en "
                "ocupaciones donde hay escasez de oferta local y que su consumo sostiene a "
                "pequeños negocios de barrio.",
            ],
            [
                ("h", "Recomendaciones de política"),
                (
                    "b",
                    [
                        "Incluir a la población en movilidad humana en las transferencias "
                        "monetarias de emergencia del Estado, complementadas por la cooperación.",
                        "Apoyar la reactivación de microemprendimientos con capital semilla y "
                        "crédito.",
                        "Diseñar campañas de cohesión social que respondan a la xenofobia con "
                        "datos.",
                        "Facilitar la regularización como condición para el empleo formal.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="PNUD/2022/inclusion-financiera-emprendimiento.pdf",
        title="Inclusión financiera y emprendimiento de personas refugiadas y migrantes en Ecuador",
        org=ORG["PNUD"],
        short="PNUD Ecuador",
        date_line="Quito, noviembre de 2022",
        year=2022,
        lang="es",
        doc_type="estudio",
        topics=("integracion",),
        keywords="inclusión financiera, emprendimiento, medios de vida",
        pages=[
            [
                ("h", "Resumen"),
                "El estudio del PNUD analiza las barreras de acceso a servicios financieros y "
                "las trayectorias de 640 emprendimientos de personas venezolanas en Quito, "
                "Guayaquil, Cuenca y Manta. El 72% de los emprendedores no tiene cuenta bancaria "
                "y el 91% nunca ha recibido un crédito formal; la mayoría financia su negocio "
                "con ahorros o préstamos informales con intereses de hasta el 20% mensual.",
            ],
            [
                ("h", "Barreras y oportunidades"),
                "Las entidades financieras exigen cédula ecuatoriana, historial crediticio y "
                "garantes, requisitos que la mayoría no cumple. Las cooperativas de ahorro y "
                "crédito que aceptaron el pasaporte o la visa como identificación abrieron más "
                "de 3.000 cuentas en un año.",
                "Los emprendimientos más comunes son de alimentos, peluquería, costura y "
                "reparación de celulares. Los negocios que recibieron capital semilla y "
                "mentoría tuvieron una tasa de supervivencia del 68% al año, frente al 41% de "
                "los que no recibieron apoyo.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Reconocer la visa y el documento de refugiado como identificación válida en "
                        "todo el sistema financiero.",
                        "Crear líneas de microcrédito con garantías alternativas.",
                        "Combinar capital semilla, educación financiera y mentoría.",
                        "Vincular emprendimientos con cadenas de valor locales.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- UNFPA
    Doc(
        path="UNFPA/2019/salud-sexual-reproductiva-vbg.pdf",
        title="Salud sexual y reproductiva y violencia basada en género en mujeres migrantes "
        "venezolanas",
        subtitle="Diagnóstico en Sucumbíos, Carchi y El Oro",
        org=ORG["UNFPA"],
        short="UNFPA Ecuador",
        date_line="Quito, julio de 2019",
        year=2019,
        lang="es",
        doc_type="diagnostico",
        topics=("salud", "vbg"),
        keywords="salud sexual y reproductiva, violencia basada en género, VBG",
        pages=[
            [
                ("h", "Resumen"),
                "El Fondo de Población de las Naciones Unidas (UNFPA) realizó un diagnóstico "
                "sobre salud sexual y reproductiva y violencia basada en género (VBG) con 820 "
                "mujeres venezolanas de 15 a 49 años en Lago Agrio, Tulcán y Huaquillas. El "
                "estudio identifica necesidades insatisfechas de anticoncepción, embarazos no "
                "planificados y altos niveles de violencia antes, durante y después del viaje.",
            ],
            [
                ("h", "Salud sexual y reproductiva"),
                "El 44% de las mujeres no usaba ningún método anticonceptivo aunque no deseaba "
                "embarazarse, principalmente por falta de acceso en el trayecto. El 17% estaba "
                "embarazada al momento de la encuesta y una de cada tres no había tenido ningún "
                "control prenatal. Las infecciones de transmisión sexual y la falta de "
                "insumos de higiene menstrual fueron problemas frecuentes.",
                "Los kits de dignidad distribuidos en frontera fueron muy valorados por las "
                "mujeres caminantes.",
            ],
            [
                ("h", "Violencia basada en género"),
                "El 31% de las mujeres encuestadas sufrió algún tipo de violencia basada en "
                "género durante el tránsito: acoso, violencia sexual, sexo por supervivencia o "
                "explotación. En Huaquillas y Lago Agrio se identificaron situaciones de "
                "explotación sexual vinculadas a deudas de alojamiento. Solo el 6% de las "
                "sobrevivientes buscó ayuda, por miedo, desconocimiento de los servicios o "
                "temor a ser deportadas.",
                "La atención clínica a sobrevivientes de violencia sexual, con anticoncepción "
                "de emergencia y profilaxis posexposición, está disponible en hospitales "
                "públicos, pero pocas mujeres lo saben.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Difundir la ruta de atención a sobrevivientes de VBG en puntos de tránsito.",
                        "Garantizar métodos anticonceptivos y control prenatal sin requisitos.",
                        "Establecer espacios seguros para mujeres y niñas.",
                        "Capacitar al personal de salud en el manejo clínico de la violación.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="UNFPA/2023/embarazo-adolescente-movilidad.docx",
        title="Embarazo en adolescentes en contextos de movilidad humana",
        subtitle="Nota técnica",
        org=ORG["UNFPA"],
        short="UNFPA Ecuador",
        date_line="Quito, mayo de 2023",
        year=2023,
        lang="es",
        doc_type="informe",
        topics=("salud", "proteccion-infancia", "vbg"),
        props=False,
        pages=[
            [
                ("h", "Situación"),
                "Ecuador tiene una de las tasas de embarazo adolescente más altas de la región. "
                "Entre las adolescentes venezolanas el riesgo es mayor por la interrupción de "
                "los estudios, la falta de información sobre salud sexual y las uniones "
                "tempranas. En 2022, el 14% de los partos de mujeres venezolanas atendidos en "
                "la red pública correspondió a madres de 10 a 19 años.",
                "Los embarazos en niñas menores de 14 años son, por definición legal, producto "
                "de violencia sexual y deben activar la ruta de protección.",
            ],
            [
                ("h", "Datos por provincia"),
                (
                    "t",
                    [
                        "Provincia",
                        "Partos de adolescentes venezolanas (2022)",
                        "Con control prenatal adecuado (%)",
                        "Casos referidos a protección",
                    ],
                    [
                        ["Pichincha", 412, 58, 21],
                        ["Guayas", 365, 49, 14],
                        ["Manabí", 143, 45, 6],
                        ["El Oro", 118, 52, 9],
                        ["Sucumbíos", 97, 38, 11],
                    ],
                ),
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Educación integral de la sexualidad en las escuelas que reciben a "
                        "adolescentes migrantes.",
                        "Servicios de salud amigables para adolescentes sin requisitos "
                        "documentales.",
                        "Activación obligatoria de la ruta de protección en embarazos de niñas.",
                        "Apoyo para que las madres adolescentes continúen sus estudios.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- OIT
    Doc(
        path="OIT/2019/insercion-laboral-venezolanos.pdf",
        title="Inserción laboral de la población venezolana en Ecuador",
        subtitle="Mercado de trabajo, discriminación y trabajo decente",
        org=ORG["OIT"],
        short="OIT",
        date_line="Lima y Quito, diciembre de 2019",
        year=2019,
        lang="es",
        doc_type="estudio",
        topics=("integracion",),
        keywords="empleo, trabajo decente, xenofobia, migración laboral",
        pages=[
            [
                ("h", "Resumen"),
                "La Organización Internacional del Trabajo (OIT) analiza cómo se insertan las "
                "personas venezolanas en el mercado de trabajo ecuatoriano y qué obstáculos "
                "enfrentan para acceder a un trabajo decente. Se combinan datos de 2.100 "
                "encuestas en Quito, Guayaquil, Manta y Cuenca con entrevistas a empleadores, "
                "sindicatos y autoridades del Ministerio del Trabajo.",
                "La población venezolana es joven y tiene un nivel educativo alto: el 32% tiene "
                "estudios universitarios, frente al 17% de la población ecuatoriana ocupada.",
            ],
            [
                ("h", "Informalidad y subempleo"),
                "El 86% de los trabajadores venezolanos se desempeña en la economía informal y el "
                "63% trabaja más de 48 horas semanales. Los ingresos promedio están un 40% por "
                "debajo de los de trabajadores ecuatorianos con la misma formación. Solo el 11% "
                "de los profesionales trabaja en su área, debido a las dificultades para "
                "registrar títulos y a la exigencia de documentos apostillados.",
            ],
            [
                ("h", "Xenofobia y discriminación en el empleo"),
                "El 42% de las personas venezolanas encuestadas dijo haber sufrido "
                "discriminación laboral: despidos sin pago, jornadas sin remuneración, salarios "
                "inferiores o comentarios xenófobos. Las mujeres reportan además acoso sexual "
                "en el trabajo. Muchos empleadores desconocen que contratar a una persona con "
                "visa es legal y sencillo, y temen sanciones.",
                "La xenofobia en el empleo se alimenta de la idea de que la migración reduce "
                "los salarios; el análisis de la OIT no encuentra efectos significativos sobre "
                "el salario de los trabajadores ecuatorianos formales.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Simplificar el registro de títulos y la certificación de competencias.",
                        "Informar a empleadores sobre la contratación legal de personas migrantes.",
                        "Fortalecer la inspección laboral en sectores con alta informalidad.",
                        "Incluir a trabajadores migrantes en programas de formación profesional.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="OIT/2021/trabajo-infantil-explotacion-laboral.docx",
        title="Trabajo infantil y explotación laboral de niños, niñas y adolescentes migrantes",
        org=ORG["OIT"],
        short="OIT",
        date_line="Quito, agosto de 2021",
        year=2021,
        lang="es",
        doc_type="estudio",
        topics=("proteccion-infancia", "trata", "educacion"),
        pages=[
            [
                ("h", "Introducción"),
                "La crisis económica provocada por la COVID-19 empujó a muchos niños, niñas y "
                "adolescentes venezolanos al trabajo. Este estudio de la OIT documenta las "
                "formas de trabajo infantil en Quito, Guayaquil, Huaquillas y Lago Agrio y su "
                "relación con la explotación laboral y la trata de personas.",
            ],
            [
                ("h", "Formas de trabajo infantil observadas"),
                (
                    "t",
                    ["Actividad", "Ciudades", "Edad más frecuente", "Riesgos principales"],
                    [
                        [
                            "Venta ambulante en semáforos",
                            "Quito, Guayaquil",
                            "8-13",
                            "Accidentes de tránsito, abandono escolar",
                        ],
                        [
                            "Mendicidad con adultos",
                            "Quito, Huaquillas",
                            "3-10",
                            "Explotación por terceros, trata",
                        ],
                        [
                            "Trabajo doméstico",
                            "Guayaquil, Lago Agrio",
                            "12-17",
                            "Aislamiento, abuso sexual",
                        ],
                        [
                            "Agricultura y bananeras",
                            "El Oro",
                            "14-17",
                            "Agroquímicos, jornadas extensas",
                        ],
                    ],
                ),
                "En Huaquillas se detectaron casos de adolescentes captados para trabajar en "
                "bananeras y comercios que luego eran retenidos por supuestas deudas, una "
                "situación que encaja en la definición de trata de personas con fines de "
                "explotación laboral.",
            ],
            [
                ("h", "Recomendaciones"),
                "El trabajo infantil está estrechamente ligado a la pobreza del hogar y a la "
                "exclusión de la educación. Se recomienda vincular las transferencias a "
                "familias con la asistencia escolar, ampliar la inspección del trabajo "
                "infantil en El Oro y Sucumbíos, y reforzar la identificación de víctimas de "
                "trata entre niños, niñas y adolescentes.",
            ],
        ],
    ),
    Doc(
        path="OIT/2024/regularizacion-empleo-formal.pdf",
        title="Regularización migratoria y acceso al empleo formal",
        subtitle="Efectos del proceso de regularización 2022-2023 en la población venezolana",
        org=ORG["OIT"],
        short="OIT",
        date_line="Quito, marzo de 2024",
        year=2024,
        lang="es",
        doc_type="evaluacion",
        topics=("integracion", "proteccion"),
        props=False,
        pages=[
            [
                ("h", "Resumen"),
                "En 2022 el Gobierno de Ecuador abrió un proceso extraordinario de "
                "regularización para personas venezolanas que incluía un registro de "
                "permanencia migratoria y la visa de excepción por razones humanitarias (VIRTE). "
                "La OIT evaluó si la obtención de la visa mejoró el acceso al empleo formal, "
                "comparando 1.900 personas regularizadas con 1.100 que seguían en situación "
                "irregular.",
            ],
            [
                ("h", "Resultados"),
                "Las personas con visa VIRTE tenían 2,3 veces más probabilidades de tener un "
                "contrato de trabajo y afiliación a la seguridad social. Sin embargo, el 64% de "
                "las personas regularizadas seguía en la informalidad, porque los empleadores "
                "desconocían el documento o preferían no asumir obligaciones laborales. El "
                "costo de la visa y los requisitos de antecedentes penales dejaron fuera a "
                "muchas familias.",
            ],
            [
                ("h", "Marco normativo y recomendaciones"),
                "La Ley Orgánica de Movilidad Humana garantiza a las personas extranjeras los "
                "mismos derechos laborales que a las ecuatorianas. La OIT recomienda reducir los "
                "costos de la regularización, difundir entre empleadores la validez de la visa "
                "VIRTE para la contratación, registrar a las personas regularizadas en el "
                "sistema de empleo público y acompañar la regularización con formación "
                "profesional.",
            ],
        ],
    ),
    # ---------------------------------------------------------------- ONU Mujeres / UN Women
    Doc(
        path="ONU-Mujeres/2020/vbg-mujeres-venezolanas-covid19.pdf",
        title="Violencia basada en género contra mujeres y niñas venezolanas durante la COVID-19",
        subtitle="Análisis rápido de género",
        org=ORG["ONUM"],
        short="ONU Mujeres Ecuador",
        date_line="Quito, agosto de 2020",
        year=2020,
        lang="es",
        doc_type="diagnostico",
        topics=("vbg", "integracion", "salud"),
        font="dejavu",
        keywords="violencia basada en género, VBG, mujeres migrantes, COVID-19",
        pages=[
            [
                ("h", "Resumen"),
                "ONU Mujeres realizó entre mayo y julio de 2020 un análisis rápido de género "
                "sobre la situación de las mujeres y niñas venezolanas en Ecuador durante el "
                "confinamiento por la COVID-19. Se entrevistó por teléfono a 760 mujeres en "
                "Quito, Guayaquil, Manta, Ibarra y Machala, y a 25 organizaciones que prestan "
                "servicios a sobrevivientes de violencia.",
                "El confinamiento aumentó el riesgo de violencia basada en género (VBG) y, al "
                "mismo tiempo, redujo el acceso a los servicios de atención y a las redes de "
                "apoyo.",
            ],
            [
                ("h", "Violencia en el hogar y en el espacio público"),
                "El 23% de las mujeres reportó un aumento de las tensiones y de la violencia en "
                "el hogar desde el inicio del confinamiento; el 9% sufrió violencia física o "
                "sexual por parte de su pareja. Las mujeres que dependían económicamente de su "
                "pareja y no tenían documentos fueron las más expuestas. El acoso callejero y "
                "los estereotipos sexualizados sobre las mujeres venezolanas persisten en el "
                "transporte público y en los lugares de trabajo.",
                "Las organizaciones de atención registraron un incremento del 40% en las "
                "llamadas de mujeres venezolanas a sus líneas de ayuda.",
            ],
            [
                ("h", "Autonomía económica"),
                "El 72% de las mujeres perdió su fuente de ingresos. Muchas trabajaban en "
                "restaurantes, comercio informal o como empleadas domésticas sin contrato. "
                "Algunas relataron que arrendadores o empleadores les ofrecieron condonar "
                "deudas a cambio de relaciones sexuales, una forma de explotación sexual. La "
                "sobrecarga de cuidados creció con el cierre de escuelas.",
            ],
            [
                ("h", "Acceso a servicios"),
                "Las mujeres desconocían la línea 911 para denunciar violencia o temían ser "
                "deportadas si acudían a la policía. Las casas de acogida redujeron su aforo "
                "por las medidas sanitarias. La atención psicológica a distancia funcionó para "
                "quienes tenían teléfono y privacidad, pero no para quienes vivían con su "
                "agresor en una sola habitación.",
            ],
            [
                ("h", "Recomendaciones"),
                (
                    "b",
                    [
                        "Declarar esenciales los servicios de atención a la violencia basada en "
                        "género durante emergencias.",
                        "Difundir las rutas de denuncia en canales usados por mujeres migrantes.",
                        "Incluir a mujeres venezolanas en programas de autonomía económica y "
                        "transferencias monetarias.",
                        "Ampliar las casas de acogida con protocolos de bioseguridad.",
                        "Combatir la xenofobia y los estereotipos de género en los medios.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="ONU-Mujeres/2022/women-economic-empowerment.docx",
        title="Economic Empowerment of Venezuelan Refugee and Migrant Women in Ecuador",
        subtitle="Programme evaluation summary",
        org=ORG["UNW"],
        short="UN Women Ecuador",
        date_line="Quito, June 2022",
        year=2022,
        lang="en",
        doc_type="evaluacion",
        topics=("integracion", "vbg"),
        keywords="women's economic empowerment, livelihoods, gender-based violence",
        pages=[
            [
                ("h", "Introduction"),
                "Between 2020 and 2022 UN Women implemented an economic empowerment programme "
                "for 2,300 Venezuelan refugee and migrant women and Ecuadorian women from host "
                "communities in Quito, Guayaquil and Manta. The programme combined vocational "
                "training, seed capital for small businesses, childcare support and prevention "
                "of gender-based violence. This summary presents the results of the final "
                "evaluation.",
            ],
            [
                ("h", "Results"),
                (
                    "t",
                    ["Indicator", "Baseline (2020)", "Endline (2022)"],
                    [
                        ["Women with own income (%)", "38", "67"],
                        ["Average monthly income (USD)", "165", "310"],
                        ["Businesses still operating after 12 months (%)", "n/a", "71"],
                        ["Women with a bank account (%)", "12", "46"],
                        ["Women aware of GBV referral pathways (%)", "29", "81"],
                    ],
                ),
                "Participants reported greater confidence and decision-making power in their "
                "households. Mixed groups of Venezuelan and Ecuadorian women reduced prejudice "
                "and xenophobia and created lasting support networks.",
            ],
            [
                ("h", "Lessons and recommendations"),
                (
                    "b",
                    [
                        "Childcare support was decisive for participation of single mothers.",
                        "Economic empowerment and GBV prevention must go together: some partners "
                        "reacted with violence to women's new income.",
                        "Lack of documentation limited access to formal credit; regularization "
                        "should be part of livelihood programmes.",
                        "Training should follow local market demand, not traditional gender roles.",
                    ],
                ),
            ],
        ],
    ),
    # ---------------------------------------------------------------- GTRM / R4V
    Doc(
        path="GTRM/2020/plan-respuesta-2020.docx",
        title="Plan de Respuesta para Refugiados y Migrantes (RMRP) 2020: capítulo Ecuador",
        org=ORG["GTRM"],
        short="GTRM Ecuador",
        date_line="Quito, enero de 2020",
        year=2020,
        lang="es",
        doc_type="plan",
        topics=("general", "proteccion", "integracion", "seguridad-alimentaria"),
        pages=[
            [
                ("h", "Contexto"),
                "A finales de 2019 vivían en Ecuador alrededor de 385.000 personas venezolanas y "
                "otras tantas habían transitado hacia Perú y Chile. El Grupo de Trabajo para "
                "Refugiados y Migrantes (GTRM), copresidido por el ACNUR y la OIM, reúne a 44 "
                "organizaciones que coordinan la respuesta en apoyo al Gobierno del Ecuador.",
                "La Ley Orgánica de Movilidad Humana y el proceso de regularización con la visa "
                "de excepción por razones humanitarias (VERHU) definen el marco de la respuesta "
                "en 2020.",
            ],
            [
                ("h", "Necesidades y metas por sector"),
                (
                    "t",
                    [
                        "Sector",
                        "Personas con necesidades",
                        "Meta de personas a asistir",
                        "Organizaciones",
                    ],
                    [
                        ["Protección (incluye infancia, VBG y trata)", "312.000", "140.000", 28],
                        ["Educación", "96.000", "38.000", 12],
                        ["Salud", "280.000", "120.000", 15],
                        ["Seguridad alimentaria", "230.000", "110.000", 10],
                        ["Alojamiento", "150.000", "35.000", 11],
                        ["Integración", "300.000", "60.000", 22],
                        ["Transferencias monetarias multipropósito", "180.000", "55.000", 9],
                    ],
                ),
            ],
            [
                ("h", "Prioridades"),
                (
                    "b",
                    [
                        "Asistencia de emergencia a personas en tránsito en Carchi, Sucumbíos y El "
                        "Oro.",
                        "Acceso a documentación y regularización.",
                        "Integración socioeconómica y prevención de la xenofobia.",
                        "Fortalecimiento de las instituciones públicas locales.",
                        "Gestión de información compartida entre los socios del GTRM.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="GTRM/2021/evaluacion-conjunta-necesidades.pdf",
        copies=("R4V/2021/evaluacion-conjunta-necesidades.pdf",),
        title="Evaluación Conjunta de Necesidades 2021: refugiados y migrantes de Venezuela en "
        "Ecuador",
        subtitle="Joint Needs Assessment (JNA) - GTRM Ecuador",
        org=ORG["GTRM"],
        short="GTRM Ecuador",
        date_line="Quito, octubre de 2021",
        year=2021,
        lang="es",
        doc_type="diagnostico",
        topics=(
            "educacion",
            "salud",
            "proteccion",
            "vbg",
            "trata",
            "seguridad-alimentaria",
            "transferencias",
            "alojamiento",
            "wash",
            "integracion",
        ),
        keywords="evaluación conjunta de necesidades, GTRM, R4V, multisectorial",
        pages=[
            [
                ("h", "Resumen"),
                "La Evaluación Conjunta de Necesidades (JNA) 2021 del Grupo de Trabajo para "
                "Refugiados y Migrantes (GTRM) fue realizada por 23 organizaciones socias, "
                "entre ellas ACNUR, OIM, UNICEF, PMA, ONU Mujeres y organizaciones no "
                "gubernamentales. Se encuestó a 3.958 hogares venezolanos (14.215 personas) en "
                "18 provincias entre junio y agosto de 2021.",
                "Los resultados alimentan la planificación del RMRP 2022. Este documento "
                "presenta los hallazgos por sector: educación (página 2), salud (página 3), "
                "protección (página 4), seguridad alimentaria y transferencias monetarias "
                "(página 5), alojamiento y agua, saneamiento e higiene (página 6) e "
                "integración (página 7).",
            ],
            [
                ("h", "Educación"),
                "El 28% de los niños, niñas y adolescentes venezolanos de 5 a 17 años no asistía "
                "a la escuela. La tasa de inasistencia fue más alta en Carchi (35%) y Sucumbíos "
                "(33%) que en Pichincha (22%). Entre las niñas venezolanas de 15 a 17 años la "
                "inasistencia llegó al 41%, asociada al cuidado de hermanos y al embarazo "
                "adolescente.",
                "Las principales barreras para la educación fueron la falta de cupos (34%), la "
                "falta de recursos para útiles y transporte (29%) y la falta de documentos de "
                "años anteriores (18%). El 9% de los hogares mencionó situaciones de "
                "discriminación en las escuelas.",
            ],
            [
                ("h", "Salud"),
                "El 37% de los hogares tuvo al menos un miembro que necesitó atención médica en "
                "los últimos tres meses y no la recibió. Las barreras más citadas fueron la "
                "falta de turnos, el costo de medicamentos y el desconocimiento del derecho a "
                "la atención gratuita. El 14% de los hogares tenía una persona con enfermedad "
                "crónica sin tratamiento.",
                "Uno de cada cuatro hogares reportó que algún miembro presentaba síntomas de "
                "estrés, ansiedad o depresión; la salud mental fue señalada como necesidad "
                "prioritaria por los venezolanos que llevan más de dos años en el país.",
            ],
            [
                ("h", "Protección"),
                "El 51% de los hogares no tenía ningún miembro con estatus migratorio regular. "
                "El 16% reportó un incidente de protección en los últimos seis meses, sobre "
                "todo robos, amenazas, desalojos y discriminación. Las organizaciones "
                "identificaron riesgos de violencia basada en género en el 12% de los hogares "
                "encabezados por mujeres.",
                "En Huaquillas y en las provincias de frontera se documentaron ofertas de "
                "empleo engañosas y casos con indicios de trata de personas, sobre todo de "
                "mujeres jóvenes y adolescentes.",
            ],
            [
                ("h", "Seguridad alimentaria y transferencias monetarias"),
                "El 45% de los hogares se encontraba en inseguridad alimentaria moderada o "
                "severa y el 58% redujo la cantidad o calidad de sus comidas. Los hogares que "
                "recibieron transferencias monetarias multipropósito o cupones de alimentos en "
                "los últimos tres meses tuvieron un consumo aceptable en mayor proporción.",
                "El efectivo es la modalidad preferida por el 73% de los hogares, porque permite "
                "cubrir alimentos, arriendo y medicinas según sus prioridades.",
            ],
            [
                ("h", "Alojamiento y agua, saneamiento e higiene"),
                "El 82% de los hogares arrienda una vivienda, generalmente sin contrato escrito; "
                "el 21% vive en hacinamiento, con más de tres personas por dormitorio. El 19% "
                "recibió una amenaza de desalojo en los últimos seis meses.",
                "El 11% no tiene acceso a agua por red pública dentro de la vivienda y el 8% "
                "comparte el baño con otros hogares. Las peores condiciones de agua y "
                "saneamiento se registraron en barrios periféricos de Guayaquil y Lago Agrio.",
            ],
            [
                ("h", "Integración"),
                "Solo el 12% de los adultos tenía empleo formal; el 61% trabajaba en la economía "
                "informal y el 18% estaba desempleado. El ingreso mensual promedio del hogar "
                "(308 dólares) no alcanza para cubrir la canasta básica. El 34% de las personas "
                "venezolanas percibió xenofobia o discriminación al buscar empleo o vivienda.",
                "Los hogares con visa tienen ingresos 30% más altos, lo que confirma que la "
                "regularización es una condición para la integración socioeconómica.",
            ],
        ],
    ),
    Doc(
        path="GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx",
        title="Lecciones aprendidas y buenas prácticas de la respuesta interagencial a la "
        "población venezolana en Ecuador",
        subtitle="Sistematización 2018-2021 por áreas: Educación, Salud, Protección, VBG e "
        "Integración",
        org=ORG["GTRM"],
        short="GTRM Ecuador",
        date_line="Quito, abril de 2022",
        year=2022,
        lang="es",
        doc_type="lecciones",
        topics=("educacion", "salud", "proteccion", "vbg", "integracion", "monitoreo"),
        keywords="lecciones aprendidas, buenas prácticas, ODS, Pacto Mundial para la Migración",
        pages=[
            [
                ("h", "Introducción"),
                "Este documento recoge lecciones identificadas por los socios del GTRM en "
                "talleres realizados en Tulcán, Quito, Guayaquil y Huaquillas. Cada registro "
                "tiene un código que indica el tipo (LA: lección aprendida; LN: lección no "
                "aprendida; BP: buena práctica) y el área (ED: Educación; SA: Salud; PR: "
                "Protección; VB: Violencia basada en género; IS: Integración socioeconómica).",
                (
                    "t",
                    ["Código", "Área", "Descripción"],
                    [
                        [
                            "LN1_ED",
                            "Educación",
                            "La oferta de cupos escolares no se planificó según la llegada de "
                            "familias a las provincias de frontera.",
                        ],
                        [
                            "BP1_ED",
                            "Educación",
                            "Los planes de acogida escolar reducen el abandono de estudiantes "
                            "venezolanos.",
                        ],
                        [
                            "LA1_SA",
                            "Salud",
                            "Las brigadas móviles de salud llegan a población que no acude a centros "
                            "de salud.",
                        ],
                        [
                            "LN1_PR",
                            "Protección",
                            "Los casos de NNA no acompañados se pierden al pasar de una provincia a "
                            "otra.",
                        ],
                        [
                            "BP1_VB",
                            "VBG",
                            "Los espacios seguros para mujeres facilitan la revelación de violencia.",
                        ],
                        [
                            "LA1_IS",
                            "Integración",
                            "Los programas de empleo con empresas privadas generan más empleo formal "
                            "que la capacitación aislada.",
                        ],
                    ],
                ),
            ],
            [
                ("h", "LN1_ED: cupos escolares sin planificación territorial"),
                "Área: Educación. Tipo de lección: lección negativa (lección no aprendida).",
                "Hallazgo: en Tulcán, Lago Agrio y Huaquillas las escuelas recibieron más "
                "estudiantes venezolanos de los que podían atender, mientras que en otros "
                "distritos quedaban cupos libres. Las familias recorrían varias instituciones "
                "sin conseguir matrícula para sus niños y niñas.",
                "Descripción de la lección: la asignación de cupos no se basó en datos de "
                "movilidad. La información de los socios sobre llegadas y asentamientos no se "
                "compartió con las direcciones distritales de educación a tiempo.",
                "Contexto: aumento de llegadas en 2018 y 2019; normativa que permite la "
                "matrícula sin documentos, pero sin recursos adicionales para docentes.",
                "Beneficiarios: niños, niñas y adolescentes en movilidad humana y comunidades "
                "educativas de acogida.",
                "Relación con ODS: ODS 4, Educación de calidad; ODS 10, Reducción de las "
                "desigualdades.",
                "Relación con el Pacto Mundial para la Migración Segura: Objetivo 1 (datos "
                "exactos y desglosados) y Objetivo 15 (acceso de los migrantes a servicios "
                "básicos).",
                "Lección no aprendida: la planificación educativa aún no integra los datos de "
                "la DTM ni de la evaluación conjunta de necesidades.",
            ],
            [
                ("h", "LA1_SA y LN1_PR"),
                "LA1_SA. Área: Salud. Hallazgo: las brigadas móviles que combinaron vacunación, "
                "control prenatal y tamizaje nutricional en terminales y barrios llegaron a "
                "familias que nunca habían acudido a un centro de salud. Lección aprendida: "
                "llevar los servicios a donde está la población mejora la cobertura y genera "
                "confianza. ODS 3, Salud y bienestar. Pacto Mundial: Objetivo 15.",
                "LN1_PR. Área: Protección. Hallazgo: cuando un niño, niña o adolescente no "
                "acompañado se traslada de Carchi a Pichincha o a El Oro, su caso se abre de "
                "nuevo porque no existe un registro interinstitucional. Descripción de la "
                "lección: la falta de gestión de casos compartida expone a los NNA a riesgos de "
                "trata y explotación. ODS 16, Paz, justicia e instituciones sólidas. Pacto "
                "Mundial: Objetivo 7 (reducir las vulnerabilidades en la migración) y Objetivo "
                "10 (prevenir y erradicar la trata de personas).",
            ],
            [
                ("h", "BP1_VB y LA1_IS"),
                "BP1_VB. Área: Violencia basada en género. Hallazgo: los espacios seguros para "
                "mujeres y niñas en Huaquillas y Lago Agrio, con actividades recreativas y "
                "psicosociales, permitieron que sobrevivientes de violencia basada en género "
                "pidieran ayuda sin exponerse. Buena práctica: combinar actividades "
                "comunitarias con atención especializada y confidencial. ODS 5, Igualdad de "
                "género. Pacto Mundial: Objetivo 7.",
                "LA1_IS. Área: Integración socioeconómica. Hallazgo: los cursos de capacitación "
                "sin vínculo con empleadores no se tradujeron en empleo; los programas "
                "diseñados con empresas privadas lograron que el 35% de participantes obtuviera "
                "un contrato. Lección aprendida: involucrar al sector privado desde el diseño y "
                "trabajar contra la xenofobia en los lugares de trabajo. ODS 8, Trabajo decente "
                "y crecimiento económico. Pacto Mundial: Objetivo 6 (contratación equitativa y "
                "trabajo decente), Objetivo 16 (inclusión y cohesión social) y Objetivo 18 "
                "(reconocimiento de aptitudes y competencias).",
            ],
        ],
    ),
    Doc(
        path="GTRM/2022/rmrp-2022-ecuador-summary.docx",
        title="Refugee and Migrant Response Plan (RMRP) 2022: Ecuador Chapter Summary",
        org=ORG["GTRM_EN"],
        short="GTRM Ecuador",
        date_line="Quito, December 2021",
        year=2022,
        lang="en",
        doc_type="plan",
        topics=("general", "proteccion", "integracion", "transferencias"),
        pages=[
            [
                ("h", "Situation overview"),
                "By late 2021 Ecuador hosted more than 508,000 refugees and migrants from "
                "Venezuela, making it the third largest host country in the region. The "
                "announcement of a new regularization process by the Government of Ecuador "
                "opens an opportunity for integration, but needs in protection, food security, "
                "health and shelter remain high after the COVID-19 pandemic.",
                "In 2022 the 55 partners of the Working Group for Refugees and Migrants (GTRM) "
                "plan to assist 457,000 people, including Ecuadorian host communities.",
            ],
            [
                ("h", "Sector targets"),
                (
                    "t",
                    ["Sector", "People in need", "Target", "Budget (USD millions)"],
                    [
                        ["Protection", "520,000", "210,000", "48.2"],
                        ["Education", "115,000", "52,000", "12.6"],
                        ["Health", "410,000", "170,000", "21.9"],
                        ["Food security", "380,000", "160,000", "43.5"],
                        ["Integration", "450,000", "95,000", "39.1"],
                        ["Multipurpose cash assistance", "300,000", "80,000", "27.4"],
                        ["Shelter", "210,000", "44,000", "14.8"],
                    ],
                ),
            ],
            [
                ("h", "Strategic priorities"),
                (
                    "b",
                    [
                        "Support the regularization process with legal orientation and document "
                        "assistance.",
                        "Promote socio-economic integration, decent work and social cohesion, "
                        "countering xenophobia.",
                        "Provide life-saving assistance to people in transit and new arrivals.",
                        "Strengthen prevention and response to gender-based violence and "
                        "trafficking.",
                    ],
                ),
            ],
        ],
    ),
    Doc(
        path="GTRM/2024/hoja-informativa-situacion-2024.pdf",
        title="Hoja informativa: situación de refugiados y migrantes en Ecuador, primer "
        "semestre 2024",
        org=ORG["GTRM"],
        short="GTRM Ecuador",
        date_line="Quito, julio de 2024",
        year=2024,
        lang="es",
        doc_type="hoja",
        topics=("general", "monitoreo", "transporte"),
        props=False,
        pages=[
            [
                ("h", "Cifras clave"),
                (
                    "t",
                    ["Indicador", "Valor"],
                    [
                        ["Personas venezolanas en Ecuador (estimación)", "444.800"],
                        ["Personas regularizadas con visa VIRTE (acumulado)", "96.200"],
                        ["Personas asistidas por los socios del GTRM en el semestre", "182.500"],
                        ["Salidas registradas hacia el norte (Colombia - Darién)", "31.400"],
                        ["Socios activos", "61"],
                    ],
                ),
                "El Grupo de Trabajo para Refugiados y Migrantes (GTRM) publica esta hoja "
                "informativa con los datos consolidados de sus socios.",
            ],
            [
                ("h", "Tendencias de movilidad"),
                "Durante el primer semestre de 2024 se mantuvieron los movimientos mixtos: "
                "ingresos desde Colombia por Rumichaca y pasos irregulares, y salidas de "
                "personas venezolanas, ecuatorianas y de otras nacionalidades hacia Estados "
                "Unidos. La crisis de seguridad en Ecuador y el estado de excepción afectaron "
                "también a la población refugiada y migrante, con más extorsiones en barrios "
                "de Guayaquil y Machala.",
            ],
            [
                ("h", "Respuesta de los socios"),
                "Los socios entregaron asistencia alimentaria y transferencias monetarias, "
                "orientación legal para la regularización, atención en salud, alojamiento "
                "temporal y transporte humanitario para personas en situación de "
                "vulnerabilidad. La financiación recibida cubre solo el 23% de los "
                "requerimientos del plan para 2024.",
            ],
        ],
    ),
    # ---------------------------------------------------------------- NGO
    Doc(
        path="Cruz-Roja/2019/asistencia-caminantes-carchi.pdf",
        title="Asistencia humanitaria a caminantes venezolanos en la ruta Tulcán - Ibarra",
        subtitle="Informe de operaciones",
        org=ORG["CRE"],
        short="Cruz Roja Ecuatoriana",
        date_line="Tulcán, diciembre de 2019",
        year=2019,
        lang="es",
        doc_type="informe",
        topics=("transporte", "salud", "wash", "alojamiento"),
        props=False,
        pages=[
            [
                ("h", "Resumen de la operación"),
                "Entre enero y noviembre de 2019 la Cruz Roja Ecuatoriana atendió a 58.300 "
                "personas venezolanas que caminaban por la carretera Panamericana entre Tulcán, "
                "San Gabriel e Ibarra, en las provincias de Carchi e Imbabura. Los puntos de "
                "asistencia ofrecieron primeros auxilios, agua segura, alimentos, kits de "
                "higiene, restablecimiento del contacto entre familiares y orientación.",
            ],
            [
                ("h", "Salud y primeros auxilios"),
                "Se brindaron 12.400 atenciones de primeros auxilios y salud básica: ampollas y "
                "lesiones en los pies (41%), infecciones respiratorias por el frío del páramo "
                "(28%), deshidratación (9%) e hipotermia (3%). Se refirieron 640 casos graves al "
                "hospital de Tulcán, entre ellos mujeres embarazadas y niños con fiebre alta.",
                "Los voluntarios entregaron 31.000 litros de agua segura y 9.800 kits de "
                "higiene, y habilitaron baterías sanitarias y duchas portátiles en el punto de "
                "Rumichaca.",
            ],
            [
                ("h", "Alojamiento y transporte"),
                "Las noches en el páramo son el mayor peligro para los caminantes. En "
                "coordinación con el albergue de Tulcán y con parroquias de Ibarra se gestionó "
                "alojamiento de una noche para 7.200 personas. El transporte humanitario, en "
                "buses coordinados con la OIM, trasladó a 2.100 personas en mayor situación de "
                "vulnerabilidad hasta Quito. Se recomienda mantener la operación en invierno y "
                "ampliar la cobertura a la ruta Ibarra - Quito.",
            ],
        ],
    ),
]


def _draft_of(final: Doc) -> Doc:
    """A near-duplicate: the draft of a study, with a different first and last page."""
    from dataclasses import replace

    pages = [list(p) for p in final.pages]
    pages[0] = [
        "BORRADOR PARA COMENTARIOS - NO CITAR NI DIFUNDIR",
        *pages[0],
    ]
    pages[0][2] = (
        pages[0][2]
        .replace("640 emprendimientos", "580 emprendimientos")
        .replace("El 72%", "Cerca del 70%")
    )
    pages[-1] = [
        ("h", "Recomendaciones (versión preliminar)"),
        (
            "b",
            [
                "Reconocer la visa y el documento de refugiado como identificación válida.",
                "Crear líneas de microcrédito con garantías alternativas.",
                "Combinar capital semilla y mentoría.",
            ],
        ),
        "Nota: esta versión será revisada con los comentarios de los socios del grupo de "
        "integración del GTRM antes de su publicación.",
    ]
    return replace(
        final,
        path=final.path.replace(".pdf", "-borrador.pdf"),
        date_line="Quito, septiembre de 2022 (borrador)",
        props=False,
        dated=True,
        pages=pages,
    )


SAMPLE_DOCS.append(
    _draft_of(next(d for d in SAMPLE_DOCS if d.path.endswith("financiera-emprendimiento.pdf")))
)


# --------------------------------------------------------------------------------------------
# the generated corpus: recombined templates for benchmarks
# --------------------------------------------------------------------------------------------

GEN_AGENCIES = [  # (folder, cover line, weight)
    ("OIM", "Organización Internacional para las Migraciones (OIM)", 14),
    ("ACNUR", "Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)", 14),
    ("UNICEF", "Fondo de las Naciones Unidas para la Infancia (UNICEF)", 10),
    ("PMA", "Programa Mundial de Alimentos (PMA)", 8),
    ("ONU-Mujeres", "ONU Mujeres", 6),
    ("OPS-OMS", "Organización Panamericana de la Salud (OPS/OMS)", 6),
    ("PNUD", "Programa de las Naciones Unidas para el Desarrollo (PNUD)", 5),
    ("UNFPA", "Fondo de Población de las Naciones Unidas (UNFPA)", 4),
    ("OIT", "Organización Internacional del Trabajo (OIT)", 4),
    ("FAO", "Organización de las Naciones Unidas para la Alimentación y la Agricultura (FAO)", 2),
    ("UNESCO", "UNESCO", 2),
    ("GTRM", "Grupo de Trabajo para Refugiados y Migrantes (GTRM)", 8),
    ("HIAS", "HIAS Ecuador", 3),
    ("NRC", "Consejo Noruego para Refugiados (NRC)", 2),
    ("Cruz-Roja", "Cruz Roja Ecuatoriana", 3),
]
GEN_PLACES = {  # province -> cities / crossings
    "Carchi": ["Tulcán", "San Gabriel", "Rumichaca"],
    "Sucumbíos": ["Lago Agrio", "Shushufindi", "San Miguel"],
    "El Oro": ["Huaquillas", "Machala", "Arenillas"],
    "Pichincha": ["Quito", "Cayambe", "Sangolquí"],
    "Guayas": ["Guayaquil", "Durán", "Milagro"],
    "Imbabura": ["Ibarra", "Otavalo"],
    "Manabí": ["Manta", "Portoviejo"],
    "Azuay": ["Cuenca"],
    "Santo Domingo de los Tsáchilas": ["Santo Domingo"],
    "Esmeraldas": ["Esmeraldas", "San Lorenzo"],
    "Tungurahua": ["Ambato"],
    "Loja": ["Loja", "Macará"],
}
GEN_POPULATION = [
    "personas venezolanas",
    "población refugiada y migrante",
    "familias venezolanas",
    "mujeres venezolanas",
    "niños, niñas y adolescentes venezolanos",
    "personas en tránsito",
    "hogares de acogida y migrantes",
    "personas refugiadas",
    "migrantes venezolanos",
    "adolescentes migrantes",
    "personas caminantes",
]
GEN_TOPICS: dict[str, dict[str, list[str]]] = {
    "educacion": {
        "label": ["educación", "acceso a la educación", "permanencia escolar"],
        "terms": [
            "la matrícula escolar",
            "los cupos en escuelas fiscales",
            "la nivelación académica",
            "la formación de docentes",
            "la deserción escolar",
            "el reconocimiento de estudios",
            "la educación inicial",
        ],
    },
    "salud": {
        "label": ["salud", "acceso a servicios de salud", "salud mental"],
        "terms": [
            "la atención primaria de salud",
            "la vacunación",
            "el control prenatal",
            "la salud mental",
            "el tratamiento de enfermedades crónicas",
            "el apoyo psicosocial",
            "la atención hospitalaria",
        ],
    },
    "proteccion": {
        "label": ["protección", "protección internacional", "regularización"],
        "terms": [
            "el acceso al procedimiento de asilo",
            "la regularización migratoria",
            "la documentación",
            "la orientación legal",
            "el registro de permanencia",
            "la visa humanitaria",
        ],
    },
    "proteccion-infancia": {
        "label": ["protección de la infancia", "niñez en movilidad"],
        "terms": [
            "la atención a NNA no acompañados",
            "la prevención del trabajo infantil",
            "la reunificación familiar",
            "los espacios amigables para la niñez",
            "la gestión de casos de niñez",
        ],
    },
    "vbg": {
        "label": ["violencia basada en género", "prevención de la VBG"],
        "terms": [
            "la atención a sobrevivientes de violencia basada en género",
            "los espacios seguros para mujeres y niñas",
            "la ruta de denuncia de la VBG",
            "la prevención de la violencia sexual",
            "el manejo clínico de la violación",
        ],
    },
    "trata": {
        "label": ["trata de personas", "tráfico ilícito de migrantes"],
        "terms": [
            "la identificación de víctimas de trata",
            "la prevención de la trata de personas",
            "la persecución del tráfico ilícito de migrantes",
            "las casas de acogida para víctimas",
        ],
    },
    "integracion": {
        "label": ["integración socioeconómica", "medios de vida", "empleo"],
        "terms": [
            "el empleo formal",
            "los emprendimientos",
            "la inclusión financiera",
            "la prevención de la xenofobia",
            "la certificación de competencias",
            "la cohesión social",
        ],
    },
    "seguridad-alimentaria": {
        "label": ["seguridad alimentaria", "asistencia alimentaria"],
        "terms": [
            "el consumo de alimentos",
            "la inseguridad alimentaria",
            "la canasta básica",
            "los comedores comunitarios",
            "las raciones de alimentos",
        ],
    },
    "nutricion": {
        "label": ["nutrición", "nutrición infantil"],
        "terms": [
            "la desnutrición crónica",
            "la lactancia materna",
            "la anemia infantil",
            "la suplementación con micronutrientes",
        ],
    },
    "alojamiento": {
        "label": ["alojamiento", "vivienda"],
        "terms": [
            "los albergues temporales",
            "el apoyo para arriendo",
            "la prevención de desalojos",
            "el hacinamiento",
        ],
    },
    "wash": {
        "label": ["agua, saneamiento e higiene", "WASH"],
        "terms": [
            "el acceso a agua potable",
            "las baterías sanitarias",
            "los kits de higiene",
            "el saneamiento en albergues",
        ],
    },
    "transferencias": {
        "label": ["transferencias monetarias", "asistencia en efectivo"],
        "terms": [
            "las transferencias monetarias multipropósito",
            "los cupones de alimentos",
            "el efectivo para arriendo",
            "el monitoreo posdistribución",
        ],
    },
    "transporte": {
        "label": ["transporte humanitario", "asistencia a caminantes"],
        "terms": [
            "el transporte humanitario",
            "los puntos de asistencia en ruta",
            "la atención a caminantes",
        ],
    },
    "monitoreo": {
        "label": ["monitoreo y gestión de información", "monitoreo de flujos"],
        "terms": [
            "la gestión de información",
            "los indicadores de resultado",
            "el monitoreo de flujos migratorios",
            "la evaluación conjunta de necesidades",
        ],
    },
}
GEN_DOC_TYPES = [
    ("informe", "Informe"),
    ("estudio", "Estudio"),
    ("evaluacion", "Evaluación"),
    ("diagnostico", "Diagnóstico"),
    ("monitoreo", "Monitoreo"),
    ("lecciones", "Lecciones aprendidas"),
    ("hoja", "Hoja informativa"),
    ("guia", "Guía"),
]
GEN_MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
GEN_HEADINGS = [
    "Contexto",
    "Metodología",
    "Hallazgos principales",
    "Análisis por provincia",
    "Barreras identificadas",
    "Respuesta institucional",
    "Buenas prácticas",
    "Desafíos",
    "Conclusiones",
    "Recomendaciones",
    "Perfil de la población",
    "Coordinación interagencial",
    "Enfoque de género y diversidad",
]
GEN_SENTENCES = [
    "En {prov}, el {pct}% de las {popp} encuestadas señaló dificultades con {term}.",
    "Entre {y0} y {year} se registró un aumento sostenido de la demanda de {term} en {city}.",
    "El equipo de {agency} acompañó a {num} {popp} en {city} con acciones de {label}.",
    "Los equipos de campo observaron que {term} depende de la coordinación entre las "
    "instituciones locales y los socios humanitarios.",
    "Las mujeres y las niñas enfrentan barreras adicionales para acceder a {term}.",
    "La pandemia de COVID-19 agravó las brechas en {term}, sobre todo en {prov}.",
    "El {pct}% de los hogares con niños menores de cinco años reportó necesidades "
    "relacionadas con {term}.",
    "En los grupos focales, las personas participantes describieron {term} como una "
    "prioridad para su integración en Ecuador.",
    "La Ley Orgánica de Movilidad Humana reconoce el derecho de las personas extranjeras a "
    "{term} en igualdad de condiciones.",
    "Las entrevistas con autoridades de {city} confirmaron la falta de presupuesto para {term}.",
    "Se recomienda fortalecer {term} mediante protocolos comunes y un registro único de casos.",
    "La xenofobia y la discriminación limitan el acceso de las {popp} a {term}.",
    "En {city}, {num} personas recibieron asistencia vinculada a {label} durante {year}.",
    "La falta de documentos de identidad fue citada por el {pct}% como obstáculo para {term}.",
    "Las organizaciones socias del GTRM acordaron indicadores comunes para medir {term}.",
    "Los resultados muestran diferencias importantes entre la costa, la sierra y la Amazonía.",
    "Los datos se desagregaron por sexo, edad, nacionalidad y condición migratoria.",
    "La muestra incluyó {num} hogares en {nprov} provincias, con un margen de error del {small}%.",
    "Una parte de las familias planea continuar su viaje hacia Perú, Chile o Estados Unidos.",
    "Las comunidades de acogida también presentan necesidades en {term}, por lo que la "
    "respuesta incluyó a hogares ecuatorianos.",
    "El seguimiento a los casos permitió verificar mejoras en {term} tras seis meses.",
    "Las personas con discapacidad y las personas mayores requieren atención diferenciada.",
]
GEN_SENTENCES_EN = [
    "In {prov}, {pct}% of surveyed refugees and migrants reported difficulties with {term}.",
    "{agency} supported {num} people in {city} through {label} activities.",
    "Women and girls face additional barriers to {term}.",
    "COVID-19 widened existing gaps in {term}, especially in {prov}.",
    "Host communities also have needs related to {term}.",
    "Lack of identity documents was cited by {pct}% of respondents as a barrier.",
    "Partners of the GTRM agreed on common indicators to measure {term}.",
    "Data were disaggregated by sex, age, nationality and migration status.",
    "Some families plan to continue their journey to Peru, Chile or the United States.",
    "Xenophobia and discrimination limit access of Venezuelans to {term}.",
]
GEN_TERMS_EN = [
    "education",
    "health care",
    "mental health services",
    "legal orientation",
    "decent employment",
    "food assistance",
    "multipurpose cash",
    "safe shelter",
    "clean water and sanitation",
    "child protection services",
    "gender-based violence response",
    "anti-trafficking services",
]


def _slugify(text: str) -> str:
    import unicodedata

    bare = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return "-".join("".join(c if c.isalnum() else " " for c in bare).split())


def _gen_doc(rng: random.Random, index: int, pages: tuple[int, int]) -> Doc:
    folder, org, _ = rng.choices(GEN_AGENCIES, weights=[a[2] for a in GEN_AGENCIES])[0]
    year = rng.randint(2017, 2024)
    english = rng.random() < 0.08
    fmt = "docx" if rng.random() < 0.10 else "pdf"
    topic_codes = rng.sample(sorted(GEN_TOPICS), k=rng.choice((1, 2, 2, 3)))
    main = GEN_TOPICS[topic_codes[0]]
    prov = rng.choice(sorted(GEN_PLACES))
    type_code, type_label = rng.choice(GEN_DOC_TYPES)
    pop = rng.choice(GEN_POPULATION)
    if english:
        title = (
            f"{rng.choice(['Assessment', 'Report', 'Study', 'Monitoring'])} on "
            f"{rng.choice(GEN_TERMS_EN)} for refugees and migrants in {prov}, {year}"
        )
        date_line = f"Quito, {year}"
    else:
        title = f"{type_label} sobre {rng.choice(main['label'])} de {pop} en {prov} ({year})"
        date_line = f"{rng.choice(sorted(GEN_PLACES[prov]))}, {rng.choice(GEN_MONTHS)} de {year}"
    n_pages = rng.randint(*pages) if fmt == "pdf" else rng.randint(1, 3)
    doc_pages = []
    for p in range(n_pages):
        topic = GEN_TOPICS[rng.choice(topic_codes)]
        prov_p = prov if rng.random() < 0.6 else rng.choice(sorted(GEN_PLACES))
        blocks: list = [
            (
                "h",
                ("Summary" if english else "Resumen")
                if p == 0
                else rng.choice(GEN_HEADINGS)
                if not english
                else rng.choice(["Findings", "Methodology", "Context", "Recommendations"]),
            )
        ]
        if p == 0:
            blocks.append(
                f"{'This document was published by' if english else 'Documento publicado por'} "
                f"{org}, {year}."
            )
        for _ in range(rng.randint(2, 3) if p == 0 else rng.randint(2, 4)):
            sentences = []
            for _ in range(rng.randint(3, 5)):
                tmpl = rng.choice(GEN_SENTENCES_EN if english else GEN_SENTENCES)
                sentences.append(
                    tmpl.format(
                        prov=prov_p,
                        city=rng.choice(GEN_PLACES[prov_p]),
                        pct=rng.randint(3, 89),
                        small=rng.randint(2, 6),
                        num=f"{rng.randint(120, 48000):,}".replace(",", "."),
                        nprov=rng.randint(3, 18),
                        y0=max(2015, year - rng.randint(1, 3)),
                        year=year,
                        agency=org,
                        popp=pop
                        if not pop.startswith(("niños", "hogares", "migrantes"))
                        else "personas venezolanas",
                        term=rng.choice(topic["terms"])
                        if not english
                        else rng.choice(GEN_TERMS_EN),
                        label=rng.choice(topic["label"])
                        if not english
                        else rng.choice(GEN_TERMS_EN),
                    )
                )
            blocks.append(" ".join(s[0].upper() + s[1:] for s in sentences))
        doc_pages.append(blocks)
    slug = f"{_slugify(title)[:70].rstrip('-')}-{index:05d}"
    return Doc(
        path=f"{folder}/{year}/{slug}.{fmt}",
        title=title,
        org=org,
        short=folder,
        date_line=date_line,
        year=year,
        lang="en" if english else "es",
        doc_type=type_code,
        topics=tuple(topic_codes),
        pages=doc_pages,
        props=rng.random() < 0.5,
    )


def write_generated_corpus(
    dest: Path, n_docs: int, seed: int = 1, pages: tuple[int, int] = (3, 12)
) -> list[Path]:
    """Write ``n_docs`` synthetic documents (about 10% DOCX) under ``dest``; deterministic per
    seed. Returns the files written, sorted."""
    rng = random.Random(seed)
    dest = Path(dest)
    written: list[Path] = []
    for i in range(n_docs):
        written.extend(_write_doc(dest, _gen_doc(rng, i, pages), strict=False))
    return sorted(written)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write the shipped sample corpus")
    sample.add_argument("dest", type=Path)
    gen = sub.add_parser("generated", help="write a synthetic benchmark corpus")
    gen.add_argument("dest", type=Path)
    gen.add_argument("--docs", type=int, default=2000)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--min-pages", type=int, default=3)
    gen.add_argument("--max-pages", type=int, default=12)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "sample":
        files = write_sample_corpus(args.dest)
    else:
        files = write_generated_corpus(
            args.dest, args.docs, args.seed, (args.min_pages, args.max_pages)
        )
    elapsed = time.perf_counter() - started
    size = sum(f.stat().st_size for f in files)
    print(
        f"wrote {len(files)} files ({size / 1e6:.1f} MB) under {args.dest} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
