"""How an analyzer groups the Snowball project's own Spanish vocabulary, against Snowball.

`data/snowball_spanish.tsv.gz`: the 28,378 words of `spanish/voc.txt` with the stems of
`spanish/output.txt` (the Snowball project's snowball-data repository, BSD licence in
`data/SNOWBALL-COPYING`). The figures, over the words the analyzer does not drop (stop words):

- `pairs_kept`: of every unordered pair of distinct words that Snowball gives the same stem, the
  share whose terms are equal (a large family weighs as its number of pairs);
- `words_kept`: of every word in a Snowball family of two or more words, the share whose term is
  the most common term of its family;
- `accents_kept`: of the words written with an acute accent or diaeresis, the share that give
  the same terms as the word written without it (`economía` / `economia`);
- `precision`: of the pairs whose terms are equal, the share Snowball conflates too (the others
  are the analyzer's own merges: `hogar`/`hogares`, unaccented misspellings...).

Used by tests/search/test_snowball_vocabulary.py and benchmarks/bench_analyzer.py.
"""

from __future__ import annotations

import gzip
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = Path(__file__).parent / "data" / "snowball_spanish.tsv.gz"


@dataclass(frozen=True)
class Figures:
    pairs_kept: float
    words_kept: float
    accents_kept: float
    precision: float
    split: list[tuple[int, str, dict]]  # (size, Snowball stem, our term -> count), largest first
    accents_differ: list[str]  # accented words whose terms differ from the unaccented word's


def vocabulary() -> dict[str, str]:
    """word -> its Snowball stem."""
    with gzip.open(VOCABULARY, "rt", encoding="utf-8") as lines:
        rows = (line.rstrip("\n").split("\t") for line in lines if not line.startswith("#"))
        return {word: stem for word, stem in rows}


def unaccented(word: str) -> str:
    """Acute accents and diaeresis dropped, `ñ` kept (a letter, not an accent)."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in "\u0301\u0308"))


def term_of(analyzer: Callable) -> Callable[[str], str | None]:
    """A word's one term through a Whoosh analyzer, None when it drops the word."""

    def term(word: str) -> str | None:
        terms = [token.text for token in analyzer(word)]
        return terms[0] if terms else None

    return term


def figures(term: Callable[[str], str | None], stems: dict[str, str]) -> Figures:
    terms = {word: t for word in stems if (t := term(word)) is not None}
    families: dict[str, list[str]] = defaultdict(list)
    by_term: dict[str, list[str]] = defaultdict(list)
    for word, t in terms.items():
        families[stems[word]].append(word)
        by_term[t].append(word)
    pairs = kept = in_families = on_majority = 0
    split = []
    for stem, words in families.items():
        counts = Counter(terms[word] for word in words)
        pairs += _pairs(len(words))
        kept += sum(_pairs(n) for n in counts.values())
        if len(words) > 1:
            in_families += len(words)
            on_majority += counts.most_common(1)[0][1]
        if len(counts) > 1:
            split.append((len(words), stem, dict(counts)))
    merged = agreed = 0
    for words in by_term.values():
        merged += _pairs(len(words))
        agreed += sum(_pairs(n) for n in Counter(stems[w] for w in words).values())
    accented = [word for word in stems if unaccented(word) != word]
    differ = [word for word in accented if term(word) != term(unaccented(word))]
    return Figures(
        pairs_kept=kept / pairs,
        words_kept=on_majority / in_families,
        accents_kept=1 - len(differ) / len(accented),
        precision=agreed / merged,
        split=sorted(split, reverse=True),
        accents_differ=differ,
    )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2
