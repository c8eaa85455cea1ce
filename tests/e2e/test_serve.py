"""`acervo serve`: the real command on waitress, answering real HTTP on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import acervo

STARTUP_S = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def server(corpus_index):
    index, _ = corpus_index
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "acervo", "--index", str(index), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_search_page_and_api_agree_with_the_cli(server, corpus_index):
    index, _ = corpus_index
    status, page = _get(f"{server}/?q=educacion+ninos")
    assert status == 200
    assert "niños" in page and "<mark" in page
    status, body = _get(f"{server}/api/search?q=educacion+ninos")
    assert status == 200
    cli = json.loads(acervo("--index", index, "search", "educacion ninos", "--json").stdout)
    assert json.loads(body)["total"] == cli["total"]


def test_bad_query_is_400_with_a_message(server):
    status, body = _get(f"{server}/api/search?q=%22sin+cerrar")
    assert status == 400
    assert "comillas" in json.loads(body)["error"]


def test_missing_index_refuses_to_start_with_advice(tmp_path):
    run = acervo("--index", tmp_path / "none", "serve", "--port", str(_free_port()), timeout=30)
    assert run.returncode == 3
    assert "acervo ingest" in run.stderr
