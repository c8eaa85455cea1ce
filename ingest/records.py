"""Lessons-learned records in a document's text: `find_records(pages)`.

Documents of lessons learned hold many records, each with a code such as `LN2_GN`: the type
(`LA` lección aprendida, `LN` lección no aprendida, `BP` buena práctica; the prefixes of
`acervo/vocab/lesson_types.csv`), a number, `_` and the area (`GN` General; suffixes of
`acervo/vocab/record_areas.csv`). OCR often reads the number 1 as `I` (`BPI_GN`): it is read as 1.

A record is put together from every place its code opens:

- a row of a summary table (DOCX tables reach us as lines of cells joined by ` | `; plain-text
  tables by tabs) whose header names the columns: `Código | Área | Descripción`;
- a detail block: a line that starts with the code (`LN2_GN: <statement>`, `LA1_SA. Área: ...`,
  or the code alone) and runs until the next such line, a heading naming several codes
  (`LA1_SA y LN1_PR`), a numbered section heading or a table line.

Inside a block, labelled parts are read whether the label stands on its own line (`Hallazgo`)
or inline after a sentence (`Área: Salud. Hallazgo: ...`): area, finding, description, context,
goals, beneficiaries, success ("Éxito / Cuestiones positivas") and challenges ("Desafíos,
dificultades, problemas"). SDG numbers come from `ODS 4` / `SDG 4` (and SDG names in the
"Relación con ODS" part); GCM objectives from `Objetivo 15` written after the record mentions
the Pacto Mundial. The lesson type comes from the code's prefix, which documents define in their
legend;
the text's "Tipo de lección" part only decides when the prefix is unknown (seed documents list
both "Lección positiva" and "Lección negativa" as a checkbox, so the text alone is ambiguous).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from acervo import vocab
from acervo.ingest.models import LessonRecord, Page
from acervo.ingest.places import fold_same_length, places_in_text

MAX_TITLE_CHARS = 200
SDG_MAX, GCM_MAX = 17, 23
CELL_SEPARATORS = re.compile(r"\s+\|\s+|\t+")
# Labels of the parts of a record, by field; longest first within a field is not needed (the
# pattern sorts every label by length).
LABELS: dict[str, tuple[str, ...]] = {
    "area": ("Área a la que corresponde", "Área", "Area"),
    "finding": ("Hallazgo", "Hallazgos", "Finding"),
    "description": ("Descripción de la lección", "Descripción", "Lesson description"),
    "context": (
        "Contexto y condiciones previas relacionadas",
        "Contexto y condiciones previas",
        "Contexto",
        "Context",
    ),
    "goals": ("Metas del proyecto", "Metas", "Goals"),
    "beneficiaries": (
        "Beneficiarios y beneficiarias",
        "Beneficiarios",
        "Beneficiarias",
        "Población beneficiaria",
        "Beneficiaries",
    ),
    "sdg": (
        "Relación con ODS",
        "Relación con los ODS",
        "Relación con los Objetivos de Desarrollo Sostenible",
    ),
    "gcm": (
        "Relación con el Pacto Mundial para la Migración Segura, Ordenada y Regular",
        "Relación con el Pacto Mundial para la Migración Segura",
        "Relación con el Pacto Mundial",
        "Pacto Mundial",
    ),
    "type": ("Tipo de lección",),
    "lesson": (
        "Lección aprendida",
        "Lección no aprendida",
        "Lección positiva",
        "Lección negativa",
        "Buena práctica",
    ),
    "success": ("Éxito / Cuestiones positivas", "Cuestiones positivas", "Éxito"),
    "challenges": ("Desafíos, dificultades, problemas", "Desafíos", "Dificultades"),
    # Parts kept in the text but not in a field: they end the part before them.
    "other": (
        "Principios rectores",
        "Objetivos",
        "Recomendaciones",
    ),
}
TEXT_FIELDS = (
    "finding",
    "description",
    "context",
    "goals",
    "beneficiaries",
    "success",
    "challenges",
)
# Column headers of summary tables (folded) -> what the column holds.
CODE_HEADERS = frozenset({"codigo", "code", "cod"})
STATEMENT_HEADERS = ("descripcion", "leccion", "hallazgo", "titulo", "description", "lesson")
NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)+\.?\s+\S")
SDG_NUMBERS = re.compile(
    r"(?<!\w)(?:ODS|SDG|Objetivos? de Desarrollo Sostenible)\s*(?:n\W{0,2}\s*)?"
    r"(\d{1,2}(?:\s*(?:,|y|e|and|&)\s*\d{1,2}(?!\d))*)",
    re.IGNORECASE,
)
GCM_NUMBERS = re.compile(
    r"(?<!\w)(?:Objetivos?|Objectives?)\s+(\d{1,2}(?:\s*(?:,|y|e|and|&)\s*\d{1,2}(?!\d))*)",
    re.IGNORECASE,
)
GCM_CUE = re.compile(r"Pacto Mundial|Pacto Global|Global Compact|\bGCM\b", re.IGNORECASE)


@dataclass
class _Part:
    """One place a code opens: a table row or a detail block (mutable while lines are read)."""

    code: str
    page: int
    title: str = ""
    area: str = ""  # the area as written (table column), resolved later
    lines: list[str] = field(default_factory=list)
    from_table: bool = False


def find_records(pages: Sequence[Page]) -> tuple[LessonRecord, ...]:
    """Every lessons-learned record of a document, in the order their codes first appear."""
    by_code: dict[str, list[_Part]] = {}
    for part in _parts(pages):
        by_code.setdefault(part.code, []).append(part)
    return tuple(_record(code, parts) for code, parts in by_code.items())


# ---- finding the parts ----------------------------------------------------------------------


def _parts(pages: Sequence[Page]) -> Iterator[_Part]:
    current: _Part | None = None
    columns: dict[str, int] = {}
    for page in pages:
        for raw in page.text.splitlines():
            line = raw.strip()
            cells = [c.strip() for c in CELL_SEPARATORS.split(line)] if line else []
            if len(cells) > 1:  # a table line ends any block: it is not about the record
                current = None
                if _header_columns(cells):
                    columns = _header_columns(cells)
                elif row := _table_row(cells, columns, page.number):
                    yield row
                continue
            opened = _block_start(line, page.number)
            if opened is not None or _ends_block(line):
                current = opened
                if opened is not None and opened.code:
                    yield opened
            elif current is not None and line:
                current.lines.append(line)


def _code_at_start(text: str) -> tuple[str, str] | None:
    """(normalised code, rest of the text) when `text` starts with a record code."""
    match = _code_pattern().match(text.lstrip("*#•- \t"))
    if match is None:
        return None
    prefix, number, suffix = match.groups()
    number = number.replace("I", "1").replace("l", "1")  # OCR: BPI_GN is BP1_GN
    rest = text.lstrip("*#•- \t")[match.end() :]
    return f"{prefix}{number}_{suffix}", rest


def _block_start(line: str, page: int) -> _Part | None:
    """A detail block opened by `line`; a part without code for a heading of several codes."""
    found = _code_at_start(line)
    if found is None:
        return None
    code, rest = found
    if _code_pattern().search(rest[:40]) and re.match(r"\s*(,|y\b|e\b|and\b|&)", rest):
        return _Part("", page)  # "LA1_SA y LN1_PR": a section heading, not a record
    rest = rest.lstrip(" :.-–—*").rstrip(" *")
    part = _Part(code, page)
    if _label_pattern().match(fold_same_length(rest)):
        part.lines.append(rest)  # "LA1_SA. Área: Salud. Hallazgo: ...": the record inline
    else:
        part.title = rest
    return part


def _ends_block(line: str) -> bool:
    return bool(NUMBERED_HEADING.match(line))


def _header_columns(cells: list[str]) -> dict[str, int]:
    """Column index of code, area, subject and statement when `cells` are a table header."""
    folded = [vocab.fold(cell) for cell in cells]
    if not any(cell in CODE_HEADERS for cell in folded):
        return {}
    columns = {"code": next(i for i, c in enumerate(folded) if c in CODE_HEADERS)}
    for i, cell in enumerate(folded):
        if cell.startswith("area"):
            columns.setdefault("area", i)
        elif cell.startswith(STATEMENT_HEADERS):
            columns.setdefault("statement", i)
    return columns


def _table_row(cells: list[str], columns: dict[str, int], page: int) -> _Part | None:
    at = columns.get("code")
    code_cell = cells[at] if at is not None and at < len(cells) else ""
    found = _code_at_start(code_cell) if code_cell else None
    if found is None or found[1].strip():
        return None
    others = [c for i, c in enumerate(cells) if i != at]

    def cell(name: str, default: str = "") -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else default

    statement = cell("statement", max(others, key=len, default=""))
    text = " · ".join([found[0], *others])
    return _Part(found[0], page, statement, cell("area"), [text], from_table=True)


# ---- one record from its parts --------------------------------------------------------------


def _record(code: str, parts: list[_Part]) -> LessonRecord:
    # The detail is the block with the most lines: a summary list also opens blocks (empty).
    blocks = [p for p in parts if not p.from_table]
    detail = max(blocks, key=lambda p: len(p.lines), default=parts[0])
    body = "\n".join(dict.fromkeys(line for p in blocks for line in p.lines))
    fields = _labelled_fields(body)
    title = detail.title or next((p.title for p in [*blocks, *parts] if p.title), "")
    title = _shorten(title or _first_sentence(fields.get("finding", "")) or code)
    heading = f"{code}: {title}" if title != code else code
    text = "\n".join(dict.fromkeys([heading, *(line for p in parts for line in p.lines)]))
    area_text = fields.get("area") or next((p.area for p in parts if p.area), "")
    return LessonRecord(
        code=code,
        area=_area(code, area_text),
        title=title,
        finding=fields.get("finding", ""),
        description=fields.get("description") or fields.get("lesson", ""),
        context=fields.get("context", ""),
        goals=fields.get("goals", ""),
        beneficiaries=fields.get("beneficiaries", ""),
        success=fields.get("success", ""),
        challenges=fields.get("challenges", ""),
        sdg=_sdg_numbers(text, fields.get("sdg", "")),
        gcm=_gcm_numbers(text),
        lesson_type=_lesson_type(code, fields.get("type", "")),
        page=detail.page,
        text=text,
        places=places_in_text(text),
    )


def _labelled_fields(body: str) -> dict[str, str]:
    """Field name -> its text, from the labels in a detail block (several parts of a field join)."""
    folded = fold_same_length(body)
    matches = list(_label_pattern().finditer(folded))
    fields: dict[str, list[str]] = {}
    ends = [m.start() for m in matches[1:]] + [len(body)] if matches else []
    for match, end in zip(matches, ends, strict=True):
        value = " ".join(body[match.end() : end].split()).strip(" :.*")
        name = _label_field(match.group("label"))
        if value and name != "other":
            fields.setdefault(name, []).append(value)
    return {name: " ".join(values) for name, values in fields.items()}


def _area(code: str, written: str) -> str:
    """Topic code of the area: as the document writes it, else from the code's suffix."""
    suffix = code.rsplit("_", 1)[1]
    name = _first_sentence(written)
    return (
        (vocab.resolve("area", name) if name else None)
        or vocab.record_areas().get(suffix)
        or suffix.lower()
    )


