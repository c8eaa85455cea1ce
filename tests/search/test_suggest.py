"""Spelling: a word in no document is searched as the closest index word (and said so); searched
as typed (corregir=0), the correction is offered ("¿Quiso decir …?") only when it finds more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened

from acervo import cli
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher
from acervo.search.suggest import spelling_distance
from acervo.web.app import create_app

DOCS = (
    make_doc(doc_id(1), ["La migración venezolana hacia Ecuador creció en 2019."]),
    make_doc(doc_id(2), ["Educación de niños migrantes en Quito."]),
    make_doc(doc_id(3), ["Xenofobia en el empleo: la migración y el trabajo."]),
    make_doc(doc_id(4), ["Refugees and migration in Guayaquil."], language="en"),
    # `intencivos` is one sound-alike letter from `intensivos`, two edits from the more frequent
    # `incentivos` (Whoosh's corrector ranked by frequency alone and chose it)
    make_doc(doc_id(5), ["Sistemas intensivos de producción."]),
    make_doc(doc_id(6), ["Incentivos fiscales."]),
    make_doc(doc_id(7), ["Incentivos a la contratación."]),
    make_doc(doc_id(8), ["Higiene en las escuelas."]),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("suggest"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


def suggestion(searcher: Searcher, query: str) -> str | None:
    """The "¿Quiso decir …?" of a search run as typed (`corregir=0`)."""
    return searcher.search(SearchRequest(query=query, correct=False)).suggestion


MISSPELT = [
    ("migrasion", "migracion"),
    ("migrasion venezolana", "migracion venezolana"),
    ("educasion niños", "educacion niños"),
    ("xenofovia", "xenofobia"),
    ("refugess", "refugees"),
    ("intencivos", "intensivos"),
    ("igiene", "higiene"),  # a silent h left out (the first letter, which is otherwise kept)
]


@pytest.mark.parametrize(("typed", "corrected"), MISSPELT)
def test_a_misspelt_word_is_searched_as_its_correction(
    searcher: Searcher, typed: str, corrected: str
) -> None:
    result = searcher.search(SearchRequest(query=typed))
    assert result.corrected_from == typed and result.request.query == corrected
    assert result.total == searcher.search(SearchRequest(query=corrected)).total > 0
    assert result.suggestion is None  # it was searched, not suggested


@pytest.mark.parametrize(("typed", "offered"), MISSPELT)
def test_searched_as_typed_the_correction_is_suggested(
    searcher: Searcher, typed: str, offered: str
) -> None:
    as_typed = searcher.search(SearchRequest(query=typed, correct=False))
    assert as_typed.total == 0 and as_typed.corrected_from is None
    assert as_typed.suggestion == offered


@pytest.mark.parametrize(
    "typed",
    [
        "migración venezolana",  # found as typed: nothing to correct
        "CVA",  # an acronym is left alone (the thesaurus may know it)
        "zzzzzz",  # nothing close in the index
        "titulo:migrasion",  # field values are not corrected
        '"migrasion venezolana"',  # nor phrases
    ],
)
def test_what_is_never_corrected(searcher: Searcher, typed: str) -> None:
    result = searcher.search(SearchRequest(query=typed))
    assert result.corrected_from is None and result.request.query == typed
    assert suggestion(searcher, typed) is None


def test_no_suggestion_unless_it_finds_more(searcher: Searcher) -> None:
    assert suggestion(searcher, "migrasion Guayaquil") is None  # no doc has both


def test_the_correction_is_in_the_json_shape(searcher: Searcher) -> None:
    shape = searcher.search(SearchRequest(query="migrasion")).to_json()
    assert shape["query"] == "migracion" and shape["corrected_from"] == "migrasion"
    as_typed = searcher.search(SearchRequest(query="migrasion", correct=False)).to_json()
    assert as_typed["suggestion"] == "migracion" and as_typed["corrected_from"] is None


def test_the_page_and_the_cli_say_what_was_searched(index_root: Path, capsys) -> None:
    app = create_app({"INDEX_DIR": index_root, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": "xenofovia"}).get_data(as_text=True)
    assert "Mostrando resultados de «<strong>xenofobia</strong>»" in page
    assert 'href="/?q=xenofovia&amp;corregir=0" data-as-typed' in page
    assert 'value="xenofobia"' in page  # the box holds what was searched
    typed = app.test_client().get("/", query_string={"q": "xenofovia", "corregir": "0"})
    assert "¿Quiso decir" in typed.get_data(as_text=True)
    assert cli.main(["search", "xenofovia", "--index", str(index_root)]) == 0
    assert "Mostrando resultados de «xenofobia»" in capsys.readouterr().out
    assert cli.main(["search", "xenofovia", "--no-correct", "--index", str(index_root)]) == 0
    assert "¿Quiso decir «xenofobia»?" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("typed", "closer", "farther"),
    [
        ("intencivos", "intensivos", "incentivos"),  # s/c sound alike
        ("xenofovia", "xenofobia", "xenofobias"),  # b/v
        ("igiene", "higiene", "imagen"),  # a silent h
        ("migarcion", "migracion", "migaron"),  # two letters swapped
    ],
)
def test_spelling_distance_prefers_what_sounds_alike(typed: str, closer: str, farther: str) -> None:
    assert spelling_distance(typed, closer) < spelling_distance(typed, farther)
