""" "Más como este": documents like a hit, from its key terms (Searcher.similar and the API)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened

from acervo import cli
from acervo.search.searcher import Searcher
from acervo.web import create_app

NUTRITION_A = doc_id(1)
NUTRITION_B = doc_id(2)
TRAFFICKING_A = doc_id(3)
TRAFFICKING_B = doc_id(4)
SHELTER = doc_id(5)
NUTRITION = (
    "Desnutrición crónica y anemia en niños menores de cinco años; lactancia materna exclusiva, "
    "tamizaje nutricional y micronutrientes en Sucumbíos."
)
TRAFFICKING = (
    "Trata de personas y explotación sexual en la frontera sur; redes de tráfico ilícito de "
    "migrantes, víctimas y fiscalía en Huaquillas."
)

DOCS = (
    make_doc(NUTRITION_A, [NUTRITION, "La lactancia materna protege frente a la desnutrición."]),
    make_doc(NUTRITION_B, ["Tamizaje nutricional: desnutrición, anemia y lactancia.", NUTRITION]),
    make_doc(TRAFFICKING_A, [TRAFFICKING, "Las víctimas de trata necesitan casas de acogida."]),
    make_doc(TRAFFICKING_B, ["Explotación sexual y trata en Huaquillas.", TRAFFICKING]),
    make_doc(SHELTER, ["Albergues y alojamiento temporal para familias en tránsito."]),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("similar"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


@pytest.mark.parametrize(
    ("doc", "twin"),
    [
        (NUTRITION_A, NUTRITION_B),
        (NUTRITION_B, NUTRITION_A),
        (TRAFFICKING_A, TRAFFICKING_B),
        (TRAFFICKING_B, TRAFFICKING_A),
    ],
)
def test_the_most_similar_document_shares_its_topic(
    searcher: Searcher, doc: str, twin: str
) -> None:
    similar = searcher.similar(doc)
    assert similar[0].id == twin
    assert doc not in [hit.id for hit in similar]
    assert similar[0].title and similar[0].score > 0


def test_the_limit_is_kept(searcher: Searcher) -> None:
    assert len(searcher.similar(NUTRITION_A, limit=1)) == 1


def test_an_unknown_document_has_no_similar_ones(searcher: Searcher) -> None:
    assert searcher.similar("ffffffffffffffff") == ()


def test_the_api_returns_similar_documents(index_root: Path) -> None:
    client = create_app({"INDEX_DIR": index_root, "TESTING": True}).test_client()
    answer = client.get(f"/api/similar/{TRAFFICKING_A}")
    assert answer.status_code == 200
    assert answer.get_json()["hits"][0]["id"] == TRAFFICKING_B
    assert client.get("/api/similar/ffffffffffffffff").status_code == 404
    assert client.get("/api/similar/not-an-id").status_code == 404


def test_the_cli_lists_similar_documents(index_root: Path, capsys) -> None:
    assert cli.main(["similar", TRAFFICKING_A, "--index", str(index_root), "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1. ") and TRAFFICKING_B in lines[0]
    assert cli.main(["similar", "ffffffffffffffff", "--index", str(index_root)]) != 0
    assert "No hay ningún documento" in capsys.readouterr().err
