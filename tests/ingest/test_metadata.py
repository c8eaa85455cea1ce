"""Metadata rules: which source wins each field, and what each source can say.

The precedence table is the specification: sidecar > folder > properties > inference > "sin dato".
Sidecars and folders are real files in tmp_path; text and properties are given directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from acervo.ingest.metadata import (
    FIELDS,
    agencies_in_name,
    infer_title,
    infer_topics,
    infer_year,
    resolve_metadata,
    text_guesses,
)
from acervo.ingest.models import (
    DocProperties,
    ExtractedText,
    Metadata,
    Page,
    Provenance,
    TextGuesses,
)

SC, FO, PR, IN, NO = (
    Provenance.SIDECAR,
    Provenance.FOLDER,
    Provenance.PROPERTIES,
    Provenance.INFERRED,
    Provenance.NONE,
)

SIDECAR_YAML = """\
title: Título del sidecar
agencies: [OIM]
topics: Salud
year: 2018
language: en
doc_type: Evaluación
password: secreta
"""
FOLDER_WITH = "ACNUR/2020"
FOLDER_WITHOUT = "otros"
PROPERTIES = DocProperties(
    title="Título de propiedades", author="UNICEF", keywords="educación", year=2017
)
TEXT = """\
Programa Mundial de Alimentos
Informe sobre alojamiento de la población venezolana
Quito, publicado en marzo de 2016
Las familias venezolanas buscan alojamiento en la ciudad. El albergue temporal recibe a quienes
llegan por el puente de Rumichaca, y muchas familias pagan un arriendo alto por una vivienda
pequeña. Este informe describe las condiciones de alojamiento observadas durante el año.
"""


def resolve(
    tmp_path: Path,
    sources: str,
    *,
    name: str = "informe.pdf",
    text: str = TEXT,
) -> Metadata:
    """Metadata of one file with the sources named by letters: s(idecar) f(older) p(roperties)
    t(ext)."""
    folder = tmp_path / (FOLDER_WITH if "f" in sources else FOLDER_WITHOUT)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.4 placeholder: resolve_metadata never reads the document")
    if "s" in sources:
        (folder / f"{name}.meta.yaml").write_text(SIDECAR_YAML, encoding="utf-8")
    pages = [Page(1, text)] if "t" in sources else []
    props = PROPERTIES if "p" in sources else DocProperties()
    return resolve_metadata([path], ExtractedText("pdf", pages, props), [tmp_path])


PRECEDENCE = [
    # field, sources present, expected value, expected provenance
    ("agencies", "sfpt", ("OIM",), SC),
    ("agencies", "fpt", ("ACNUR",), FO),
    ("agencies", "pt", ("UNICEF",), PR),
    ("agencies", "t", ("PMA",), IN),
    ("agencies", "", (), NO),
    ("year", "sfpt", 2018, SC),
    ("year", "fpt", 2020, FO),
    ("year", "pt", 2017, PR),
    ("year", "t", 2016, IN),
    ("year", "", None, NO),
    ("title", "sfpt", "Título del sidecar", SC),
    ("title", "fpt", "Título de propiedades", PR),
    ("title", "t", "Informe sobre alojamiento de la población venezolana", IN),
    ("title", "", "Informe", IN),  # from the file name (informe.pdf), never "(sin título)"
    ("topics", "sfpt", ("salud",), SC),
    ("topics", "fpt", ("educacion",), PR),
    ("topics", "t", ("alojamiento",), IN),
    ("topics", "", (), NO),
    ("doc_type", "sfpt", "evaluacion", SC),
    ("doc_type", "fpt", "informe", IN),
    ("doc_type", "", "", NO),
    ("language", "sfpt", "en", SC),
    ("language", "fpt", "es", IN),
    ("language", "", "", NO),
]


@pytest.mark.parametrize(("field", "sources", "value", "provenance"), PRECEDENCE)
def test_strongest_source_wins_each_field(
    tmp_path: Path, field: str, sources: str, value: object, provenance: Provenance
) -> None:
    meta = resolve(tmp_path, sources)
    assert (getattr(meta, field), meta.provenance[field]) == (value, provenance)


@pytest.mark.parametrize("sources", ["sfpt", "fp", "t", ""])
def test_every_field_has_a_provenance(tmp_path: Path, sources: str) -> None:
    assert set(resolve(tmp_path, sources).provenance) == set(FIELDS)


def test_no_source_means_sin_dato_everywhere(tmp_path: Path) -> None:
    meta = resolve(tmp_path, "")
    provenance = dict.fromkeys(FIELDS, NO) | {"title": IN}  # the title of the file's name
    assert meta == Metadata(title="Informe", provenance=provenance)


# --- folder convention ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "agencies", "year"),
    [
        ("unhcr/2020", ("ACNUR",), 2020),
        ("Acnur/2020", ("ACNUR",), 2020),
        ("ALTO COMISIONADO DE LAS NACIONES UNIDAS PARA LOS REFUGIADOS", ("ACNUR",), None),
        ("International Organization for Migration/2019", ("OIM",), 2019),
        ("Organización Internacional para las Migraciones", ("OIM",), None),
        ("organizacion internacional para las migraciones", ("OIM",), None),
        ("onu-mujeres/2021", ("ONU-MUJERES",), 2021),
        ("UN Women", ("ONU-MUJERES",), None),
        ("ONU_Hábitat", ("ONU-HABITAT",), None),
        ("cancilleria", ("MREMH",), None),
        ("OIM_ACNUR/2019", ("OIM", "ACNUR"), 2019),
        ("IOM+UNHCR", ("OIM", "ACNUR"), None),
        ("OIM y ACNUR", ("OIM", "ACNUR"), None),
        ("ONU Mujeres-PMA", ("ONU-MUJERES", "PMA"), None),
        ("2020/WFP", ("PMA",), 2020),
        ("ACNUR/2020/anexos", ("ACNUR",), 2020),
        ("ACNUR/1989", ("ACNUR",), None),  # before YEAR_MIN: not a year folder
        ("informes/2022", (), 2022),
        ("ACNUR informes", (), None),  # a leftover word: not an agency folder
    ],
)
def test_folder_convention(
    tmp_path: Path, folder: str, agencies: tuple[str, ...], year: int | None
) -> None:
    path = tmp_path / folder / "estudio.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    meta = resolve_metadata([path], ExtractedText("pdf", []), [tmp_path])
    assert (meta.agencies, meta.year) == (agencies, year)
    assert meta.provenance["agencies"] == (FO if agencies else NO)


def test_folders_above_the_root_do_not_count(tmp_path: Path) -> None:
    root = tmp_path / "ACNUR" / "2020" / "corpus"
    path = root / "estudio.pdf"
    root.mkdir(parents=True)
    path.write_bytes(b"x")
    meta = resolve_metadata([path], ExtractedText("pdf", []), [root])
    assert (meta.agencies, meta.year) == ((), None)


def test_first_copy_in_sort_order_gives_the_folder(tmp_path: Path) -> None:
    paths = [tmp_path / "PMA" / "2021" / "x.pdf", tmp_path / "ACNUR" / "2019" / "x.pdf"]
    for path in paths:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x")
    meta = resolve_metadata(paths, ExtractedText("pdf", []), [tmp_path])
    assert (meta.agencies, meta.year) == (("ACNUR",), 2019)


# --- sidecars ------------------------------------------------------------------------------


def write_file(folder: Path, name: str = "informe.pdf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"x")
    return path


def resolve_path(path: Path, root: Path, pages: list[Page] | None = None) -> Metadata:
    return resolve_metadata([path], ExtractedText("pdf", pages or []), [root])


@pytest.mark.parametrize(
    "sidecar_name", ["informe.pdf.meta.yaml", "informe.meta.yaml", "informe.pdf.meta.yml"]
)
def test_yaml_sidecar_beside_the_file(tmp_path: Path, sidecar_name: str) -> None:
    path = write_file(tmp_path / "ACNUR" / "2020")
    (path.parent / sidecar_name).write_text("agencies: UNICEF; PMA\nyear: '2015'\n")
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.year) == (("UNICEF", "PMA"), 2015)
    assert (meta.provenance["agencies"], meta.provenance["year"]) == (SC, SC)


def test_json_sidecar_with_spanish_keys_and_english_names(tmp_path: Path) -> None:
    path = write_file(tmp_path)
    sidecar = '{"agencias": ["UNHCR", "World Food Programme"], "tema": "child protection",'
    sidecar += ' "tipo": "Needs assessment", "idioma": "es-EC", "año": 2019}'
    (tmp_path / "informe.pdf.meta.json").write_text(sidecar, encoding="utf-8")
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.topics, meta.doc_type, meta.language, meta.year) == (
        ("ACNUR", "PMA"),
        ("proteccion-infancia",),
        "diagnostico",
        "es",
        2019,
    )


def test_unknown_vocabulary_values_are_dropped_with_a_note(tmp_path: Path) -> None:
    path = write_file(tmp_path)
    (tmp_path / "informe.pdf.meta.yaml").write_text(
        "agencies: [OIM, Agencia Fantasma]\ntopics: [Astrología]\ncolor: azul\nyear: pronto\n",
        encoding="utf-8",
    )
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.topics, meta.year) == (("OIM",), (), None)
    assert meta.provenance["topics"] == NO
    notes = " ".join(map(str, meta.notes))
    for word in ("Agencia Fantasma", "Astrología", "color", "pronto"):
        assert word in notes


def test_broken_sidecar_is_a_note_and_weaker_sources_still_count(tmp_path: Path) -> None:
    path = write_file(tmp_path / "UNICEF")
    (path.parent / "informe.pdf.meta.yaml").write_text("agencies: [OIM\n  year: :", "utf-8")
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.provenance["agencies"]) == (("UNICEF",), FO)
    assert len(meta.notes) == 1 and "informe.pdf.meta.yaml" in str(meta.notes[0])


def test_sidecar_beside_another_copy_counts(tmp_path: Path) -> None:
    first = write_file(tmp_path / "ACNUR")
    second = write_file(tmp_path / "OIM")
    (second.parent / "informe.pdf.meta.yaml").write_text("title: Copia con sidecar\n")
    meta = resolve_metadata([second, first], ExtractedText("pdf", []), [tmp_path])
    assert (meta.title, meta.provenance["title"]) == ("Copia con sidecar", SC)
    assert meta.agencies == ("ACNUR",)  # the folder of the first copy in sort order


MANIFEST = """\
file,title,agencies,topics,year,doc_type
informe.pdf,Informe del manifiesto,OIM;UNHCR;Nadie,Educación;Salud,2019,guía
otro.pdf,Otro,PMA,,2018,
"""


def test_folder_manifest_row(tmp_path: Path) -> None:
    path = write_file(tmp_path / "ACNUR" / "2020")
    (path.parent / "_metadata.csv").write_text(MANIFEST, encoding="utf-8")
    meta = resolve_path(path, tmp_path)
    assert (meta.title, meta.agencies, meta.topics, meta.year, meta.doc_type) == (
        "Informe del manifiesto",
        ("OIM", "ACNUR"),
        ("educacion", "salud"),
        2019,
        "guia",
    )
    assert {meta.provenance[f] for f in ("title", "agencies", "year", "doc_type")} == {SC}
    assert any("Nadie" in str(note) for note in meta.notes)


def test_empty_manifest_cells_leave_the_field_to_weaker_sources(tmp_path: Path) -> None:
    path = write_file(tmp_path / "ACNUR", "otro.pdf")
    (path.parent / "_metadata.csv").write_text(MANIFEST, encoding="utf-8")
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.provenance["agencies"]) == (("PMA",), SC)
    assert (meta.doc_type, meta.provenance["doc_type"]) == ("", NO)


def test_manifest_at_the_root_names_files_by_relative_path(tmp_path: Path) -> None:
    path = write_file(tmp_path / "ACNUR" / "2020")
    (tmp_path / "_metadata.csv").write_text("file,year\nACNUR/2020/informe.pdf,2011\n")
    assert resolve_path(path, tmp_path).year == 2011


def test_excel_spanish_manifest_semicolons_and_cp1252(tmp_path: Path) -> None:
    path = write_file(tmp_path, "Diagnóstico.pdf")
    manifest = 'archivo;título;agencias\nDiagnóstico.pdf;Diagnóstico rápido;"OIM, ACNUR"\n'
    (tmp_path / "_metadata.csv").write_bytes(manifest.encode("cp1252"))
    meta = resolve_path(path, tmp_path)
    assert (meta.title, meta.agencies) == ("Diagnóstico rápido", ("OIM", "ACNUR"))


def test_unreadable_manifest_is_a_note(tmp_path: Path) -> None:
    path = write_file(tmp_path / "PMA")
    # A cell over the csv module's field limit makes the whole file unreadable.
    (path.parent / "_metadata.csv").write_text("file,title\ninforme.pdf," + "x" * 200_000)
    meta = resolve_path(path, tmp_path)
    assert (meta.agencies, meta.title) == (("PMA",), "Informe")
    assert len(meta.notes) == 1 and "field limit" in str(meta.notes[0])


def test_file_sidecar_beats_folder_manifest(tmp_path: Path) -> None:
    path = write_file(tmp_path)
    (tmp_path / "_metadata.csv").write_text("file,year,title\ninforme.pdf,2019,Del CSV\n")
    (tmp_path / "informe.meta.yaml").write_text("year: 2021\n")
    meta = resolve_path(path, tmp_path)
    assert (meta.year, meta.title) == (2021, "Del CSV")


# --- document properties -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "title", "agencies", "topics"),
    [
        (DocProperties(title="Microsoft Word - informe_final.docx"), "Informe", (), ()),
        (DocProperties(title="Documento1", author="jperez"), "Informe", (), ()),
        (DocProperties(title="Sin título"), "Informe", (), ()),
        (DocProperties(author="unhcr Ecuador"), "Informe", ("ACNUR",), ()),
        (DocProperties(author="OIM; UNICEF"), "Informe", ("OIM", "UNICEF"), ()),
        (DocProperties(keywords="migración, escuelas, VBG"), "Informe", (), ("educacion", "vbg")),
    ],
)
def test_properties(
    tmp_path: Path,
    props: DocProperties,
    title: str,
    agencies: tuple[str, ...],
    topics: tuple[str, ...],
) -> None:
    path = write_file(tmp_path)
    meta = resolve_metadata([path], ExtractedText("pdf", [], props), [tmp_path])
    assert (meta.title, meta.agencies, meta.topics) == (title, agencies, topics)


# --- inference from the text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "agencies"),
    [
        ("Un estudio de OIM y ACNUR en Ecuador", ("OIM", "ACNUR")),
        ("Alto Comisionado de las Naciones Unidas para los Refugiados", ("ACNUR",)),
        ("International Organization for Migration, with UNICEF support", ("OIM", "UNICEF")),
        ("Organizacion Panamericana de la Salud", ("OPS-OMS",)),
        ("Apoyo: ONU Mujeres. ONU Mujeres trabaja con PMA.", ("ONU-MUJERES", "PMA")),
        ("who knows what the oim said", ()),  # acronyms count only in capitals
        ("OIMX and XACNUR are not agencies", ()),  # whole words only
    ],
)
def test_agencies_inferred_from_front_pages(front: str, agencies: tuple[str, ...]) -> None:
    meta = resolve_metadata([Path("/nowhere/x.pdf")], ExtractedText("pdf", [Page(1, front)]), [])
    assert meta.agencies == agencies


def test_agencies_beyond_the_second_page_are_ignored() -> None:
    pages = [Page(1, "Portada"), Page(2, "Índice"), Page(3, "Con apoyo de UNICEF")]
    meta = resolve_metadata([Path("/nowhere/x.pdf")], ExtractedText("pdf", pages), [])
    assert (meta.agencies, meta.provenance["agencies"]) == ((), NO)


@pytest.mark.parametrize(
    ("front", "year"),
    [
        ("Informe anual 2019", 2019),
        ("Datos de 2018, 2018 y 2019. Publicado en junio de 2020.", 2020),
        ("Quito, © 2021. Cifras de 2019 y 2020.", 2021),
        ("Período 2017-2018", 2018),  # a tie goes to the later year
        ("Proyección para 2090 y censo de 1990", None),  # not plausible publication years
        ("Sin fecha", None),
    ],
)
def test_year_inferred_from_first_page(front: str, year: int | None) -> None:
    assert infer_year(front) == year


def test_topics_inferred_over_the_whole_text() -> None:
    education = "La educación de los niños: escuelas, docentes y matrícula escolar. "
    pages = [Page(n, education * 2 + "Un centro de salud.") for n in range(1, 6)]
    assert infer_topics(pages) == ("educacion",)


def test_guesses_made_in_the_worker_are_the_ones_resolved(tmp_path: Path) -> None:
    """The worker sends language/topics/places along with the text; the writer's process uses
    them as they are (here deliberately different from what the text says) instead of
    guessing again."""
    path = tmp_path / "estudio.pdf"
    path.write_bytes(b"x")
    education = "La educación de los niños en Quito: escuelas, docentes y matrícula escolar. "
    pages = [Page(n, education * 3) for n in range(1, 4)]
    made_here = resolve_metadata([path], ExtractedText("pdf", pages), [tmp_path])
    assert (made_here.language, made_here.topics) == ("es", ("educacion",))
    assert text_guesses(pages) == TextGuesses("es", ("educacion",), made_here.places)
    sent = TextGuesses(language="en", topics=("salud",), places=())
    meta = resolve_metadata([path], ExtractedText("pdf", pages, guesses=sent), [tmp_path])
    assert (meta.language, meta.topics, meta.places) == ("en", ("salud",), ())
    assert meta.provenance["language"] == IN


def test_topics_need_enough_mentions() -> None:
    assert infer_topics([Page(1, "Un solo párrafo sobre salud y educación.")]) == ()


def test_topic_acronyms_match_in_capitals_only() -> None:
    vbg = "Casos de VBG en la frontera; la VBG aumenta; respuesta a la VBG. "
    assert infer_topics([Page(1, vbg)]) == ("vbg",)
    assert infer_topics([Page(1, "wash your hands " * 5)]) == ()


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("ACNUR\n\nEvaluación del programa de efectivo\n2020",
         "Evaluación del programa de efectivo"),
        ("Diagnóstico de la situación\nde la población venezolana\nQuito",
         "Diagnóstico de la situación de la población venezolana"),
        ("www.acnur.org\n12\nMovilidad humana y salud", "Movilidad humana y salud"),
        ("OIM\n2021\n", ""),
        ("Índice de contenidos\n1. Introducción\nMedios de vida en Manta",
         "Medios de vida en Manta"),
    ],
)  # fmt: skip
def test_title_is_the_first_substantial_line(page: str, title: str) -> None:
    assert infer_title(page) == title


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("ACNUR", ("ACNUR",)),
        ("unhcr", ("ACNUR",)),
        ("OIM_ACNUR", ("OIM", "ACNUR")),
        ("Cruz Roja Ecuatoriana", ("CRUZ-ROJA",)),
        ("Movilidad humana", ()),
    ],
)
def test_agencies_in_name(name: str, codes: tuple[str, ...]) -> None:
    assert agencies_in_name(name) == codes
