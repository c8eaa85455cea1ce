"""An XLSX export leaves no temporary file behind, on a real `acervo serve`, when it fails (a
full disk: a real ENOSPC on a small tmpfs) and when the client goes away mid-download."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import serving

SETTLE_S = 20  # how long the server may take to finish an export its client left


@pytest.fixture(scope="module")
def tmp_disk(tmp_path_factory) -> Path:
    """A 1 MiB tmpfs the server uses as its TMPDIR. Needs root and mount; skipped elsewhere."""
    disk = tmp_path_factory.mktemp("tmpdisk")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield disk
    subprocess.run(["umount", str(disk)], check=False)


@pytest.fixture(scope="module")
def server(corpus_index, tmp_disk):
    with serving(corpus_index[0], {"TMPDIR": str(tmp_disk)}) as port:
        yield port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _left_over(disk: Path, *keep: str) -> list[str]:
    """Files on the server's TMPDIR besides `keep`, once running exports had time to end."""
    deadline = time.monotonic() + SETTLE_S
    while (found := sorted({p.name for p in disk.iterdir()} - set(keep))) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    return found


def test_a_failing_xlsx_export_says_so_and_leaves_no_file(server, tmp_disk):
    filler = tmp_disk / "filler"
    free = os.statvfs(tmp_disk).f_bavail * os.statvfs(tmp_disk).f_frsize
    filler.write_bytes(b"\0" * (free - 8192))  # 8 KiB left: less than the rows of every hit
    try:
        status, body = _get(f"http://127.0.0.1:{server}/export.xlsx?q=")
        assert status == 503
        assert "No se pudo escribir la exportación XLSX" in body.decode("utf-8")
        assert _left_over(tmp_disk, "filler") == []
    finally:
        filler.unlink()
    # with room again, the same export works
    status, body = _get(f"http://127.0.0.1:{server}/export.xlsx?q=")
    assert status == 200 and body.startswith(b"PK")
    assert _left_over(tmp_disk) == []


def test_a_client_leaving_mid_download_leaves_no_file(server, tmp_disk):
    with socket.create_connection(("127.0.0.1", server), timeout=30) as sock:
        sock.sendall(b"GET /export.xlsx?q= HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200")
    assert _left_over(tmp_disk) == []
    assert _get(f"http://127.0.0.1:{server}/api/search?q=salud")[0] == 200
