"""Dataclasses at the seams of ingestion: files in, extracted documents or failures out.

Nothing here knows about Whoosh or HTTP; `acervo.search` consumes `ExtractedDocument`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Provenance(StrEnum):
    """Where a metadata value came from, strongest first (DESIGN.md)."""

    SIDECAR = "sidecar"  # *.meta.yaml beside the file, or a folder's _metadata.csv
    FOLDER = "folder"  # corpus/<AGENCY>/<YEAR>/ convention
    PROPERTIES = "properties"  # PDF Info / DOCX core properties
    INFERRED = "inferred"  # guessed from the text
    NONE = "none"  # no source gave it: shown as "sin dato"


@dataclass(frozen=True)
class SourceFile:
    """A file found on disk, before extraction."""

    path: Path  # absolute
    size: int
    mtime: float
    sha256: str  # hex digest of the whole content
    mtime_ns: int = 0  # exact modification time: the cheap "unchanged?" check compares it

    @property
    def doc_id(self) -> str:
        """Stable document id: the first 16 hex digits of the content hash."""
        return self.sha256[:16]


@dataclass(frozen=True)
class Page:
    number: int  # 1-based; DOCX/HTML/TXT have a single page 1 (headers/footers appended)
    text: str  # normalised (NFC, ligatures, hyphenation, whitespace)


@dataclass(frozen=True)
class DocProperties:
    """What the file says about itself (PDF Info/XMP, DOCX core properties, HTML <title>)."""

    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""
    year: int | None = None


@dataclass(frozen=True)
class TextGuesses:
    """What the text alone suggests for the metadata: the costly guesses (language detection,
    topic and place counting over every page), made in the worker process that extracted the
    text (ingest/metadata.py `text_guesses`) so the single index writer does not wait on them."""

    language: str = ""
    topics: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtractedText:
    """What an extractor returns for one file."""

    format: str  # pdf | docx | odt | rtf | html | txt
    pages: list[Page]
    properties: DocProperties = field(default_factory=DocProperties)
    # MinHash of the text's word shingles (ingest/neardup.py), computed in the worker process.
    minhash: tuple[int, ...] = ()
    number_minhash: tuple[int, ...] = ()  # MinHash of its runs of numbers (translations)
    ocr_pages: tuple[int, ...] = ()  # page numbers whose text came from OCR
    guesses: TextGuesses | None = None  # None: not made yet (a text reused from the index)
    truncated_pages: tuple[int, ...] = ()  # pages cut at MAX_PAGE_TEXT_CHARS


# Default limits of one file's extraction, the one home of both values (acervo.config's defaults,
# the worker pool's, run_ingest's and dask's): a hostile PDF is stopped, a long scan is not.
EXTRACT_TIMEOUT_S = 120.0
EXTRACT_MEMORY_MB = 2048
# Text kept per page (about 500 printed pages: a TXT or HTML file is one page). Past it the
# text is cut, the report says so, and TXT/HTML files are not even read further: everything
# after extraction (language, topics, near duplicates, the index) costs in proportion to it.
MAX_PAGE_TEXT_CHARS = 1_000_000
# PDFs past these are refused before any reader walks them (ingest/extractors/_pdf_size.py):
# the longest real reports have about a thousand pages and a few hundred thousand objects.
MAX_PDF_PAGES = 10_000
MAX_PDF_OBJECTS = 2_000_000
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # a file uploaded through the web or the API


@dataclass(frozen=True)
class ExtractOptions:
    """How to extract one file: which PDF reader, whether to OCR scans, the file's password."""

    # auto (default: pdfium, pdfminer.six as fallback, ~20x faster) | pdfminer (the reference
    # reader) | pdfium (alone). README "PDF readers" has the measurements behind the choice.
    extractor: str = "auto"
    ocr: bool = False  # OCR pages without a text layer when tesseract is installed
    ocr_page_timeout_s: float = 60.0
    password: str = field(default="", repr=False)  # from the sidecar; never logged
    max_pdf_pages: int = MAX_PDF_PAGES  # declared pages past which a PDF is refused
    max_pdf_objects: int = MAX_PDF_OBJECTS  # objects past which a PDF is refused


