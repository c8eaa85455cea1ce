"""One ingest at a time per index folder: a lock file that names its holder.

The file `ingest.lock` holds JSON about the holder (pid, host, start time, command) and is
locked with `flock` while the holder lives. The kernel releases a `flock` when its process dies
(even by `kill -9`), so on the same host a lock file we can `flock` but that still names
someone is stale and is taken over with a warning. On another host (a shared disk) we cannot
see the process: its lock counts until it is older than `stale_after_s`.

The file is emptied, never deleted, on release: deleting a locked file lets a third process
create a new one and lock it while the second still holds the old inode.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

LOCK_FILE = "ingest.lock"
STALE_AFTER_S = 12 * 3600  # a lock from another host older than this is considered abandoned
LOCK_WAIT_S = 2.0


class IndexLocked(RuntimeError):
    """Another ingest holds the index; the message names it."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str  # ISO 8601, UTC
    command: str

    @classmethod
    def me(cls) -> Holder:
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), started, " ".join(sys.argv))

    def age_s(self) -> float:
        try:
            return time.time() - dt.datetime.fromisoformat(self.started).timestamp()
        except ValueError:
            return float("inf")  # an unreadable date: nothing says the lock is recent

    def describe(self) -> str:
        return (
            f"proceso {self.pid} en {self.host}, iniciado el {self.started}, orden «{self.command}»"
        )


class IndexLock:
    """Re-entrant within one process: `build_index` holds it and `IndexStore.update` nests."""

    def __init__(
        self,
        root: Path,
        warn: Callable[[str], None] | None = None,
        stale_after_s: float = STALE_AFTER_S,
    ) -> None:
        self.path = Path(root) / LOCK_FILE
        self._warn = warn or (lambda message: print(message, file=sys.stderr))
        self._stale_after_s = stale_after_s
        self._handle: IO[str] | None = None
        self._depth = 0

    def __enter__(self) -> IndexLock:
        if self._depth == 0:
            self._acquire()
        self._depth += 1
        return self

    def __exit__(self, *_exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._release()

    def _acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            self._check_holder(handle)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(asdict(Holder.me()), ensure_ascii=False))
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            raise
        self._handle = handle

    def _check_holder(self, handle: IO[str]) -> None:
        if not _flock_soon(handle):
            holder = read_holder(self.path)
            if not (holder and holder.host == socket.gethostname() and not _pid_alive(holder.pid)):
                raise IndexLocked(_busy_message(self.path.parent, holder))
            # The holder is dead but the lock is still held: by extraction workers it forked
            # (they share its open file), which are not writing the index. Go on.
        previous = read_holder(self.path)
        if previous is None:
            return
        if previous.host != socket.gethostname() and previous.age_s() <= self._stale_after_s:
            fcntl.flock(handle, fcntl.LOCK_UN)
            raise IndexLocked(_busy_message(self.path.parent, previous))
        self._warn(
            f"Aviso: se toma el bloqueo abandonado de {self.path} ({previous.describe()}); "
            f"{_why_stale(previous)}. Si aquella ingesta se interrumpió, esta la completa."
        )

    def _release(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
        except OSError:
            pass  # an unwritable disk: the flock still goes with the close below
        finally:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _flock_soon(handle: IO[str]) -> bool:
    """Lock within LOCK_WAIT_S: the workers of a just-killed ingest die a moment after it."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


def running_ingest(root: Path) -> Holder | None:
    """Who holds the index's lock while an ingest runs (a held flock), else None."""
    path = Path(root) / LOCK_FILE
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path) or Holder(0, "?", "", "?")
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def read_holder(path: Path) -> Holder | None:
    """Who the lock file names, or None when it is empty or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(**data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _why_stale(holder: Holder) -> str:
    if holder.host != socket.gethostname():
        return f"es de otro equipo y tiene más de {STALE_AFTER_S // 3600} horas"
    if _pid_alive(holder.pid):
        return "ese número de proceso existe pero ya no tiene el bloqueo"
    return "ese proceso ya no existe"


def _busy_message(root: Path, holder: Holder | None) -> str:
    who = holder.describe() if holder else "un proceso que no se pudo identificar"
    return (
        f"Otra ingesta está actualizando el índice {root}: {who}. "
        "Espere a que termine y vuelva a ejecutar acervo ingest."
    )
