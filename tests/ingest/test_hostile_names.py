"""Odd file names through the real `acervo` command (issue 11): names that are not UTF-8 fail
alone, names with controls are indexed, and nothing the CLI prints carries a raw escape.

The corpus is made here, byte for byte (os.fsencode names), never copied from ../shared/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acervo.report import printable

LATIN1_FILE = b"informe-migraci\xf3n.txt"  # what unzipping a Windows archive gives
LATIN1_FOLDER = b"carpeta-a\xf1o"
CRLF_FILE = b"nombre\r\ncon-salto.txt"
ANSI_FILE = b"ansi\x1b[31mrojo\x1b]0;titulo-falso\x07.txt"
BIDI_FILE = "factura-\u202etxt.exe".encode()
# Bytes a terminal would act on; none may reach the CLI's output raw.
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\u202e", "\udcf3")


def acervo(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acervo", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )


def _write(folder: Path, name: bytes, text: str) -> None:
    with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    base = tmp_path_factory.mktemp("names")
    corpus, index = base / "corpus", base / "index"
    folder = corpus / "ACNUR" / "2020"
    folder.mkdir(parents=True)
    _write(folder, LATIN1_FILE, "Informe sobre migración venezolana en la frontera norte.")
    _write(folder, CRLF_FILE, "Informe con salto de línea en el nombre sobre salud mental.")
    _write(folder, ANSI_FILE, "Informe cuyo nombre lleva secuencias de escape de terminal.")
    _write(folder, BIDI_FILE, "Informe cuyo nombre invierte la dirección del texto.")
    _write(folder, b"normal.txt", "Informe normal sobre educación de niños migrantes.")
    os.mkdir(os.path.join(os.fsencode(corpus), LATIN1_FOLDER))
    _write(corpus / os.fsdecode(LATIN1_FOLDER), b"dentro.txt", "Texto en carpeta latin1.")
    run = acervo("--index", index, "ingest", corpus)  # not --quiet: the progress lines too
    return corpus, index, run.stdout + run.stderr + f"\nexit {run.returncode}"


def test_a_name_that_is_not_utf8_fails_alone(ingested: tuple[Path, Path, str]) -> None:
    corpus, index, output = ingested
    assert output.endswith("exit 1"), output  # some files failed, the rest was indexed
    report = json.loads(next((index / "reports").glob("*.json")).read_text(encoding="utf-8"))
    outcomes = {Path(e["path"]).name: e for e in report["files"]}
    assert outcomes["informe-migraci\ufffdn.txt"]["outcome"] == "failed"
    reason = outcomes["informe-migraci\ufffdn.txt"]["failure"]["reason"]
    assert "no es UTF-8" in reason and "«informe-migración.txt»" in reason
    assert outcomes["carpeta-a\ufffdo"]["outcome"] == "failed"  # the folder, reported once
    assert "dentro.txt" not in outcomes
    indexed = {name for name, e in outcomes.items() if e["outcome"] == "added"}
    assert indexed == {
        "normal.txt",
        "nombre\r\ncon-salto.txt",
        os.fsdecode(ANSI_FILE),
        os.fsdecode(BIDI_FILE),
    }


def test_the_cli_prints_no_raw_escape_sequence(ingested: tuple[Path, Path, str]) -> None:
    _, index, output = ingested
    assert "ansi\\x1b[31mrojo\\x1b]0;titulo-falso\\x07.txt" in output
    shown = [output]
    for args in (["report"], ["status"], ["search", "informe"], ["report", "--list"]):
        run = acervo("--index", index, *args)
        assert run.returncode == 0, run.stderr
        shown.append(run.stdout + run.stderr)
    assert "nombre\\r\\ncon-salto.txt" in shown[3]  # the hit's path in the search output
    for text in shown:
        for control in RAW_CONTROLS:
            assert control not in text, (control, text)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("título\x1b]0;owned\x07", "título\\x1b]0;owned\\x07"),
        ("línea\r\nnueva", "línea\\r\\nnueva"),
        ("c1\x9bcsi", "c1\\x9bcsi"),
        ("del\x7f", "del\\x7f"),
        ("bidi\u202eexe.txt", "bidi\\u202eexe.txt"),
        (os.fsdecode(b"migraci\xf3n"), "migraci\ufffdn"),
        ("educación ñandú", "educación ñandú"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown
