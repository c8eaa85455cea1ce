"""Typed ingestion errors. Extractors raise them; the worker turns them into ExtractionFailure."""

from __future__ import annotations

from acervo.ingest.models import Actor, FailureKind


class IngestError(Exception):
    kind: FailureKind = FailureKind.ERROR
    actor: Actor = Actor.DEVELOPER


class EncryptedDocument(IngestError):
    kind = FailureKind.ENCRYPTED
    actor = Actor.ADMINISTRATOR


class NeedsOCR(IngestError):
    kind = FailureKind.NEEDS_OCR
    actor = Actor.ADMINISTRATOR


class CorruptDocument(IngestError):
    kind = FailureKind.CORRUPT
    actor = Actor.ADMINISTRATOR


class EmptyDocument(IngestError):
    kind = FailureKind.EMPTY
    actor = Actor.ADMINISTRATOR


class UnsupportedFormat(IngestError):
    kind = FailureKind.UNSUPPORTED
    actor = Actor.ADMINISTRATOR


class DecompressionBomb(IngestError):
    kind = FailureKind.BOMB
    actor = Actor.ADMINISTRATOR


class DocumentTooLarge(IngestError):
    kind = FailureKind.TOO_LARGE
    actor = Actor.ADMINISTRATOR


class ExtractionTimeout(IngestError):
    kind = FailureKind.TIMEOUT
    actor = Actor.ADMINISTRATOR


class ExtractionMemoryLimit(IngestError):
    kind = FailureKind.TOO_MUCH_MEMORY
    actor = Actor.ADMINISTRATOR
