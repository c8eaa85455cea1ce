"""Wildcards and fuzzy words are bounded: a pathological query answers, with a Spanish message
when it is too broad, instead of holding a server thread (search/limits.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from vocabcorpus import build, doc_id, make_doc, opened

from acervo.search import limits, schema
from acervo.search.errors import QuerySyntaxError, QueryTooExpensive
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher
from acervo.web import create_app

BIG_DOCS = 400
WORDS_PER_DOC = 60
VOCABULARY = 12_000  # distinct made-up words: a lexicon where `*es*` matches thousands
LETTERS = "aeioubcdlmnrst"


def _vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9))))
    return sorted(words)


@pytest.fixture(scope="module")
def big_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(5)
    vocabulary = _vocabulary(rng)
    docs = [
        make_doc(
            doc_id(n),
            [" ".join(rng.choices(vocabulary, k=WORDS_PER_DOC)) + " migración venezolana"],
        )
        for n in range(BIG_DOCS)
    ]
    return build(tmp_path_factory.mktemp("big"), docs)


@pytest.fixture()
def searcher(big_index: Path) -> Iterator[Searcher]:
    with opened(big_index) as s:
        yield s


@pytest.mark.parametrize("query", ["*es*", "*a*e*", "a*b*c*d*", "?????", "s*s~"])
def test_a_pathological_query_answers_or_says_it_is_too_broad(
    searcher: Searcher, query: str
) -> None:
    try:
        result = searcher.search(SearchRequest(query=query))
    except QueryTooExpensive as exc:
        assert "demasiado amplia" in str(exc)
    except QuerySyntaxError as exc:
        assert "«" + query + "»" in str(exc)
    else:
        assert result.total >= 0


def test_a_broad_wildcard_is_cut_to_its_most_frequent_words(searcher: Searcher) -> None:
    reader = searcher.whoosh_searcher.reader()
    everything = [w.decode() for w in reader.lexicon(schema.WORDS_FIELD) if b"es" in w]
    assert len(everything) > limits.MAX_EXPANSION_WORDS * 4
    kept = limits.matching_words(reader, "wildcard", "*es*")
    assert len(kept) == limits.MAX_EXPANSION_WORDS

    def frequency(word: str) -> int:
        return reader.doc_frequency(schema.WORDS_FIELD, word)

    left_out = set(everything) - set(kept)
    assert min(map(frequency, kept)) >= max(map(frequency, left_out))


def test_a_word_found_by_a_wildcard_is_searched_in_its_stemmed_form(searcher: Searcher) -> None:
    assert searcher.search(SearchRequest(query="*igraci*")).total == BIG_DOCS
    assert searcher.search(SearchRequest(query="migrasion~")).total == BIG_DOCS


@pytest.mark.parametrize("query", ["*a*", "*-*", "a*b*c*d*~", "migracion~3"])
def test_unbounded_forms_are_refused_with_what_to_write(searcher: Searcher, query: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        searcher.search(SearchRequest(query=query))
    assert "p. ej." in str(raised.value) or "migracion~2" in str(raised.value)


def test_running_out_of_time_is_a_spanish_message(searcher, monkeypatch) -> None:
    monkeypatch.setattr(limits, "REQUEST_TIME_S", -1.0)  # the deadline has passed already
    with pytest.raises(QueryTooExpensive) as raised:
        searcher.search(SearchRequest(query="*es*"))
    assert "«*es*» es demasiado amplia" in str(raised.value)


def test_the_api_answers_400_with_the_message(big_index: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "REQUEST_TIME_S", -1.0)
    client = create_app({"INDEX_DIR": big_index, "TESTING": True}).test_client()
    answer = client.get("/api/search", query_string={"q": "*es*"})
    assert answer.status_code == 400
    assert "demasiado amplia" in answer.get_json()["error"]


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [("migracion", "migrasion", 2, 1), ("educacion", "education", 2, 1), ("abc", "xyz", 1, 2)],
)
def test_edit_distance_stops_at_its_limit(a: str, b: str, limit: int, distance: int) -> None:
    assert limits.edit_distance(a, b, limit) == distance
