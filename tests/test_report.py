"""Run reports and `acervo report` / `acervo status`, through the real command on real files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.report import FileEntry, Outcome, RunReport, RunStatus, list_reports, load_report

PROJECT = Path(__file__).resolve().parents[1]


def acervo(index: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acervo", "--index", str(index), *map(str, args)],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """PMA and UNICEF of the sample corpus, a copy of one file, and a broken PDF; ingested twice
    (the second time after deleting a file)."""
    base = tmp_path_factory.mktemp("report")
    corpus = base / "corpus"
    for agency in ("PMA", "UNICEF"):
        shutil.copytree(PROJECT / "corpus" / agency, corpus / agency)
    shutil.copyfile(
        corpus / "PMA/2019/evaluacion-seguridad-alimentaria.pdf", corpus / "PMA/copia.pdf"
    )
    (corpus / "PMA/roto.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\0" * 99)
    index = base / "index"
    assert acervo(index, "ingest", "--quiet", corpus).returncode == 1  # one file failed
    (corpus / "UNICEF/2022/nutricion-lactancia-materna.docx").unlink()
    assert acervo(index, "ingest", "--quiet", corpus).returncode == 1
    return corpus, index


def test_each_run_keeps_its_report(ingested: tuple[Path, Path]) -> None:
    corpus, index = ingested
    first, second = (load_report(path) for path in list_reports(index))
    assert first["status"] == second["status"] == "completed"
    assert first["started"] <= first["ended"] <= second["started"]
    assert first["options"]["folders"] == [str(corpus)]
    assert first["options"]["prune_threshold"] == 0.2
    assert first["totals"]["added"] == 9 and first["totals"]["duplicate"] == 1
    assert second["totals"] | {"pages": 0} == {
        "added": 0, "updated": 0, "unchanged": 8, "removed": 1, "duplicate": 1, "failed": 1,
        "unmatched": 0, "pages": 0, "metadata_problems": 0,
    }  # fmt: skip
    assert first["failures_by_actor"] == {"administrator": 1}


def test_every_file_has_its_fate(ingested: tuple[Path, Path]) -> None:
    corpus, index = ingested
    first, second = (load_report(path) for path in list_reports(index))
    files = {Path(f["path"]).relative_to(corpus).as_posix(): f for f in first["files"]}
    pdf = files["PMA/2019/evaluacion-seguridad-alimentaria.pdf"]
    assert pdf["outcome"] == "added" and len(pdf["sha256"]) == 64
    assert pdf["pages"] >= 2 and pdf["seconds"] > 0 and pdf["language"] == "es"
    assert pdf["metadata"]["agencies"] == {"value": ["PMA"], "provenance": "folder"}
    assert pdf["metadata"]["year"] == {"value": 2019, "provenance": "folder"}
    assert files["PMA/copia.pdf"]["outcome"] == "duplicate"
    assert files["PMA/copia.pdf"]["duplicate_of"] == pdf["path"]
    broken = files["PMA/roto.pdf"]
    assert broken["outcome"] == "failed"
    assert broken["failure"]["actor"] == "administrator" and broken["failure"]["reason"]
    removed = [f["path"] for f in second["files"] if f["outcome"] == "removed"]
    assert removed == [str(corpus / "UNICEF/2022/nutricion-lactancia-materna.docx")]


def test_report_command_prints_a_spanish_summary(ingested: tuple[Path, Path]) -> None:
    _, index = ingested
    last = acervo(index, "report")
    assert last.returncode == 0, last.stderr
    assert "(completada)" in last.stdout
    assert re.search(r"^Eliminados: +1$", last.stdout, re.MULTILINE)
    assert "Debe actuar el administrador (1):" in last.stdout and "roto.pdf" in last.stdout
    first_run = list_reports(index)[0].stem
    given = acervo(index, "report", first_run)
    assert f"Ejecución {first_run}" in given.stdout
    assert re.search(r"^Nuevos: +9$", given.stdout, re.MULTILINE)
    as_json = acervo(index, "report", first_run, "--json")
    assert json.loads(as_json.stdout) == load_report(list_reports(index)[0])
    listed = acervo(index, "report", "--list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [p.stem for p in list_reports(index)]


def test_report_of_an_unknown_run(ingested: tuple[Path, Path]) -> None:
    _, index = ingested
    missing = acervo(index, "report", "19990101")
    assert missing.returncode == 4
    assert "No hay ninguna ejecución «19990101»" in missing.stderr


def test_status_summarises_the_index(ingested: tuple[Path, Path]) -> None:
    _, index = ingested
    status = acervo(index, "status")
    assert status.returncode == 0, status.stderr
    assert "Documentos: 8" in status.stdout
    assert "Por agencia:" in status.stdout and "PMA 4" in status.stdout
    assert "Por año:" in status.stdout and "2019 2" in status.stdout
    assert "Última ingesta:" in status.stdout and "1 eliminados, 1 fallidos" in status.stdout
    assert "Debe actuar el administrador: 1" in status.stdout


def test_status_without_an_index(tmp_path: Path) -> None:
    status = acervo(tmp_path / "nada", "status")
    assert status.returncode == 3 and "acervo ingest" in status.stderr


def test_a_killed_run_gets_an_interrupted_report(tmp_path: Path) -> None:
    killed = RunReport(tmp_path, {"folders": ["/corpus"]})
    killed.add(FileEntry("/corpus/a.pdf", Outcome.ADDED, pages=3))
    killed._out.write('{"path": "/corpus/b.pdf", "outc')  # the line it was writing when killed
    killed._out.flush()
    RunReport(tmp_path, {}).finish(RunStatus.COMPLETED)  # the next run
    interrupted, completed = (load_report(path) for path in list_reports(tmp_path))
    assert interrupted["status"] == "interrupted" and interrupted["ended"] == ""
    assert interrupted["totals"]["added"] == 1 and interrupted["totals"]["pages"] == 3
    assert [f["path"] for f in interrupted["files"]] == ["/corpus/a.pdf"]
    assert completed["status"] == "completed" and completed["files"] == []
