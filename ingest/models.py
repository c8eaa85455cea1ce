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
class ExtractedText:
    """What an extractor returns for one file."""

    format: str  # pdf | docx | odt | rtf | html | txt
    pages: list[Page]
    properties: DocProperties = field(default_factory=DocProperties)


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
    # For the administrator: sidecar values dropped because they are not in the vocabulary,
    # sidecars that could not be read. Never shown as metadata.
    notes: tuple[str, ...] = ()


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


class FailureKind(StrEnum):
    ENCRYPTED = "encrypted"
    NEEDS_OCR = "needs_ocr"
    CORRUPT = "corrupt"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"
    BOMB = "bomb"
    TIMEOUT = "timeout"
    TOO_MUCH_MEMORY = "too_much_memory"
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
