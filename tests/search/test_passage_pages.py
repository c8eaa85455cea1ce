"""Which pages a hit's passages come from: read from the doc record's term positions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from searchcorpus import make_doc

from acervo.search import document
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher

TRATA = "c000000000000001"
BLANKS = "c000000000000002"
REPEATS = "c000000000000003"
ENGLISH = "c000000000000004"
ZARUMA = "c000000000000005"

DOCS = [
    make_doc(
        TRATA,
        [
            "La trata es un delito grave. Muchas personas cruzan la frontera cada día.",
            "Informe sobre la trata de personas en la frontera norte.",
            "Las personas migrantes y la trata laboral: anexos.",
        ],
    ),
    # blank pages between pages with text: page numbers must stay as extracted
    make_doc(BLANKS, ["Introducción general.", "", "   ", "Huaquillas y Rumichaca.", ""]),
    make_doc(
        REPEATS,
        [
            "Vacunación en la provincia de Loja.",
            "Vacunación infantil. Vacunación escolar. Vacunación de adultos en Loja.",
            "Otros temas de Loja.",
        ],
    ),
    make_doc(
        ENGLISH,
        ["Shelters for refugees.", "Refugees and asylum seekers at the border."],
        language="en",
    ),
    make_doc(
        ZARUMA,
        [
            "Zaruma. " * 20 + "La minería de oro en Zaruma y Portovelo.",
            "Las personas de Zaruma que cruzan la frontera. "
            + "Otros datos del censo minero de la provincia de El Oro y sus cantones. " * 15,
            "Anexos.",
        ],
    ),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    store = IndexStore(tmp_path_factory.mktemp("pages"))
    store.update(add=iter(DOCS), remove=())
    with store.open_searcher() as opened:
        yield opened


def _pages(searcher: Searcher, query: str, doc_id: str) -> list[int]:
    hits = {hit.id: hit for hit in searcher.search(SearchRequest(query=query)).hits}
    return [passage.page for passage in hits[doc_id].passages]


def test_a_phrase_shows_the_page_where_its_words_stand_together(searcher: Searcher) -> None:
    assert _pages(searcher, '"trata de personas"', TRATA) == [2]  # pages 1 and 3: apart
    assert document.hit_pages(searcher, TRATA, '"trata de personas"') == [2]


def test_words_show_every_page_that_has_them_best_first(searcher: Searcher) -> None:
    pages = _pages(searcher, "trata personas frontera", TRATA)
    assert pages[0] in (1, 2) and sorted(pages) == [1, 2, 3]
    assert document.hit_pages(searcher, TRATA, "frontera") == [1, 2]


def test_page_numbers_survive_blank_pages(searcher: Searcher) -> None:
    assert _pages(searcher, "Rumichaca", BLANKS) == [4]
    assert document.hit_pages(searcher, BLANKS, "Huaquillas") == [4]


def test_the_page_that_says_it_most_comes_first(searcher: Searcher) -> None:
    assert _pages(searcher, "vacunación", REPEATS) == [2, 1]


def test_the_page_holding_more_of_the_words_comes_before_one_repeating_a_word(
    searcher: Searcher,
) -> None:
    # page 1 says one of the words twenty-one times; page 2, a longer one, holds all three words
    assert _pages(searcher, "Zaruma personas frontera", ZARUMA) == [2, 1]


def test_english_documents_get_their_pages_too(searcher: Searcher) -> None:
    assert _pages(searcher, "asylum", ENGLISH) == [2]
    assert sorted(_pages(searcher, "refugees", ENGLISH)) == [1, 2]


def test_prefixes_find_their_pages(searcher: Searcher) -> None:
    assert _pages(searcher, "Rumich*", BLANKS) == [4]


def test_an_index_of_another_format_is_rebuilt_by_the_next_update(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=iter(DOCS[:1]), remove=())
    (tmp_path / str(store.live_generation()) / "FORMAT").write_text("1\n")  # an older version
    assert not store.schema_is_current()
    store.update(add=iter(DOCS), remove=())  # starts afresh: the caller re-adds everything
    assert store.schema_is_current()
    assert store.stats().documents == len(DOCS)
