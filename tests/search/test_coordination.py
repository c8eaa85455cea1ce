"""Some of the words: documents holding a third of several typed words (two at least) are found
after those with all of them (on the first page, before them when one of their pages holds more
of the words together), labelled, and never for phrases, negations or an explicit AND."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from vocabcorpus import build, doc_id, make_doc, opened

from acervo import cli
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query, with_word_required
from acervo.search.searcher import Searcher
from acervo.web.app import create_app

ALL_THREE = doc_id(1)
TWO_RARE = doc_id(2)
TWO_COMMON = doc_id(3)
ONE = doc_id(4)
PHRASE = doc_id(5)
FIVE_WORDS = doc_id(6)
FOUR_WORDS = doc_id(7)
EVERY_WORD_APART = doc_id(8)
FOUR_ON_A_PAGE = doc_id(9)
FIVE_APART = doc_id(10)
FOUR_OF_FIVE = doc_id(11)
THREE_OF_FIVE = doc_id(12)

NOTICE = doc_id(19)
WELL_WORDS = ("acuíferos", "pozos", "bombeo", "caudales", "salinidad")
BEST_PAGE = 10

MANGROVE_WORDS = ("manglares", "estuarios", "cangrejos", "pescadores", "camaroneras", "concheras")

DOCS = (
    make_doc(ALL_THREE, ["Los albergues temporales de la frontera norte."]),
    # two of the three words, written many times: it would outscore ALL_THREE on BM25 alone
    make_doc(TWO_RARE, ["Albergues temporales. " * 20 + "Otros albergues temporales."]),
    make_doc(TWO_COMMON, ["Albergues en la frontera, y más albergues en la frontera."]),
    make_doc(ONE, ["La frontera sur."]),
    make_doc(PHRASE, ["Salud mental en albergues temporales de la ciudad."]),
    make_doc(FIVE_WORDS, ["Lluvias, sequía, cosecha, semillas y riego."]),
    make_doc(FOUR_WORDS, ["Lluvias, sequía, cosecha y semillas. " * 20]),
    # six words of one query: every one of them on pages of their own; four of them together
    # on one page; five of them, each on a page of its own
    make_doc(
        EVERY_WORD_APART,
        [f"Informe de campo sobre {w} del litoral." for w in MANGROVE_WORDS],
    ),
    make_doc(FOUR_ON_A_PAGE, ["Manglares, estuarios, cangrejos y pescadores del litoral."]),
    make_doc(FIVE_APART, [f"Informe de campo sobre {w} del litoral." for w in MANGROVE_WORDS[:5]]),
    make_doc(FOUR_OF_FIVE, ["Páramos, humedales, vicuñas y glaciares de la sierra."]),
    make_doc(THREE_OF_FIVE, ["Páramos, humedales y vicuñas de la sierra."]),
    make_doc(doc_id(13), ["Los bofedales del altiplano."]),  # the fifth word is in the index
    # eleven long reports holding four of five words, each word on a page of its own, and a
    # one-page notice holding three of them in one sentence
    *(
        make_doc(doc_id(20 + n), [f"Capítulo sobre {w} de la cuenca." for w in WELL_WORDS[:4]])
        for n in range(BEST_PAGE + 1)
    ),
    make_doc(NOTICE, ["Aviso: la salinidad de los acuíferos y los caudales de la cuenca."]),
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("coordination"), DOCS)


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with opened(index_root) as s:
        yield s


def ids(searcher: Searcher, query: str) -> list[str]:
    return [hit.id for hit in searcher.search(SearchRequest(query=query)).hits]


def test_documents_with_every_word_come_first_then_most_of_them(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="albergues temporales frontera"))
    found = [hit.id for hit in result.hits]
    assert found[0] == ALL_THREE  # although TWO_RARE repeats two of the words twenty times
    assert set(found[1:]) == {TWO_RARE, TWO_COMMON, PHRASE}
    assert ONE not in found  # one word of three is not "most"
    assert result.total == 4 and result.all_words_total == 1 and result.relaxed


def test_when_no_document_has_every_word_the_ones_with_most_are_shown(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="albergues temporales frontera xenofobia"))
    assert result.all_words_total == 0 and result.relaxed
    assert ALL_THREE == result.hits[0].id  # three of four words


def test_more_words_outrank_fewer(searcher: Searcher) -> None:
    # six words, four required: five beat four although the four are repeated twenty times
    found = ids(searcher, "lluvias sequía cosecha semillas riego costa")
    assert found == [FIVE_WORDS, FOUR_WORDS]


def test_most_of_the_words_on_one_page_outrank_more_of_them_pages_apart(
    searcher: Searcher,
) -> None:
    # six words, four required: the one holding four on one page (the passage looked for) first,
    # before the one with every word and the one holding five, each word on another page
    result = searcher.search(SearchRequest(query=" ".join(MANGROVE_WORDS)))
    assert [hit.id for hit in result.hits] == [FOUR_ON_A_PAGE, EVERY_WORD_APART, FIVE_APART]
    assert result.all_words_total == 1


def test_a_third_of_the_words_is_enough_two_at_least(searcher: Searcher) -> None:
    # five words: two are enough (three of them said otherwise); one is not
    query = "páramos humedales vicuñas glaciares bofedales"
    result = searcher.search(SearchRequest(query=query))
    assert [hit.id for hit in result.hits] == [FOUR_OF_FIVE, THREE_OF_FIVE]
    assert result.relaxed and result.all_words_total == 0 and result.total == 2
    assert searcher.count(SearchRequest(query=query)) == 2
    # two of five words, the other three in other documents
    assert set(ids(searcher, "páramos humedales albergues manglares riego")) == {
        FOUR_OF_FIVE,
        THREE_OF_FIVE,
    }
    assert ids(searcher, "páramos albergues riego bofedales") == []  # one word each


def test_a_short_answer_with_fewer_words_reaches_the_first_page(searcher: Searcher) -> None:
    # eleven reports hold four of the five words, each word pages apart: the notice holding
    # three of them in one sentence would wait below all of them; it comes first
    result = searcher.search(SearchRequest(query=" ".join(WELL_WORDS)))
    found = [hit.id for hit in result.hits]
    assert found[0] == NOTICE
    assert len(found) == BEST_PAGE and result.total == BEST_PAGE + 2
    assert result.hits[0].passages[0].page == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a phrase stays required (TWO_COMMON has two of the other words, not the phrase)
        ('"albergues temporales" frontera norte salud', {ALL_THREE}),
        ('"albergues temporales" ciudad norte salud', {PHRASE}),
        # a negated word still excludes
        ("albergues temporales frontera -norte", {TWO_RARE, TWO_COMMON, PHRASE}),
        # an explicit AND requires every word
        ("albergues AND temporales AND frontera", {ALL_THREE}),
        # two words are both required (the most of two would be any one)
        ("albergues xenofobia", set()),
    ],
)
def test_what_stays_strict(searcher: Searcher, query: str, expected: set[str]) -> None:
    assert set(ids(searcher, query)) == expected


def test_a_query_with_every_word_everywhere_is_not_labelled(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="albergues temporales"))
    assert not result.relaxed and result.all_words_total is None


def test_facet_counts_count_the_listed_documents(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="albergues temporales frontera xenofobia"))
    counts = {v.value: v.count for g in result.facets if g.name == "language" for v in g.values}
    assert counts.get("es") == result.total


def test_json_cli_and_page_say_so(searcher: Searcher, index_root: Path, capsys) -> None:
    query = "albergues temporales frontera xenofobia"
    shape = searcher.search(SearchRequest(query=query)).to_json()
    assert shape["relaxed"] is True and shape["all_words_total"] == 0
    assert cli.main(["search", query, "--index", str(index_root)]) == 0
    assert "Ningún documento tiene todas las palabras" in capsys.readouterr().out
    app: Flask = create_app({"INDEX_DIR": index_root, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": query}).get_data(as_text=True)
    label = (
        "Ningún documento tiene todas las palabras; "
        "se muestran los que tienen al menos un tercio de ellas."
    )
    assert label in page
    english = app.test_client().get("/", query_string={"q": query, "lang": "en"})
    assert "No document has every word" in english.get_data(as_text=True)


def test_a_word_no_document_holds_does_not_raise_the_bar(searcher: Searcher) -> None:
    # `xqzwv` is in no document (and not corrected: searched as typed): "most" of the four
    # words is counted over the three the index has, two of them (a third may be missing)
    result = searcher.search(SearchRequest(query="albergues temporales frontera xqzwv"))
    found = [hit.id for hit in result.hits]
    assert set(found) == {ALL_THREE, TWO_RARE, TWO_COMMON, PHRASE}
    assert found[0] == ALL_THREE and result.all_words_total == 0


def test_each_hit_says_which_typed_words_it_lacks(
    searcher: Searcher, index_root: Path, capsys
) -> None:
    result = searcher.search(SearchRequest(query="albergues temporales frontera"))
    missing = {hit.id: hit.missing for hit in result.hits}
    assert missing[ALL_THREE] == ()
    assert missing[TWO_RARE] == ("frontera",) and missing[TWO_COMMON] == ("temporales",)
    shape = result.to_json()["hits"]
    assert "missing_words" not in shape[0] and shape[1]["missing_words"] in (
        ["frontera"],
        ["temporales"],
    )
    query = "albergues temporales frontera xenofobia"  # `xenofobia` is in no document
    assert cli.main(["search", query, "--index", str(index_root)]) == 0
    out = capsys.readouterr().out
    assert "falta: xenofobia" in out and "faltan: frontera, xenofobia" in out
    app: Flask = create_app({"INDEX_DIR": index_root, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": query}).get_data(as_text=True)
    assert "Faltan: <s>frontera</s>, <s>xenofobia</s>" in page
    english = app.test_client().get("/", query_string={"q": query, "lang": "en"})
    assert "Missing: <s>xenofobia</s>" in english.get_data(as_text=True)
    # every word required: nothing is said
    strict = searcher.search(SearchRequest(query="albergues AND temporales AND frontera"))
    assert all(hit.missing == () for hit in strict.hits)


def test_a_missing_word_can_be_required_in_one_click(index_root: Path) -> None:
    app: Flask = create_app({"INDEX_DIR": index_root, "TESTING": True})
    client = app.test_client()
    page = client.get("/", query_string={"q": "albergues temporales frontera"})
    html = page.get_data(as_text=True)
    links = re.findall(r'Exigir: <a href="([^"]+)">frontera</a>', html)
    assert links  # under TWO_RARE, which lacks `frontera`
    required = client.get(unescape(links[0])).get_data(as_text=True)
    assert '"frontera"' in unescape(required)  # the query now quotes it
    found = client.get("/api/search", query_string={"q": 'albergues temporales "frontera"'})
    assert [hit["id"] for hit in found.get_json()["hits"]] == [ALL_THREE]
    english = client.get("/", query_string={"q": "albergues temporales frontera", "lang": "en"})
    assert "Must include: <a" in english.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "labels"),
    [
        # a thesaurus form of several words is one word of the query, named as typed
        ("violencia basada en género migrantes Ecuador", ["violencia basada en género"]),
        ("trata OR tráfico migrantes frontera", ["trata OR tráfico"]),
    ],
)
def test_the_words_a_hit_lacks_are_named_as_typed(query: str, labels: list[str]) -> None:
    assert [typed for typed, _ in parse_query(query).relaxed_parts][: len(labels)] == labels


@pytest.mark.parametrize(
    ("query", "word", "required"),
    [
        ("albergues temporales frontera", "frontera", 'albergues temporales "frontera"'),
        ("fronteras frontera norte", "frontera", 'fronteras "frontera" norte'),
        ("violencia basada en género Ecuador", "violencia basada en género",
         '"violencia basada en género" Ecuador'),
        ('"frontera norte" albergues', "norte", None),  # only inside a phrase: already required
        ("-frontera albergues temporales", "frontera", None),
    ],
)  # fmt: skip
def test_requiring_a_word_quotes_it(query: str, word: str, required: str | None) -> None:
    assert with_word_required(query, word) == required
