"""Lessons-learned records (ingest/records.py) on the sample corpus, on a PDF written here, and
the vocabularies they use (SDGs, GCM objectives, lesson types, record areas)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from acervo import vocab
from acervo.ingest.models import ExtractedDocument, LessonRecord, Page
from acervo.ingest.pipeline import Indexed, run_ingest
from acervo.ingest.records import find_records

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GTRM = "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx"
PMA = "PMA/2023/lecciones-transferencias-monetarias.docx"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def corpus_docs() -> dict[str, ExtractedDocument]:
    """Every sample corpus document, through the real pipeline, by path under corpus/."""
    docs = {}
    for event in run_ingest([CORPUS], {}, workers=2):
        if isinstance(event, Indexed):
            for path in event.doc.paths:
                docs[Path(path).relative_to(CORPUS).as_posix()] = event.doc
    return docs


def by_code(records: tuple[LessonRecord, ...]) -> dict[str, LessonRecord]:
    return {record.code: record for record in records}


def test_gtrm_lessons_document_has_its_six_records(corpus_docs: dict) -> None:
    records = corpus_docs[GTRM].records
    assert [r.code for r in records] == ["LN1_ED", "BP1_ED", "LA1_SA", "LN1_PR", "BP1_VB", "LA1_IS"]


def test_a_detailed_record_has_its_parts(corpus_docs: dict) -> None:
    record = by_code(corpus_docs[GTRM].records)["LN1_ED"]
    assert record.title == "cupos escolares sin planificación territorial"
    # page 2 of the DOCX: the generator starts each part on a new page (explicit page breaks)
    assert (record.area, record.lesson_type, record.page) == ("educacion", "negativa", 2)
    assert record.finding.startswith("en Tulcán, Lago Agrio y Huaquillas las escuelas")
    assert record.description.startswith("la asignación de cupos no se basó en datos")
    assert record.context.startswith("aumento de llegadas en 2018 y 2019")
    assert record.beneficiaries.startswith("niños, niñas y adolescentes en movilidad")
    assert (record.sdg, record.gcm) == ((4, 10), (1, 15))
    assert {"tulcan", "nueva-loja", "huaquillas", "carchi", "sucumbios"} <= set(record.places)


@pytest.mark.parametrize(
    ("code", "area", "lesson_type", "sdg", "gcm"),
    [
        ("BP1_ED", "educacion", "buena-practica", (), ()),  # only in the summary table
        ("LA1_SA", "salud", "positiva", (3,), (15,)),  # inline: "LA1_SA. Área: Salud. ..."
        ("LN1_PR", "proteccion", "negativa", (16,), (7, 10)),
        ("BP1_VB", "vbg", "buena-practica", (5,), (7,)),
        ("LA1_IS", "integracion", "positiva", (8,), (6, 16, 18)),
    ],
)
def test_gtrm_records_facets(
    corpus_docs: dict, code: str, area: str, lesson_type: str, sdg: tuple, gcm: tuple
) -> None:
    record = by_code(corpus_docs[GTRM].records)[code]
    assert (record.area, record.lesson_type, record.sdg, record.gcm) == (
        area, lesson_type, sdg, gcm)  # fmt: skip
    assert record.text.startswith(code) and record.title


def test_pma_summary_table_records(corpus_docs: dict) -> None:
    records = corpus_docs[PMA].records
    assert [(r.code, r.lesson_type) for r in records] == [
        ("LA1_TM", "positiva"),
        ("LA2_TM", "positiva"),
        ("LN1_TM", "negativa"),
        ("BP1_TM", "buena-practica"),
        ("LN2_TM", "negativa"),
    ]
    assert {r.area for r in records} == {"transferencias"}
    assert by_code(records)["LN1_TM"].title == (
        "Sin un registro común de beneficiarios hubo duplicidades con otros socios."
    )


def test_no_other_sample_document_has_records(corpus_docs: dict) -> None:
    with_records = {path for path, doc in corpus_docs.items() if doc.records}
    assert with_records == {GTRM, PMA}


def test_a_heading_with_two_codes_is_no_record() -> None:
    text = "LA1_SA y LN1_PR\n\nLA1_SA. Área: Salud. Hallazgo: brigadas en barrios."
    [record] = find_records([Page(1, text)])
    assert (record.code, record.finding) == ("LA1_SA", "brigadas en barrios")


# ---- a PDF written for this test: own-line labels, OCR-style codes, records over pages --------

PDF_PAGES = [
    [
        "Lecciones aprendidas del proyecto de albergues temporales 2021",
        "Resumen de registros",
        "LAI_AL  La gestión comunitaria de los albergues reduce conflictos.",
        "LN3_TR  Las rutas de derivación de casos de trata no llegan a la frontera sur.",
    ],
    [
        "LAI_AL: La gestión comunitaria de los albergues reduce conflictos",
        "Área a la que corresponde",
        "Alojamiento",
        "Hallazgo",
        "Los comités de personas alojadas en Machala organizaron turnos de limpieza y cocina, "
        "y las quejas entre familias bajaron a la mitad en seis meses.",
        "Descripción de la lección",
        "Dar a las familias alojadas un papel en la gestión diaria mejora la convivencia.",
        "Contexto y condiciones previas relacionadas",
        "Albergues llenos durante la llegada de caminantes en 2019.",
        "Metas del proyecto:",
        "Ofrecer alojamiento temporal digno a familias en tránsito.",
        "Beneficiarios",
        "Familias venezolanas en tránsito y personal de los albergues.",
        "Relación con ODS",
        "ODS 11 y 16",
        "Relación con el Pacto Mundial para la Migración Segura",
        "Objetivo 7: reducir las vulnerabilidades en la migración.",
        "Objetivo 16: inclusión y cohesión social.",
        "Tipo de lección",
        "Lección positiva",
    ],
    [
        "LN3_TR: Las rutas de derivación de casos de trata no llegan a la frontera sur",
        "Área: Trata y tráfico de personas.",
        "Hallazgo: en Huaquillas los casos detectados no se derivaban porque los equipos locales "
        "no conocían la ruta nacional.",
        "Relación con ODS: ODS 5 y ODS 16.",
        "Pacto Mundial: Objetivos 10 y 11.",
        "Tipo de lección: lección negativa.",
    ],
]


@pytest.fixture(scope="module")
def pdf_doc(tmp_path_factory: pytest.TempPathFactory) -> ExtractedDocument:
    folder = tmp_path_factory.mktemp("lecciones") / "OIM" / "2021"
    folder.mkdir(parents=True)
    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(DEJAVU))
    pdf.set_font("dejavu", size=11)
    for lines in PDF_PAGES:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(folder / "lecciones-albergues.pdf"))
    [event] = list(run_ingest([folder.parents[1]], {}, workers=1))
    assert isinstance(event, Indexed), event
    return event.doc


def test_pdf_records_and_their_pages(pdf_doc: ExtractedDocument) -> None:
    records = by_code(pdf_doc.records)
    assert list(records) == ["LA1_AL", "LN3_TR"]  # "LAI_AL" is OCR for LA1_AL
    assert (records["LA1_AL"].page, records["LN3_TR"].page) == (2, 3)


def test_pdf_record_with_labels_on_their_own_lines(pdf_doc: ExtractedDocument) -> None:
    record = by_code(pdf_doc.records)["LA1_AL"]
    assert record.title == "La gestión comunitaria de los albergues reduce conflictos"
    assert (record.area, record.lesson_type) == ("alojamiento", "positiva")
    assert record.finding.startswith("Los comités de personas alojadas en Machala")
    assert record.description.startswith("Dar a las familias alojadas un papel")
    assert record.goals == "Ofrecer alojamiento temporal digno a familias en tránsito"
    assert record.beneficiaries.startswith("Familias venezolanas en tránsito")
    assert (record.sdg, record.gcm) == ((11, 16), (7, 16))
    assert "machala" in record.places and "el-oro" in record.places


def test_pdf_record_with_inline_labels(pdf_doc: ExtractedDocument) -> None:
    record = by_code(pdf_doc.records)["LN3_TR"]
    assert (record.area, record.lesson_type) == ("trata", "negativa")
    assert (record.sdg, record.gcm) == ((5, 16), (10, 11))
    assert record.finding.startswith("en Huaquillas los casos detectados no se derivaban")


# ---- vocabularies -----------------------------------------------------------------------------


def test_sdg_vocabulary_has_the_17_goals_in_both_languages() -> None:
    sdgs = vocab.sdgs()
    assert [t.code for t in sdgs] == [str(n) for n in range(1, 18)]
    assert all(t.label_es and t.label_en and f"ODS {t.code}" in t.aliases for t in sdgs)
    assert vocab.label("sdg", "4") == "Educación de calidad"
    assert vocab.label("sdg", "4", "en") == "Quality education"


def test_gcm_vocabulary_has_the_23_objectives() -> None:
    objectives = vocab.gcm_objectives()
    assert [t.code for t in objectives] == [str(n) for n in range(1, 24)]
    assert all(t.label_es and t.label_en for t in objectives)
    # The two objectives DESIGN.md quotes, word for word.
    assert vocab.label("gcm", "1") == (
        "Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica"
    )
    assert vocab.label("gcm", "23") == (
        "Fortalecer la cooperación internacional y las alianzas mundiales para la migración "
        "segura, ordenada y regular"
    )


def test_lesson_types_and_record_areas_parse() -> None:
    assert [t.code for t in vocab.lesson_types()] == ["positiva", "negativa", "buena-practica"]
    for prefix, code in (("LA", "positiva"), ("LN", "negativa"), ("BP", "buena-practica")):
        assert vocab.resolve("lesson_type", prefix) == code
    topics = {t.code for t in vocab.topics()}
    areas = vocab.record_areas()
    assert areas and all(re.fullmatch(r"[A-Z]{2,3}", s) for s in areas)
    assert set(areas.values()) <= topics


SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_4277ee8af15f2fd8.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not there")
def test_seed_record_keeps_its_success_and_challenges() -> None:
    """The compendium prints every part of a record: "Éxito" and "Desafíos" are fields too."""
    records = {r.code: r for r in find_records([Page(1, SEED.read_text(encoding="utf-8"))])}
    record = records["LN2_GN"]
    assert record.success.startswith("La creación de un repositorio interagencial permite")
    assert record.challenges.startswith("El desafío radica en la sistematización")
    assert record.challenges.endswith("por las agencias del sistema")  # the next label ends it
    assert record.beneficiaries.startswith("Instituciones y organismos")
