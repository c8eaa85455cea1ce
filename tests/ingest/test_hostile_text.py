"""Odd encodings and oversized text files through the real `acervo` command (issue 11).

Generated here: UTF-16 text without a BOM (what Windows tools write), and a 30 MB HTML file on
one single line, ingested with a worker memory limit far below what reading it whole took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.ingest.detect import HEAD_BYTES, detect_format
from acervo.ingest.models import MAX_PAGE_TEXT_CHARS
from acervo.ingest.worker import extract_file

SPANISH = "Informe sobre la migración venezolana en Ecuador: niñas, niños y adolescentes.\r\n"
HTML_UNIT = (
    "<p>Informe sobre <b>migración</b> venezolana en la frontera norte, con datos de "
    "<i>movilidad humana</i> y educación.</p><td>celda</td>"
)
BIG_HTML_BYTES = 30 * 1024 * 1024
# Reading the 30 MB file whole took about 940 MB; streamed, about 170 MB.
WORKER_MEMORY_MB = 400


def acervo(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acervo", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )


def write_big_html(path: Path) -> Path:
    units = BIG_HTML_BYTES // len(HTML_UNIT.encode())
    with path.open("w", encoding="utf-8") as handle:  # one line: no newline anywhere
        handle.write("<html><head><title>Informe grande</title></head><body>")
        for _ in range(units // 1000):
            handle.write(HTML_UNIT * 1000)
        handle.write("<p>palabrafinalinalcanzable</p></body></html>")
    return path


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "informe.txt"
    path.write_bytes((SPANISH * 20).encode(encoding))
    assert detect_format(path, path.read_bytes()[:HEAD_BYTES]) == "txt"
    text = extract_file(path)
    assert "migración venezolana" in text.pages[0].text
    assert "niñas, niños" in text.pages[0].text


def test_binary_with_nul_bytes_is_still_not_text(tmp_path: Path) -> None:
    path = tmp_path / "datos.bin"
    path.write_bytes(bytes(range(256)) * 64)
    assert detect_format(path, path.read_bytes()[:HEAD_BYTES]) == "unknown"


def test_a_long_text_file_is_cut_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "largo.txt"
    with path.open("w", encoding="cp1252") as handle:  # legacy encoding: guessed from the head
        for _ in range(2 * MAX_PAGE_TEXT_CHARS // len(SPANISH) + 1):
            handle.write(SPANISH)
    text = extract_file(path)
    assert text.truncated_pages == (1,)
    # cut at the limit, then normalised (each CR/LF became one LF)
    assert 0.95 * MAX_PAGE_TEXT_CHARS < len(text.pages[0].text) <= MAX_PAGE_TEXT_CHARS
    assert text.pages[0].text.startswith("Informe sobre la migración venezolana")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    base = tmp_path_factory.mktemp("text")
    folder = base / "corpus" / "OIM" / "2022"
    folder.mkdir(parents=True)
    write_big_html(folder / "una-linea.html")
    (folder / "windows.txt").write_bytes(("Sondeo de xenofobia. " + SPANISH).encode("utf-16-le"))
    index = base / "index"
    run = acervo(
        "--index", index, "ingest", "--quiet", "--workers", 1,
        "--memory-mb", WORKER_MEMORY_MB, base / "corpus",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(next((index / "reports").glob("*.json")).read_text(encoding="utf-8"))
    return index, {Path(entry["path"]).name: entry for entry in report["files"]}


def test_a_30_mb_html_line_is_indexed_within_the_memory_limit(
    ingested: tuple[Path, dict[str, dict]],
) -> None:
    index, entries = ingested
    assert entries["una-linea.html"]["outcome"] == "added"
    assert entries["una-linea.html"]["truncated_pages"] == [1]
    found = json.loads(acervo("--index", index, "search", "movilidad humana", "--json").stdout)
    assert [Path(hit["path"]).name for hit in found["hits"]] == ["una-linea.html"]
    beyond = json.loads(
        acervo("--index", index, "search", "palabrafinalinalcanzable", "--json").stdout
    )
    assert beyond["total"] == 0  # the text past the limit was not kept
    shown = acervo("--index", index, "report").stdout
    assert "Documentos con texto recortado (1)" in shown
    assert "una-linea.html (pág. 1)" in shown


def test_utf16_without_bom_is_indexed(ingested: tuple[Path, dict[str, dict]]) -> None:
    index, entries = ingested
    assert entries["windows.txt"]["outcome"] == "added"
    found = json.loads(acervo("--index", index, "search", "xenofobia", "--json").stdout)
    assert [Path(hit["path"]).name for hit in found["hits"]] == ["windows.txt"]
