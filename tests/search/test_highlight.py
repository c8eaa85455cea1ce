"""The passage highlighter: the same passages as Whoosh's fragmenter over every word of the
page, found without walking every word in Python (search/snippets.py `_best_fragment`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from searchcorpus import make_doc
from whoosh.analysis import Token
from whoosh.highlight import (
    BasicFragmentScorer,
    ContextFragmenter,
    Fragment,
    HtmlFormatter,
    NullFormatter,
    top_fragments,
)

from acervo.search import snippets
from acervo.search.analysis import TOKEN_PATTERN, spanish_analyzer
from acervo.search.indexer import IndexStore
from acervo.search.models import Passage, SearchRequest

REALDOCS_ES = Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "es"
SPANISH = spanish_analyzer()

EDGE_TEXT = (
    "Las niñas y los NIÑOS de la Migración venezolana: 1.500.000 personas (45%) en 2019; "
    "1,500,000 y 1.50 y 12.345.6789, COVID-19, señor_x, cafe\u0301 y cafe\u0301s, "
    "\u0301inicio, Ångström, ñandú; e-mail: x@y.org — «comillas» 3er 2ª"
)


@pytest.mark.parametrize("text", [EDGE_TEXT, "", "   ", "%%%", "a", "1.000,5"])
def test_the_scan_finds_the_tokenizers_own_words(text: str) -> None:
    scan = re.compile(snippets.TOKEN_SCAN_PATTERN)
    assert scan.findall(text) == re.findall(TOKEN_PATTERN, text)


@pytest.mark.parametrize(
    "text", [re.sub("[\u0300-\u036f]", "", EDGE_TEXT), "", "%%%", "a", "1.000,5", "año_2019"]
)
def test_without_combining_marks_the_shorter_scan_finds_the_same_words(text: str) -> None:
    assert not snippets.COMBINING_MARKS.search(text)
    scan = re.compile(snippets.TOKEN_SCAN_NO_MARKS)
    assert scan.findall(text) == re.findall(TOKEN_PATTERN, text)


LATIN_TEXTS = [
    re.sub("[\u0250-\uffff]", "", EDGE_TEXT),
    "".join(map(chr, range(snippets.LATIN_END))),  # every character below the limit
    " ".join(f"a{chr(n)}1{chr(n)}2.345{chr(n)}%" for n in range(snippets.LATIN_END)),
    "Ångström Œuvre fi-less ŀl Ǆ ǅ ǆ ª º ² ³ ¹ ¼ µ ß ÿ ı ſ 1.234.567,89 12,345 1.50",
    "",
]


@pytest.mark.parametrize("text", LATIN_TEXTS)
def test_below_u0250_the_spelt_out_scan_finds_the_same_words(text: str) -> None:
    assert not snippets.BEYOND_LATIN.search(text)
    spelt = re.compile(f"({snippets.TOKEN_SCAN_LATIN})")
    assert spelt.split(text) == re.compile(f"({snippets.TOKEN_SCAN_NO_MARKS})").split(text)
    assert re.findall(snippets.TOKEN_SCAN_LATIN, text) == re.findall(TOKEN_PATTERN, text)


def _whoosh_fragment(text: str, words: snippets._WordMatcher) -> tuple | None:
    """Whoosh's own fragmenter and scorer over every word of the text."""
    tokens = (
        Token(
            text=m.group(), startchar=m.start(), endchar=m.end(), matched=words._matches(m.group())
        )
        for m in re.finditer(TOKEN_PATTERN, text)
    )
    fragmenter = ContextFragmenter(snippets.FRAGMENT_CHARS, snippets.CONTEXT_CHARS)
    best = top_fragments(fragmenter.fragment_tokens(text, tokens), 1, BasicFragmentScorer(), None)
    return _view(best[0]) if best else None


def _view(fragment) -> tuple:
    return (
        fragment.startchar,
        fragment.endchar,
        [(t.startchar, t.endchar) for t in fragment.matches],
    )


def _ours(text: str, words: snippets._WordMatcher) -> tuple | None:
    fragment = words.best_fragment(text)
    return _view(fragment) if fragment is not None else None


