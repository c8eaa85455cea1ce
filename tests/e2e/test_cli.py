"""The sample corpus through the real `acervo` command: ingest, search, filter, export."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, acervo

from acervo.ingest.discover import is_sidecar

DOCUMENT_FILES = [p for p in CORPUS.rglob("*") if p.is_file() and not is_sidecar(p.name)]


def search(index: Path, *args: object) -> dict:
    run = acervo("--index", index, "search", *args, "--json")
    assert run.returncode == 0, run.stderr
    return run.json()


def summary_number(stdout: str, label: str) -> int:
    match = re.search(rf"^{label}:\s+(\d+)", stdout, re.MULTILINE)
    assert match, f"{label!r} missing from the summary:\n{stdout}"
    return int(match.group(1))


def test_ingest_reports_every_file(corpus_index):
    _, run = corpus_index
    assert run.returncode == 0, run.stdout + run.stderr
    assert summary_number(run.stdout, "Archivos vistos") == len(DOCUMENT_FILES)
    assert summary_number(run.stdout, "Fallidos") == 0
    # GTRM/2021 and R4V/2021 hold the same file: one document, one extra copy
    assert summary_number(run.stdout, "Duplicados \\(copias\\)") == 1
    assert summary_number(run.stdout, "Indexados") == len(DOCUMENT_FILES) - 1


def test_reingest_changes_nothing(corpus_index, tmp_path):
    index, first = corpus_index
    again = acervo("--index", index, "ingest", "--quiet", CORPUS)
    assert again.returncode == 0, again.stderr
    assert summary_number(again.stdout, "Indexados") == 0
    assert summary_number(again.stdout, "Sin cambios") == summary_number(first.stdout, "Indexados")
    assert summary_number(again.stdout, "Eliminados") == 0
    assert re.search(r"^Índice: gen-\d+ \(\d+ documentos\), sin cambios", again.stdout, re.M)


def test_a_failure_not_extracted_again_says_so_in_the_summary(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "roto.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    index = tmp_path / "index"
    first = acervo("--index", index, "ingest", "--quiet", tmp_path / "corpus")
    assert first.returncode == 1 and "sin reintentar" not in first.stdout
    again = acervo("--index", index, "ingest", "--quiet", tmp_path / "corpus")
    assert again.returncode == 1
    assert "roto.pdf  (sin reintentar)" in again.stdout
    assert "no se volvió a extraer; use --retry-failed" in again.stdout


def test_educacion_ninos_finds_the_pages_that_say_educacion_and_ninos(corpus_index):
    index, _ = corpus_index
    result = search(index, "educacion ninos")
    assert result["total"] >= 5
    hits = {Path(h["path"]).relative_to(CORPUS).as_posix(): h for h in result["hits"]}
    hit = hits["UNICEF/2019/situacion-nna-frontera-norte.pdf"]
    page2 = next(p for p in hit["passages"] if p["page"] == 2)
    assert "educación" in page2["text"].lower() and "niñ" in page2["text"].lower()
    assert "<mark" in page2["html"]
    for hit in result["hits"]:  # every passage shows at least one query word highlighted
        assert all("<mark" in p["html"] for p in hit["passages"]), hit["title"]


def test_accents_case_and_plural_do_not_matter(corpus_index):
    index, _ = corpus_index
    totals = {
        q: search(index, q)["total"]
        for q in ("educación niños", "EDUCACION NINOS", "educaciones niño")
    }
    assert len(set(totals.values())) == 1, totals


def test_facets_narrow_correctly(corpus_index):
    index, _ = corpus_index
    everything = search(index, "")
    agencies = {f["value"]: f["count"] for f in everything["facets"]["agency"]}
    first, second = list(agencies)[:2]
    only_first = search(index, "", "--agency", first)
    assert only_first["total"] == agencies[first]
    assert all(first in h["agencies"] for h in only_first["hits"])
    either = search(index, "", "--agency", first, "--agency", second, "--per-page", "100")
    assert max(agencies[first], agencies[second]) <= either["total"]
    assert either["total"] <= agencies[first] + agencies[second]
    topic = only_first["facets"]["topic"][0]
    both = search(index, "", "--agency", first, "--topic", topic["value"])
    assert both["total"] == topic["count"]  # the count shown is what ticking it gives


def test_year_range_filter(corpus_index):
    index, _ = corpus_index
    result = search(index, "", "--year", "2019..2021", "--per-page", "100")
    years = [h["year"] for h in result["hits"]]
    assert years and all(2019 <= y <= 2021 for y in years)
    counts = {int(f["value"]): f["count"] for f in search(index, "")["facets"]["year"]}
    assert result["total"] == sum(n for y, n in counts.items() if 2019 <= y <= 2021)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("acnur", "ACNUR"),
        ("UNHCR", "ACNUR"),
        ("ONU Mujeres", "ONU-MUJERES"),
        ("OPS/OMS", "OPS-OMS"),
    ],
)
def test_agency_flag_takes_the_names_the_query_field_takes(corpus_index, name, code):
    index, _ = corpus_index
    by_flag = search(index, "", "--agency", name, "--per-page", "100")
    assert by_flag["total"] > 0
    assert by_flag["total"] == search(index, f'agencia:"{name}"', "--per-page", "1")["total"]
    assert all(code in hit["agencies"] for hit in by_flag["hits"])


def test_an_unknown_agency_is_an_error_naming_the_closest(corpus_index):
    index, _ = corpus_index
    run = acervo("--index", index, "search", "", "--agency", "UNICEFF")
    assert run.returncode == 2
    assert "Agencia desconocida «UNICEFF»" in run.stderr and "¿Quiso decir UNICEF" in run.stderr


@pytest.mark.parametrize("years", ["2019-2020", "2019..2020", ">=2019"])
def test_year_flag_takes_the_query_year_forms(corpus_index, years):
    index, _ = corpus_index
    by_flag = search(index, "", "--year", years, "--per-page", "1")["total"]
    assert by_flag > 0
    assert by_flag == search(index, f"anio:{years}", "--per-page", "1")["total"]


@pytest.mark.parametrize("query", ["", "salud", "educacion ninos"])
def test_csv_export_has_one_row_per_hit(corpus_index, tmp_path, query):
    index, _ = corpus_index
    out = tmp_path / "hits.csv"
    run = acervo("--index", index, "export", query, "--format", "csv", "-o", out)
    assert run.returncode == 0, run.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == search(index, query)["total"]
    assert all(row["titulo"] for row in rows)


def test_json_export_has_every_hit(corpus_index):
    index, _ = corpus_index
    run = acervo("--index", index, "export", "salud", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["total"] == len(data["hits"]) == search(index, "salud")["total"]


def test_text_output_for_people(corpus_index):
    index, _ = corpus_index
    run = acervo("--index", index, "search", "trata de personas Huaquillas")
    assert run.returncode == 0
    assert re.search(r"^\d+ documentos para «trata de personas Huaquillas»", run.stdout)
    assert "pág. " in run.stdout


def test_counts_take_their_plural_form(corpus_index, tmp_path):
    index, _ = corpus_index
    one = acervo("--index", index, "search", "LN1_PR")
    assert one.stdout.startswith("1 documento para «LN1_PR» (página 1 de 1)\n")
    every = acervo("--index", index, "search", "")
    total = len(DOCUMENT_FILES) - 1  # one file is a copy of another
    assert every.stdout.startswith(f"{total} documentos en el índice (página 1 de 4)\n")
    config = tmp_path / "acervo.toml"
    config.write_text('[acervo]\nlanguage = "en"\n')
    english = acervo("--config", config, "--index", index, "search", "LN1_PR")
    assert english.stdout.startswith("1 document for «LN1_PR» (page 1 of 1)\n")


def test_hits_name_their_copies_and_their_other_versions(corpus_index):
    """The sample corpus holds one study in GTRM/ and R4V/ (the same bytes), and a PNUD draft
    with its final version: the text output and the JSON say so on the hit."""
    index, _ = corpus_index
    run = acervo("--index", index, "search", "evaluación conjunta de necesidades")
    assert re.search(r"también en: .*R4V/2021/evaluacion-conjunta-necesidades\.pdf", run.stdout)
    hits = search(index, "inclusión financiera emprendimiento", "--per-page", "50")["hits"]
    by_file = {Path(h["path"]).name: h for h in hits}
    final = by_file["inclusion-financiera-emprendimiento.pdf"]
    draft = by_file["inclusion-financiera-emprendimiento-borrador.pdf"]
    assert [s["id"] for s in final["similar"]] == [draft["id"]]
    assert [s["id"] for s in draft["similar"]] == [final["id"]]
    joint = search(index, "evaluación conjunta de necesidades")["hits"][0]
    assert [Path(p).parts[-3] for p in joint["also_in"]] == ["R4V"]


@pytest.mark.parametrize(
    "query, message",
    [('"sin cerrar', "comillas"), ("autor:garcia", "Campo desconocido"), ("(salud", "paréntesis")],
)
def test_bad_query_is_a_spanish_message_not_a_crash(corpus_index, query, message):
    index, _ = corpus_index
    run = acervo("--index", index, "search", query)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_index_says_what_to_do(tmp_path):
    run = acervo("--index", tmp_path / "nothing", "search", "salud")
    assert run.returncode == 3
    assert "acervo ingest" in run.stderr


def test_version_and_help():
    assert acervo("--version").stdout.startswith("acervo ")
    for command in ("ingest", "search", "export", "serve"):
        run = acervo(command, "--help")
        assert run.returncode == 0 and "usage" in run.stdout.lower()


def test_output_piped_into_a_closed_reader_is_not_an_error(corpus_index):
    index, _ = corpus_index
    # `true` exits before acervo writes (Python takes longer to start): the write meets a closed
    # pipe, as `acervo search ... | head` does once head has its lines.
    proc = subprocess.run(
        f'"{sys.executable}" -m acervo --index "{index}" search "" --per-page 100 | true',
        shell=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr
