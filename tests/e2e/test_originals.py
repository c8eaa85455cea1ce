"""`/documento/<id>/archivo` after the corpus changed under a running server (issue 11).

A real corpus is ingested by the real `acervo ingest` process, then served by waitress; each
test tampers with its own file the way an attacker with write access to the corpus (or an
unlucky administrator) would, and asks for the original over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import waitress
from conftest import acervo

from acervo.web import create_app

SECRET = "contenido secreto fuera del corpus"
# file name -> its text; each test below tampers with one of them
FILES = {
    "enlace.txt": "Informe sobre movilidad humana en Carchi, reemplazado luego por un enlace.",
    "carpeta/informe.txt": "Informe de la carpeta que luego se cambia por un enlace.",
    "editado.txt": "Informe editado despues de la ingesta con el mismo tamano exacto.",
    "recortado.txt": "Informe recortado despues de la ingesta, mas corto que antes.",
    "tuberia.txt": "Informe que luego se cambia por una tuberia con nombre.",
    "intacto.txt": "Informe sobre educacion de ninos migrantes que nadie toca.",
    "pagina.html": "<html><head><title>Pagina</title></head><body><p>Informe</p></body></html>",
    "linea\r\nnueva.txt": "Informe cuyo nombre tiene un salto de linea.",
}


@dataclass(frozen=True)
class Served:
    corpus: Path
    outside: Path
    base_url: str
    ids: dict[str, str]  # file name (relative) -> document id


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("originals")
    corpus, outside, index = base / "corpus" / "ACNUR" / "2021", base / "fuera", base / "index"
    for name, text in FILES.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    outside.mkdir()
    run = acervo("--index", index, "ingest", "--quiet", base / "corpus")
    assert run.returncode == 0, run.stdout + run.stderr
    ids = {}
    for line in (index / "reports").glob("*.json"):
        report = json.loads(line.read_text())
        for entry in report["files"]:
            if entry["outcome"] == "added":
                ids[str(Path(entry["path"]).relative_to(corpus.resolve()))] = entry["doc_id"]
    assert set(ids) == set(FILES)
    app = create_app({"INDEX_DIR": index, "CORPUS_DIRS": (base / "corpus",)})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield Served(corpus.resolve(), outside, f"http://127.0.0.1:{server.effective_port}", ids)
    server.close()
    thread.join(timeout=5)


def get(served: Served, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    parts = urlsplit(served.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    answer = response.status, response.headers, response.read()
    connection.close()
    return answer


def original(served: Served, name: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    return get(served, f"/documento/{served.ids[name]}/archivo")


def test_an_untouched_file_is_served(served: Served) -> None:
    status, headers, body = original(served, "intacto.txt")
    assert status == 200
    assert body.decode() == FILES["intacto.txt"]
    assert headers["Content-Type"] == "text/plain"  # once, and no charset claimed for it


def test_a_file_swapped_for_a_link_is_not_followed(served: Served) -> None:
    secret = served.outside / "passwd"
    secret.write_text(SECRET)
    target = served.corpus / "enlace.txt"
    target.unlink()
    target.symlink_to(secret)
    status, _, body = original(served, "enlace.txt")
    assert status == 404
    assert SECRET.encode() not in body
    assert "ya no es el que se indexó" in body.decode()


def test_a_folder_swapped_for_a_link_is_not_followed(served: Served) -> None:
    # The same bytes outside the corpus: only the path check can tell it is not the indexed file.
    elsewhere = served.outside / "carpeta"
    elsewhere.mkdir()
    shutil.copy2(served.corpus / "carpeta" / "informe.txt", elsewhere / "informe.txt")
    shutil.rmtree(served.corpus / "carpeta")
    (served.corpus / "carpeta").symlink_to(elsewhere, target_is_directory=True)
    status, _, body = original(served, "carpeta/informe.txt")
    assert status == 404
    assert FILES["carpeta/informe.txt"].encode() not in body


def test_a_file_edited_to_the_same_size_is_not_served(served: Served) -> None:
    path = served.corpus / "editado.txt"
    text = FILES["editado.txt"]
    path.write_text(text.replace("Informe", "INFORME"), encoding="utf-8")
    status, _, body = original(served, "editado.txt")
    assert status == 404
    assert b"INFORME" not in body


def test_a_truncated_file_is_not_served(served: Served) -> None:
    (served.corpus / "recortado.txt").write_text("Informe", encoding="utf-8")
    assert original(served, "recortado.txt")[0] == 404


def test_a_named_pipe_in_place_of_the_file_is_refused_without_blocking(served: Served) -> None:
    path = served.corpus / "tuberia.txt"
    path.unlink()
    os.mkfifo(path)
    assert original(served, "tuberia.txt")[0] == 404


def test_a_name_with_cr_lf_is_served_with_a_safe_header(served: Served) -> None:
    status, headers, body = original(served, "linea\r\nnueva.txt")
    assert status == 200
    assert body.decode() == FILES["linea\r\nnueva.txt"]
    assert "linea__nueva.txt" in headers["Content-Disposition"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=informe",
        "/api/search?q=informe",
        "/export.csv?q=informe",
        "/export.json?q=informe",
        "/export.jsonl?q=informe",
        "/export.ris?q=informe",
        "/export.bib?q=informe",
        "/feed.atom",
        "/mapa?q=informe",
        "/mapa.csv?q=informe",
        "/mapa.svg?q=informe",
        "/entrar",
        "/seleccion",
        "/seleccion/export.csv",
        "/static/style.css",
        "/documento/0000000000000000",
        "html",
        "intacto.txt",
    ],
)
def test_content_type_names_the_charset_at_most_once(served: Served, path: str) -> None:
    if not path.startswith("/"):
        name = "pagina.html" if path == "html" else path
        path = f"/documento/{served.ids[name]}/archivo"
    _, headers, _ = get(served, quote(path, safe="/?=&"))
    content_type = headers["Content-Type"]
    assert content_type.lower().count("charset") <= 1, content_type