def _layouts() -> list[str]:
    """Texts whose fragments are hard to cut out of a page: dense matches, words longer than
    the context or than a whole fragment, an index's runs of dots between words, matches far
    apart on a long page, a match at its very start and end."""
    filler = "Texto de relleno sobre otros asuntos del informe anual. " * 40
    return [
        EDGE_TEXT,
        " ".join(["salud mental y salud", "de la"] * 300),
        " ".join(["salud", "x" * 90, "mental", "y" * 310, "salud", "de", "salud"] * 20),
        "".join(f"{i}. Salud {'.' * (40 + i)} {i}\nOtros {'.' * 90} {i + 1}\n" for i in range(60)),
        filler + "La salud de todos." + filler + "salud mental, salud." + filler + "mental",
        "salud " + filler * 3 + " mental",
        # the context of `salud` lies beyond 150 dots; the fragment after it, beyond dashes
        filler + "unas palabras previas " + "." * 150 + " salud " + filler,
        filler + " salud mental" + " ab ----------" * 40 + filler + "salud",
        "",
    ]


@functools.cache
def _real_pages() -> tuple[str, ...]:
    """The first pages of the real Spanish PDFs."""
    pdfium = pytest.importorskip("pypdfium2")
    texts = []
    for path in sorted(REALDOCS_ES.glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        texts += [pdf[i].get_textpage().get_text_range() for i in range(min(len(pdf), 10))]
    return tuple(texts)


QUERIES = ["salud mental", "niñas niños", "migración venezolana", "personas", "derechos tierras"]


def _compare(query: str, texts: Sequence[str]) -> int:
    """Asserts our fragment is Whoosh's on each text; how many texts had one."""
    terms = frozenset(t.text for t in SPANISH(query, mode="index"))
    words = snippets._WordMatcher(SPANISH, terms)
    found = 0
    for number, text in enumerate(texts):
        theirs = _whoosh_fragment(text, words)
        assert _ours(text, words) == theirs, (query, number)
        found += theirs is not None
    return found


@pytest.mark.parametrize("query", QUERIES)
def test_the_best_fragment_is_the_one_whoosh_picks(query: str) -> None:
    _compare(query, _layouts())


@pytest.mark.realdocs
@pytest.mark.parametrize("query", QUERIES)
def test_the_best_fragment_of_real_pages_is_the_one_whoosh_picks(query: str) -> None:
    assert _compare(query, _real_pages()) >= 3  # the query matches some pages


def test_a_passage_deep_in_a_very_long_page_marks_the_words_on_its_page(tmp_path: Path) -> None:
    """A page of 90,000 characters (a TXT or HTML file is one page): the passage is the part
    with both words, far from the page's start, with its words marked and its page number."""
    filler = "Texto de relleno sobre otros asuntos del informe anual. " * 800
    middle = "Atención en salud mental para personas migrantes en Huaquillas."
    pages = ["Introducción general.", f"{filler}salud {filler}{middle} {filler}", "Anexo."]
    store = IndexStore(tmp_path)
    store.update(add=iter([make_doc("d000000000000001", pages)]), remove=())
    with store.open_searcher() as searcher:
        (hit,) = searcher.search(SearchRequest(query="salud mental")).hits
    best = hit.passages[0]
    assert best.page == 2
    assert "Huaquillas" in best.text and len(best.text) < 400
    assert '<mark class="match term0">salud</mark>' in best.html
    assert '<mark class="match term1">mental</mark>' in best.html


def test_a_page_without_the_words_has_no_fragment() -> None:
    words = snippets._WordMatcher(SPANISH, frozenset({"xenofob"}))
    assert words.best_fragment(EDGE_TEXT) is None


def test_a_phrase_marks_its_words_not_the_stop_words_between_them(tmp_path: Path) -> None:
    """`de` is a stop word in Spanish, not in English: the phrase's English translation keeps
    it, but a Spanish page only marks the Spanish words of the phrase."""
    spanish = make_doc("d000000000000001", ["Informe sobre la trata de personas en la frontera."])
    english = make_doc("d000000000000002", ["Refugees in Lago de Agrio."], language="en")
    store = IndexStore(tmp_path)
    store.update(add=iter([spanish, english]), remove=())
    with store.open_searcher() as searcher:
        hits = searcher.search(SearchRequest(query='"trata de personas"')).hits
    (passage,) = next(hit for hit in hits if hit.id == spanish.doc_id).passages
    assert ">trata</mark> de <mark" in passage.html
    assert ">personas</mark>" in passage.html


def _whoosh_passage(page: int, fragment: Fragment) -> Passage:
    """A passage as Whoosh's own formatters make it (what snippets._passage did before it made
    both in one pass)."""
    marked = HtmlFormatter(tagname="mark", classname="match", termclass="term")
    before = "… " if any(c.isalnum() for c in fragment.text[: fragment.startchar]) else ""
    after = " …" if any(c.isalnum() for c in fragment.text[fragment.endchar :]) else ""
    return Passage(
        page=page,
        text=before + NullFormatter().format_fragment(fragment).strip() + after,
        html=before + marked.format_fragment(fragment).strip() + after,
    )


def _tokens(text: str, *spans: tuple[int, int]) -> list[Token]:
    return [Token(text=text[a:b], startchar=a, endchar=b, matched=True) for a, b in spans]


FRAGMENTS = [
    # escaped text around and in the matches; the same word twice keeps its class
    (" a <b> & salud, «salud» y S&P ", [(9, 14), (17, 22), (26, 29)], 0, 31),
    # more than five distinct words: the classes start over at term0
    ("uno dos tres cuatro cinco seis siete", [(0, 3), (4, 7), (8, 12), (13, 19), (20, 25),
                                              (26, 30), (31, 36)], 0, 36),
    # overlapping matches: the first, longest one; a match before the start is skipped
    ("salud mental pública", [(0, 12), (0, 5), (6, 12), (13, 20)], 0, 20),
    ("Antes. salud mental, después.", [(0, 5), (7, 12), (13, 19)], 7, 20),
    # cut from a longer page: ellipses only where words were left out
    ("..., salud ...", [(5, 10)], 4, 10),
    ("__ salud __", [(3, 8)], 3, 8),
    ("1.º salud 2", [(4, 9)], 4, 9),
    ("ñ salud é", [(2, 7)], 2, 7),
    ("salud", [], 0, 5),
    ("", [], 0, 0),
]  # fmt: skip


@pytest.mark.parametrize(("text", "spans", "start", "end"), FRAGMENTS)
def test_a_passage_is_what_whooshs_formatters_make(
    text: str, spans: list[tuple[int, int]], start: int, end: int
) -> None:
    fragment = Fragment(text, _tokens(text, *spans), start, end)
    assert snippets._passage(7, fragment) == _whoosh_passage(7, fragment)


@pytest.mark.parametrize("query", QUERIES)
def test_passages_of_the_layouts_are_what_whooshs_formatters_make(query: str) -> None:
    terms = frozenset(t.text for t in SPANISH(query, mode="index"))
    words = snippets._WordMatcher(SPANISH, terms)
    for text in _layouts():
        fragment = words.best_fragment(text)
        if fragment is not None:
            assert snippets._passage(1, fragment) == _whoosh_passage(1, fragment)


# (words holding a met spelling of `salud` that are no query words, as many query words whose
# spelling has not been met): found as often as the page's query words, but not the same ones
PREFIXED = (("un saludo, otro saludo", "SALUD y SALUD"), ("Presalud, Presalud", "Salud y Salud"))


def _matches_on(text: str, words: snippets._WordMatcher) -> int:
    """How many of the text's words are query words (what the index counts on a page)."""
    return sum(map(words._matches, re.findall(TOKEN_PATTERN, text)))


@pytest.mark.parametrize("query", QUERIES)
def test_given_the_index_count_of_matches_the_fragment_is_still_whooshs(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the page's count of query words the highlighter looks only for the spellings of
    them it has met; a spelling not met yet (SALUD after salud), or a count that is not the
    page's, sends it back to reading the page's chunks: the fragment is Whoosh's either way."""
    monkeypatch.setattr(snippets, "_SPELLINGS", {})  # no spelling met yet
    terms = frozenset(t.text for t in SPANISH(query, mode="index"))
    filler = "Texto de relleno sobre otros asuntos. " * 20
    texts = [f"salud mental. {filler}"]  # salud and mental met
    texts += [f"{filler}{word}. {filler}{unmet}. {filler}mental." for word, unmet in PREFIXED]
    texts += _layouts() + [text.upper() for text in _layouts()] + [EDGE_TEXT.replace("y", "Y")]
    for number, text in enumerate(texts):
        words = snippets._WordMatcher(SPANISH, terms)
        count = _matches_on(text, words)
        theirs = _whoosh_fragment(text, words)
        for matches in (count, count + 1):
            fragment = snippets._WordMatcher(SPANISH, terms).best_fragment(text, matches)
            assert (_view(fragment) if fragment else None) == theirs, (query, number, matches)


def test_a_query_holding_a_stop_word_is_not_counted() -> None:
    """The highlighter marks a stop word that is a query term, but the index has no position
    for it: its count cannot tell whether every match was found."""
    assert not snippets._WordMatcher(SPANISH, frozenset({"de", "salud"})).countable
    assert snippets._WordMatcher(SPANISH, frozenset({"salud"})).countable
