"""Exports of a whole hit set (or a basket) in the formats researchers open: CSV, JSON, JSON Lines,
XLSX, RIS, BibTeX, and a DOCX dossier.

The text formats take an iterator of hits and yield text chunks, so an export of every hit never
holds more than one batch in memory. XLSX and DOCX are zip files written to a file object
(XLSX row by row in xlsxwriter's constant-memory mode). Each export records how it was made
(`ExportInfo`: query, filters, index version, date) so a researcher can cite and repeat it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, cached_property
from itertools import islice
from pathlib import Path
from typing import IO

import docx
import xlsxwriter
from docx.enum.text import WD_COLOR_INDEX
from xlsxwriter.exceptions import FileCreateError

from acervo import vocab
from acervo.plurals import ngettext
from acervo.search import facets
from acervo.search.errors import ExportFailed
from acervo.search.models import FACETS, Passage, SearchHit, SearchRequest, hit_to_json

BOM = "\ufeff"  # without it Excel reads UTF-8 CSV as ANSI and mangles accents
# One row per hit in CSV and XLSX: facet values as their labels ("Hoja informativa", not `hoja`),
# the codes in their own columns (what `?topic=` and `tema:` take); `ruta` is relative to the
# corpus folder, `url` the document's page.
TABLE_HEADER = (
    "titulo", "agencias", "temas", "anio", "tipo", "idioma", "ruta", "pagina", "pasaje", "url",
    "id", "temas_codigos", "tipo_codigo",
)  # fmt: skip
# CSV rows also carry how the export was made (every row, so a row copied or filtered in a
# spreadsheet still says where it came from); XLSX has them in its "consulta" sheet.
CSV_INFO_HEADER = ("consulta", "filtros", "version_indice", "exportado")
CSV_HEADER = TABLE_HEADER + CSV_INFO_HEADER
ROWS_PER_CHUNK = 500
# Excel evaluates a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
# XML 1.0 forbids these; python-docx refuses them and Excel calls the file damaged.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MARK = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)

# Document types (acervo/vocab/doc_types.csv) -> RIS TY and BibTeX entry type; others: GEN, misc.
RIS_TYPES: Mapping[str, str] = {
    **dict.fromkeys(
        ("informe", "estudio", "evaluacion", "diagnostico", "lecciones", "plan", "monitoreo"),
        "RPRT",
    ),
    "guia": "RPRT",
    "hoja": "PAMP",
    "normativa": "LEGAL",
}
BIBTEX_TYPES: Mapping[str, str] = {
    **{code: "techreport" for code, ty in RIS_TYPES.items() if ty == "RPRT"},
    "guia": "manual",
    "hoja": "booklet",
    "normativa": "misc",
}
# LaTeX specials in BibTeX values; braces become commands so a stray brace never unbalances one.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)

DOCUMENT_PAGE = "/documento/"  # + id: the web's document page (web/document.py)

# A facet value's label (a linear scan of its vocabulary) and a document type's name, once per
# process for each code: the vocabularies are package data, loaded once.
facet_label = cache(facets.facet_label)
doc_type_name = cache(lambda code: vocab.label("doc_type", code))


def corpus_path(path: str, corpus_dirs: Iterable[Path | str]) -> str | None:
    """`ACNUR/2019/x.pdf` for a file under one of `corpus_dirs`, else None."""
    return _relative(path, [Path(root).resolve() for root in corpus_dirs])


def _relative(path: str, roots: Iterable[Path]) -> str | None:
    """`corpus_path` with the corpus folders already resolved (`roots`)."""
    resolved = None
    for root in roots:
        resolved = resolved or Path(path).resolve()
        try:
            return resolved.relative_to(root).as_posix()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Links:
    """How an export names a document: the URL of its page on the Acervo at `base_url`, and its
    files by their path relative to their corpus folder, never the server's absolute path (a
    file outside every corpus folder is named by its file name alone)."""

    base_url: str = ""
    corpus_dirs: tuple[Path, ...] = ()

    def doc_url(self, doc_id: str) -> str:
        return self.base_url.rstrip("/") + DOCUMENT_PAGE + doc_id

    @cached_property
    def _roots(self) -> tuple[Path, ...]:
        """The corpus folders resolved, once per export rather than once per path."""
        return tuple(Path(root).resolve() for root in self.corpus_dirs)

    def path(self, path: str) -> str:
        if not path:
            return path
        return _relative(path, self._roots) or _file_name(path)

    def local(self, hit: SearchHit) -> SearchHit:
        """`hit` with every path relative (its sources and its related documents')."""
        related = {}
        if hit.similar:
            related["similar"] = tuple(replace(s, path=self.path(s.path)) for s in hit.similar)
        if hit.translations:
            related["translations"] = tuple(
                replace(t, path=self.path(t.path)) for t in hit.translations
            )
        return replace(
            hit, path=self.path(hit.path), paths=tuple(map(self.path, hit.paths)), **related
        )


def _file_name(path: str) -> str:
    """`Path(path).name`, without making a Path when the last part is a plain name."""
    name = path.rpartition("/")[2]
    return name if name and name != "." else Path(path).name


@dataclass(frozen=True)
class ExportInfo:
    """How an export was made: what a researcher needs to cite it and run it again."""

    query: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    index_version: str = ""
    exported_at: str = ""  # ISO 8601, UTC
    total: int = 0
    selection: bool = False  # a basket of hand-picked documents, not a search

    @classmethod
    def of(
        cls, req: SearchRequest, total: int, index_version: str, selection: bool = False
    ) -> ExportInfo:
        """The export of `req` made now (UTC) from the index generation `index_version`."""
        return cls(
            query=req.query,
            filters=dict(req.filters),
            year_from=req.year_from,
            year_to=req.year_to,
            index_version=index_version,
            exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
            total=total,
            selection=selection,
        )

    def to_json(self) -> dict:
        return {
            "source": "seleccion" if self.selection else "busqueda",
            "query": self.query,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "year_from": self.year_from,
            "year_to": self.year_to,
            "index_version": self.index_version,
            "exported_at": self.exported_at,
            "total": self.total,
        }

    def filters_text(self) -> str:
        """`agency=ACNUR|OIM; year_from=2019`: the filters as one line ("" for none)."""
        parts = [f"{k}={'|'.join(self.filters[k])}" for k in FACETS if self.filters.get(k)]
        parts += [f"{k}={v}" for k, v in self.years().items()]
        return "; ".join(parts)

    def years(self) -> dict[str, int]:
        pairs = {"year_from": self.year_from, "year_to": self.year_to}
        return {k: v for k, v in pairs.items() if v is not None}

    def summary(self) -> str:
        """One Spanish line for RIS notes and BibTeX comments."""
        what = "selección de Acervo" if self.selection else f"búsqueda «{self.query or '*'}»"
        filters = self.filters_text() or "ninguno"
        return (
            f"Exportado de Acervo: {what}; filtros: {filters}; "
            f"índice: {self.index_version}; fecha: {self.exported_at}; documentos: {self.total}"
        )


# ---- CSV ---------------------------------------------------------------------------------


def csv_chunks(info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """The CSV export: BOM and header first, then ROWS_PER_CHUNK rows per chunk."""
    # the same cells on every row: neutralised once
    about = (info.query, info.filters_text(), info.index_version, info.exported_at)
    extra = [neutralise(cell) for cell in about]
    yield BOM + _csv_text([CSV_HEADER])
    hits = iter(hits)
    while batch := list(islice(hits, ROWS_PER_CHUNK)):
        yield _csv_text(_csv_row(hit, links) + extra for hit in batch)


def _csv_text(rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_row(hit: SearchHit, links: Links) -> list[str]:
    return ["" if cell is None else neutralise(str(cell)) for cell in _table_row(hit, links)]


def _table_row(hit: SearchHit, links: Links) -> list[str | int | None]:
    """A hit as one row of TABLE_HEADER cells; year and page stay numbers (XLSX)."""
    passage = hit.passages[0] if hit.passages else None
    return [
        hit.title,
        "; ".join(facet_label("agency", a) for a in hit.agencies),
        "; ".join(facet_label("topic", t) for t in hit.topics),
        hit.year,
        facet_label("doc_type", hit.doc_type) if hit.doc_type else "",
        facet_label("language", hit.language) if hit.language else "",
        hit.path,
        None if passage is None else passage.page,
        "" if passage is None else " ".join(passage.text.split()),
        links.doc_url(hit.id),
        hit.id,
        "; ".join(hit.topics),
        hit.doc_type,
    ]


def neutralise(cell: str) -> str:
    """Prefix a quote to cells Excel would run as formulas; the quote is not shown."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


# ---- JSON and JSON Lines -----------------------------------------------------------------


def json_chunks(info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """One JSON document: how the export was made (ExportInfo.to_json), then "hits": [...] in
    the JSON shape plus "url", streamed one hit per chunk."""
    head = json.dumps(info.to_json(), ensure_ascii=False)
    # Reopen the object written by json.dumps to append the hits array to it.
    yield head[:-1] + ', "hits": ['
    for n, hit in enumerate(hits):
        yield ("," if n else "") + "\n" + json.dumps(_hit_json(hit, links), ensure_ascii=False)
    yield "\n]}\n"


def jsonl_chunks(info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """JSON Lines: `{"export": {...}}` first, then one hit per line (the JSON shape + "url")."""
    yield json.dumps({"export": info.to_json()}, ensure_ascii=False) + "\n"
    for hit in hits:
        yield json.dumps(_hit_json(hit, links), ensure_ascii=False) + "\n"


def _hit_json(hit: SearchHit, links: Links) -> dict:
    return hit_to_json(hit) | {"url": links.doc_url(hit.id)}


# ---- XLSX --------------------------------------------------------------------------------


def write_xlsx(target: IO[bytes], info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> int:
    """Sheet "resultados" (one row per hit) and sheet "consulta" (how it was made) into `target`.

    constant_memory: each row goes to a temporary file as soon as the next one starts. That file
    lives in a folder of our own, removed whatever happens: xlsxwriter deletes it only when the
    workbook closes, so an export that fails half way would leave it behind. Every text is
    written as a string, never as a formula; text that looks like one also gets Excel's quote
    prefix, so editing the cell does not turn it into a formula. Returns the rows.
    """
    with tempfile.TemporaryDirectory(prefix="acervo-xlsx-") as rows_dir:
        options = {"constant_memory": True, "strings_to_formulas": False, "tmpdir": rows_dir}
        workbook = xlsxwriter.Workbook(
            target, options | {"strings_to_urls": False, "strings_to_numbers": False}
        )
        rows = _xlsx_sheets(workbook, info, hits, links)
        try:
            workbook.close()
        except FileCreateError as exc:  # xlsxwriter's wrapper of the OSError (a full disk)
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise (cause or OSError(str(exc))) from exc
    return rows


def _xlsx_sheets(workbook, info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> int:  # noqa: ANN001
    bold = workbook.add_format({"bold": True})
    quoted = workbook.add_format({"quote_prefix": True})
    sheet = workbook.add_worksheet("resultados")
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 50)
    sheet.set_column(8, 9, 60)
    _xlsx_row(sheet, 0, list(TABLE_HEADER), quoted, bold)
    rows = 0
    for rows, hit in enumerate(hits, start=1):
        _xlsx_row(sheet, rows, _table_row(hit, links), quoted)
    about = workbook.add_worksheet("consulta")
    about.set_column(0, 0, 18)
    about.set_column(1, 1, 80)
    facts = {**info.to_json(), "filters": info.filters_text(), "total": rows}
    for n, (key, value) in enumerate(facts.items()):
        _xlsx_row(about, n, [key, value], quoted, bold)
    return rows


def _xlsx_row(sheet, row: int, cells: list, quoted, first_format=None) -> None:  # noqa: ANN001
    for col, cell in enumerate(cells):
        if isinstance(cell, bool) or cell is None or cell == "":
            continue
        if isinstance(cell, int | float):
            sheet.write_number(row, col, cell)
            continue
        text = xml_text(str(cell))[:XLSX_MAX_CHARS]
        style = first_format if col == 0 and first_format else None
        sheet.write_string(row, col, text, quoted if text.startswith(FORMULA_STARTS) else style)


def xml_text(text: str) -> str:
    """`text` without the control characters XML (XLSX, DOCX) cannot hold."""
    return XML_ILLEGAL.sub("", text)


# ---- RIS and BibTeX ----------------------------------------------------------------------


def ris_chunks(info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """RIS for Zotero, Mendeley, EndNote: one record per hit; every record carries the export
    summary as a note (RIS has no file header that all readers skip)."""
    for hit in hits:
        yield "".join(f"{tag}  - {value}\r\n" for tag, value in _ris_fields(info, hit, links))
        yield "ER  - \r\n\r\n"


def _ris_fields(info: ExportInfo, hit: SearchHit, links: Links) -> Iterator[tuple[str, str]]:
    yield "TY", RIS_TYPES.get(hit.doc_type, "GEN")
    yield "ID", hit.id
    yield "TI", _one_line(hit.title)
    # corporate authors: no comma
    yield from (("AU", facet_label("agency", agency)) for agency in hit.agencies)
    if hit.year is not None:
        yield "PY", str(hit.year)
    if hit.doc_type:
        yield "M3", doc_type_name(hit.doc_type)
    if hit.language:
        yield "LA", hit.language
    yield from (("KW", facet_label("topic", topic)) for topic in hit.topics)
    yield "UR", links.doc_url(hit.id)
    yield "DB", "Acervo"
    yield "N1", info.summary()
    yield from (("N1", _passage_note(p)) for p in hit.passages)


def bibtex_chunks(info: ExportInfo, hits: Iterable[SearchHit], links: Links) -> Iterator[str]:
    """BibTeX (UTF-8, for biber/BibLaTeX and Zotero): an @comment with the export summary, then
    one entry per hit; agencies are corporate authors in double braces (`{{ACNUR}}`)."""
    yield "@comment{" + bibtex_value(info.summary()) + "}\n\n"
    for hit in hits:
        key = _bibtex_key(hit)
        fields = ",\n".join(f"  {name} = {{{value}}}" for name, value in _bib_fields(hit, links))
        yield f"@{BIBTEX_TYPES.get(hit.doc_type, 'misc')}{{{key},\n{fields}\n}}\n\n"


def _bib_fields(hit: SearchHit, links: Links) -> Iterator[tuple[str, str]]:
    names = (facet_label("agency", a) for a in hit.agencies)
    authors = " and ".join("{" + bibtex_value(name) + "}" for name in names)
    yield "title", "{" + bibtex_value(_one_line(hit.title)) + "}"  # keep its capitals
    if authors:
        yield "author", authors
        kind = "institution" if BIBTEX_TYPES.get(hit.doc_type) == "techreport" else "organization"
        yield kind, authors
    if hit.year is not None:
        yield "year", str(hit.year)
    if hit.doc_type:
        yield "type", bibtex_value(doc_type_name(hit.doc_type))
    if hit.language:
        yield "language", hit.language
    if hit.topics:
        yield "keywords", bibtex_value(", ".join(facet_label("topic", t) for t in hit.topics))
    yield "url", bibtex_value(links.doc_url(hit.id))
    if hit.passages:
        yield "note", bibtex_value(_passage_note(hit.passages[0]))


def _bibtex_key(hit: SearchHit) -> str:
    """`ACNUR2019_3f2a9c0d1e4b5a67`: first agency, year and the document id (unique, so no set
    of the keys already written is kept: memory stays flat)."""
    agency = vocab.fold(hit.agencies[0]).upper() if hit.agencies else ""
    return f"{re.sub(r'[^A-Za-z0-9-]', '', agency) or 'Acervo'}{hit.year or ''}_{hit.id}"


def bibtex_value(text: str) -> str:
    return _one_line(text).translate(BIBTEX_ESCAPES)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _passage_note(passage: Passage) -> str:
    return f"pág. {passage.page}: {_one_line(passage.text)}"


# ---- DOCX dossier ------------------------------------------------------------------------


def write_dossier(
    target: IO[bytes],
    info: ExportInfo,
    hits: Iterable[tuple[SearchHit, str]],
    links: Links,
) -> int:
    """A Word dossier of (hit, query it was selected under): per document its metadata, link and
    passages with page numbers, the query's words in bold. Returns the number of documents."""
    document = docx.Document()
    document.add_heading("Dossier de Acervo", level=0)
    body = list(hits)  # a basket: at most a few hundred documents
    document.add_paragraph(
        ngettext("%(num)s documento", "%(num)s documentos", len(body))
        + f" · exportado {info.exported_at} · índice {info.index_version}"
    )
    for hit, query in body:
        _dossier_entry(document, links.local(hit), query, links.doc_url(hit.id))
    document.save(target)
    return len(body)


def _dossier_entry(document, hit: SearchHit, query: str, url: str) -> None:  # noqa: ANN001
    document.add_heading(xml_text(hit.title or hit.path.rsplit("/", 1)[-1]), level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Light List Accent 1"
    for label, value in _dossier_facts(hit, query, url):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, xml_text(value)
    heading = "Pasajes" if query else "Primeras páginas"
    document.add_heading(heading, level=2)
    for passage in hit.passages:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"pág. {passage.page}: ").bold = True
        _add_marked_runs(paragraph, passage.html)


def _dossier_facts(hit: SearchHit, query: str, url: str) -> list[tuple[str, str]]:
    def labels(kind: str, codes: Iterable[str]) -> str:
        return ", ".join(vocab.label(kind, c) for c in codes) or "sin dato"

    return [
        ("Agencias", labels("agency", hit.agencies)),
        ("Temas", labels("topic", hit.topics)),
        ("Año", str(hit.year) if hit.year is not None else "sin dato"),
        ("Tipo", labels("doc_type", [hit.doc_type] if hit.doc_type else [])),
        ("Idioma", facet_label("language", hit.language) if hit.language else "sin dato"),
        ("Páginas", str(hit.pages)),
        ("Archivos", "\n".join(hit.paths or (hit.path,))),
        ("Ficha en Acervo", url),
        ("Consulta", query or "(ninguna: primeras páginas)"),
    ]


def _add_marked_runs(paragraph, passage_html: str) -> None:  # noqa: ANN001
    """Passage.html (escaped, words in <mark>) as runs: marked words bold and highlighted."""
    parts = MARK.split(passage_html)  # odd items are the marked words
    for n, part in enumerate(parts):
        text = xml_text(html.unescape(part))
        if not text:
            continue
        run = paragraph.add_run(text)
        if n % 2:
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


# ---- the format registry: the one export path of the search page, the selection and the CLI --

TextWriter = Callable[[ExportInfo, Iterable[SearchHit], Links], Iterator[str]]
FileWriter = Callable[[IO[bytes], ExportInfo, Iterable[SearchHit], Links], int]


@dataclass(frozen=True)
class Format:
    extension: str
    mimetype: str
    text: TextWriter | None = None  # streamed chunk by chunk
    file: FileWriter | None = None  # zip formats: written whole to a file first


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "text/csv; charset=utf-8", text=csv_chunks),
    "json": Format("json", "application/json; charset=utf-8", text=json_chunks),
    "jsonl": Format("jsonl", "application/x-ndjson; charset=utf-8", text=jsonl_chunks),
    "ris": Format("ris", "application/x-research-info-systems; charset=utf-8", text=ris_chunks),
    "bib": Format("bib", "application/x-bibtex; charset=utf-8", text=bibtex_chunks),
    "xlsx": Format(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file=write_xlsx
    ),
}


def text_chunks(
    fmt: Format, info: ExportInfo, hits: Iterable[SearchHit], links: Links
) -> Iterator[str]:
    """A text format's chunks, every path relative to its corpus folder."""
    assert fmt.text is not None
    return fmt.text(info, (links.local(hit) for hit in hits), links)


def write_file(
    fmt: Format, target: IO[bytes], info: ExportInfo, hits: Iterable[SearchHit], links: Links
) -> None:
    """A zip format written whole into `target`; a disk error becomes ExportFailed."""
    assert fmt.file is not None
    try:
        fmt.file(target, info, (links.local(hit) for hit in hits), links)
    except OSError as exc:
        raise ExportFailed(
            f"No se pudo escribir la exportación {fmt.extension.upper()} en el servidor "
            f"({exc.strerror or exc}). Pruebe con CSV o JSON, o avise al administrador."
        ) from exc


def write(
    fmt: Format, out: IO[bytes], info: ExportInfo, hits: Iterable[SearchHit], links: Links
) -> None:
    """Any format into a binary stream that need not be seekable (a pipe, stdout)."""
    if fmt.text is not None:
        for chunk in text_chunks(fmt, info, hits, links):
            out.write(chunk.encode("utf-8"))
        return
    with tempfile.TemporaryFile() as target:
        write_file(fmt, target, info, hits, links)
        target.seek(0)
        shutil.copyfileobj(target, out)
