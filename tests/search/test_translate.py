"""English queries reach Spanish documents (and the reverse) through bilingual dictionaries
(Apertium's English-Spanish pair, the same through Catalan, FreeDict): each typed word is also
searched as its translations, below the typed word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened

from acervo import cli
from acervo.search import translate
from acervo.search.models import Expansion, SearchRequest
from acervo.search.query import parse_query
from acervo.search.searcher import Searcher
from acervo.web.app import create_app

ARMAS = doc_id(1)
WEAPONS = doc_id(2)
GANADO = doc_id(3)
CARA = doc_id(4)
CUIDADO = doc_id(5)

DOCS = (
    make_doc(ARMAS, ["Reunirse pacíficamente y sin armas; indemnización a las víctimas."]),
    make_doc(WEAPONS, ["Weapons and compensation for victims."], language="en"),
    make_doc(GANADO, ["El ganado y los sistemas silvopastoriles."]),
    make_doc(CARA, ["La cara del mercado más caro, cara a cara."]),
    make_doc(CUIDADO, ["El cuidado de los niños pequeños."]),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("translate"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


def ids(searcher: Searcher, query: str, **options) -> list[str]:
    return [h.id for h in searcher.search(SearchRequest(query=query, **options)).hits]


def test_the_dictionaries_give_translations_both_ways() -> None:
    found = translate.translations(["cattle", "compensation", "weapons"], "en")
    assert found["cattle"][0] == "ganado"
    assert found["compensation"][:2] == ("compensación", "indemnización")
    # the lemma and the typed word's form: the stemmer leaves `armas` apart from `arma`
    assert found["weapons"] == ("arma", "armas")
    assert "victim" in translate.translations(["víctimas"], "es")["víctimas"]
    assert translate.translations(["HIV"], "en") == {"HIV": ("VIH",)}  # an acronym
    assert translate.translations(["Quito"], "es") == {}  # a name, not "I remove"


@pytest.mark.parametrize(
    ("word", "source", "meant"),
    [
        # what only the way through Catalan gives (the direct pair: poblamiento, cubicaje...)
        ("settlements", "en", "asentamientos"),
        ("displacement", "en", "desplazamiento"),
        ("underemployment", "en", "subempleo"),
        ("return", "en", "retorno"),
        ("desplazamiento", "es", "displacement"),
    ],
)
def test_the_way_through_catalan_finds_the_word_of_the_documents(
    word: str, source: str, meant: str
) -> None:
    assert meant in translate.translations([word], source)[word]


def test_freedict_alone_translates_and_is_read_backwards(tmp_path: Path) -> None:
    # no Apertium: FreeDict's English-Spanish entries, and its Spanish-English ones reversed
    assert translate.translations(["sugar"], "en", root=tmp_path)["sugar"] == (
        "azucarero",
        "azúcar",
    )
    assert translate.translations(["livestock"], "en", root=tmp_path) == {"livestock": ("ganado",)}


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("sugary drinks daily consumption fruits", "en"),
        ("domestic workers underemployment unpaid care", "en"),
        ("golosinas bebidas azucaradas", "es"),
        ("hábitos de sueño higiene personal", "es"),
        ("COVID", None),
    ],
)
def test_the_language_of_a_query(query: str, language: str | None) -> None:
    assert translate.query_language(query.split()) == language


def test_an_english_query_finds_the_spanish_document(searcher: Searcher) -> None:
    assert ids(searcher, "cattle") == [GANADO]
    # the typed language first: the English document holds the typed words themselves
    assert ids(searcher, "victims compensation") == [WEAPONS, ARMAS]
    result = searcher.search(SearchRequest(query="cattle"))
    assert Expansion("cattle", ("ganado",), "es") in result.expansions
    assert result.corrected_from is None  # an English word is not a misspelt Spanish one


def test_an_english_word_is_its_translation_in_spanish_text_not_a_look_alike(
    searcher: Searcher,
) -> None:
    # `care` through the Spanish stemmer is `car`, as cara and caro: in a query in English it
    # counts in Spanish text as one of its translations (cuidado), scored by the best
    assert ids(searcher, "care")[0] == CUIDADO


def test_a_spanish_query_finds_the_english_document(searcher: Searcher) -> None:
    assert set(ids(searcher, "indemnización")) == {ARMAS, WEAPONS}
    assert ids(searcher, "indemnización")[0] == ARMAS


def test_searching_only_what_was_typed_translates_nothing(searcher: Searcher) -> None:
    assert ids(searcher, "cattle", expand=False) == []


def test_without_the_dictionary_search_works_in_the_typed_language(
    searcher: Searcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert translate.translations(["cattle"], "en", root=tmp_path, freedict=tmp_path) == {}
    monkeypatch.setattr(translate, "APERTIUM_ROOT", tmp_path)
    monkeypatch.setattr(translate, "FREEDICT_DIR", tmp_path)
    assert parse_query("cattle").expansions == ()
    assert ids(searcher, "victims compensation") == [WEAPONS]


def test_the_page_the_json_and_the_cli_say_what_was_translated(index_root: Path, capsys) -> None:
    app = create_app({"INDEX_DIR": index_root, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": "cattle"}).get_data(as_text=True)
    assert "Buscando también en español:" in page and "ganado" in page
    shape = app.test_client().get("/api/search", query_string={"q": "cattle"}).get_json()
    assert {"term": "cattle", "alternatives": ["ganado"], "translated_to": "es"} in shape[
        "expansions"
    ]
    assert cli.main(["search", "cattle", "--index", str(index_root)]) == 0
    assert "Buscando también en español: ganado (para «cattle»" in capsys.readouterr().out
