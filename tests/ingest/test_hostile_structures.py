"""PDF page trees and zip headers built to exhaust a reader (issue 11), through the real worker
processes with a memory limit well under what the unchecked readers took.

The files come from `hostile.py` (generated here, never copied from ../shared/).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docbuilders import write_pdf
from hostile import lying_zip_docx, many_objects_pdf, nested_page_tree_pdf, shared_page_tree_pdf

from acervo.config import load_config
from acervo.ingest.models import Actor, ExtractOptions, FailureKind
from acervo.ingest.worker import extract_file

# The shared page tree took 791 MB and the lying zip 683 MB before they were checked.
WORKER_MEMORY_MB = 400


def test_a_page_tree_that_shares_its_nodes_is_refused_unwalked(tmp_path: Path) -> None:
    path = shared_page_tree_pdf(tmp_path / "arbol-compartido.pdf")
    assert path.stat().st_size < 2048
    failure = extract_file(path, memory_mb=WORKER_MEMORY_MB)
    assert failure.kind == FailureKind.TOO_LARGE
    assert failure.actor == Actor.ADMINISTRATOR
    assert "1.000.000 páginas" in failure.reason and "max_pdf_pages" in failure.reason


def test_a_deeply_nested_page_tree_is_read(tmp_path: Path) -> None:
    path = nested_page_tree_pdf(tmp_path / "arbol-profundo.pdf", depth=600)
    for extractor in ("auto", "pdfminer"):
        text = extract_file(path, memory_mb=WORKER_MEMORY_MB, options=ExtractOptions(extractor))
        assert "arbol muy profundo" in text.pages[0].text, extractor


def test_a_pdf_declaring_millions_of_objects_is_refused(tmp_path: Path) -> None:
    failure = extract_file(many_objects_pdf(tmp_path / "objetos.pdf"), memory_mb=400)
    assert failure.kind == FailureKind.TOO_LARGE
    assert "50.000.000 objetos" in failure.reason and "max_pdf_objects" in failure.reason


def test_the_page_limit_is_a_setting(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "tres.pdf", ["uno", "dos", "tres"])
    assert extract_file(path, options=ExtractOptions(max_pdf_pages=3)).pages
    failure = extract_file(path, options=ExtractOptions(max_pdf_pages=2))
    assert failure.kind == FailureKind.TOO_LARGE and "límite 2," in failure.reason
    config = load_config(tmp_path / "none.toml", {"ACERVO_MAX_PDF_PAGES": "2"})
    assert config.max_pdf_pages == 2


def test_a_zip_whose_headers_lie_about_sizes_is_refused_before_inflating(tmp_path: Path) -> None:
    path = lying_zip_docx(tmp_path / "informe.docx", inflated_mb=700)
    assert path.stat().st_size < 1024 * 1024
    failure = extract_file(path, memory_mb=WORKER_MEMORY_MB)
    assert failure.kind == FailureKind.BOMB
    assert "declara 1000 bytes" in failure.reason


def test_the_cli_reports_limits_with_who_acts(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "ACNUR" / "2020"
    folder.mkdir(parents=True)
    write_pdf(folder / "tres.pdf", ["Informe uno", "Informe dos", "Informe tres"])
    shared_page_tree_pdf(folder / "arbol.pdf")
    write_pdf(folder / "dos.pdf", ["Informe sobre movilidad humana", "Segunda página"])
    run = subprocess.run(
        [sys.executable, "-m", "acervo", "--index", tmp_path / "index", "ingest", "--quiet",
         tmp_path / "corpus"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        env=os.environ | {"ACERVO_MAX_PDF_PAGES": "2"},
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr  # some files failed, the rest indexed
    report = next((tmp_path / "index" / "reports").glob("*.json"))
    entries = {Path(e["path"]).name: e for e in json.loads(report.read_text())["files"]}
    assert entries["dos.pdf"]["outcome"] == "added"
    for name in ("tres.pdf", "arbol.pdf"):
        failure = entries[name]["failure"]
        assert (failure["kind"], failure["actor"]) == ("too_large", "administrator"), name
        assert "ACERVO_MAX_PDF_PAGES" in failure["reason"]
