"""The index on disk: numbered generations and a CURRENT file naming the live one.

An update never writes to the live generation: it copies it (Whoosh's files, which are never
rewritten, as hard links), applies the changes with one writer, commits, fsyncs every file and
the folder, and only then switches CURRENT with an atomic rename (and fsyncs the root, so the
switch survives a power cut). A crash or an error at any point before the switch leaves the last
good index as it was (the paperless-ngx counterexample in STYLE.md deleted its index on an
error); the next update deletes the partial generation it left. Each generation holds its
catalog (search/catalog.py), so the catalog swaps with the index it describes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from whoosh import index
from whoosh.fields import Schema as WhooshSchema
from whoosh.index import FileIndex
from whoosh.query import Term
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.writing import IndexWriter

from acervo.ingest import neardup
from acervo.ingest.models import (
    ExtractedDocument,
    ExtractedText,
    ExtractionFailure,
    FileStat,
    MetadataProblem,
    Page,
)
from acervo.plurals import ngettext
from acervo.search import records, schema
from acervo.search.access import Access
from acervo.search.analysis import TOKEN_PATTERN, CachedChainAnalyzer
from acervo.search.catalog import Catalog, CatalogChanges, DocHistory
from acervo.search.errors import IndexMissing
from acervo.search.facets import DocTable, RowCache
from acervo.search.limits import EXPORT_TIME_S
from acervo.search.lock import IndexLock
from acervo.search.matching import TermCache
from acervo.search.models import FACETS
from acervo.search.searcher import Searcher
from acervo.search.snippets import PageMemo
from acervo.search.weighting import FieldAverageBM25F
from acervo.search.writer import merge_small, segment_writer

CURRENT_FILE = "CURRENT"
FORMAT_FILE = "FORMAT"  # in each generation: the schema.INDEX_FORMAT it was written with
GENERATION = re.compile(r"gen-(\d{6})")
# A generation stays on disk this long after it stopped being live: a request (an export runs up
# to EXPORT_TIME_S) may still read it lazily (stored fields, the catalog) in any server process.
# Deleting it at the next switch gave 500s under back-to-back ingests (a generation every 3.5 s).
RETIRED_KEPT_S = EXPORT_TIME_S + 60.0
RETIRED_KEPT_MAX = 64  # at most this many retired generations, however recent (disk space)
EXCERPT_CHARS = 300  # start of a document, its passage when no page matches (match-all)
# Memory for the writer's posting pool before it spills to disk. Whoosh underestimates it
# (Python objects): peak RSS of a full build was 316 -> 592 MiB at 500 -> 2,000 documents with
# 256, and 282 -> 373 MiB with 64, at about the same speed (benchmarks/bench_ingest.py (d)).
WRITER_LIMIT_MB = 64
# Whoosh packs a segment's files into one compound file by default, and opening a searcher on
# it copies each part it uses into memory (structfile.BufferFile): 34 MiB for 2,000 documents,
# growing with the corpus, in every process that searches. Separate files are read on demand
# (1.5 MiB to open the same index; query latency unchanged).
COMPOUND_SEGMENTS = False
# Whoosh writes each segment file (MAIN_<id>.seg) and TOC (_MAIN_<n>.toc) once and never
# rewrites it (deletions go to the next TOC), so a new generation can share them with the live
# one as hard links (tests/search/test_indexer.py checks the live files stay byte-identical).
WHOOSH_FILE_PREFIXES = ("MAIN_", "_MAIN_")
WHOOSH_LOCK_FILE = "MAIN_WRITELOCK"
MAX_IDLE_SEARCHERS = 8  # open searchers kept for reuse per process (about one per thread)
PAUSE_ENV = "ACERVO_TEST_PAUSE_AT"  # test hook, see _test_pause
# What an administrator can do about each way the disk can refuse a write.
DISK_ERRORS = {
    errno.ENOSPC: "no queda espacio en el disco",
    errno.EDQUOT: "se agotó la cuota de disco",
    errno.EFBIG: "un archivo supera el tamaño máximo que permite el sistema",
    errno.EROFS: "el disco es de solo lectura",
    errno.EACCES: "no hay permiso para escribir",
    errno.EPERM: "no hay permiso para escribir",
    errno.ENOTDIR: "la ruta no es una carpeta (una parte de ella es un archivo)",
    errno.EEXIST: "la ruta no es una carpeta (ya existe un archivo con ese nombre)",
}


class IndexUpdateError(RuntimeError):
    """An update failed before the switch: the live generation is untouched."""


def disk_error_message(exc: OSError, root: Path, live: str | None) -> str:
    """A Spanish sentence for a write the disk refused, saying what is left and what to do."""
    kept = f"la generación activa {live} sigue intacta" if live else "no había índice"
    what = DISK_ERRORS.get(exc.errno or 0)
    if what is None:
        return f"La actualización del índice falló ({type(exc).__name__}: {exc}); {kept}."
    where = f" ({exc.filename})" if exc.filename else ""
    return (
        f"No se pudo escribir el índice en {root}: {what}{where}. El índice no cambió: "
        f"{kept}. Libere espacio o corrija los permisos (o elija otra carpeta con --index) "
        "y vuelva a ejecutar acervo ingest."
    )


@dataclass(frozen=True)
class UpdateStats:
    added: int  # documents written (new or changed)
    removed: int  # documents deleted and not re-added
    documents: int  # documents in the new generation
    pages: int  # page records in the new generation


@dataclass(frozen=True)
class Leftover:
    """A generation no run switched to: a killed or failed ingest left it (or one is writing it)."""

    name: str  # gen-NNNNNN
    bytes: int  # space deleting it frees: files shared with the live generation not counted


class IndexStore:
    """Generations of the index under `root` (`gen-000001/`, ...) and the CURRENT pointer."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        # One ingest at a time; `with store.lock:` around a whole run, update() nests in it.
        self.lock = IndexLock(self.root)
        # (generation, kind of unit) -> its facet values, read once
        self._tables: dict[tuple[str, str], DocTable] = {}
        self._tables_lock = threading.Lock()
        self._rows = RowCache()  # the rows of their segments, reused by the next generations
        self._history: tuple[str, Mapping[str, DocHistory]] = ("", {})
        self._documents: tuple[str, int] = ("", 0)  # (generation, its documents): `version`
        self._pool: _SearcherPool | None = None  # open Whoosh searchers of the live generation

    # ---- reading -------------------------------------------------------------------------

    def live_generation(self) -> str | None:
        """Name of the live generation, or None when nothing was ever indexed."""
        try:
            name = (self.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if GENERATION.fullmatch(name) and (self.root / name).is_dir() else None

    def open_searcher(self, access: Access | None = None) -> Searcher:
        """A searcher over the live generation that sees what `access` allows (None: every
        document, for the shell and ingest; the web always passes the user's Access).

        Its Whoosh searcher comes from a pool kept per generation (opening one per request cost
        +73% of a search on a small index); closing gives it back. A request never shares one
        with another request at the same time."""
        generation = self._require_generation()
        pool = self._generation_pool(generation)
        whoosh_searcher = pool.take()
        try:
            table = self._table(generation, whoosh_searcher)
            pool.count_fields(table)
            return Searcher(
                whoosh_searcher,
                table,
                self._table(generation, whoosh_searcher, schema.RECORD),
                history=self.history(generation),
                access=access,
                release=pool.give_back,
                parsed_cache=pool.parsed,
                term_cache=pool.terms,
                similar_cache=pool.similar,
                page_memo=pool.pages,
            )
        except BaseException:
            pool.give_back(whoosh_searcher)
            raise

    def _generation_pool(self, generation: str) -> _SearcherPool:
        with self._tables_lock:
            if self._pool is None or self._pool.generation != generation:
                if self._pool is not None:
                    self._pool.retire()  # searchers in use close when given back
                self._pool = _SearcherPool(self.root, generation)
            return self._pool

    def history(self, generation: str | None = None) -> Mapping[str, DocHistory]:
        """doc_id -> when it was added and updated (search/catalog.py), read once per generation."""
        generation = generation or self._require_generation()
        with self._tables_lock:
            if self._history[0] != generation:
                with Catalog(self.root / generation) as catalog:
                    self._history = (generation, catalog.history())
            return self._history[1]

    def known(self) -> dict[str, tuple[str, ...]]:
        """doc_id -> source paths of every indexed document; empty when there is no index.

        Read from the generation's catalog (one SQL query: 10 ms for 2,000 documents, against
        150 ms decoding every document's stored fields), or from the index when the generation
        predates catalogs.
        """
        live = self.live_generation()
        if live is None:
            return {}
        with Catalog(self.root / live) as catalog:
            catalogued = catalog.paths_by_document()
        if catalogued:
            return catalogued
        with self.open_searcher() as searcher:
            fields = searcher.whoosh_searcher.documents(kind=schema.DOC)
            return {f["doc_id"]: tuple(f.get("paths", ())) for f in fields}

    def document_with_sha256(self, sha256: str) -> str | None:
        """The id of the live document with exactly this content (an upload's duplicate)."""
        live = self.live_generation()
        if live is None:
            return None
        with Catalog(self.root / live) as catalog:
            return catalog.document_with_sha256(sha256)

    def signatures(self, field: str = "minhash") -> Iterator[tuple[str, list[int], str]]:
        """(doc_id, MinHash, language) of every indexed document that has one, one at a time
        (the caller keeps them in its own compact form): `minhash` of the words (versions) or
        `number_minhash` of the numbers (translations)."""
        if self.live_generation() is None:
            return
        with self.open_searcher() as searcher:
            for fields in searcher.whoosh_searcher.documents(kind=schema.DOC):
                if fields.get(field):
                    yield fields["doc_id"], fields[field], fields.get("language", "")

    def snapshot(self) -> Snapshot:
        """What the next ingest needs of the live generation (an empty one when there is none)."""
        live = self.live_generation()
        return Snapshot(self.root / live if live else None)

    def schema_is_current(self) -> bool:
        """False when the live generation was written with other fields than this version's
        schema, or in another format (schema.INDEX_FORMAT): it cannot be copied and extended,
        the next update must start afresh."""
        generation = self.live_generation()
        if generation is None:
            return True
        if _index_format(self.root / generation) != schema.INDEX_FORMAT:
            return False
        written = index.open_dir(str(self.root / generation)).schema
        return _field_types(written) == _field_types(schema.build_schema())

    def stats(self) -> UpdateStats:
        """Documents and pages of the live generation (`acervo status`)."""
        generation = self._require_generation()
        return _stats(index.open_dir(str(self.root / generation)), added=0, removed=0)

    def version(self) -> str:
        """The live generation and its size, e.g. 'gen-000003 (2000 documentos)' (exports).

        Counted from the `kind` postings: loading every document's stored fields (the facet
        table) for one number was the peak of an ingest's memory (+85 MiB at 2,000 documents).
        Once per generation (a committed one never changes): counting took 0.14 s of CPU at
        5,000 documents, for every export.
        """
        generation = self._require_generation()
        with self._tables_lock:
            known, documents = self._documents
        if known != generation:
            with index.open_dir(str(self.root / generation)).searcher() as searcher:
                documents = _count(searcher, schema.DOC)
            with self._tables_lock:
                self._documents = (generation, documents)
        return f"{generation} ({ngettext('%(num)s documento', '%(num)s documentos', documents)})"

    def _require_generation(self) -> str:
        generation = self.live_generation()
        if generation is None:
            raise IndexMissing(
                f"No hay índice en {self.root}. Ejecute `acervo ingest` para crearlo."
            )
        return generation

    def _table(
        self, generation: str, whoosh_searcher: WhooshSearcher, kind: str = schema.DOC
    ) -> DocTable:
        # A committed generation never changes, so its facet values can be read once and kept
        # for every later searcher (docnums are stable for the same segments).
        with self._tables_lock:
            if (generation, kind) not in self._tables:
                kept = {key: t for key, t in self._tables.items() if key[0] == generation}
                kept[(generation, kind)] = DocTable.load(whoosh_searcher, kind, self._rows)
                self._tables = kept
            return self._tables[(generation, kind)]

    # ---- writing -------------------------------------------------------------------------

    def update(
        self,
        add: Iterable[ExtractedDocument],
        remove: Iterable[str],
        *,
        fresh: bool = False,
        changes: CatalogChanges | None = None,
        now: float | None = None,
    ) -> UpdateStats:
        """Write a new generation with `add` (re)indexed and `remove` deleted, then switch to it.

        `add` is consumed lazily, one document at a time, then `remove` is read. A caller that
        learns what to remove only after adding (acervo.build) uses `new_generation` itself.
        `now` (UNIX time, default the clock) is when the added documents arrive (DocHistory).
        """
        with self.new_generation(fresh=fresh, now=now) as generation:
            for doc in add:
                generation.add(doc)
            generation.remove(remove)
            generation.apply(changes or CatalogChanges())
        return generation.stats

    @contextlib.contextmanager
    def new_generation(
        self, *, fresh: bool = False, now: float | None = None
    ) -> Iterator[GenerationWriter]:
        """A new generation to fill, switched to when the block ends without an error.

        It starts as a copy of the live one, or empty when `fresh` or when the live one was
        written with another schema (`schema_is_current`), which cannot take the new documents:
        the caller re-adds everything (acervo.build). An error in the block (or in writing)
        deletes the new generation and leaves the live one as it was (IndexUpdateError says
        so). Takes the ingest lock unless the caller holds it already.
        """
        live = self.live_generation()
        with contextlib.ExitStack() as held:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                held.enter_context(self.lock)
            except OSError as exc:  # the root or the lock file could not be written
                raise IndexUpdateError(disk_error_message(exc, self.root, live)) from exc
            live = self.live_generation()
            self._delete_partial_generations(live)
            fresh = fresh or not self.schema_is_current()
            new_dir = self.root / f"gen-{self._last_generation_number() + 1:06d}"
            try:
                _start_generation(self.root / live if live and not fresh else None, new_dir)
                # a fresh start keeps when each document came (feeds must not see them as new)
                history = self.root / live if live and fresh else None
                with GenerationWriter(new_dir, now or time.time(), history) as generation:
                    yield generation
                _fsync_tree(new_dir)
                _test_pause("before-swap")
                self._switch_to(new_dir.name)
            except BaseException as exc:
                if self.live_generation() != new_dir.name:
                    shutil.rmtree(new_dir, ignore_errors=True)
                if not isinstance(exc, Exception):
                    raise  # KeyboardInterrupt & co. pass through, after the cleanup
                raise IndexUpdateError(_failure_message(exc, self.root, live)) from exc
            _test_pause("after-swap")
            self._delete_old_generations(keep={new_dir.name, live})

    def leftovers(self) -> list[Leftover]:
        """Generations newer than the live one, with the space each one alone takes."""
        if not self.root.is_dir():
            return []  # no index at all: `acervo status` then says how to make one
        live = self.live_generation()
        live_number = _generation_number(live) if live else 0
        shared = _inodes(self.root / live) if live else set()
        return [
            Leftover(path.name, _unshared_bytes(path, shared))
            for path in sorted(self.root.iterdir()) if _generation_number(path.name) > live_number
        ]  # fmt: skip

    def delete_leftovers(self) -> None:
        """Delete what killed runs left, under the ingest lock (IndexLocked while one runs)."""
        with self.lock:
            self._delete_partial_generations(self.live_generation())

    def _last_generation_number(self) -> int:
        return max((_generation_number(p.name) for p in self.root.iterdir()), default=0)

    def _switch_to(self, generation: str) -> None:
        tmp = self.root / f"{CURRENT_FILE}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(generation + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / CURRENT_FILE)  # atomic: readers see the old or the new name
        _fsync_dir(self.root)  # make the rename itself durable

    def _delete_partial_generations(self, live: str | None) -> None:
        """Generations newer than the live one were never switched to: a killed run left them."""
        live_number = _generation_number(live) if live else 0
        for path in self.root.iterdir():
            if _generation_number(path.name) > live_number:
                shutil.rmtree(path, ignore_errors=True)
        (self.root / f"{CURRENT_FILE}.tmp").unlink(missing_ok=True)

    def _delete_old_generations(self, keep: set[str | None]) -> None:
        # The previous generation stays: a searcher opened just before the switch may use it.
        # Older ones go once retired for RETIRED_KEPT_S (a slow request in another process may
        # still read them), the oldest first beyond RETIRED_KEPT_MAX (we hold the update lock).
        old = sorted(
            (p for p in self.root.iterdir() if _generation_number(p.name) and p.name not in keep),
            key=lambda p: _generation_number(p.name),
        )
        # a generation retired when the next one was written (its folder's last change)
        successors = [*old[1:], *(self.root / name for name in sorted(n for n in keep if n))]
        now = time.time()
        for n, (path, successor) in enumerate(zip(old, successors, strict=False)):
            recent = now - _mtime(successor) < RETIRED_KEPT_S
            if recent and len(old) - n <= RETIRED_KEPT_MAX:
                break  # the newer ones retired later still
            shutil.rmtree(path, ignore_errors=True)


class _SearcherPool:
    """Open Whoosh searchers of one committed generation, reused by successive requests.

    Whoosh readers are not safe for two threads at once, so each request takes its own; idle
    ones wait here (at most MAX_IDLE_SEARCHERS). Parsed queries are cached here too: their
    expansions (wildcards, thesaurus) depend only on the generation's words.
    """

    def __init__(self, root: Path, generation: str) -> None:
        self.root, self.generation = root, generation
        self.parsed: dict = {}
        self.terms = TermCache()  # scored posting lists (search/matching.py)
        self.similar: dict = {}  # documents' translated key words (search/similar.py)
        self.pages = PageMemo(shared=True)  # page scores and passages (search/snippets.py)
        self._idle: list[WhooshSearcher] = []
        self._lock = threading.Lock()
        self._retired = False
        self._records: dict[str, int] = {}  # text field -> doc records holding it (scoring)
        self._weighting = FieldAverageBM25F(self._records)

    def take(self) -> WhooshSearcher:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return index.open_dir(str(self.root / self.generation)).searcher(weighting=self._weighting)

    def count_fields(self, table: DocTable) -> None:
        """Tell the scoring how many doc records hold each title/body field (by language)."""
        if self._records:
            return
        english = int(table.having(FACETS.index("language"), [schema.ENGLISH]).sum())
        for language, holding in (("es", len(table) - english), (schema.ENGLISH, english)):
            for field in schema.text_fields(language):
                self._records[field] = holding

    def give_back(self, whoosh_searcher: WhooshSearcher) -> None:
        with self._lock:
            if not self._retired and len(self._idle) < MAX_IDLE_SEARCHERS:
                self._idle.append(whoosh_searcher)
                return
        whoosh_searcher.close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            idle, self._idle = self._idle, []
        for whoosh_searcher in idle:
            whoosh_searcher.close()


class Snapshot:
    """The live generation as the next ingest sees it (`acervo.ingest.pipeline.KnownIndex`):
    the catalog's per-path stats and fingerprints, and each document's stored page text."""

    def __init__(self, directory: Path | None) -> None:
        self._catalog = Catalog(directory)
        self._searcher = index.open_dir(str(directory)).searcher() if directory else None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._catalog.close()
        if self._searcher is not None:
            self._searcher.close()

    def file_stat(self, path: str) -> FileStat | None:
        return self._catalog.file_stat(path)

    def fingerprint(self, doc_id: str) -> str | None:
        return self._catalog.fingerprint(doc_id)

    def metadata_problems(self) -> dict[str, tuple[MetadataProblem, ...]]:
        """doc_id -> the sidecar problems each indexed document still has."""
        return self._catalog.metadata_problems()

    def failure(self, path: str, sha256: str, attempt: str) -> ExtractionFailure | None:
        return self._catalog.failure(path, sha256, attempt)

    def stored_text(self, doc_id: str) -> ExtractedText | None:
        entry = self._catalog.entry(doc_id)
        if entry is None or self._searcher is None:
            return None
        records = self._searcher.documents(doc_id=doc_id, kind=schema.PAGE)
        texts = {record["page"]: record.get("text", "") for record in records}
        # Blank pages have no record; they come back empty so page numbers stay as extracted.
        pages = [Page(number, texts.get(number, "")) for number in range(1, entry.pages + 1)]
        # The near-duplicate signature was computed from the same text: keep it.
        record = self._searcher.document(doc_id=doc_id, kind=schema.DOC) or {}
        minhash = tuple(record.get("minhash", ()))
        numbers = tuple(record.get("number_minhash", ())) or neardup.number_signature(pages)
        return ExtractedText(
            entry.format, pages, entry.properties, minhash=minhash, number_minhash=numbers
        )


def _field_types(fields: WhooshSchema) -> dict[str, str]:
    # Whoosh's Schema.__eq__ compares analyzer objects and is False even for two equal
    # schemas; names and field classes are what decide whether documents can be added.
    return {name: type(field).__name__ for name, field in fields.items()}


def _index_format(directory: Path) -> int:
    """The schema.INDEX_FORMAT a generation was written with; 1 for those before the file."""
    try:
        return int((directory / FORMAT_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return 1


def _failure_message(exc: Exception, root: Path, live: str | None) -> str:
    if isinstance(exc, OSError):
        return disk_error_message(exc, root, live)
    kept = f"la generación activa {live} sigue intacta" if live else "no había índice"
    return f"La actualización del índice falló ({type(exc).__name__}: {exc}); {kept}."


def _inodes(directory: Path) -> set[tuple[int, int]]:
    found = set()
    for folder, _dirs, files in os.walk(directory):
        for name in files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(folder, name))
                found.add((info.st_dev, info.st_ino))
    return found


def _unshared_bytes(directory: Path, shared: set[tuple[int, int]]) -> int:
    """Bytes of the files under `directory` that are not hard links into `shared`."""
    total = 0
    for folder, _dirs, files in os.walk(directory):
        for name in files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(folder, name))
                if (info.st_dev, info.st_ino) not in shared:
                    total += info.st_size
    return total


def _test_pause(point: str) -> None:
    """Test hook: with ACERVO_TEST_PAUSE_AT=<point> an update announces the point on stderr and
    sleeps ACERVO_TEST_PAUSE_S seconds there, so tests/test_crash.py can kill it at that exact
    moment. Points: before-swap (new generation complete, CURRENT not switched), after-swap.
    Never set in production; read here because no setting should reach this deep."""
    if os.environ.get(PAUSE_ENV) == point:
        print(f"ACERVO_TEST_PAUSE {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("ACERVO_TEST_PAUSE_S", "60")))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0  # gone: retired long ago


def _generation_number(name: str) -> int:
    match = GENERATION.fullmatch(name)
    return int(match.group(1)) if match else 0


def _start_generation(live_dir: Path | None, new_dir: Path) -> None:
    """The starting point of a new generation: a copy of the live one, or an empty index."""
    new_dir.mkdir()
    if live_dir is None:
        index.create_in(str(new_dir), schema.build_schema())
        (new_dir / FORMAT_FILE).write_text(f"{schema.INDEX_FORMAT}\n", encoding="utf-8")
        return
    for source in live_dir.iterdir():
        target = new_dir / source.name
        if source.name.startswith(WHOOSH_FILE_PREFIXES) and source.name != WHOOSH_LOCK_FILE:
            try:
                os.link(source, target)
                continue
            except OSError:
                pass  # a file system without hard links: copy instead
        shutil.copyfile(source, target)  # the catalog is updated in place: a real copy


def _fsync_tree(directory: Path) -> None:
    """Flush every file of a new generation, then the folder's entries, before the switch."""
    for path in directory.iterdir():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GenerationWriter:
    """The one writer of a new generation (IndexStore.new_generation): documents are written
    as they come (never the whole corpus in memory), then removals and catalog changes; the
    whole is committed when the block ends, or cancelled."""

    def __init__(self, directory: Path, now: float, history_from: Path | None = None) -> None:
        self._ix = index.open_dir(str(directory))
        self._writer = segment_writer(self._ix, limitmb=WRITER_LIMIT_MB, compound=COMPOUND_SEGMENTS)
        self._catalog = Catalog(directory, writable=True)
        if history_from is not None:
            self._catalog.import_history(history_from)
        self._now = now  # when this generation's documents arrive (search/catalog.py DocHistory)
        self._added: set[str] = set()
        self._removed = 0
        self.stats = UpdateStats(added=0, removed=0, documents=0, pages=0)  # set by the commit

    def __enter__(self) -> GenerationWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        try:
            if exc_type is not None:
                self._writer.cancel()
                return
            self._writer.commit(mergetype=merge_small)
            self._catalog.commit()
        except BaseException:
            self._writer.cancel()
            raise
        finally:
            self._catalog.close()
        self.stats = _stats(self._ix, added=len(self._added), removed=self._removed)

    def add(self, doc: ExtractedDocument) -> None:
        if doc.doc_id in self._added:
            return  # the same content given twice: index it once
        _delete(self._writer, doc.doc_id)  # a changed document replaces its old records
        self._catalog.put(doc, self._now)
        fields = doc_record(doc, self._writer.schema)  # not _ix.schema: it unpickles anew
        self._writer.add_document(**fields)
        for record in page_records(doc):
            self._writer.add_document(**record)
        for unit in records.record_units(doc, fields):  # lessons-learned records
            self._writer.add_document(**unit)
        self._added.add(doc.doc_id)

    def remove(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            if doc_id not in self._added and _delete(self._writer, doc_id):
                self._catalog.forget(doc_id)
                self._removed += 1

    def apply(self, changes: CatalogChanges) -> None:
        """The catalog's other news: new stats of unchanged files, the run's failures."""
        self._catalog.apply(changes)


def _delete(writer: IndexWriter, doc_id: str) -> bool:
    # Deletes both kinds of records of the document in the copied segments (not the ones added
    # by this writer, which Whoosh only sees after the commit).
    return writer.delete_by_term("doc_id", doc_id) > 0


def _stats(ix: FileIndex, added: int, removed: int) -> UpdateStats:
    # docs_for_query skips deleted records; doc_frequency would still count them.
    with ix.searcher() as searcher:
        documents, pages = _count(searcher, schema.DOC), _count(searcher, schema.PAGE)
    return UpdateStats(added=added, removed=removed, documents=documents, pages=pages)


def _count(searcher: WhooshSearcher, kind: str) -> int:
    return sum(1 for _ in searcher.docs_for_query(Term("kind", kind)))


@dataclass(frozen=True)
class AnalysedBody:
    """A document's text analysed once for its doc record (`analyse_body`)."""

    terms: list[str]  # the body field's terms in order: term i is at position i
    # (page number, position of its first term, position after its last), each page with text
    page_starts: list[tuple[int, int, int]]
    words: list[str]  # the `words` field: each unstemmed word of the title and text once


def analyse_body(
    doc: ExtractedDocument, body: CachedChainAnalyzer, surface: CachedChainAnalyzer
) -> AnalysedBody:
    """The body's terms, where each page starts among them and the distinct words, in one pass.

    Whoosh indexes a list as given, without its analyzer: the page records are not indexed
    (passages read the doc record's positions, search/snippets.py), and `words` is made from
    the words this pass met instead of a second tokenization of the text.
    """
    terms: list[str] = []
    starts = []
    seen: dict[str, None] = dict.fromkeys(_WORD.findall(doc.metadata.title))
    for page in doc.pages:
        if page.text.strip():  # pages with text have a page record (page_records)
            start = len(terms)
            terms += body.index_terms(page.text, seen)
            starts.append((page.number, start, len(terms)))
    words = list(dict.fromkeys(surface.index_terms(" ".join(seen))))
    return AnalysedBody(terms, starts, words)


def doc_record(doc: ExtractedDocument, fields: WhooshSchema) -> dict:
    """The fields of a document's doc record, analysed with the analyzers of `fields` (the
    schema of the index it goes to)."""
    meta = doc.metadata
    title_field, body_field = schema.text_fields(meta.language)
    body = analyse_body(doc, fields[body_field].analyzer, fields[schema.WORDS_FIELD].analyzer)
    record = {
        "kind": schema.DOC,
        "doc_id": doc.doc_id,
        "page": 0,
        title_field: meta.title,
        body_field: body.terms,  # a list: indexed as given (analyse_body)
        schema.WORDS_FIELD: body.words,
        "page_starts": body.page_starts,
        "path": list(doc.paths),
        "excerpt": _excerpt(doc),
        "title": meta.title,
        "paths": list(doc.paths),
        "sha256": doc.sha256,
        "format": doc.format,
        "pages": len(doc.pages),
        "size": doc.size,
        "provenance": {name: str(source) for name, source in meta.provenance.items()},
        "metadata_problems": [asdict(problem) for problem in meta.notes],
        "minhash": list(doc.minhash),
        "number_minhash": list(doc.number_minhash),
    }
    facets = {
        "near_duplicates": ",".join(doc.near_duplicates),
        "translations": ",".join(doc.translations),
        "agency": ",".join(meta.agencies),
        "topic": ",".join(meta.topics),
        "year": meta.year,
        "language": meta.language,
        "doc_type": meta.doc_type,
        "visibility": meta.visibility,  # who may see it (search/access.py)
    }
    # Empty values are left out: Whoosh cannot index None, and "" would become a facet value
    # ("sin dato" is the absence of the field).
    record |= records.doc_facet_fields(doc)  # places, and the facets of its lesson records
    return record | {name: value for name, value in facets.items() if value not in (None, "")}


_WORD = re.compile(TOKEN_PATTERN)


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
    """A record per page with text: its stored text (not indexed: see analyse_body)."""
    for page in doc.pages:
        if page.text.strip():
            yield {
                "kind": schema.PAGE,
                "doc_id": doc.doc_id,
                "page": page.number,
                "text": page.text,
            }
