"""The ingest lock: one ingest per index folder, a message naming the holder, stale locks."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.search.lock import STALE_AFTER_S, Holder, IndexLock, IndexLocked, read_holder

HOLD = """
import sys, time
from acervo.search.lock import IndexLock
with IndexLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def write_holder(root: Path, **changes: object) -> Holder:
    holder = dataclasses.replace(Holder.me(), **changes)
    root.mkdir(parents=True, exist_ok=True)
    (root / "ingest.lock").write_text(json.dumps(dataclasses.asdict(holder)), encoding="utf-8")
    return holder


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_a_live_ingest_in_another_process_is_named(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexLocked) as refused, IndexLock(tmp_path):
            pass
        message = str(refused.value)
        assert f"proceso {holder.pid} en {socket.gethostname()}" in message
        assert "Espere a que termine" in message and "-c" in message  # its command line
    finally:
        holder.kill()
        holder.wait()
    with IndexLock(tmp_path):  # free once it is gone
        assert read_holder(tmp_path / "ingest.lock").pid == os.getpid()
    assert read_holder(tmp_path / "ingest.lock") is None  # released: the file is emptied


def test_the_lock_of_a_dead_process_is_taken_over_with_a_warning(tmp_path: Path) -> None:
    stale = write_holder(tmp_path, pid=dead_pid(), command="acervo ingest corpus/")
    warnings: list[str] = []
    with IndexLock(tmp_path, warn=warnings.append):
        assert read_holder(tmp_path / "ingest.lock").pid == os.getpid()
    [warning] = warnings
    assert f"proceso {stale.pid}" in warning and "ese proceso ya no existe" in warning


def test_a_recent_lock_from_another_host_is_respected(tmp_path: Path) -> None:
    write_holder(tmp_path, host="otro-servidor", pid=4242)
    with pytest.raises(IndexLocked, match="proceso 4242 en otro-servidor"), IndexLock(tmp_path):
        pass


def test_an_old_lock_from_another_host_is_stale(tmp_path: Path) -> None:
    write_holder(tmp_path, host="otro-servidor", pid=4242, started="2020-01-01T00:00:00+00:00")
    warnings: list[str] = []
    with IndexLock(tmp_path, warn=warnings.append, stale_after_s=STALE_AFTER_S):
        pass
    assert "es de otro equipo" in warnings[0]


def test_the_lock_is_reentrant_within_a_run(tmp_path: Path) -> None:
    lock = IndexLock(tmp_path)
    with lock, lock:  # build_index holds it, IndexStore.update nests
        assert read_holder(tmp_path / "ingest.lock").pid == os.getpid()
    assert read_holder(tmp_path / "ingest.lock") is None
