"""'¿Quiso decir …?': corrections from the index's own words, offered only when they find more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened

from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher

DOCS = (
    make_doc(doc_id(1), ["La migración venezolana hacia Ecuador creció en 2019."]),
    make_doc(doc_id(2), ["Educación de niños migrantes en Quito."]),
    make_doc(doc_id(3), ["Xenofobia en el empleo: la migración y el trabajo."]),
    make_doc(doc_id(4), ["Refugees and migration in Guayaquil."], language="en"),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("suggest"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


def suggestion(searcher: Searcher, query: str) -> str | None:
    return searcher.search(SearchRequest(query=query)).suggestion


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("migrasion", "migracion"),
        ("migrasion venezolana", "migracion venezolana"),
        ("educasion niños", "educacion niños"),
        ("xenofovia", "xenofobia"),
        ("refugess", "refugees"),
    ],
)
def test_a_misspelt_word_gets_the_index_word(searcher: Searcher, typed: str, offered: str) -> None:
    assert searcher.search(SearchRequest(query=typed)).total == 0
    assert suggestion(searcher, typed) == offered
    assert searcher.search(SearchRequest(query=offered)).total > 0


@pytest.mark.parametrize(
    "typed",
    [
        "migración venezolana",  # found as typed: nothing to correct
        "migrasion Guayaquil",  # the correction finds nothing more (no doc has both)
        "CVA",  # an acronym is left alone (the thesaurus may know it)
        "zzzzzz",  # nothing close in the index
        "titulo:migrasion",  # field values are not corrected
        '"migrasion venezolana"',  # nor phrases
    ],
)
def test_no_suggestion_unless_it_finds_more(searcher: Searcher, typed: str) -> None:
    assert suggestion(searcher, typed) is None


def test_the_suggestion_is_in_the_json_shape(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="migrasion"))
    assert result.to_json()["suggestion"] == "migracion"
