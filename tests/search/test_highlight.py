"""The passage highlighter: the same passages as Whoosh's fragmenter over every word of the
page, found without walking every word in Python (search/snippets.py `_best_fragment`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from whoosh.analysis import Token
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, top_fragments

from acervo.search import snippets
from acervo.search.analysis import TOKEN_PATTERN, spanish_analyzer

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
    fragment = snippets._best_fragment(text, words.locate(text))
    return _view(fragment) if fragment is not None else None


def _texts() -> list[str]:
    """Pages of real documents, a text of dense matches and one of runs of words near the
    fragment's limits (words longer than the context, than a whole fragment)."""
    dense = " ".join(["salud mental y salud", "de la"] * 300)
    runs = " ".join(["salud", "x" * 90, "mental", "y" * 310, "salud", "de", "salud"] * 20)
    texts = [EDGE_TEXT, dense, runs, ""]
    pdfium = pytest.importorskip("pypdfium2")
    for path in sorted(REALDOCS_ES.glob("*.pdf"))[:6]:
        pdf = pdfium.PdfDocument(path)
        texts += [pdf[i].get_textpage().get_text_range() for i in range(min(len(pdf), 12))]
    return texts


@pytest.mark.realdocs
@pytest.mark.parametrize(
    "query",
    ["salud mental", "niñas niños", "migración venezolana", "personas", "derechos tierras"],
)
def test_the_best_fragment_is_the_one_whoosh_picks(query: str) -> None:
    terms = frozenset(t.text for t in SPANISH(query, mode="index"))
    words = snippets._WordMatcher(SPANISH, terms)
    texts = _texts()
    compared = [(_ours(text, words), _whoosh_fragment(text, words)) for text in texts]
    assert sum(1 for _, theirs in compared if theirs) >= 3  # the query matches some pages
    for number, (ours, theirs) in enumerate(compared):
        assert ours == theirs, (query, number)


def test_a_page_without_the_words_has_no_fragment() -> None:
    words = snippets._WordMatcher(SPANISH, frozenset({"xenofob"}))
    assert snippets._best_fragment(EDGE_TEXT, words.locate(EDGE_TEXT)) is None
