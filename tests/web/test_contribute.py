"""The upload API and the curating routes over a real waitress server, a real index, a real
SQLite database and the background ingest worker (issue 16)."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from flask.testing import FlaskClient
from repository_site import (
    ACNUR_DOC,
    BIG,
    DRAFT,
    ORIGINAL,
    PASSWORD,
    REALDOCS,
    Site,
    repository,
    wait_until,
)

from acervo import accounts, audit, db

CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
META = {"title": "Inclusión financiera: borrador", "agencies": ["PNUD"], "year": 2022,
        "topics": ["medios-de-vida"], "visibility": "publico"}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with repository(tmp_path_factory.mktemp("repo")) as built:
        yield built


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[tuple[str, int]]:
    httpd = waitress.create_server(site.app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield "127.0.0.1", httpd.effective_port
    httpd.close()
    thread.join(timeout=5)


def _multipart(path: Path | None, metadata: object, name: str | None = None):
    boundary = uuid.uuid4().hex
    parts = []
    if path is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name or path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            .encode() + path.read_bytes() + b"\r\n"
        )  # fmt: skip
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n'
                 f"{text}\r\n".encode())  # fmt: skip
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def _call(server, method: str, url: str, token: str | None = None, body: bytes = b"",
          boundary: str = "") -> tuple[int, dict]:  # fmt: skip
    conn = http.client.HTTPConnection(*server, timeout=60)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if boundary:
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    conn.request(method, url, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data or b"{}")


def _upload(server, token, path, metadata=META, name=None) -> tuple[int, dict]:
    body, boundary = _multipart(path, metadata, name)
    return _call(server, "POST", "/api/uploads", token, body, boundary)


def _job(server, token, job_id: int) -> dict:
    return _call(server, "GET", f"/api/jobs/{job_id}", token)[1]


def _finished(server, token, job_id: int) -> dict:
    wait_until(lambda: _job(server, token, job_id)["state"] not in ("queued", "processing"))
    return _job(server, token, job_id)


def _search(server, query: str, token: str | None = None) -> list[str]:
    status, data = _call(server, "GET", f"/api/search?q={query}", token)
    assert status == 200
    return [hit["id"] for hit in data["hits"]]


def test_an_api_upload_is_queued_indexed_pending_and_says_what_it_resembles(site, server):
    token = site.token("pepe")
    status, job = _upload(server, token, DRAFT)
    assert status == 202 and job["state"] == "queued" and job["url"] == f"/api/jobs/{job['id']}"
    done = _finished(server, token, job["id"])
    assert done["state"] == "indexed" and done["review"] == "pendiente"
    assert done["similar"] == [site.doc_id(ORIGINAL)]  # "se parece a" the study already there
    assert (site.root / "PNUD/2022" / DRAFT.name).is_file()
    # pending: invisible to anonymous visitors and to another contributor, seen by the uploader
    assert done["doc_id"] not in _search(server, "borrador")
    assert done["doc_id"] not in _search(server, "borrador", site.token("otro"))
    assert done["doc_id"] in _search(server, "borrador", token)
    entries = audit.entries(db.connect(site.database), action="doc.uploaded")
    assert [(e.actor, e.target) for e in entries] == [("pepe", done["doc_id"])]


def test_an_exact_copy_is_not_stored_again_and_names_the_existing_document(site, server):
    before = site.files()
    status, job = _upload(server, site.token("pepe"), ORIGINAL, name="copia.pdf")
    assert status == 200 and job["state"] == "duplicate"
    assert job["duplicate_of"] == site.doc_id(ORIGINAL)
    assert site.files() == before


@pytest.mark.parametrize(
    ("path", "metadata", "name", "status", "message"),
    [
        (BIG, META, None, 413, "supera el tamaño máximo de subida"),
        (REALDOCS / "hostile/renamed-docx-as.pdf", META, None, 400, "su contenido es un documento"),
        (REALDOCS / "hostile/bomb-docx-300mb.docx", META, None, 400, "bomba de descompresión"),
        (ACNUR_DOC, META, "../../../etc/x.pdf", 400, "contiene una ruta"),
        (DRAFT, {**META, "topics": ["astrologia"]}, None, 400,
         "Tema desconocido «astrologia». Valores válidos: educacion, salud"),
        (DRAFT, {**META, "agencies": ["ACNUR"]}, None, 400, "No puede subir documentos de ACNUR"),
        (DRAFT, "{no es json", None, 400, "no es JSON válido"),
        (None, META, None, 400, "Falta el archivo"),
    ],
)  # fmt: skip
def test_bad_uploads_get_a_clear_message_and_leave_nothing(
    site, server, path, metadata, name, status, message
):
    before, jobs_before = site.files(), len(site.jobs.list())
    got, body = _upload(server, site.token("pepe"), path, metadata, name)
    assert got == status and message in body["error"]
    assert site.files() == before and len(site.jobs.list()) == jobs_before


def test_bad_or_revoked_tokens_get_401_and_a_reader_403(site, server):
    assert _upload(server, "acv_inventado", DRAFT)[0] == 401
    token = site.token("otro")
    conn = db.connect(site.database)
    accounts.revoke_tokens(conn, "otro")
    conn.close()
    status, body = _upload(server, token, DRAFT, {**META, "agencies": ["UNICEF"]})
    assert status == 401 and "revocado" in body["error"]
    assert _upload(server, site.token("lola"), DRAFT)[0] == 403
    assert _call(server, "GET", "/api/jobs/1")[0] == 401


def test_an_upload_interrupted_half_way_leaves_nothing(site, server):
    before, jobs_before = site.files(), len(site.jobs.list())
    body, boundary = _multipart(ACNUR_DOC, {**META, "agencies": ["PNUD"]}, "cortado.pdf")
    with socket.create_connection(server, timeout=10) as raw:
        raw.sendall(
            f"POST /api/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{site.token('pepe')}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )  # the connection drops here
    _call(server, "GET", "/api/search?q=x")  # the server is still serving
    assert site.files() == before and len(site.jobs.list()) == jobs_before
    assert not any(".subida-" in f for f in site.files())


def _login(client: FlaskClient, name: str) -> None:
    token = CSRF.search(client.get("/entrar").get_data(as_text=True)).group(1)
    client.post("/entrar", data={"csrf_token": token, "name": name, "password": PASSWORD})


def _csrf(client: FlaskClient, url: str) -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def test_a_contributor_cannot_edit_another_agencys_document(site):
    with site.app.test_client() as client:
        _login(client, "pepe")  # PNUD
        doc_id = site.doc_id(ACNUR_DOC)
        assert client.get(f"/documento/{doc_id}/editar").status_code == 403
        form = {"csrf_token": _csrf(client, "/subir"), "title": "Mío", "agencies": "PNUD",
                "year": "2020"}  # fmt: skip
        response = client.post(f"/documento/{doc_id}/editar", data=form)
        assert response.status_code == 403
        assert "no tiene permiso" in response.get_data(as_text=True)
        assert not Path(f"{site.root}/{ACNUR_DOC.relative_to(ACNUR_DOC.parents[2])}"
                        ".meta.yaml").exists()  # fmt: skip


def test_a_curator_edits_metadata_applied_without_extracting_again(site, server):
    doc_id = site.doc_id(ACNUR_DOC)
    with site.app.test_client() as client:
        _login(client, "cura")
        form = {"csrf_token": _csrf(client, f"/documento/{doc_id}/editar"),
                "title": "Monitoreo de protección (revisado)", "agencies": ["ACNUR", "OIM"],
                "year": "2018", "topics": ["proteccion"], "visibility": "miembros"}  # fmt: skip
        assert client.post(f"/documento/{doc_id}/editar", data=form).status_code == 302
        wait_until(lambda: site.jobs.list("kind = 'metadata' AND state = 'indexed'"))
        page = client.get(f"/documento/{doc_id}").get_data(as_text=True)
    assert "Monitoreo de protección (revisado)" in page, page[:3000]
    assert "editado por cura" in page
    run = site.jobs.list("kind = 'metadata'")[0].run
    report = json.loads((site.index_dir / "reports" / f"{run}.json").read_text())
    entry = next(f for f in report["files"] if f["path"].endswith(ACNUR_DOC.name))
    assert entry["note"] == "metadatos actualizados sin volver a extraer"
    assert doc_id not in _search(server, "revisado")  # now for members only
    assert doc_id in _search(server, "revisado", site.token("lola"))
    edit = audit.entries(db.connect(site.database), action="doc.edited")[0]
    assert edit.actor == "cura" and edit.detail["after"]["visibility"] == "miembros"


def test_a_rejection_reason_reaches_the_uploader(site, server):
    token = site.token("pepe")
    path = REALDOCS / "es" / "sena-espinar-raices-violencia-genero.pdf"  # 96 KB
    status, job = _upload(server, token, path, {**META, "title": "Raíces de la violencia"})
    done = _finished(server, token, job["id"])
    assert done["review"] == "pendiente"
    with site.app.test_client() as client:
        _login(client, "cura")
        queue = client.get("/revision").text
        assert "Raíces de la violencia" in queue and "subido por pepe" in queue
        form = {"csrf_token": _csrf(client, "/revision"), "decision": "rechazar",
                "reason": "Falta la portada con el logo de la agencia."}  # fmt: skip
        client.post(f"/revision/{done['doc_id']}", data=form)
    rejected = _job(server, token, job["id"])
    assert rejected["review"] == "rechazado"
    assert rejected["review_reason"] == "Falta la portada con el logo de la agencia."
    with site.app.test_client() as client:
        _login(client, "pepe")
        assert "Falta la portada con el logo de la agencia." in client.get("/mis-envios").text
    assert done["doc_id"] not in _search(server, "violencia", site.token("lola"))
    rejection = audit.entries(db.connect(site.database), action="doc.rejected")[0]
    assert (rejection.actor, rejection.target) == ("cura", done["doc_id"])


def test_withdraw_hides_from_all_but_curators_and_restore_brings_back(site, server):
    doc_id = site.doc_id(ORIGINAL)
    assert doc_id in _search(server, "emprendimiento")
    with site.app.test_client() as client:
        _login(client, "cura")
        token = _csrf(client, f"/documento/{doc_id}")
        client.post(f"/documento/{doc_id}/retirar", data={"csrf_token": token})
        assert doc_id not in _search(server, "emprendimiento")
        assert doc_id not in _search(server, "emprendimiento", site.token("pepe"))
        assert doc_id in _search(server, "emprendimiento", site.token("cura"))
        assert "Retirado: solo lo ven los curadores" in client.get(f"/documento/{doc_id}").text
        client.post(f"/documento/{doc_id}/restaurar", data={"csrf_token": token})
    assert doc_id in _search(server, "emprendimiento")
    actions = [e.action for e in audit.entries(db.connect(site.database), action="doc.")]
    assert "doc.withdrawn" in actions and "doc.restored" in actions


def test_roles_below_an_action_get_403(site):
    doc_id = site.doc_id(ORIGINAL)
    with site.app.test_client() as client:
        _login(client, "lola")
        assert client.get("/subir").status_code == 403
        assert client.get("/revision").status_code == 403
    with site.app.test_client() as client:
        _login(client, "pepe")
        token = _csrf(client, "/subir")
        assert client.post(f"/documento/{doc_id}/retirar", data={"csrf_token": token}
                           ).status_code == 403  # fmt: skip
        assert client.get(f"/documento/{doc_id}/borrar").status_code == 403
        assert client.get("/admin/ingestas").status_code == 403


def test_an_admin_deletes_a_document_for_good_after_confirming(site, server):
    token = site.token("cura")  # a curator's upload is published at once
    path = REALDOCS / "es" / "fundar-alc-sistemas-salud-covid.pdf"  # 97 KB
    status, job = _upload(server, token, path, {**META, "title": "Para borrar"})
    done = _finished(server, token, job["id"])
    assert done["state"] == "indexed" and done["review"] == "publicado"
    stored = site.root / "PNUD/2022" / path.name
    assert stored.is_file() and Path(f"{stored}.meta.yaml").is_file()
    with site.app.test_client() as client:
        _login(client, "ana")
        url = f"/documento/{done['doc_id']}/borrar"
        assert "borrar para siempre" in client.get(url).text  # asks first
        client.post(url, data={"csrf_token": _csrf(client, url)})  # without confirming
        assert stored.is_file()
        client.post(url, data={"csrf_token": _csrf(client, url), "confirm": done["doc_id"]})
    assert not stored.exists() and not Path(f"{stored}.meta.yaml").exists()
    wait_until(lambda: site.jobs.list("kind = 'delete' AND state = 'indexed'"))
    with site.app.test_client() as client:
        _login(client, "ana")
        assert client.get(f"/documento/{done['doc_id']}").status_code == 404
    deleted = audit.entries(db.connect(site.database), action="doc.deleted")[0]
    assert (deleted.actor, deleted.target) == ("ana", done["doc_id"])


def test_the_admin_sees_failures_with_who_must_act_and_retries_one(site, server):
    token = site.token("pepe")
    scan = REALDOCS / "hostile/truncated-tracemonkey-40pct.pdf"  # a PDF cut short: damaged
    status, job = _upload(server, token, scan, {**META, "title": "Dañado"})
    failed = _finished(server, token, job["id"])
    assert failed["state"] == "failed" and failed["actor"] == "administrator"
    assert failed["reason"]
    with site.app.test_client() as client:
        _login(client, "ana")
        page = client.get("/admin/ingestas").text
        assert scan.name in page and "Debe actuar el administrador" in page
        stored = str(site.root / "PNUD/2022" / scan.name)
        form = {"csrf_token": _csrf(client, "/admin/ingestas"), "path": stored}
        client.post("/admin/ingestas/reintentar", data=form)
        wait_until(lambda: site.jobs.list("kind = 'retry' AND state = 'failed'"))
        retry = site.jobs.list("kind = 'retry'")[0]
        report = json.loads((site.index_dir / "reports" / f"{retry.run}.json").read_text())
        entry = next(f for f in report["files"] if f["path"] == stored)
        assert entry["outcome"] == "failed"
        assert "no se volvió a extraer" not in entry.get("note", "")
        assert "ingest.retry" in [e.action for e in audit.entries(db.connect(site.database))]
        outside = {"csrf_token": _csrf(client, "/admin/ingestas"), "path": "/etc/passwd"}
        assert client.post("/admin/ingestas/reintentar", data=outside).status_code == 400