def _lesson_type(code: str, written: str) -> str:
    prefix = re.match(r"[A-Z]+", code)
    from_code = vocab.resolve("lesson_type", prefix.group()[:2]) if prefix else None
    if from_code:
        return from_code
    named = {code for code, _ in _type_mentions(written)}
    return named.pop() if len(named) == 1 else ""


def _type_mentions(text: str) -> Iterator[tuple[str, str]]:
    folded = vocab.fold(text)
    for term in vocab.lesson_types():
        for name in (term.label_es, *term.aliases):
            if len(name) > 3 and re.search(rf"(?<!no )\b{re.escape(vocab.fold(name))}\b", folded):
                yield term.code, name


def _sdg_numbers(text: str, sdg_part: str) -> tuple[int, ...]:
    numbers = set(_numbers(SDG_NUMBERS, fold_same_length(text), SDG_MAX))
    folded = vocab.fold(sdg_part)
    numbers.update(int(t.code) for t in vocab.sdgs() if vocab.fold(t.label_es) in folded)
    return tuple(sorted(numbers))


def _gcm_numbers(text: str) -> tuple[int, ...]:
    folded = fold_same_length(text)
    cue = GCM_CUE.search(folded)
    return tuple(sorted(set(_numbers(GCM_NUMBERS, folded[cue.start() :], GCM_MAX)))) if cue else ()


