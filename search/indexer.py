"""The index on disk: numbered generations and a CURRENT file naming the live one.

An update never writes to the live generation: it copies it, applies the changes with one writer,
commits, and only then switches CURRENT with an atomic rename. A crash or an error at any point
before the switch leaves the last good index as it was (the paperless-ngx counterexample in
STYLE.md deleted its index on an error).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.index import FileIndex
from whoosh.query import Term
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.writing import IndexWriter

from acervo.ingest.models import ExtractedDocument
from acervo.search import schema
from acervo.search.errors import IndexMissing
from acervo.search.facets import DocTable
from acervo.search.searcher import Searcher

try:  # one update at a time; fcntl is POSIX-only, elsewhere we rely on Whoosh's own lock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".update.lock"
GENERATION = re.compile(r"gen-(\d{6})")
EXCERPT_CHARS = 300  # start of a document, its passage when no page matches (match-all)
WRITER_LIMIT_MB = 256  # memory for the writer's posting pool before it spills to disk


class IndexUpdateError(RuntimeError):
    """An update failed before the switch: the live generation is untouched."""


@dataclass(frozen=True)
class UpdateStats:
    added: int  # documents written (new or changed)
    removed: int  # documents deleted and not re-added
    documents: int  # documents in the new generation
    pages: int  # page records in the new generation


class IndexStore:
    """Generations of the index under `root` (`gen-000001/`, ...) and the CURRENT pointer."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._tables: dict[str, DocTable] = {}  # generation -> its facet values, read once
        self._tables_lock = threading.Lock()

    # ---- reading -------------------------------------------------------------------------

    def live_generation(self) -> str | None:
        """Name of the live generation, or None when nothing was ever indexed."""
        try:
            name = (self.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if GENERATION.fullmatch(name) and (self.root / name).is_dir() else None

    def open_searcher(self) -> Searcher:
        generation = self._require_generation()
        whoosh_searcher = index.open_dir(str(self.root / generation)).searcher()
        return Searcher(whoosh_searcher, self._table(generation, whoosh_searcher))

    def known(self) -> dict[str, tuple[str, ...]]:
        """doc_id -> source paths of every indexed document; empty when there is no index."""
        if self.live_generation() is None:
            return {}
        with self.open_searcher() as searcher:
            fields = searcher.whoosh_searcher.documents(kind=schema.DOC)
            return {f["doc_id"]: tuple(f.get("paths", ())) for f in fields}

    def version(self) -> str:
        """The live generation and its size, e.g. 'gen-000003 (2000 documentos)' (exports)."""
        generation = self._require_generation()
        with self.open_searcher() as searcher:
            return f"{generation} ({len(searcher.table)} documentos)"

    def _require_generation(self) -> str:
        generation = self.live_generation()
        if generation is None:
            raise IndexMissing(
                f"No hay índice en {self.root}. Ejecute `acervo ingest` para crearlo."
            )
        return generation

    def _table(self, generation: str, whoosh_searcher: WhooshSearcher) -> DocTable:
        # A committed generation never changes, so its facet values can be read once and kept
        # for every later searcher (docnums are stable for the same segments).
        with self._tables_lock:
            if generation not in self._tables:
                self._tables = {generation: DocTable.load(whoosh_searcher)}
            return self._tables[generation]

    # ---- writing -------------------------------------------------------------------------

    def update(self, add: Iterable[ExtractedDocument], remove: Iterable[str]) -> UpdateStats:
        """Write a new generation with `add` (re)indexed and `remove` deleted, then switch to it.

        `add` is consumed lazily, one document at a time; `remove` is read after every document
        was added (the caller may compute it while `add` runs).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with self._update_lock():
            live = self.live_generation()
            new_dir = self.root / f"gen-{self._last_generation_number() + 1:06d}"
            try:
                _copy_or_create(self.root / live if live else None, new_dir)
                stats = _write_generation(new_dir, add, remove)
            except BaseException as exc:
                shutil.rmtree(new_dir, ignore_errors=True)
                if not isinstance(exc, Exception):
                    raise  # KeyboardInterrupt & co. pass through, after the cleanup
                kept = f"la generación activa {live} sigue intacta" if live else "no había índice"
                raise IndexUpdateError(
                    f"La actualización del índice falló ({type(exc).__name__}: {exc}); {kept}."
                ) from exc
            self._switch_to(new_dir.name)
            self._delete_old_generations(keep={new_dir.name, live})
        return stats

    @contextmanager
    def _update_lock(self) -> Iterator[None]:
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.root / LOCK_FILE, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexUpdateError(
                    f"Otra ingesta está actualizando {self.root}; espere a que termine."
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _last_generation_number(self) -> int:
        return max((_generation_number(p.name) for p in self.root.iterdir()), default=0)

    def _switch_to(self, generation: str) -> None:
        tmp = self.root / f"{CURRENT_FILE}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(generation + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / CURRENT_FILE)  # atomic: readers see the old or the new name

    def _delete_old_generations(self, keep: set[str | None]) -> None:
        # The previous generation stays: a searcher opened just before the switch may use it.
        # Older ones, and leftovers of crashed runs, go (we hold the update lock).
        for path in self.root.iterdir():
            if _generation_number(path.name) and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)


def _generation_number(name: str) -> int:
    match = GENERATION.fullmatch(name)
    return int(match.group(1)) if match else 0


def _copy_or_create(live_dir: Path | None, new_dir: Path) -> None:
    """The starting point of a new generation: a copy of the live one, or an empty index."""
    if live_dir is not None:
        shutil.copytree(live_dir, new_dir)
    else:
        new_dir.mkdir()
        index.create_in(str(new_dir), schema.build_schema())


def _write_generation(
    directory: Path, add: Iterable[ExtractedDocument], remove: Iterable[str]
) -> UpdateStats:
    ix = index.open_dir(str(directory))
    writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    try:
        added = _add_documents(writer, add)
        removed = sum(1 for doc_id in remove if doc_id not in added and _delete(writer, doc_id))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return _stats(ix, added=len(added), removed=removed)


def _add_documents(writer: IndexWriter, docs: Iterable[ExtractedDocument]) -> set[str]:
    """Write each document as it comes (never the whole corpus in memory); returns their ids."""
    added: set[str] = set()
    for doc in docs:
        if doc.doc_id in added:
            continue  # the same content yielded twice: index it once
        _delete(writer, doc.doc_id)  # a changed document replaces its old records
        writer.add_document(**doc_record(doc))
        for record in page_records(doc):
            writer.add_document(**record)
        added.add(doc.doc_id)
    return added


def _delete(writer: IndexWriter, doc_id: str) -> bool:
    # Deletes both kinds of records of the document in the copied segments (not the ones added
    # by this writer, which Whoosh only sees after the commit).
    return writer.delete_by_term("doc_id", doc_id) > 0


def _stats(ix: FileIndex, added: int, removed: int) -> UpdateStats:
    # docs_for_query skips deleted records; doc_frequency would still count them.
    with ix.searcher() as searcher:
        documents = sum(1 for _ in searcher.docs_for_query(Term("kind", schema.DOC)))
        pages = sum(1 for _ in searcher.docs_for_query(Term("kind", schema.PAGE)))
    return UpdateStats(added=added, removed=removed, documents=documents, pages=pages)


def doc_record(doc: ExtractedDocument) -> dict:
    """The fields of a document's doc record."""
    meta = doc.metadata
    title_field, body_field = schema.text_fields(meta.language)
    record = {
        "kind": schema.DOC,
        "doc_id": doc.doc_id,
        "page": 0,
        title_field: meta.title,
        body_field: "\n\n".join(page.text for page in doc.pages),
        "path": list(doc.paths),
        "excerpt": _excerpt(doc),
        "title": meta.title,
        "paths": list(doc.paths),
        "sha256": doc.sha256,
        "format": doc.format,
        "pages": len(doc.pages),
        "size": doc.size,
        "provenance": {name: str(source) for name, source in meta.provenance.items()},
    }
    facets = {
        "agency": ",".join(meta.agencies),
        "topic": ",".join(meta.topics),
        "year": meta.year,
        "language": meta.language,
        "doc_type": meta.doc_type,
    }
    # Empty values are left out: Whoosh cannot index None, and "" would become a facet value
    # ("sin dato" is the absence of the field).
    return record | {name: value for name, value in facets.items() if value not in (None, "")}


def _excerpt(doc: ExtractedDocument) -> tuple[int, str]:
    """(page number, start of its text) of the first page that has text."""
    page = next((p for p in doc.pages if p.text.strip()), None)
    if page is None:
        return (1, "")
    text = page.text.strip()
    cut = text[:EXCERPT_CHARS]
    if len(text) > EXCERPT_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " …"  # do not end in the middle of a word
    return (page.number, cut)


def page_records(doc: ExtractedDocument) -> Iterator[dict]:
    _, body_field = schema.text_fields(doc.metadata.language)
    for page in doc.pages:
        if page.text.strip():
            yield {
                "kind": schema.PAGE,
                "doc_id": doc.doc_id,
                "page": page.number,
                body_field: page.text,
                "text": page.text,
            }
