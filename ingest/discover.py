"""Find the documents under the corpus folders: files on disk -> SourceFile.

The walk is sorted at every level, so two runs over the same folders yield the same files in the
same order. A file that cannot be read is not dropped: it comes out as an ExtractionFailure in
the same stream, so the run report names it. The caller separates the two with isinstance.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from stat import S_ISREG

from acervo.ingest.models import Actor, ExtractionFailure, FailureKind, FileStat, SourceFile

HASH_CHUNK_BYTES = 1024 * 1024
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")
FOLDER_MANIFEST = "_metadata.csv"
# Word and LibreOffice leave "~$name.docx" / ".~lock" files beside open documents; they are
# not studies, and failing on them would only add noise to the report.
OFFICE_LOCK_PREFIX = "~$"

Found = SourceFile | ExtractionFailure
# What the index knows about a path (None: never seen); lets discover skip hashing it.
KnownStat = Callable[[str], FileStat | None]


def discover(roots: Sequence[Path], known: KnownStat | None = None) -> Iterator[Found]:
    """Yield every candidate document under `roots` (sorted, hidden files and sidecars skipped).

    Unreadable files, broken links and links that leave their root come out as failures.
    A file reached twice (overlapping roots) is yielded once. A file whose size and mtime_ns
    match what `known` returns for its path keeps that hash and is not read again.
    """
    seen: set[Path] = set()
    for root in roots:
        root = Path(os.path.abspath(root))
        for path in _walk(root, root.resolve(), frozenset()):
            if path in seen:
                continue
            seen.add(path)
            yield _source_file(path, root, known)


def rediscover(paths: Iterable[Path], roots: Sequence[Path]) -> Iterator[Found]:
    """`paths` found again, hashed anew (they changed since `discover` saw them)."""
    for path in paths:
        root = next((r for r in roots if path.is_relative_to(r)), path.parent)
        yield _source_file(path, Path(os.path.abspath(root)))


def vanished(path: Path | str) -> ExtractionFailure:
    """A file deleted or moved away while the run went on: an ordinary outcome."""
    return ExtractionFailure(
        path=display_path(path),
        kind=FailureKind.VANISHED,
        reason=(
            "El archivo desapareció durante la ingesta (se borró o se movió): no se indexó. "
            "Si se movió dentro del corpus, la próxima ingesta lo encontrará en su lugar nuevo."
        ),
        actor=Actor.NOBODY,
    )


def changed_while_read(path: Path | str) -> ExtractionFailure:
    """A file that changed while it was read, also on the second try (still being copied)."""
    return ExtractionFailure(
        path=display_path(path),
        kind=FailureKind.CHANGED,
        reason=(
            "El archivo cambió mientras se leía, también al reintentarlo (¿se está copiando o "
            "editando todavía?): no se indexó esta vez. Vuelva a ejecutar la ingesta cuando "
            "termine de escribirse."
        ),
        actor=Actor.ADMINISTRATOR,
    )


def is_sidecar(name: str) -> bool:
    """True for metadata files written by an administrator, which are not documents."""
    return name == FOLDER_MANIFEST or name.lower().endswith(SIDECAR_SUFFIXES)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.startswith(OFFICE_LOCK_PREFIX) or is_sidecar(name)


def _walk(folder: Path, real_root: Path, ancestors: frozenset[Path]) -> Iterator[Path]:
    """Paths of the files under `folder`, sorted by name at each level.

    `ancestors` holds the real paths of the folders above: a link back to one of them would
    loop forever. A link to a sibling folder is walked: its files are copies, grouped later.
    """
    real = folder.resolve()
    if real in ancestors:
        return
    ancestors = ancestors | {real}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        # An unreadable folder is reported like a file, so the administrator sees it.
        yield folder
        return
    for entry in entries:
        if _skipped(entry.name):
            continue
        path = Path(entry.path)
        if not _utf8_path(path):
            yield path  # reported once by _source_file, a folder with everything in it
        elif entry.is_dir(follow_symlinks=False) or (entry.is_symlink() and path.is_dir()):
            if not entry.is_symlink() or path.resolve().is_relative_to(real_root):
                yield from _walk(path, real_root, ancestors)
            else:
                yield path  # reported by _source_file as a link outside the root
        else:
            yield path


def _source_file(path: Path, root: Path, known: KnownStat | None = None) -> Found:
    if not _utf8_path(path):
        return _undecodable_name(path)
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        return _unreadable(path, "Enlace a un lugar fuera de la carpeta del corpus; no se sigue")
    if path.is_dir():
        return _unreadable(path, "Carpeta que no se puede abrir")
    try:
        stat = path.stat()
        # Opening a named pipe would block the run forever; devices and sockets are no better.
        if not S_ISREG(stat.st_mode):
            return _unreadable(path, "No es un archivo normal (tubería, dispositivo o socket)")
        digest = _known_digest(path, stat, known) or _sha256(path)
    except FileNotFoundError:
        if path.is_symlink():
            return _unreadable(path, "Enlace roto (apunta a un archivo que no existe)")
        return vanished(path)
    except OSError as err:
        return _unreadable(path, f"No se puede leer el archivo ({err.strerror or err})")
    return SourceFile(
        path=path, size=stat.st_size, mtime=stat.st_mtime, sha256=digest, mtime_ns=stat.st_mtime_ns
    )


def _known_digest(path: Path, stat: os.stat_result, known: KnownStat | None) -> str | None:
    """The indexed hash when size and mtime_ns are as the index saw them (the cheap check)."""
    seen = known(str(path)) if known else None
    if seen and (seen.size, seen.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        return seen.sha256
    return None


def _sha256(path: Path) -> str:
    """Hash in chunks: studies can be hundreds of megabytes and must not be read at once."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def display_path(path: Path | str) -> str:
    """`path` as text that can be printed and stored: bytes that are not UTF-8 (kept by Python
    as lone surrogates) become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _utf8_path(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode kept undecodable bytes as lone surrogates
        return False
    return True


def _undecodable_name(path: Path) -> ExtractionFailure:
    """A name that is not UTF-8 (a Latin-1 "informe-migraci\xf3n.txt" from a Windows zip) fails
    alone: the index, its catalog and the reports store text, and such a name is not text.
    The reason proposes the name read as Windows-1252, the usual origin."""
    shown = display_path(path)
    guess = os.fsencode(path.name).decode("cp1252", "replace")
    what = "Carpeta" if path.is_dir() else "Archivo"
    return ExtractionFailure(
        path=shown,
        kind=FailureKind.UNSUPPORTED,
        reason=(
            f"{what} con un nombre que no es UTF-8 (suele venir de un ZIP de Windows); no se "
            f"indexa. Renómbrelo, por ejemplo a «{guess}» (convmv -f cp1252 -t utf-8 -r "
            "--notest CARPETA lo hace con todos), y vuelva a ejecutar la ingesta."
        ),
        actor=Actor.ADMINISTRATOR,
    )


def _unreadable(path: Path, what: str) -> ExtractionFailure:
    # FailureKind has no "unreadable"; ERROR with the administrator as actor puts it in the
    # group of people who can fix permissions or links.
    return ExtractionFailure(
        path=str(path),
        kind=FailureKind.ERROR,
        reason=f"{what}: revise permisos y enlaces, o quítelo del corpus.",
        actor=Actor.ADMINISTRATOR,
    )
