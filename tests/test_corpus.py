"""The shipped sample corpus (corpus/) meets its requirements and is reproducible.

Fast: reads the committed files with pdfminer.six / python-docx / PyYAML and regenerates the
corpus into a temporary directory with scripts/make_corpus.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SCRIPT = ROOT / "scripts" / "make_corpus.py"

docx = pytest.importorskip("docx")
pytest.importorskip("fpdf")
from pdfminer.high_level import extract_text  # noqa: E402
from pdfminer.pdfpage import PDFPage  # noqa: E402

from acervo.vocab import resolve  # noqa: E402


def _load_script():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mc():
    return _load_script()


def _docs() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in {".pdf", ".docx"})


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in bare if not unicodedata.combining(c))


def _pdf_pages(path: Path) -> list[str]:
    with path.open("rb") as fh:
        n = sum(1 for _ in PDFPage.get_pages(fh))
    return [extract_text(path, page_numbers=[i]) for i in range(n)]


def _docx_text(path: Path) -> str:
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        parts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(parts)


def test_only_documents_and_sidecars_under_corpus():
    for p in CORPUS.rglob("*"):
        if p.is_file():
            assert p.suffix in {".pdf", ".docx"} or p.name.endswith(".meta.yaml"), p


def test_layout_counts_agencies_years():
    docs = _docs()
    assert len(docs) >= 34
    agencies = set()
    years = set()
    for p in docs:
        rel = p.relative_to(CORPUS).parts
        assert len(rel) == 3, p  # <AGENCY>/<YEAR>/<file>
        code = resolve("agency", rel[0])
        assert code, f"folder {rel[0]} is not a known agency"
        agencies.add(code)
        if rel[1].isdigit():
            years.add(int(rel[1]))
        else:
            assert rel[1] == "sin-fecha"
    assert len(agencies) >= 8
    assert len(years) >= 6 and min(years) <= 2017 and max(years) >= 2024
    assert sum(p.suffix == ".docx" for p in docs) >= 8
    assert sum(p.suffix == ".pdf" for p in docs) >= 20


def test_topics_languages_declared(mc):
    topics = Counter(t for d in mc.SAMPLE_DOCS for t in d.topics)
    assert len(topics) >= 8
    for code in topics:
        assert resolve("topic", code) == code
    for d in mc.SAMPLE_DOCS:
        assert resolve("doc_type", d.doc_type) == d.doc_type
    assert sum(d.lang == "en" for d in mc.SAMPLE_DOCS) >= 5
    assert any(d.lang == "en" and d.fmt == "docx" for d in mc.SAMPLE_DOCS)
    assert any(d.lang == "en" and d.fmt == "pdf" for d in mc.SAMPLE_DOCS)


def test_duplicate_is_byte_identical():
    a = CORPUS / "GTRM/2021/evaluacion-conjunta-necesidades.pdf"
    b = CORPUS / "R4V/2021/evaluacion-conjunta-necesidades.pdf"
    assert a.read_bytes() == b.read_bytes()
    digests = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in _docs())
    assert sorted(digests.values(), reverse=True)[:2] == [2, 1]  # exactly one duplicate pair


def test_sidecars_name_two_agencies():
    sidecars = sorted(CORPUS.rglob("*.meta.yaml"))
    assert len(sidecars) >= 1
    for side in sidecars:
        target = side.with_name(side.name.removesuffix(".meta.yaml"))
        assert target.exists(), side
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
        assert len(data["agencies"]) == 2
        assert all(resolve("agency", a) for a in data["agencies"])
        assert data["title"] and data["topics"] and data["doc_type"] and data["year"]
    joint = yaml.safe_load(
        (CORPUS / "OIM/2020/monitoreo-conjunto-proteccion-oim-acnur.pdf.meta.yaml").read_text()
    )
    assert joint["agencies"] == ["OIM", "ACNUR"]


def test_docx_have_tables_header_footer():
    paths = sorted(CORPUS.rglob("*.docx"))
    assert all(docx.Document(p).tables for p in paths)
    d = docx.Document(CORPUS / "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx")
    header_row = [c.text for c in d.tables[0].rows[0].cells]
    assert header_row == ["Código", "Área", "Descripción"]
    assert "GTRM" in d.sections[0].header.paragraphs[0].text
    assert d.sections[0].footer.paragraphs[0].text
    text = _docx_text(CORPUS / "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx")
    for needle in (
        "LN1_ED",
        "Hallazgo",
        "Lección no aprendida",
        "ODS 4",
        "Objetivo 15",
        "Pacto Mundial",
    ):
        assert needle in text


def test_pdf_pages_differ_and_keep_accents():
    multi = 0
    for p in sorted(CORPUS.rglob("*.pdf")):
        pages = _pdf_pages(p)
        assert 3 <= len(pages) <= 8, p
        assert len(set(pages)) == len(pages), p
        multi += 1
        joined = "".join(pages)
        assert "\ufffd" not in joined and "Ã" not in joined, p
    assert multi >= 20
    pages = _pdf_pages(CORPUS / "UNICEF/2019/situacion-nna-frontera-norte.pdf")
    assert all(w in pages[1] for w in ("educación", "niños", "niñas", "escuelas", "Carchi"))
    assert "Sucumbíos" in pages[3] and "salud" in pages[3] and "educación" not in pages[3]
    assert "UNICEF" in pages[0] and "2019" in pages[0]


def test_every_document_states_agency_and_year_on_page_one(mc):
    for d in mc.SAMPLE_DOCS:
        path = CORPUS / d.path
        first = _pdf_pages(path)[0] if d.fmt == "pdf" else _docx_text(path)[:1500]
        assert re.search(r"\b20(1[7-9]|2[0-4])\b", first), d.path
        assert d.title.split(":")[0][:25] in " ".join(first.split()), d.path


def test_undated_pdf_has_no_info_date():
    raw = (CORPUS / "UNICEF/sin-fecha/guia-espacios-amigables-frontera.pdf").read_bytes()
    assert b"/CreationDate" not in raw and b"/Title" not in raw


def test_regeneration_reproduces_the_corpus(mc, tmp_path):
    written = mc.write_sample_corpus(tmp_path)
    got = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    shipped = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file())
    assert got == shipped
    dejavu = (mc.DEJAVU_DIR / "DejaVuSans.ttf").exists()
    for rel in got:
        doc = next((d for d in mc.SAMPLE_DOCS if rel in (d.path, *d.copies)), None)
        if doc is not None and doc.font == "dejavu" and not dejavu:
            continue  # rendered with Helvetica here: text identical, bytes not
        assert (tmp_path / rel).read_bytes() == (CORPUS / rel).read_bytes(), rel


def test_generated_corpus_small(mc, tmp_path):
    files = mc.write_generated_corpus(tmp_path, 12, seed=3, pages=(2, 3))
    again = mc.write_generated_corpus(tmp_path / "again", 12, seed=3, pages=(2, 3))
    assert [p.relative_to(tmp_path) for p in files] == [
        p.relative_to(tmp_path / "again") for p in again
    ]
    for p in files:
        rel = p.relative_to(tmp_path).parts
        assert resolve("agency", rel[0]) and 2017 <= int(rel[1]) <= 2024
    pdf = next(p for p in files if p.suffix == ".pdf")
    assert len(_pdf_pages(pdf)) >= 2
