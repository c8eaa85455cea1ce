"""Broken sidecars and _metadata.csv rows are said, not swallowed: each problem names the file,
the line, what is wrong and the closest valid value; it reaches the ingest summary, the run
report (JSON and `acervo report`) and, for curators, the document page. The document is still
indexed with what could be read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "ingest"))  # the shared document builders
from docbuilders import write_pdf  # noqa: E402

from acervo import accounts, db  # noqa: E402
from acervo.build import build_index  # noqa: E402
from acervo.config import Config  # noqa: E402
from acervo.ingest.metadata import resolve_metadata  # noqa: E402
from acervo.ingest.models import ExtractedText, MetadataProblem  # noqa: E402
from acervo.report import format_report, load_report  # noqa: E402
from acervo.search.indexer import IndexStore  # noqa: E402
from acervo.web import create_app  # noqa: E402

PASSWORD = "una contraseña larga"


def problems_of(tmp_path: Path, sidecar: str, text: str) -> list[MetadataProblem]:
    path = tmp_path / "UNICEF" / "informe.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n")
    (path.parent / sidecar).write_text(text, encoding="utf-8")
    return list(resolve_metadata([path], ExtractedText("pdf", []), [tmp_path]).notes)


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        ("title: Informe\nagencies: [OIM\nyear: 2020\n", 3, "YAML no válido", ""),
        ("title: Informe\nagencies: UNICEFF\n", 2, "agencia desconocida «UNICEFF»",
         "¿quiso decir «UNICEF»?"),
        ("title: Informe\ntitel: Otro\n", 2, "campo desconocido «titel»",
         "¿quiso decir «title»?"),
        ("year: pronto\n", 1, "valor no válido para year: «pronto»",
         "un año de cuatro cifras entre 1990 y 2100"),
        ("tema: Astrología\n", 1, "tema desconocido «Astrología»", "valores válidos: "),
    ],
)  # fmt: skip
def test_each_sidecar_problem_names_file_line_and_fix(
    tmp_path: Path, text: str, line: int, message: str, hint: str
) -> None:
    (problem,) = problems_of(tmp_path, "informe.pdf.meta.yaml", text)
    assert problem.file == str(tmp_path / "UNICEF" / "informe.pdf.meta.yaml")
    assert problem.line == line
    assert message in problem.message
    assert hint in problem.hint


def test_a_bad_metadata_csv_row_names_its_line(tmp_path: Path) -> None:
    manifest = "file,agencies,year\notro.pdf,PMA,2018\ninforme.pdf,OIMM,dosmil\n"
    problems = problems_of(tmp_path, "_metadata.csv", manifest)
    assert [(p.file, p.line) for p in problems] == [(str(tmp_path / "UNICEF/_metadata.csv"), 3)] * 2
    assert "«OIM»" in problems[0].hint and "año de cuatro cifras" in problems[1].hint


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IndexStore, object]:
    root = tmp_path_factory.mktemp("sidecars")
    corpus = root / "corpus" / "UNICEF" / "2021"
    corpus.mkdir(parents=True)
    write_pdf(corpus / "informe.pdf", ["Informe sobre educación de niñas y niños migrantes."])
    store = IndexStore(root / "index")
    build_index([root / "corpus"], store, Config(workers=1))
    # The administrator adds a sidecar with a typo: the next run re-reads the metadata only.
    (corpus / "informe.meta.yaml").write_text(
        "title: Educación en movilidad\nagencies: UNICEFF\nyear: 2021\n", encoding="utf-8"
    )
    summary = build_index([root / "corpus"], store, Config(workers=1))
    return root, store, summary


def test_the_summary_and_the_report_name_the_problem(broken_run) -> None:
    root, _store, summary = broken_run
    sidecar = root / "corpus" / "UNICEF" / "2021" / "informe.meta.yaml"
    [(path, problem)] = summary.metadata_problems
    assert path.endswith("informe.pdf") and (problem.file, problem.line) == (str(sidecar), 2)
    report = load_report(Path(summary.report))
    [entry] = [f for f in report["files"] if f["path"].endswith("informe.pdf")]
    assert entry["problems"] == [
        {"actor": "administrator", "file": str(sidecar), "line": 2,
         "message": "agencia desconocida «UNICEFF»; se descarta", "hint": "¿quiso decir «UNICEF»?"}
    ]  # fmt: skip
    # the metadata was re-read, but the note does not pretend all is well
    assert "metadatos actualizados" not in entry["note"] and "administrador" in entry["note"]
    assert report["totals"]["metadata_problems"] == 1
    text = format_report(report)
    assert "Debe corregir el administrador: metadatos (1):" in text
    assert f"{sidecar}:2: agencia desconocida «UNICEFF»" in text and "«UNICEF»?" in text
    # what could be read was used: the title, and the agency from the folder
    assert entry["metadata"]["title"]["value"] == "Educación en movilidad"


def test_curators_see_the_problem_on_the_document_page(broken_run, tmp_path: Path) -> None:
    root, store, _summary = broken_run
    conn = db.connect(tmp_path / "acervo.db")
    for name, role in (("cura", "curador"), ("lola", "lector")):
        accounts.add_user(conn, name, role)
        accounts.set_password(conn, name, PASSWORD)
    conn.close()
    app = create_app({"INDEX_DIR": store.root, "DATABASE": tmp_path / "acervo.db", "TESTING": True})
    [doc_id] = store.known()
    pages = {}
    for name in ("cura", "lola"):
        with app.test_client() as client:
            form = client.get("/entrar").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', form).group(1)
            data = {"csrf_token": token, "name": name, "password": PASSWORD, "next": ""}
            assert client.post("/entrar", data=data).status_code in (302, 303)
            pages[name] = client.get(f"/documento/{doc_id}").get_data(as_text=True)
    assert "Errores en los metadatos" in pages["cura"]
    assert "agencia desconocida «UNICEFF»" in pages["cura"] and "«UNICEF»?" in pages["cura"]
    assert "Errores en los metadatos" not in pages["lola"]
    assert "UNICEFF" not in pages["lola"]


def test_the_cli_summary_lists_the_problems(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "OIM"
    corpus.mkdir(parents=True)
    write_pdf(corpus / "estudio.pdf", ["Estudio sobre medios de vida de personas migrantes."])
    (corpus / "_metadata.csv").write_text("file,year\nestudio.pdf,dosmil\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "acervo", "--index", str(tmp_path / "index"), "ingest", "--quiet",
         str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Metadatos con errores (debe corregirlos el administrador): 1" in run.stdout
    assert f"{corpus / '_metadata.csv'}:2: valor no válido para year: «dosmil»" in run.stdout


def test_a_run_that_leaves_the_document_unchanged_says_the_problem_again(broken_run) -> None:
    """Until the administrator fixes the sidecar, every run says so; once fixed, none does."""
    root, store, _summary = broken_run
    again = build_index([root / "corpus"], store, Config(workers=1))
    assert again.unchanged == 1 and again.indexed == 0
    assert [str(problem) for _, problem in again.metadata_problems] == [
        f"{root / 'corpus/UNICEF/2021/informe.meta.yaml'}:2: agencia desconocida «UNICEFF»; "
        "se descarta (¿quiso decir «UNICEF»?)"
    ]
    report = load_report(Path(again.report))
    assert report["totals"]["metadata_problems"] == 1
    sidecar = root / "corpus" / "UNICEF" / "2021" / "informe.meta.yaml"
    sidecar.write_text("title: Educación en movilidad\nagencies: UNICEF\n", encoding="utf-8")
    fixed = build_index([root / "corpus"], store, Config(workers=1))
    assert fixed.metadata_problems == [] and fixed.indexed == 1  # re-read, not re-extracted
    assert build_index([root / "corpus"], store, Config(workers=1)).metadata_problems == []


def test_a_metadata_csv_row_naming_no_file_is_said(tmp_path: Path) -> None:
    """A row whose file is not there (a typo, a file renamed) would otherwise apply to nothing
    without a word: the summary and the report name the CSV, the line and the closest file."""
    corpus = tmp_path / "corpus" / "OIM"
    corpus.mkdir(parents=True)
    write_pdf(corpus / "estudio-medios-de-vida.pdf", ["Estudio sobre medios de vida."])
    (corpus / "_metadata.csv").write_text(
        "file,year\nestudio-medios-de-vida.pdf,2021\nestudio-medio-de-vida.pdf,2020\n",
        encoding="utf-8",
    )
    index = tmp_path / "index"
    run = subprocess.run(
        [sys.executable, "-m", "acervo", "--index", str(index), "ingest", "--quiet",
         str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    manifest = corpus / "_metadata.csv"
    assert "Metadatos con errores (debe corregirlos el administrador): 1" in run.stdout
    assert f"{manifest}:3: la fila nombra «estudio-medio-de-vida.pdf», que no está" in run.stdout
    assert "¿quiso decir «estudio-medios-de-vida.pdf»?" in run.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "acervo", "--index", str(index), "report", "--json"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["totals"]["unmatched"] == 1 and report["totals"]["metadata_problems"] == 1
    [entry] = [f for f in report["files"] if f["outcome"] == "unmatched"]
    assert entry["path"] == str(manifest) and entry["problems"][0]["line"] == 3
