"""Lessons-learned records as search units: a real index built by the pipeline over corpus/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from corpusindex import CORPUS, corpus_store, relative
from werkzeug.datastructures import MultiDict

from acervo.build import build_index
from acervo.cli import main
from acervo.config import Config
from acervo.search.errors import BadParameter, UnknownField
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest, SearchResult
from acervo.search.searcher import Searcher
from acervo.web.params import parse_request, request_args

GTRM = "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx"
PMA = "PMA/2023/lecciones-transferencias-monetarias.docx"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndexStore:
    return corpus_store(tmp_path_factory.mktemp("records-index"))


@pytest.fixture()
def searcher(store: IndexStore) -> Iterator[Searcher]:
    with store.open_searcher() as opened:
        yield opened


def records(searcher: Searcher, query: str = "", **filters: tuple[str, ...]) -> SearchResult:
    req = SearchRequest(query=query, filters=filters, result_type="records", per_page=100)
    return searcher.search(req)


def counts(result: SearchResult, facet: str) -> dict[str, int]:
    group = next(g for g in result.facets if g.name == facet)
    return {v.value: v.count for v in group.values}


def test_records_search_finds_the_record_with_its_code_and_page(searcher: Searcher) -> None:
    result = records(searcher, "trata")
    assert [hit.record.code for hit in result.hits] == ["LN1_PR"]
    [hit] = result.hits
    assert hit.title == (
        "LN1_PR: Los casos de NNA no acompañados se pierden al pasar de una provincia a otra."
    )
    assert relative(hit.path) == GTRM and hit.year == 2022 and hit.agencies == ("GTRM",)
    assert hit.record.page == 3 and hit.passages[0].page == 3  # the DOCX's page 3
    assert ">trata</mark> de personas" in hit.passages[0].html
    assert (hit.record.area, hit.record.lesson_type) == ("proteccion", "negativa")
    assert (hit.record.sdg, hit.record.gcm) == (("16",), ("7", "10"))
    assert hit.record.document_title.startswith("Lecciones aprendidas y buenas prácticas")


def test_every_record_of_the_corpus_with_facet_counts(searcher: Searcher) -> None:
    result = records(searcher)
    assert result.total == 11
    assert counts(result, "area") == {
        "transferencias": 5, "educacion": 2, "salud": 1, "proteccion": 1, "vbg": 1,
        "integracion": 1}  # fmt: skip
    assert counts(result, "lesson_type") == {"positiva": 4, "negativa": 4, "buena-practica": 3}
    assert counts(result, "sdg") == {"3": 1, "4": 1, "5": 1, "8": 1, "10": 1, "16": 1}
    assert counts(result, "gcm") == {
        "1": 1, "6": 1, "7": 2, "10": 1, "15": 2, "16": 1, "18": 1}  # fmt: skip
    assert counts(result, "agency") == {"GTRM": 6, "PMA": 5}


def test_record_facet_filters_combine(searcher: Searcher) -> None:
    education = records(searcher, area=("educacion",))
    assert sorted(h.record.code for h in education.hits) == ["BP1_ED", "LN1_ED"]
    # the area's own counts ignore its selection (disjunctive facets)
    assert counts(education, "area")["transferencias"] == 5
    negative_pma = records(searcher, lesson_type=("negativa",), agency=("PMA",))
    assert sorted(h.record.code for h in negative_pma.hits) == ["LN1_TM", "LN2_TM"]
    gcm_7 = records(searcher, gcm=("7",))
    assert sorted(h.record.code for h in gcm_7.hits) == ["BP1_VB", "LN1_PR"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("ods:4", ["LN1_ED"]),
        ('ods:"ODS 16"', ["LN1_PR"]),
        ("pacto:15", ["LA1_SA", "LN1_ED"]),
        ("codigo:ln2_tm", ["LN2_TM"]),
        ('leccion:"buena práctica" area:educación', ["BP1_ED"]),
        ("lugar:sucumbios", ["BP1_VB", "LN1_ED"]),  # Lago Agrio is in Sucumbíos
        ("duplicidades", ["LN1_TM"]),
    ],
)
def test_record_fields_in_the_query(searcher: Searcher, query: str, codes: list[str]) -> None:
    assert sorted(h.record.code for h in records(searcher, query).hits) == codes


def test_documents_count_under_their_records_facets(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(filters={"sdg": ("4",)}))
    assert [relative(h.path) for h in result.hits] == [GTRM]
    assert all(h.record is None for h in result.hits)
    everything = searcher.search(SearchRequest())
    assert counts(everything, "lesson_type") == {"positiva": 2, "negativa": 2, "buena-practica": 2}
    # GTRM's five distinct areas and PMA's one, each counted once per document
    areas = ["educacion", "salud", "proteccion", "vbg", "integracion", "transferencias"]
    assert counts(everything, "area") == dict.fromkeys(areas, 1)


def test_record_hits_json_carries_the_record(searcher: Searcher) -> None:
    data = records(searcher, "codigo:LN1_ED").to_json()
    [hit] = data["hits"]
    assert hit["record"]["code"] == "LN1_ED" and hit["record"]["page"] == 2
    assert hit["record"]["sdg"] == ["4", "10"] and hit["record"]["gcm"] == ["1", "15"]
    assert hit["record"]["finding"].startswith("en Tulcán, Lago Agrio y Huaquillas")
    document_hit = searcher.search(SearchRequest(query="duplicidades")).to_json()["hits"][0]
    assert "record" not in document_hit


def test_bad_result_type_and_unknown_values_are_explained(searcher: Searcher) -> None:
    with pytest.raises(BadParameter, match="Tipo de resultado"):
        searcher.search(SearchRequest(result_type="pages"))
    with pytest.raises(UnknownField, match="ODS desconocido"):
        records(searcher, "ods:99")


def test_web_parameter_resultado() -> None:
    req = parse_request(MultiDict({"q": "trata", "resultado": "registros"}))
    assert req.result_type == "records"
    assert request_args(req)["resultado"] == "registros"
    assert parse_request(MultiDict({"q": "trata"})).result_type == "documents"
    with pytest.raises(BadParameter, match="resultado=registros"):
        parse_request(MultiDict({"resultado": "paginas"}))


def test_cli_result_type(store: IndexStore, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--index", str(store.root), "search", "trata", "--result-type", "registros"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 registro de lección para «trata»")
    assert "LN1_PR · proteccion · negativa · pág. 3" in out


def test_records_survive_a_reingest(store: IndexStore) -> None:
    # Nothing changed: the second run leaves every document (and its records) as it was.
    build_index([CORPUS], store, Config(index_dir=store.root, workers=2))
    with store.open_searcher() as searcher:
        assert records(searcher).total == 11
