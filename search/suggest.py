""" "¿Quiso decir …?": a corrected query for misspelt words, from the index's own words.

Each typed word (not a field value, operator, wildcard or phrase) that appears nowhere in the
index is replaced by Whoosh's spelling corrector's best word within two edits (same first letter)
from the `words` field: the index's words unstemmed, accent-folded. The corrected query is offered
only when it finds more documents than the typed one (the caller checks that).
"""

from __future__ import annotations

from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema
from acervo.search.analysis import english_analyzer, fold_accents, spanish_analyzer
from acervo.search.query import typed_words

MAX_EDITS = 2
MIN_WORD_CHARS = 4  # shorter words are too often acronyms or numbers to be "corrected"
SAME_PREFIX_CHARS = 1  # misspellings rarely touch the first letter; makes the lookup fast
_ANALYZERS = (spanish_analyzer(), english_analyzer())


def _kept_as_typed(word: str) -> bool:
    """Acronyms (`CVA`, `MHPSS`) and short words are left alone: the thesaurus may know them."""
    return len(word) < MIN_WORD_CHARS or (word.isupper() and len(word) > 1)


def _has_content(word: str) -> bool:
    """Not a stop word in either language (a query of stop words only is an error)."""
    return all(list(analyzer(word)) for analyzer in _ANALYZERS)


def corrected_query(searcher: WhooshSearcher, text: str) -> str | None:
    """`text` with each unknown word replaced by its closest index word, or None if none is."""
    if schema.WORDS_FIELD not in searcher.schema:
        return None
    corrector = searcher.corrector(schema.WORDS_FIELD)
    reader = searcher.reader()
    pieces, last, changed = [], 0, False
    for start, word in typed_words(text):
        folded = fold_accents(word.lower())
        if _kept_as_typed(word) or reader.doc_frequency(schema.WORDS_FIELD, folded) > 0:
            continue
        best = corrector.suggest(folded, limit=1, maxdist=MAX_EDITS, prefix=SAME_PREFIX_CHARS)
        if best and best[0] != folded and _has_content(best[0]):
            pieces += [text[last:start], best[0]]
            last, changed = start + len(word), True
    return "".join([*pieces, text[last:]]) if changed else None
