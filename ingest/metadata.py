"""Resolve a document's metadata from four sources, strongest first (DESIGN.md):

1. sidecar: `<file>.meta.yaml|yml|json` or `<stem>.meta.yaml|yml|json` beside any copy of the
   file, or a row of a `_metadata.csv` in its folder or an ancestor folder up to the root;
2. folder convention `<ROOT>/<AGENCY>/<YEAR>/...` (joint folders such as `OIM_ACNUR` too);
3. the document's own properties (title, author -> agencies, keywords -> topics, year);
4. inference from the text (agencies and year on the first pages, topics over the whole text,
   type from the title and first page, title from the first page, language from the body).

Each field is taken whole from the strongest source that gives it, and its provenance says
which one; a field no source gives stays empty with Provenance.NONE ("sin dato"). Agency, topic
and type values are codes of `acervo.vocab`; a sidecar value outside the vocabulary is dropped
with a note in `Metadata.notes`, so facets stay clean and the administrator learns why.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from acervo import vocab
from acervo.ingest.discover import FOLDER_MANIFEST, is_sidecar
from acervo.ingest.language import detect_language
from acervo.ingest.models import (
    VISIBILITIES,
    DocProperties,
    ExtractedText,
    Metadata,
    MetadataProblem,
    Page,
    Provenance,
    TextGuesses,
)
from acervo.ingest.places import infer_places
from acervo.ingest.sidecars import (
    SIDECAR_KEYS,
    SidecarFile,
    canonical_key,
    file_sidecars,
    folder_entries,
    known_key_names,
)

FIELDS = ("title", "agencies", "topics", "year", "language", "doc_type", "places", "visibility")
# Visibility values an administrator may write (folded), and what each means.
VISIBILITY_NAMES = {
    **{name: name for name in VISIBILITIES},
    "public": "publico",
    "members": "miembros",
    "agency": "agencia",
}
RESTRICTED = "agencia"  # what an unreadable visibility means: fail closed, never public
YEAR_MIN, YEAR_MAX = 1990, 2100
MANIFEST_FILE_KEYS = ("file", "archivo")

# Inference limits. Front matter is capped in characters because a DOCX is a single "page".
FRONT_PAGES = 2
FRONT_CHARS = 6000
# The type is named on the cover; further down, "under law" in a licence is no type.
DOC_TYPE_CHARS = 800
MAX_TITLE_CHARS = 200
MAX_TITLE_SENTENCE_WORDS = 15  # a title may end with a full stop, a longer sentence is text
MAX_TITLE_LINE_CHARS = 110  # a longer line of a cover is a sentence (an abstract), not a title
MIN_TITLE_LETTERS = 12
MIN_TOPIC_HITS = 3
# A topic must be frequent relative to the length too: a 300-page study that says "salud"
# ten times is not about health.
MIN_TOPIC_HITS_PER_1000_WORDS = 0.5
MIN_TOPIC_SHARE_OF_TOP = 0.3
MAX_INFERRED_TOPICS = 3
LANGUAGE_SAMPLE_PAGES = 10
LANGUAGE_CHARS_PER_PAGE = 1000

LANGUAGE_NAMES: Mapping[str, str] = {
    "espanol": "es", "castellano": "es", "spanish": "es",
    "ingles": "en", "english": "en",
    "portugues": "pt", "portuguese": "pt", "frances": "fr", "french": "fr",
}  # fmt: skip
VOCAB_KINDS = {"agencies": "agency", "topics": "topic", "doc_type": "doc_type", "places": "place"}
MAX_HINTS = 3  # closest valid values named for an unknown one
VALUE_HINTS = {
    "year": f"un año de cuatro cifras entre {YEAR_MIN} y {YEAR_MAX}, p. ej. 2021",
    "language": "un código de dos letras (es, en, pt, fr) o su nombre (español, inglés...)",
}
VOCAB_UNKNOWN = {
    "agency": "agencia desconocida",
    "topic": "tema desconocido",
    "doc_type": "tipo de documento desconocido",
    "place": "lugar desconocido",
}
# Words that join agency names in a folder name: "OIM y ACNUR", "UNHCR & IOM".
NAME_CONNECTORS = frozenset({"y", "e", "and"})
LIST_SEPARATORS = re.compile(r"\s*[;,|+]\s*")
YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20|21)\d\d(?!\d)")
# Words near which a year is the publication year rather than a year the study talks about.
PUBLICATION_CUES = re.compile(
    r"©|copyright|publicad|publicacion|published|edicion|edition|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|january|february|march|april|may|june|july|august|september|"
    r"october|november|december",
    re.IGNORECASE,
)
PUBLICATION_CUE_BONUS = 2
PUBLICATION_CUE_WINDOW_CHARS = 40
# Titles that document properties carry by accident: the editor's default, a file name.
JUNK_TITLE = re.compile(
    r"^(untitled|sin titulo|documento ?\d*|document ?\d*|presentacion de powerpoint|titulo)$"
    r"|\.(docx?|pdf|odt|rtf|qxd|indd)$|^microsoft word"
)

TITLE_PAGES = 3  # a cover, a table of contents, a title page
# A title that wraps onto the next line is cut after one of these words (folded).
TITLE_NEVER_ENDS_WITH = frozenset(
    "a al ante bajo con de del desde e el en entre hacia la las lo los o para por segun sin "
    "sobre su sus u un una y and at by for from in of on or the to with".split()
)
# Headings of a table of contents (folded, without a trailing colon or dot).
TABLE_OF_CONTENTS = re.compile(
    r"(i n d i c e|indice( general| de contenidos?)?|contenidos?|tabla de contenidos?|sumario|"
    r"table of contents|contents)"
)
# A line of a table of contents: a chapter with its page, dot leaders, a numbered heading.
CONTENTS_ENTRY = re.compile(r"\d+\s*$|\.{3,}|(\. ){3,}|^\d+(\.\d+)*\.?\s|^[ivxlc]+\.\s", re.I)
# Labels of a cover laid out as a table whose cell next to them is the document's name.
NAMING_LABEL = re.compile(r"^(titulo|title|nombre|programa)\b")
# Imprint and institution lines of a cover (folded): who, where and when, never the title.
MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|january|february|march|april|may|june|july|august|september|october|november|"
    "december"
)
IMPRINT_LINE = re.compile(
    r"en coordinacion con|con el apoyo (de|del)|con apoyo de|con la colaboracion de"
    r"|^(actualizad[oa]|fecha de publicacion|(primera|segunda|tercera) edicion|elaborado por"
    r"|revisado por|aprobado por|preparado por|autor|autora|tesista|directora?|asesora?"
    r"|profesora?|presenta|por)\b"
    r"|^(universidad|facultad|escuela de|departamento|instituto|ministerio|secretaria"
    r"|subsecretaria|gobierno|republica|presidencia|alcaldia|municipio|delegacion|oficina"
    r"|direccion|pontificia|carrera de|servicio nacional)\b"
    r"|^(tesis|memoria|trabajo de grado|trabajo final|proyecto de grado)\b|para optar (al|por)"
    r"|\b(issn|isbn|doi|codigo postal|telefono|tel|fax)\b"
    rf"|^([a-z .]+, )?(\d{{1,2}} de )?({MONTHS})( de| del)? \d{{4}}\b"
    rf"|\b({MONTHS})( de| del)? \d{{4}}$"
)

# Lines that open a first page without being its title: numbered or generic section headings.
NOT_A_TITLE = re.compile(
    r"^\d{1,2}(\.\d+)*[.)]?\s"
    r"|^((indice|tabla)( de contenidos?)?|contenidos?|resumen( ejecutivo)?|abstract|presentacion|"
    r"introduccion|agradecimientos|prologo|table of contents|executive summary|foreword|"
    r"(formato para el desarrollo de )?componente formativo|breve descripcion|mensajes clave|"
    r"anexos?|imprime esta norma)\W*$"
    r"|^[\ue000-\uf8ff•·▪■►]"  # a bullet (symbol fonts map them to the private use area)
)


@dataclass(frozen=True)
class Layer:
    """What one source says: only the fields it gives, and notes about values it rejected."""

    source: Provenance
    values: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[MetadataProblem, ...] = ()


def resolve_metadata(
    source_paths: Sequence[Path], text: ExtractedText, roots: Sequence[Path]
) -> Metadata:
    """Metadata of one document whose copies are `source_paths`, under the corpus `roots`.

    The first path in sort order decides the folder convention; a sidecar beside any copy
    counts (the first copy's wins field by field).
    """
    paths = sorted(Path(p) for p in source_paths)
    strong = (
        sidecar_layer(paths, roots),
        folder_layer(paths[0], roots),
        properties_layer(text.properties),
    )
    given = merge_layers(strong)
    missing = {name for name in FIELDS if given.provenance[name] is Provenance.NONE}
    inferred = inferred_layer(text.pages, given.title, missing, text.guesses)
    # Never "(sin título)" while the file has a name.
    named = Layer(Provenance.INFERRED, {"title": title_from_file_name(paths[0])})
    return merge_layers((*strong, inferred, named))


def merge_layers(layers: Sequence[Layer]) -> Metadata:
    """Per field, the value of the first layer that gives it; provenance records which."""
    values: dict[str, object] = {}
    provenance: dict[str, Provenance] = {}
    for name in FIELDS:
        layer = next((layer for layer in layers if name in layer.values), None)
        provenance[name] = layer.source if layer else Provenance.NONE
        if layer:
            values[name] = layer.values[name]
    notes = tuple(dict.fromkeys(note for layer in layers for note in layer.notes))
    return Metadata(**values, provenance=provenance, notes=notes)  # type: ignore[arg-type]


# --- 1. sidecars ---------------------------------------------------------------------------


def sidecar_layer(paths: Sequence[Path], roots: Sequence[Path]) -> Layer:
    """Sidecars of every copy: per-file sidecars before folder manifests, first copy first."""
    records: list[Layer] = []
    for path in paths:
        records.extend(_file_sidecars(path))
        records.extend(_manifest_rows(path, roots))
    merged = merge_layers(records)
    values = {
        name: getattr(merged, name)
        for name in FIELDS
        if merged.provenance[name] is Provenance.SIDECAR
    }
    return Layer(Provenance.SIDECAR, values, merged.notes)


def _file_sidecars(path: Path) -> Iterable[Layer]:
    for sidecar in file_sidecars(path):
        yield _sidecar_record(sidecar)


def _sidecar_record(sidecar: SidecarFile) -> Layer:
    if sidecar.error:
        problem = MetadataProblem(str(sidecar.path), sidecar.line, f"{sidecar.error}; se ignora")
        return Layer(Provenance.SIDECAR, notes=(problem,))
    return parse_record(sidecar.data, _Where(str(sidecar.path), sidecar.key_lines))


def _manifest_rows(path: Path, roots: Sequence[Path]) -> Iterable[Layer]:
    """Rows about `path` in `_metadata.csv` files from its folder up to its root, nearest first."""
    root = _root_of(path, roots)
    folder = path.parent
    while True:
        manifest = folder / FOLDER_MANIFEST
        if FOLDER_MANIFEST in folder_entries(folder) and manifest.is_file():
            stat = manifest.stat()
            rows, notes = _read_manifest(manifest, stat.st_mtime_ns, stat.st_size)
            key = _manifest_key(path.relative_to(folder).as_posix())
            if key in rows:
                cells, line = rows[key]
                yield parse_record(cells, _Where(str(manifest), line=line))
            if notes:
                yield Layer(Provenance.SIDECAR, notes=notes)
        if root is None or folder == root or folder.parent == folder:
            return
        folder = folder.parent


def unmatched_manifest_rows(
    roots: Sequence[Path], found: Iterable[str]
) -> dict[str, list[MetadataProblem]]:
    """Rows of the `_metadata.csv` files under `roots` that name no file `found` in the run (a
    typo, a file renamed or moved away), by manifest path: without this their metadata would be
    ignored in silence."""
    found_paths = [Path(p) for p in found]
    unmatched: dict[str, list[MetadataProblem]] = {}
    for manifest in _manifests(roots):
        folder = manifest.parent
        stat = manifest.stat()
        rows, _notes = _read_manifest(manifest, stat.st_mtime_ns, stat.st_size)
        present = {
            _manifest_key(p.relative_to(folder).as_posix())
            for p in found_paths
            if p.is_relative_to(folder)
        }
        for key, (cells, line) in rows.items():
            if key not in present:
                name = _manifest_name(cells)
                problem = MetadataProblem(
                    str(manifest), line,
                    f"la fila nombra «{name}», que no está en la carpeta: sus metadatos no se "
                    "aplican a ningún archivo",
                    _closest_name(name, folder),
                )  # fmt: skip
                unmatched.setdefault(str(manifest), []).append(problem)
    return unmatched


def _manifests(roots: Sequence[Path]) -> Iterator[Path]:
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            if FOLDER_MANIFEST in files:
                yield Path(folder) / FOLDER_MANIFEST


def _closest_name(name: str, folder: Path) -> str:
    try:
        names = [e.name for e in os.scandir(folder) if e.is_file() and not is_sidecar(e.name)]
    except OSError:
        return ""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"¿quiso decir «{close[0]}»?" if close else ""


def _manifest_name(cells: Mapping[str, str]) -> str:
    return next((v for k, v in cells.items() if vocab.fold(k) in MANIFEST_FILE_KEYS), "")


@lru_cache(maxsize=64)
def _read_manifest(
    manifest: Path, _mtime_ns: int, _size: int
) -> tuple[dict[str, tuple[dict[str, str], int]], tuple[MetadataProblem, ...]]:
    """Rows keyed by file name, with their line; cached (keyed on mtime and size) since every
    file asks."""
    try:
        rows = _manifest_table(_decode(manifest.read_bytes()))
    except (OSError, csv.Error) as err:
        message = f"no se pudo leer ({_first_line(err)}); se ignora"
        return {}, (MetadataProblem(str(manifest), 0, message),)
    if not rows:
        message = "no tiene una columna 'file' con nombres de archivo; se ignora"
        hint = "la primera fila nombra las columnas: file (o archivo), title, agencies..."
        return {}, (MetadataProblem(str(manifest), 1, message, hint),)
    return rows, ()


def _manifest_table(text: str) -> dict[str, tuple[dict[str, str], int]]:
    header = text.partition("\n")[0]
    # Excel in a Spanish locale writes ";"-separated CSV.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows: dict[str, tuple[dict[str, str], int]] = {}
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        # Extra cells beyond the header come under the key None: not a field.
        cells = {key: value for key, value in row.items() if key}
        name = _manifest_name(cells)
        if name:
            rows[_manifest_key(name)] = (cells, reader.line_num)
    return rows


def _decode(raw: bytes) -> str:
    # Excel on Windows saves "CSV" in cp1252 unless told otherwise.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _manifest_key(name: str) -> str:
    # macOS stores names decomposed (NFD); administrators type them composed.
    return unicodedata.normalize("NFC", name.strip().replace("\\", "/")).casefold()


@dataclass(frozen=True)
class _Where:
    """Where a sidecar record was written: its file, and the line of each key (a YAML
    sidecar) or of the whole record (a row of _metadata.csv)."""

    file: str
    key_lines: Mapping[str, int] = field(default_factory=dict)
    line: int = 0

    def problem(self, key: object, message: str, hint: str = "") -> MetadataProblem:
        return MetadataProblem(self.file, self.key_lines.get(str(key), self.line), message, hint)


def parse_record(record: Mapping[object, object], where: _Where) -> Layer:
    """Validate one sidecar record (YAML/JSON mapping or CSV row) into a SIDECAR layer."""
    values: dict[str, object] = {}
    notes: list[MetadataProblem] = []
    for raw_key, raw_value in record.items():
        key = canonical_key(raw_key)
        if key is None:
            message = f"campo desconocido «{raw_key}»; se ignora"
            notes.append(where.problem(raw_key, message, _key_hint(raw_key)))
        elif key in FIELDS and not _is_blank(raw_value) and key not in values:
            problem = functools.partial(where.problem, raw_key)  # at the key's line
            value = _parse_value(key, raw_value, problem, notes)
            if value not in (None, "", ()):
                values[key] = value
    return Layer(Provenance.SIDECAR, values, tuple(notes))


Problem = Callable[..., MetadataProblem]  # (message, hint="") -> a problem at its line


def _parse_value(key: str, value: object, problem: Problem, notes: list) -> object:
    if key == "title":
        return " ".join(str(value).split())
    if key in ("agencies", "topics", "places"):
        return vocab_codes(VOCAB_KINDS[key], value, notes, problem)
    if key == "doc_type":
        codes = vocab_codes("doc_type", value, notes, problem)
        return codes[0] if codes else None
    if key == "visibility":
        return _parse_visibility(value, problem, notes)
    parse = _parse_year if key == "year" else _parse_language
    parsed = parse(value)
    if parsed is None:
        message = f"valor no válido para {key}: «{value}»; se ignora"
        notes.append(problem(message, VALUE_HINTS[key]))
    return parsed


def _parse_visibility(value: object, problem: Problem, notes: list) -> str:
    visibility = VISIBILITY_NAMES.get(vocab.fold(str(value)).strip())
    if visibility is None:
        message = (
            f"visibilidad desconocida «{value}»; el documento queda restringido a sus agencias "
            f"({RESTRICTED}) hasta corregirla"
        )
        notes.append(problem(message, f"use {', '.join(VISIBILITIES)}"))
    return visibility or RESTRICTED


def vocab_codes(
    kind: str,
    value: object,
    notes: list | None = None,
    problem: Callable[[str, str], MetadataProblem] | None = None,
) -> tuple[str, ...]:
    """Codes for a list or a `;`-separated string of names; unknown names become problems
    naming the closest valid values."""
    codes: list[str] = []
    for name in _names(kind, value):
        code = vocab.resolve(kind, name)
        if code is None and notes is not None and problem is not None:
            message = f"{VOCAB_UNKNOWN[kind]} «{name}»; se descarta"
            notes.append(problem(message, _vocab_hint(kind, name)))
        elif code is not None and code not in codes:
            codes.append(code)
    return tuple(codes)


def _vocab_hint(kind: str, name: str) -> str:
    close = vocab.close_names(kind, name, MAX_HINTS)
    if close:
        return "¿quiso decir " + " o ".join(f"«{c}»" for c in close) + "?"
    if kind == "place":
        return "los lugares válidos están en acervo/vocab/places.csv"
    return "valores válidos: " + ", ".join(term.code for term in vocab.terms(kind))


def _key_hint(raw_key: object) -> str:
    names = {alias: key for key, aliases in SIDECAR_KEYS.items() for alias in aliases}
    close = difflib.get_close_matches(vocab.fold(str(raw_key)), list(names), n=1, cutoff=0.6)
    valid = "campos válidos: " + ", ".join(known_key_names())
    return f"¿quiso decir «{names[close[0]]}»?; {valid}" if close else valid


def _names(kind: str, value: object) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in map(str, items):
        # Whole first: "Agua, saneamiento e higiene (WASH)" is one topic despite its comma.
        whole = item.strip()
        split = [] if vocab.resolve(kind, whole) else LIST_SEPARATORS.split(whole)
        names.extend(part for part in split or [whole] if part)
    return names


def _parse_year(value: object) -> int | None:
    if isinstance(value, dt.date):  # YAML reads 2020-05-01 as a date
        return value.year
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _parse_language(value: object) -> str | None:
    name = vocab.fold(str(value))
    # "es", or a regional tag such as "es-EC" (folded to "es ec")
    if code := re.fullmatch(r"([a-z]{2})( [a-z]{2})?", name):
        return code.group(1)
    return LANGUAGE_NAMES.get(name)


def _is_blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple) and not value)


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


# --- 2. folder convention ------------------------------------------------------------------


def folder_layer(path: Path, roots: Sequence[Path]) -> Layer:
    """Agencies and year from the folders between the root and the file: ACNUR/2020/x.pdf."""
    root = _root_of(path, roots)
    if root is None:
        return Layer(Provenance.FOLDER)
    values: dict[str, object] = {}
    for part in path.parent.relative_to(root).parts:
        if "year" not in values and (year := _parse_year(part)):
            values["year"] = year
        elif "agencies" not in values and (codes := agencies_in_name(part)):
            values["agencies"] = codes
    return Layer(Provenance.FOLDER, values)


def agencies_in_name(name: str) -> tuple[str, ...]:
    """Codes when a name is made only of agency names: 'unhcr', 'OIM_ACNUR', 'ONU Mujeres+PMA'.

    Greedy longest match over words, so 'onu mujeres acnur' is ONU-MUJERES then ACNUR; any
    word left over means the name is not (only) agencies, and nothing is returned.
    """
    words = [w for w in re.split(r"[\s+&,;]+", vocab.fold(name)) if w and w not in NAME_CONNECTORS]
    codes: list[str] = []
    start = 0
    while start < len(words):
        found = next(
            ((end, code) for end in range(len(words), start, -1)
             if (code := vocab.resolve("agency", " ".join(words[start:end])))),
            None,
        )  # fmt: skip
        if found is None:
            return ()
        start, code = found
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def _root_of(path: Path, roots: Sequence[Path]) -> Path | None:
    """The deepest root that contains `path` (absolute, links not resolved, as discover walks)."""
    absolute = [Path(os.path.abspath(root)) for root in roots]
    containing = [root for root in absolute if path.is_relative_to(root)]
    return max(containing, key=lambda root: len(root.parts), default=None)


# --- 3. document properties ----------------------------------------------------------------


def properties_layer(props: DocProperties) -> Layer:
    """Title, agencies (from the author), topics (from the keywords) and year of the file."""
    values: dict[str, object] = {}
    title = " ".join(props.title.split())
    if title and not _is_junk_title(title):
        values["title"] = title
    # Author and keywords are short fields typed by people: match acronyms in any case.
    if agencies := _ranked_codes("agency", props.author, any_case=True):
        values["agencies"] = agencies
    if topics := _ranked_codes("topic", props.keywords, any_case=True):
        values["topics"] = topics
    if props.year is not None and YEAR_MIN <= props.year <= YEAR_MAX:
        values["year"] = props.year
    return Layer(Provenance.PROPERTIES, values)


def _is_junk_title(title: str) -> bool:
    """The editor's default, a file name ("Decreto-Ley-902-de-2017", "ea8.qxd"), a number."""
    file_name_like = " " not in title and ("-" in title or "_" in title or "." in title)
    too_few_letters = sum(c.isalpha() for c in title) < 4
    return file_name_like or too_few_letters or bool(JUNK_TITLE.search(vocab.fold(title)))


# --- 4. inference from the text ------------------------------------------------------------


def inferred_layer(
    pages: Sequence[Page], title: str, wanted: set[str], guesses: TextGuesses | None = None
) -> Layer:
    """Guess the `wanted` fields from the text; only fields with a guess are returned.

    `guesses` are the costly ones made beforehand in the worker process; without them they are
    made here, only those wanted.
    """
    front = _front_text(pages)
    made = guesses if guesses is not None else text_guesses(pages, wanted)
    values = {
        "title": lambda: infer_title([page.text for page in pages[:TITLE_PAGES]]),
        "agencies": lambda: _ranked_codes("agency", front),
        "year": lambda: infer_year(front),
        "topics": lambda: made.topics,
        "doc_type": lambda: infer_doc_type(title or infer_title(front), front),
        "language": lambda: made.language,
        "places": lambda: made.places,  # threshold: see ingest/places.py
        "visibility": lambda: "",  # never guessed: the sidecar's, else the configured default
    }
    guessed = {name: value for name in FIELDS if name in wanted and (value := values[name]())}
    return Layer(Provenance.INFERRED, guessed)


def text_guesses(pages: Sequence[Page], wanted: Iterable[str] = FIELDS) -> TextGuesses:
    """Language, topics and places from the whole text (only the `wanted` ones are made)."""
    return TextGuesses(
        language=detect_language(_body_sample(pages))[0] if "language" in wanted else "",
        topics=infer_topics(pages) if "topics" in wanted else (),
        places=infer_places(pages) if "places" in wanted else (),  # see ingest/places.py
    )


def infer_title(front_pages: str | Sequence[str]) -> str:
    """The cover's title: the first line that reads like a title, joined with the lines it
    wraps onto. Institution and imprint lines are skipped, and so is the rest of a page that
    is a table of contents ("Índice"): the title may be on the next page."""
    pages = [front_pages] if isinstance(front_pages, str) else list(front_pages)
    in_contents = False  # a table of contents may go on over the next page
    for text in pages[:TITLE_PAGES]:
        lines = [_cover_line(line) for line in text[:FRONT_CHARS].splitlines()]
        for i, line in enumerate(lines):
            if TABLE_OF_CONTENTS.fullmatch(vocab.fold(line).rstrip(" :.")):
                in_contents = True  # what follows lists chapters and their pages
            elif in_contents and CONTENTS_ENTRY.search(line):
                continue
            # Judged whole: "Trabajar en" / "los márgenes" is a title, its first line alone is not
            elif 0 < len(line) <= MAX_TITLE_LINE_CHARS and _looks_like_title(
                title := _wrapped_title(lines, i)
            ):
                return title
    return ""


def _wrapped_title(lines: Sequence[str], start: int) -> str:
    """The title starting at `lines[start]` with the lines it wraps onto: a cover breaks
    "Hoja informativa: situación de refugiados y migrantes en" / "Ecuador, primer semestre".
    A next line continues the title when it starts in lower case or the title so far ends
    with a word no title ends with ("en", "de la", "y"); a blank or imprint line ends it."""
    title = lines[start]
    if NOT_A_TITLE.search(vocab.fold(title)):
        return title  # "Resumen" / "La masiva intromisión...": a heading, then its text
    for line in lines[start + 1 :]:
        if not line or _is_imprint(line) or len(title) + len(line) >= MAX_TITLE_CHARS:
            break
        last_word = (vocab.fold(title).split() or [""])[-1]
        wraps = title.endswith((",", ":", "-", "–")) or last_word in TITLE_NEVER_ENDS_WITH
        # a cover word on its own line ("Política" / "Nacional de" / "Salud Mental")
        wraps = wraps or (_letters(title) < MIN_TITLE_LETTERS and not agencies_in_name(title))
        if not (line[:1].islower() or wraps):
            break
        title = f"{title} {line}"
    return title


def _is_imprint(line: str) -> bool:
    """Lines about who published the document and when, not what it is called."""
    folded = vocab.fold(line)
    return bool(IMPRINT_LINE.search(folded))


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _cover_line(line: str) -> str:
    """A line of a cover as text: one space between words, and of a table row that names the
    document ("PROGRAMA DE FORMACIÓN | Derechos fundamentales en el trabajo"), the name."""
    line = " ".join(line.split())
    label, bar, value = line.partition(" | ")
    if bar and label.isupper() and NAMING_LABEL.search(vocab.fold(label)):
        return value.partition(" | ")[0]
    return line


def _looks_like_title(line: str) -> bool:
    letters = _letters(line)
    sentence = line.endswith(".") and len(line.split()) > MAX_TITLE_SENTENCE_WORDS
    return (
        letters >= MIN_TITLE_LETTERS
        and not line[:1].islower()  # the end of a sentence, not the start of a title
        and not sentence
        and len(line) <= MAX_TITLE_CHARS
        and len(line.split()) >= 2
        and letters >= 0.6 * len(line.replace(" ", ""))
        and not re.search(r"https?://|www\.|@|\.{4,}|(\. ){3,}", line)
        and not NOT_A_TITLE.search(vocab.fold(line))
        and not _is_imprint(line)
        and not agencies_in_name(line)  # a cover's agency name is not the title
        and not _names_agency_in_full(line)  # nor is "Alto Comisionado ... (ACNUR) - Ecuador"
    )


def title_from_file_name(path: Path) -> str:
    """A readable title made of a file's name, when nothing else gives one:
    `diagnostico_frontera-2019.pdf` -> "Diagnostico frontera 2019"."""
    words = re.sub(r"[-_.]+", " ", path.stem).split()
    title = " ".join(words)
    return title[:1].upper() + title[1:]


@cache
def _agency_full_names() -> tuple[str, ...]:
    names = (n for t in vocab.agencies() for n in (t.label_es, t.label_en, *t.aliases))
    return tuple(sorted({vocab.fold(n) for n in names if len(n.split()) >= 4}))


def _names_agency_in_full(line: str) -> bool:
    folded = vocab.fold(line)
    return any(name in folded for name in _agency_full_names())


def infer_year(front: str) -> int | None:
    """Most frequent plausible year, counting those near publication cues more; ties: latest."""
    folded = fold_keep_case(front)
    this_year = dt.date.today().year
    scores: Counter[int] = Counter()
    for match in YEAR_IN_TEXT.finditer(folded):
        year = int(match.group())
        if not 2000 <= year <= this_year:
            continue
        window = folded[max(0, match.start() - PUBLICATION_CUE_WINDOW_CHARS) : match.end() + 10]
        scores[year] += 1 + (PUBLICATION_CUE_BONUS if PUBLICATION_CUES.search(window) else 0)
    return max(scores, key=lambda year: (scores[year], year)) if scores else None


def infer_topics(pages: Sequence[Page]) -> tuple[str, ...]:
    """Up to three topics whose terms are frequent over the whole text."""
    counts: Counter[str] = Counter()
    words = 0
    for page in pages:
        folded = fold_keep_case(page.text)
        words += len(folded.split())
        counts.update(code for code, _ in find_terms("topic", folded))
    if not counts:
        return ()
    floor = max(MIN_TOPIC_HITS, words * MIN_TOPIC_HITS_PER_1000_WORDS / 1000)
    floor = max(floor, counts.most_common(1)[0][1] * MIN_TOPIC_SHARE_OF_TOP)
    return tuple(code for code, n in counts.most_common(MAX_INFERRED_TOPICS) if n >= floor)


def infer_doc_type(title: str, front: str) -> str:
    """The type named first in the title, else on the first lines of the document."""
    for text in (title, front[:DOC_TYPE_CHARS]):
        found = find_terms("doc_type", fold_keep_case(text))
        if found:
            return found[0][0]
    return ""


def _front_text(pages: Sequence[Page]) -> str:
    return "\n".join(page.text for page in pages[:FRONT_PAGES])[:FRONT_CHARS]


def _body_sample(pages: Sequence[Page]) -> str:
    """Slices of up to ten pages spread over the document: a cover alone may be bilingual."""
    step = max(1, len(pages) // LANGUAGE_SAMPLE_PAGES)
    chosen = pages[::step][:LANGUAGE_SAMPLE_PAGES]
    return "\n".join(page.text[:LANGUAGE_CHARS_PER_PAGE] for page in chosen)


# --- vocabulary terms in text --------------------------------------------------------------


def fold_keep_case(text: str) -> str:
    """Strip accents and turn -_/ into spaces, keeping case so acronyms can be told apart."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[-_/]", " ", bare)


def find_terms(kind: str, folded: str, *, any_case: bool = False) -> list[tuple[str, int]]:
    """(code, position) of every vocabulary term in `folded` text (see fold_keep_case)."""
    pattern, codes = _term_pattern(kind, any_case)
    # Each alternative is the named group "t<index into codes>".
    return [(codes[int(str(m.lastgroup)[1:])], m.start()) for m in pattern.finditer(folded)]


def _ranked_codes(kind: str, text: str, *, any_case: bool = False) -> tuple[str, ...]:
    """Codes found in `text`, most mentioned first (ties: first mentioned first)."""
    counts = Counter(code for code, _ in find_terms(kind, fold_keep_case(text), any_case=any_case))
    return tuple(code for code, _ in counts.most_common())


@cache
def _term_pattern(kind: str, any_case: bool) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One alternation of all terms of a vocabulary, longest first, one named group each.

    Acronyms (no lowercase letter) match only in capitals: "WHO" is the agency, "who" is not.
    Topic and type terms also match their plural ("escuelas", "informes").
    """
    terms = sorted(_vocab_terms(kind), key=lambda term: -len(term[0]))
    plural = r"(?:e?s)?" if kind != "agency" else ""
    alternatives = []
    for i, (name, _) in enumerate(terms):
        words = r"\s+".join(re.escape(word) for word in name.split())
        is_acronym = name == name.upper() and name != name.lower()
        body = words if is_acronym else f"(?i:{words}{plural})"
        alternatives.append(f"(?P<t{i}>{body})")
    flags = re.IGNORECASE if any_case else 0
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags)
    return pattern, tuple(code for _, code in terms)


def _vocab_terms(kind: str) -> Iterable[tuple[str, str]]:
    """(folded-keep-case name, code): agencies by names and aliases, others by their terms.

    Topic labels are left out on purpose: the label "General" would match the adjective.
    """
    source = {"agency": vocab.agencies, "topic": vocab.topics, "doc_type": vocab.doc_types}[kind]
    seen: set[str] = set()
    for term in source():
        names = (term.label_es, term.label_en, *term.aliases) if kind == "agency" else term.aliases
        for name in names:
            folded = " ".join(fold_keep_case(name).split())
            if folded and folded not in seen:
                seen.add(folded)
                yield folded, term.code
