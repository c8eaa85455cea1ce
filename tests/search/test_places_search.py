"""The `lugar` facet and `lugar:` field on a real index built by the pipeline over corpus/."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from corpusindex import corpus_store, relative

from acervo.cli import main
from acervo.search.errors import UnknownField
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher

# Documents that name Huaquillas at least twice, or on their front (ingest/places.py).
HUAQUILLAS = {
    "ACNUR/2017/diagnostico-albergues-frontera.pdf",
    "ACNUR/2018/monitoreo-proteccion-frontera.pdf",
    "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx",
    "OIM/2018/dtm-flujos-rumichaca-huaquillas.pdf",
    "OIM/2021/trata-de-personas-frontera-sur.pdf",
    "OIT/2021/trabajo-infantil-explotacion-laboral.docx",
    "UNFPA/2019/salud-sexual-reproductiva-vbg.pdf",
}
# They name it once, deep in the text: not what they are about.
NOT_HUAQUILLAS = {
    "GTRM/2021/evaluacion-conjunta-necesidades.pdf",
    "R4V/2021/evaluacion-conjunta-necesidades.pdf",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> IndexStore:
    return corpus_store(tmp_path_factory.mktemp("places-index"))


@pytest.fixture()
def searcher(store: IndexStore) -> Iterator[Searcher]:
    with store.open_searcher() as opened:
        yield opened


def paths(searcher: Searcher, req: SearchRequest) -> set[str]:
    return {relative(hit.path) for hit in searcher.search(req).hits}


def place_counts(searcher: Searcher, req: SearchRequest) -> dict[str, int]:
    group = next(g for g in searcher.search(req).facets if g.name == "place")
    return {v.value: v.count for v in group.values}


def test_place_facet_counts_documents(searcher: Searcher) -> None:
    counts = place_counts(searcher, SearchRequest())
    tagged = paths(searcher, SearchRequest(filters={"place": ("huaquillas",)}, per_page=100))
    assert counts["huaquillas"] == len(tagged)
    assert HUAQUILLAS <= tagged and not NOT_HUAQUILLAS & tagged
    # a province counts the documents about its cities too
    assert counts["el-oro"] >= counts["huaquillas"]


def test_place_facet_labels_come_from_the_vocabulary(searcher: Searcher) -> None:
    group = next(g for g in searcher.search(SearchRequest()).facets if g.name == "place")
    labels = {v.value: v.label for v in group.values}
    assert labels["sucumbios"] == "Sucumbíos" and labels["nueva-loja"] == "Nueva Loja"


@pytest.mark.parametrize("query", ["lugar:sucumbios", "lugar:Sucumbíos", "place:SUCUMBIOS"])
def test_lugar_field_is_accent_and_case_insensitive(searcher: Searcher, query: str) -> None:
    found = paths(searcher, SearchRequest(query=query, per_page=100))
    assert "UNICEF/2019/situacion-nna-frontera-norte.pdf" in found  # names Sucumbíos 5 times
    assert "GTRM/2022/lecciones-aprendidas-respuesta-interagencial.docx" in found  # Lago Agrio
    assert found == paths(searcher, SearchRequest(filters={"place": ("sucumbios",)}, per_page=100))


def test_lugar_field_resolves_aliases(searcher: Searcher) -> None:
    lago_agrio = paths(searcher, SearchRequest(query='lugar:"Lago Agrio"', per_page=100))
    assert lago_agrio == paths(searcher, SearchRequest(query="lugar:nueva-loja", per_page=100))
    assert lago_agrio


def test_lugar_field_combines_with_words(searcher: Searcher) -> None:
    found = paths(searcher, SearchRequest(query="trata lugar:huaquillas", per_page=100))
    assert "OIM/2021/trata-de-personas-frontera-sur.pdf" in found
    assert found <= paths(searcher, SearchRequest(query="lugar:huaquillas", per_page=100))


def test_unknown_place_is_explained(searcher: Searcher) -> None:
    with pytest.raises(UnknownField, match="Lugar desconocido «Narnia»"):
        searcher.search(SearchRequest(query="lugar:Narnia"))


def test_cli_place_filter(store: IndexStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--index", str(store.root), "search", "--place", "rumichaca", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    found = {relative(hit["path"]) for hit in data["hits"]}
    assert "OIM/2018/dtm-flujos-rumichaca-huaquillas.pdf" in found
    assert data["total"] == {f["value"]: f["count"] for f in data["facets"]["place"]}["rumichaca"]
