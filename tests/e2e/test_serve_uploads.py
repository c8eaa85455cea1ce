"""`acervo serve` starts the background ingest worker: a file uploaded through the API of a real
server process becomes searchable without anyone running `acervo ingest` (issue 16), and a job
left queued while the server was down is indexed when it starts again."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ORIGINAL = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento.pdf"
DRAFT = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento-borrador.pdf"
OTHER = CORPUS / "ACNUR/2018/monitoreo-proteccion-frontera.pdf"
STARTUP_S = 60
INDEXED_S = 180


@pytest.fixture
def repo(tmp_path: Path) -> dict[str, str]:
    """A corpus with one study, its index and database, and a contributor's API token. The
    folders are given relative to the working directory, as in acervo.toml's defaults."""
    root = tmp_path / "corpus"
    (root / "PNUD/2022").mkdir(parents=True)
    shutil.copy(ORIGINAL, root / "PNUD/2022" / ORIGINAL.name)
    env = os.environ | {"ACERVO_INDEX": "index", "ACERVO_CORPUS": "corpus",
                        "ACERVO_WORKERS": "1", "cwd": str(tmp_path)}  # fmt: skip
    _acervo(env, "ingest", "--quiet")
    _acervo(env, "users", "add", "pepe", "--role", "contribuyente", "--agency", "PNUD")
    token = _acervo(env, "users", "token", "pepe").split()[0]
    return env | {"token": token}


def _acervo(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "acervo", *args], env=env, text=True,
                          cwd=env["cwd"], capture_output=True, stdin=subprocess.DEVNULL,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "acervo", "serve", "--port", str(port)], env=env, cwd=env["cwd"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + STARTUP_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)


def _request(port: int, token: str, method: str, url: str, path: Path | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if path is not None:
        boundary = uuid.uuid4().hex
        metadata = {"title": "Subido al servidor", "agencies": ["PNUD"], "year": 2022}
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"'
            f"\r\n\r\n".encode() + path.read_bytes() + f"\r\n--{boundary}\r\nContent-Disposition: "
            f'form-data; name="metadata"\r\n\r\n{json.dumps(metadata)}\r\n--{boundary}--\r\n'
            .encode()
        )  # fmt: skip
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, url, body=body, headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    conn.close()
    return response.status, data


def _state_when_done(port: int, token: str, job_id: int) -> dict:
    deadline = time.monotonic() + INDEXED_S
    while True:
        job = _request(port, token, "GET", f"/api/jobs/{job_id}")[1]
        if job["state"] not in ("queued", "processing") or time.monotonic() > deadline:
            return job
        time.sleep(0.3)


def test_serve_indexes_an_upload_with_its_own_worker(repo):
    proc, port = _serve(repo)
    try:
        status, job = _request(port, repo["token"], "POST", "/api/uploads", DRAFT)
        assert status == 202
        done = _state_when_done(port, repo["token"], job["id"])
        assert done["state"] == "indexed" and done["review"] == "pendiente"
        found = _request(port, repo["token"], "GET", "/api/search?q=borrador")[1]
        assert done["doc_id"] in [hit["id"] for hit in found["hits"]]  # the uploader sees it
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_job_queued_when_the_server_stopped_is_indexed_after_a_restart(repo):
    proc, port = _serve(repo)
    # Hold the index lock as a long CLI ingest would: the worker waits, the job stays queued.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from acervo.search.indexer import IndexStore; "
         "lock = IndexStore(sys.argv[1]).lock; lock.__enter__(); print('ok', flush=True); "
         "time.sleep(600)", repo["ACERVO_INDEX"]],
        stdout=subprocess.PIPE, text=True, cwd=repo["cwd"],
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "ok"
    try:
        status, job = _request(port, repo["token"], "POST", "/api/uploads", OTHER)
        assert status == 202
        proc.kill()  # the server dies with the job not indexed
        proc.wait(timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    proc, port = _serve(repo)
    try:
        done = _state_when_done(port, repo["token"], job["id"])
        assert done["state"] == "indexed"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
