"""The original file of an indexed document, opened only while it is still the file indexed.

Between an ingest and a download the corpus can change: a file replaced by a link
(`ln -s /etc/passwd informe.pdf`), a folder swapped for a link, a file edited or truncated. The
server serves the bytes it indexed or nothing: a regular file, opened without following a link
in its last component (O_NOFOLLOW), found after opening at exactly the path the index holds (so
no folder on the way was a link), with the size and SHA-256 the catalog recorded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from acervo.ingest.models import FileStat

log = logging.getLogger(__name__)

HASH_CHUNK_BYTES = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)

KnownStat = Callable[[str], FileStat | None]  # the catalog's stats of an indexed path


@dataclass(frozen=True)
class Original:
    handle: BinaryIO  # positioned at the start; the response closes it
    name: str  # the file's name for Content-Disposition, without control characters


def open_original(
    paths: Iterable[str], size: int, sha256: str, known: KnownStat
) -> Original | None:
    """The first of `paths` that is still the indexed content, open; None when none is.

    Every refusal is logged with its reason: the next ingest will see the same change and
    update or report the document (README "Administration").
    """
    for path in paths:
        if not path:
            continue
        handle = _open_regular_file(path)
        if handle is None:
            continue
        problem = _changed(handle, path, size, sha256, known)
        if problem is None:
            handle.seek(0)
            return Original(handle, printable_name(os.path.basename(path)))
        handle.close()
        log.warning("No se sirve %r: %s; la próxima ingesta lo actualizará.", path, problem)
    return None


def printable_name(name: str) -> str:
    """`name` with control characters replaced (a CR/LF would break the HTTP header) and
    undecodable bytes shown as U+FFFD."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join("_" if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)


def _open_regular_file(path: str) -> BinaryIO | None:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:  # gone, unreadable, or a link in the last component (ELOOP)
        log.warning("No se sirve %r: no se puede abrir sin seguir enlaces (%s).", path, exc)
        return None
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        log.warning("No se sirve %r: no es un archivo normal.", path)
        handle.close()
        return None
    return handle


def _changed(handle: BinaryIO, path: str, size: int, sha256: str, known: KnownStat) -> str | None:
    """Why the open file is not the one indexed at `path`, or None when it is."""
    opened = _opened_path(handle.fileno())
    if opened is not None and opened != os.path.normpath(path):
        return f"la ruta lleva a otro lugar ({opened!r}): una carpeta se cambió por un enlace"
    if opened is None and os.path.realpath(path) != os.path.normpath(path):
        return "la ruta pasa por un enlace"
    now = os.fstat(handle.fileno())
    if now.st_size != size:
        return f"su tamaño cambió ({now.st_size} bytes, indexado con {size})"
    seen = known(path)
    if seen and (seen.size, seen.mtime_ns, seen.sha256) == (now.st_size, now.st_mtime_ns, sha256):
        return None  # as the catalog saw it: same cheap check as a re-ingest
    if _sha256(handle) != sha256:
        return "su contenido cambió desde la ingesta"
    return None


def _opened_path(fd: int) -> str | None:
    """Where the open file really is (Linux /proc), or None where that cannot be asked."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(HASH_CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()