def _numbers(pattern: re.Pattern[str], text: str, highest: int) -> Iterator[int]:
    for match in pattern.finditer(text):
        for number in re.findall(r"\d+", match.group(1)):
            if 1 <= int(number) <= highest:
                yield int(number)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[^\d\s])\.\s|\.$", text.strip(), maxsplit=1)[0].strip(" .*")


def _shorten(text: str) -> str:
    text = " ".join(text.split()).strip(" *")
    if len(text) <= MAX_TITLE_CHARS:
        return text
    return text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + " …"


# ---- patterns ---------------------------------------------------------------------------------


@cache
def _code_pattern() -> re.Pattern[str]:
    prefixes = sorted(
        alias
        for term in vocab.lesson_types()
        for alias in term.aliases
        if re.fullmatch(r"[A-Z]{2}", alias)
    )
    return re.compile(rf"({'|'.join(prefixes)})([0-9Il]{{0,2}})_([A-Z]{{2,3}})(?![\w])")


@cache
def _label_pattern() -> re.Pattern[str]:
    """Any label at a line start or after a sentence, followed by `:` or the end of the line.

    Matched on accent-folded text, so `Area:` and `Área:` are the same label.
    """
    labels = sorted({fold_same_length(n) for names in LABELS.values() for n in names}, key=len)
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in reversed(labels))
    return re.compile(
        rf"(?:^[\s*•\-]*|(?<=[.;]) )(?P<label>{alternatives})\**[ \t]*(?::|$)",
        re.IGNORECASE | re.MULTILINE,
    )


@cache
def _label_fields() -> dict[str, str]:
    return {vocab.fold(n): name for name, names in LABELS.items() for n in names}


def _label_field(label: str) -> str:
    return _label_fields()[vocab.fold(label)]
