"""What search finds on real documents of ../shared/realdocs/es (indexed as ingest does): the
thesaurus's forms, and which of two documents holding every word comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpusindex import realdocs_index

from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher

# "niños, niñas y adolescentes" as a phrase (one page)
PHRASE_DOC = "sena-mi-familia-discapacidad.docx"
# `Niño` and "Código de Infancia y Adolescencia" on one page, never the phrase nor `NNA`
APART_DOC = "sena-sintesis-psicosocial-migratoria.pdf"
DOCS = (PHRASE_DOC, APART_DOC)

pytestmark = pytest.mark.realdocs


# Both define the standard deviation and the coefficient of variation: the survey's technical
# sheet in one paragraph (page 12), the conflict report in a table of formulas, apart.
TOGETHER_DOC = "unfpalac-endes-peru-2021-ficha-tecnica.pdf"
APART_WORDS_DOC = "jserpa-informe-conflicto-armado-colombia.pdf"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's index; conftest.py's `searcher` fixture opens it."""
    return realdocs_index(tmp_path_factory, DOCS)


@pytest.fixture(scope="module")
def measures_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return realdocs_index(tmp_path_factory, (TOGETHER_DOC, APART_WORDS_DOC))


def found(searcher: Searcher, query: str, **options) -> list[str]:
    result = searcher.search(SearchRequest(query=query, per_page=100, **options))
    return [Path(hit.path).name for hit in result.hits]


def test_the_words_of_a_thesaurus_form_apart_are_not_the_form(searcher) -> None:
    # the words themselves are there: the form's phrase is what the second document lacks
    assert sorted(found(searcher, "niños AND adolescentes")) == sorted(DOCS)
    assert found(searcher, "NNA") == [PHRASE_DOC]


def test_a_form_found_again_scores_alike(searcher) -> None:
    # the second search reads the form's matches kept from the first (search/matching.py)
    first, again = (searcher.search(SearchRequest(query="NNA discapacidad")) for _ in range(2))
    assert [(h.id, h.score) for h in first.hits] == [(h.id, h.score) for h in again.hits]


@pytest.mark.parametrize(
    "query",
    [
        "desviacion estandar coeficiente de variacion",
        "coeficiente de variación desviación estándar",
    ],
)
def test_the_document_with_the_words_on_one_page_comes_first(measures_dir, query) -> None:
    with IndexStore(measures_dir).open_searcher() as searcher:
        result = searcher.search(SearchRequest(query=query))
    assert [Path(hit.path).name for hit in result.hits] == [TOGETHER_DOC, APART_WORDS_DOC]
    assert result.hits[0].passages[0].page == 12


# The informality report says the query's words on one page, but "barreras" for `obstáculos`
# (p. 33: "cuentapropistas ... informales ... barreras ... monotributo"); the emergency-income
# report holds every typed word, pages apart.
WORDS_TOGETHER_DOC = "fundar-trabajar-en-los-margenes.pdf"
EVERY_WORD_APART_DOC = "fundar-ingreso-familiar-emergencia.pdf"


@pytest.fixture(scope="module")
def informality_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return realdocs_index(tmp_path_factory, (WORDS_TOGETHER_DOC, EVERY_WORD_APART_DOC))


def test_most_of_the_words_in_one_passage_outrank_every_word_pages_apart(informality_dir) -> None:
    query = "trabajadores por cuenta propia informales obstáculos monotributo"
    with IndexStore(informality_dir).open_searcher() as searcher:
        result = searcher.search(SearchRequest(query=query))
    assert [Path(hit.path).name for hit in result.hits] == [
        WORDS_TOGETHER_DOC,
        EVERY_WORD_APART_DOC,
    ]
    assert result.all_words_total == 1  # the label still counts the one with every word
    assert result.hits[0].passages[0].page == 33
