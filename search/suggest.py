"""Spelling correction: a query with its misspelt words replaced by the index's own words.

The searcher searches the corrected query instead of the typed one ("Mostrando resultados de
«xenofobia». Buscar en cambio «xenofovia»"), or, when asked to search as typed, offers it
("¿Quiso decir …?").

Each typed word (not a field value, operator, wildcard or phrase) that appears nowhere in the
index is replaced by the closest word of the `words` field (the index's words unstemmed,
accent-folded): Whoosh's candidates within two edits with the same first letter (or a dropped
initial h: `igiene`), ranked by `spelling_distance` (Spanish sound-alike letters and swapped
letters cost less), then by how many documents hold them. Whoosh's own corrector ranks every
candidate by frequency alone: `intencivos` became `incentivos`, not `intensivos`
(benchmarks/relevance/spelling.py measures both, and symspellpy). As a suggestion, the corrected
query is offered only when it finds more documents than the typed one (the caller checks that).
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.query import And, Term
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema, translate
from acervo.search.analysis import english_analyzer, fold_accents, spanish_analyzer
from acervo.search.query import typed_words

MAX_EDITS = 2
MIN_WORD_CHARS = 4  # shorter words are too often acronyms or numbers to be "corrected"
SAME_PREFIX_CHARS = 1  # misspellings rarely touch the first letter; makes the lookup fast
_ANALYZERS = (spanish_analyzer(), english_analyzer())


def _kept_as_typed(word: str) -> bool:
    """Acronyms (`CVA`, `MHPSS`) and short words are left alone: the thesaurus may know them."""
    return len(word) < MIN_WORD_CHARS or (word.isupper() and len(word) > 1)


def _in_dictionary(word: str) -> bool:
    """The bilingual dictionary knows the word (search/translate.py): `cattle` in a Spanish index
    is not a misspelling of `castle` but English, searched as `ganado`."""
    return any(translate.translations([word], source) for source in translate.OTHER)


ENGLISH_EDITS = 1.0  # a word of a query in English is corrected by one edit at most


def _in_english_documents(
    searcher: WhooshSearcher, known: Callable[[str], bool] | None
) -> Callable[[str], bool]:
    """In a query in English (translate.query_language) a word no dictionary knows is not a
    misspelt Spanish word (`sugary` is not `sumari`, `unpaid` not `usaid`): it is corrected
    only with a word of an English document one edit away (`refugess`, not `unpaid` ->
    `unpack`), else searched as typed."""
    english = Term("language", "en")

    def usable(folded: str) -> bool:
        found = searcher.docs_for_query(And([Term(schema.WORDS_FIELD, folded), english]))
        return (known is None or known(folded)) and any(True for _ in found)

    return usable


def _has_content(word: str) -> bool:
    """Not a stop word in either language (a query of stop words only is an error)."""
    return all(list(analyzer(word)) for analyzer in _ANALYZERS)


def corrected_query(
    searcher: WhooshSearcher, text: str, known: Callable[[str], bool] | None = None
) -> str | None:
    """`text` with each unknown word replaced by its closest index word, or None if none is.

    `known(folded_word)` says whether a word is in the documents the viewer may see (default:
    in any document of the index).
    """
    if schema.WORDS_FIELD not in searcher.schema:
        return None
    reader = searcher.reader()
    words = list(typed_words(text))
    english = translate.query_language(w for _, w in words) == "en"
    pieces, last, changed = [], 0, False
    for start, word in words:
        folded = fold_accents(word.lower())
        in_index = reader.doc_frequency(schema.WORDS_FIELD, folded) > 0
        if _kept_as_typed(word) or (in_index and (known is None or known(folded))):
            continue
        if _in_dictionary(word):  # a real word of the other language: it is translated instead
            continue
        usable = _in_english_documents(searcher, known) if english else known
        best = best_correction(searcher, folded, usable)
        if english and best is not None and spelling_distance(folded, best) > ENGLISH_EDITS:
            best = None
        if best is not None and _has_content(best):
            pieces += [text[last:start], best]
            last, changed = start + len(word), True
    return "".join([*pieces, text[last:]]) if changed else None


# Letters Spanish writers confuse because they sound alike: substituting one for another costs
# less than an unrelated letter, so `intencivos` is closer to `intensivos` than to `incentivos`.
SOUND_ALIKE: tuple[frozenset[str], ...] = (
    frozenset("szc"),
    frozenset("bv"),
    frozenset("gj"),
    frozenset("yi"),
    frozenset("kcq"),
)
CHEAP_EDIT = 0.5  # a sound-alike substitution, a silent h added or dropped, two letters swapped


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return CHEAP_EDIT if any(a in group and b in group for group in SOUND_ALIKE) else 1.0


def spelling_distance(typed: str, word: str) -> float:
    """Edit distance where sound-alike letters, a silent `h` and swapped letters cost half."""
    rows = [[float(j) for j in range(len(word) + 1)]]
    for i, a in enumerate(typed, start=1):
        row = [float(i)]
        for j, b in enumerate(word, start=1):
            indel_a = CHEAP_EDIT if a == "h" else 1.0
            indel_b = CHEAP_EDIT if b == "h" else 1.0
            cost = min(
                rows[i - 1][j] + indel_a,
                row[j - 1] + indel_b,
                rows[i - 1][j - 1] + _substitution(a, b),
            )
            if i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b and a != b:
                cost = min(cost, rows[i - 2][j - 2] + CHEAP_EDIT)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def best_correction(
    searcher: WhooshSearcher, folded: str, known: Callable[[str], bool] | None = None
) -> str | None:
    """The index word closest to `folded` (a folded word in no document), or None; only words
    that `known` accepts (the words of documents the viewer may see) when it is given."""
    reader = searcher.reader()
    field = schema.WORDS_FIELD
    candidates = set(reader.terms_within(field, folded, MAX_EDITS, prefix=SAME_PREFIX_CHARS))
    if not folded.startswith("h"):  # a silent initial h left out: `igiene`
        candidates.update(reader.terms_within(field, "h" + folded, 1, prefix=2))
    candidates.discard(folded)
    if known is not None:
        candidates = {word for word in candidates if known(word)}
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda w: (spelling_distance(folded, w), -reader.doc_frequency(field, w), w),
    )
