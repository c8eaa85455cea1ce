"""The thesaurus: one form of a concept finds the others, across Spanish and English."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened
from werkzeug.datastructures import MultiDict

from acervo import cli, vocab
from acervo.search import thesaurus
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher
from acervo.web.params import parse_request, request_args

ES_ACNUR = doc_id(1)
EN_UNHCR = doc_id(2)
ES_VBG = doc_id(3)
EN_GBV = doc_id(4)
ES_REFUGIADOS = doc_id(5)
EN_REFUGEES = doc_id(6)
ES_DIGITS = doc_id(7)
ES_MILLIONS = doc_id(8)
ES_PERCENT = doc_id(9)
ES_PERCENT_WORDS = doc_id(10)
ES_OTHER_45 = doc_id(11)
EN_SDG = doc_id(12)
ES_TRATA = doc_id(13)
ES_TRATO = doc_id(14)
ES_COLOMBIANAS = doc_id(15)
ES_VENEZOLANAS = doc_id(16)
ES_VENEZUELA = doc_id(17)

DOCS = (
    make_doc(ES_COLOMBIANAS, ["Mujeres colombianas en Lago Agrio."]),
    make_doc(ES_VENEZOLANAS, ["Las familias venezolanas en Manta."]),
    make_doc(ES_VENEZUELA, ["Llegaron desde Venezuela por el puente de Rumichaca."]),
    make_doc(ES_ACNUR, ["El ACNUR apoyó a las familias en Tulcán."], title="Apoyo en Tulcán"),
    make_doc(
        EN_UNHCR,
        ["UNHCR supported families in Tulcan."],
        title="Support in Tulcan",
        language="en",
    ),
    make_doc(ES_VBG, ["Atención a sobrevivientes de violencia basada en género en Huaquillas."]),
    make_doc(EN_GBV, ["GBV case management for survivors in Huaquillas."], language="en"),
    make_doc(ES_REFUGIADOS, ["Las personas refugiadas en Manta buscan empleo."]),
    make_doc(EN_REFUGEES, ["Refugees in Manta look for jobs."], language="en"),
    make_doc(ES_DIGITS, ["Más de 1.500.000 personas cruzaron el puente."]),
    make_doc(ES_MILLIONS, ["Cerca de 1,5 millones de personas viven en la ciudad."]),
    make_doc(ES_PERCENT, ["El 45% de los hogares no tenía agua."]),
    make_doc(ES_PERCENT_WORDS, ["Un 45 por ciento de las familias arrienda."]),
    make_doc(ES_OTHER_45, ["Se entrevistó a 45 personas en 12 % de los cantones."]),
    make_doc(EN_SDG, ["The programme contributes to SDG 4 on quality schooling."], language="en"),
    make_doc(ES_TRATA, ["Casos de trata de personas en la frontera sur."]),
    make_doc(ES_TRATO, ["El trato de las personas en la oficina fue amable."]),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("thesaurus"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


def ids(searcher: Searcher, query: str, expand: bool = True) -> list[str]:
    result = searcher.search(SearchRequest(query=query, expand=expand, per_page=100))
    return [hit.id for hit in result.hits]


# ---- the data -------------------------------------------------------------------------------


def _csv_rows() -> list[dict[str, str]]:
    source = resources.files("acervo.search").joinpath("data/thesaurus.csv")
    with source.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_every_thesaurus_row_is_valid() -> None:
    rows = _csv_rows()
    assert len(rows) >= 80
    assert {row["language"] for row in rows} <= {"es", "en", "*"}
    assert all(row["concept"] and row["term"].strip() == row["term"] for row in rows)


def test_every_concept_has_a_spanish_and_an_english_side() -> None:
    concepts: dict[str, set[str]] = {}
    for row in _csv_rows():
        concepts.setdefault(row["concept"], set()).add(row["language"])
    lonely = [
        c for c, langs in concepts.items() if not ({"es", "*"} & langs and {"en", "*"} & langs)
    ]
    assert lonely == []


@pytest.mark.parametrize(
    ("typed", "also"),
    [
        ("ACNUR", "UNHCR"),
        ("unhcr", "Alto Comisionado de las Naciones Unidas para los Refugiados"),
        ("Alto Comisionado de las Naciones Unidas para los Refugiados", "UN Refugee Agency"),
        ("VBG", "gender-based violence"),
        ("violencia basada en genero", "GBV"),
        ("NNA", "niños, niñas y adolescentes"),
        ("PTM", "cash transfers"),
        ("CVA", "transferencias monetarias"),
        ("WASH", "agua, saneamiento e higiene"),
        ("movilidad humana", "human mobility"),
        ("refugiadas", "refugees"),  # gender and number do not matter
        ("Migrants", "migrantes"),
        ("educación", "education"),
        ("salud", "health"),
        ("WFP", "Programa Mundial de Alimentos"),  # from acervo/vocab/agencies.csv
        ("1.500.000", "1,5 millones"),
        ("1,5 millones", "1.500.000"),
        ("45%", "45 por ciento"),
        ("45 por ciento", "45%"),
        ("ODS 4", "SDG 4"),
        # a place meets its people, in both languages
        ("Venezuela", "venezolanos"),
        ("venezolanas", "Venezuela"),
        ("colombianas", "Colombia"),
        ("Colombia", "Colombians"),
        ("Venezuelans", "Venezuela"),
    ],
)
def test_a_form_leads_to_the_others(typed: str, also: str) -> None:
    concept = thesaurus.default().lookup(typed)
    assert concept is not None
    assert also in [form.text for form in concept.others(typed)]
    assert typed not in [form.text for form in concept.others(typed)]


@pytest.mark.parametrize("typed", ["Tulcán", "xenofobia laboral", "2019", "1.240", "casa"])
def test_other_words_have_no_concept(typed: str) -> None:
    assert thesaurus.default().lookup(typed) is None


def test_agency_names_come_from_the_agency_vocabulary() -> None:
    acnur = next(t for t in vocab.agencies() if t.code == "ACNUR")
    concept = thesaurus.default().lookup("ACNUR")
    forms = {form.text for form in concept.forms}
    assert {*acnur.aliases, acnur.label_es, acnur.label_en} <= forms


# ---- searching --------------------------------------------------------------------------


def test_a_spanish_acronym_finds_the_english_document_after_the_spanish_one(searcher) -> None:
    found = ids(searcher, "ACNUR")
    assert found[:2] == [ES_ACNUR, EN_UNHCR]


def test_an_english_acronym_finds_the_spanish_document_after_the_english_one(searcher) -> None:
    assert ids(searcher, "UNHCR")[:2] == [EN_UNHCR, ES_ACNUR]


def test_expansion_off_finds_only_what_was_typed(searcher) -> None:
    assert ids(searcher, "ACNUR", expand=False) == [ES_ACNUR]
    result = searcher.search(SearchRequest(query="ACNUR", expand=False))
    assert result.expansions == ()


def test_the_result_says_how_the_query_was_read(searcher) -> None:
    result = searcher.search(SearchRequest(query="ACNUR Tulcán"))
    assert [e.term for e in result.expansions] == ["ACNUR"]
    assert "UNHCR" in result.expansions[0].alternatives
    shown = result.to_json()["expansions"]
    assert shown[0]["term"] == "ACNUR" and "UNHCR" in shown[0]["alternatives"]
    assert result.to_json()["suggestion"] is None


def test_an_unquoted_multiword_form_meets_its_acronym(searcher) -> None:
    assert set(ids(searcher, "violencia basada en género")) == {ES_VBG, EN_GBV}
    assert set(ids(searcher, "GBV")) == {ES_VBG, EN_GBV}
    assert ids(searcher, '"violencia basada en género"', expand=False) == [ES_VBG]


def test_field_terms_cross_languages_exact_language_first(searcher) -> None:
    assert ids(searcher, "refugiados") == [ES_REFUGIADOS, EN_REFUGEES]
    assert ids(searcher, "refugees") == [EN_REFUGEES, ES_REFUGIADOS]
    assert ids(searcher, "refugees", expand=False) == [EN_REFUGEES]


@pytest.mark.parametrize("query", ["1.500.000", "1500000", "1,5 millones", "1.5 million"])
def test_a_number_is_found_however_it_is_written(searcher, query: str) -> None:
    assert set(ids(searcher, query)) == {ES_DIGITS, ES_MILLIONS}


@pytest.mark.parametrize("query", ["45%", "45 %", "45 por ciento"])
def test_a_percentage_is_not_any_45(searcher, query: str) -> None:
    assert set(ids(searcher, query)) == {ES_PERCENT, ES_PERCENT_WORDS}


def test_an_sdg_number_in_spanish_finds_it_in_english(searcher) -> None:
    assert ids(searcher, "ODS 4") == [EN_SDG]


def test_trata_de_personas_is_not_trato(searcher) -> None:
    assert ids(searcher, "trata de personas") == [ES_TRATA]


def test_expandir_0_in_the_url_turns_expansion_off() -> None:
    assert parse_request(MultiDict({"q": "ACNUR"})).expand is True
    off = parse_request(MultiDict({"q": "ACNUR", "expandir": "0"}))
    assert off.expand is False
    assert request_args(off)["expandir"] == "0"
    assert "expandir" not in request_args(SearchRequest(query="ACNUR"))


def test_the_cli_says_what_it_also_searched_and_can_stop(index_root: Path, capsys) -> None:
    assert cli.main(["search", "ACNUR", "--index", str(index_root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 documentos") and "Buscando también: UNHCR" in out
    assert cli.main(["search", "ACNUR", "--no-expand", "--index", str(index_root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 documento para") and "Buscando también" not in out


def test_a_place_finds_its_people(searcher) -> None:
    assert ES_COLOMBIANAS in ids(searcher, "Colombia")
    assert ES_COLOMBIANAS not in ids(searcher, "Colombia", expand=False)
    # and the people their place, whatever the gender and number typed
    assert set(ids(searcher, "Venezuela")) == {ES_VENEZUELA, ES_VENEZOLANAS}
    assert set(ids(searcher, "venezolanos")) == {ES_VENEZUELA, ES_VENEZOLANAS}
    assert ids(searcher, "venezolanos", expand=False) == [ES_VENEZOLANAS]
    assert ES_COLOMBIANAS in ids(searcher, "colombianos")