@dataclass(frozen=True)
class MetadataProblem:
    """A sidecar or `_metadata.csv` entry that could not be used as written: the administrator
    must fix it (the value was ignored, or the whole file when it could not be read)."""

    file: str  # the sidecar or the folder's _metadata.csv
    line: int  # 1-based line of the key or row; 0 when unknown
    message: str  # what is wrong, in Spanish
    hint: str = ""  # the closest valid value, or the valid values

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Metadata:
    """Resolved metadata of a document; `provenance` maps each field name to its source."""

    title: str = ""
    agencies: tuple[str, ...] = ()  # canonical agency codes from ingest/data/agencies.csv
    topics: tuple[str, ...] = ()  # canonical topic codes from ingest/data/topics.csv
    year: int | None = None
    language: str = ""  # ISO 639-1 ("es", "en", ...) or "" when unknown / low confidence
    doc_type: str = ""  # canonical type code from ingest/data/doc_types.csv
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    places: tuple[str, ...] = ()  # place codes from acervo/vocab/places.csv (ingest/places.py)
    # Who may see it: one of VISIBILITIES (search/access.py); "" = the configured default
    visibility: str = ""
    # For the administrator: sidecar values dropped because they are not in the vocabulary,
    # sidecars that could not be read. Never shown as metadata.
    notes: tuple[MetadataProblem, ...] = ()


# Who may see a document (search/access.py applies it): everyone, logged-in users, members of
# one of its agencies (and curators).
VISIBILITIES: tuple[str, ...] = ("publico", "miembros", "agencia")


@dataclass(frozen=True)
class LessonRecord:
    """One lessons-learned record found in a document (`ingest/records.py`).

    Codes such as `LN2_GN`: the type (LA lección aprendida, LN no aprendida, BP buena práctica),
    a number, and the area (GN General). Empty strings and tuples: the document does not say.
    """

    code: str  # "LN2_GN"
    area: str  # topic code of acervo/vocab/topics.csv ("general"), or the code's suffix
    title: str  # the record's one-line statement (its heading or its row of a summary table)
    finding: str = ""  # "Hallazgo"
    description: str = ""  # "Descripción de la lección" (or the lesson stated inline)
    context: str = ""  # "Contexto y condiciones previas relacionadas"
    goals: str = ""  # "Metas del proyecto"
    beneficiaries: str = ""  # "Beneficiarios"
    success: str = ""  # "Éxito / Cuestiones positivas"
    challenges: str = ""  # "Desafíos, dificultades, problemas"
    sdg: tuple[int, ...] = ()  # ODS numbers, 1-17
    gcm: tuple[int, ...] = ()  # Global Compact for Migration objectives, 1-23
    lesson_type: str = ""  # acervo/vocab/lesson_types.csv: positiva | negativa | buena-practica
    page: int = 1  # page where the record's detail starts (else its row of a summary table)
    text: str = ""  # every passage about the record, joined: what is indexed and shown
    places: tuple[str, ...] = ()  # places named in the record's text


@dataclass(frozen=True)
class ExtractedDocument:
    """One document ready to index: the same content in several paths is one document."""

    doc_id: str
    sha256: str
    paths: tuple[str, ...]  # absolute paths of every copy, sorted
    format: str
    size: int
    pages: list[Page]
    metadata: Metadata
    # What the index's catalog keeps so the next run can skip unchanged files (size and
    # mtime of each copy), notice a changed sidecar (fingerprint) and re-resolve metadata from
    # the stored text without extracting again (properties).
    sources: tuple[FileStat, ...] = ()
    fingerprint: str = ""
    properties: DocProperties = field(default_factory=DocProperties)
    # Near duplicates (ingest/neardup.py): ids of already indexed documents this one is a
    # version of, and the MinHash that lets later runs compare new documents with this one.
    near_duplicates: tuple[str, ...] = ()
    minhash: tuple[int, ...] = ()
    # Translations: ids of indexed editions in another language, and the numbers' MinHash.
    translations: tuple[str, ...] = ()
    number_minhash: tuple[int, ...] = ()
    records: tuple[LessonRecord, ...] = ()  # lessons-learned records (ingest/records.py)
    truncated_pages: tuple[int, ...] = ()  # pages whose text was cut at MAX_PAGE_TEXT_CHARS


@dataclass(frozen=True)
class FileStat:
    """A file as the index last saw it: if size and mtime_ns match, sha256 is still right."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


class FailureKind(StrEnum):
    ENCRYPTED = "encrypted"
    NEEDS_OCR = "needs_ocr"
    CORRUPT = "corrupt"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"
    BOMB = "bomb"
    TIMEOUT = "timeout"
    TOO_MUCH_MEMORY = "too_much_memory"
    TOO_LARGE = "too_large"  # more pages or objects than the configured limits
    VANISHED = "vanished"  # deleted or moved during the run: nobody needs to act
    CHANGED = "changed"  # still being written while read, twice: the next run reads it
    ERROR = "error"  # unexpected: a bug for a developer


class Actor(StrEnum):
    """Who must act on a failure."""

    ADMINISTRATOR = "administrator"
    NOBODY = "nobody"
    DEVELOPER = "developer"


@dataclass(frozen=True)
class ExtractionFailure:
    path: str
    kind: FailureKind
    reason: str  # one sentence: what happened and what the user can do
    actor: Actor = Actor.ADMINISTRATOR
    detail: str = ""  # traceback for unexpected errors
