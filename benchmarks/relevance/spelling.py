"""Spelling correctors compared on one index's own words: which finds the word meant, how fast.

    python benchmarks/relevance/spelling.py --index /tmp/es-idx   # an index of realdocs/es

Test words: the misspellings of kinds.yaml, and typos an analyst makes in Spanish (s/c/z, b/v,
a dropped h, ll/y, g/j, a doubled or dropped letter, two letters swapped) applied to 400 index
words of 6+ letters found in 2+ documents (seeded). Each corrector gets the misspelt word and must
return the original as its first candidate. Compared: Whoosh's corrector as Acervo used it (ranks
every candidate within two edits by frequency only), `search.suggest.best_correction` (Whoosh's
candidates ranked by weighted edit distance, then frequency), and symspellpy over the same words
and frequencies (its dictionary build time reported apart).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from acervo.search import schema
from acervo.search.indexer import IndexStore
from acervo.search.suggest import best_correction

KINDS_TYPOS = {
    "intencivos": "intensivos",
    "xenofovia": "xenofobia",
    "asucaradas": "azucaradas",
    "imformales": "informales",
    "segregasion": "segregacion",
    "anticoncepsion": "anticoncepcion",
    "precipitasion": "precipitacion",
    "igiene": "higiene",
}
SWAPS = [("s", "c"), ("c", "s"), ("z", "s"), ("s", "z"), ("b", "v"), ("v", "b"), ("ll", "y"),
         ("y", "ll"), ("g", "j"), ("j", "g"), ("cc", "c"), ("mp", "np"), ("rr", "r")]  # fmt: skip
SAMPLE_WORDS = 400


def typo(word: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in SWAPS if a in word[1:]]
    roll = rng.random()
    if word.startswith("h") and roll < 0.15:
        return word[1:]
    if options and roll < 0.7:
        a, b = rng.choice(options)
        at = word.index(a, 1)
        return word[:at] + b + word[at + len(a) :]
    i = rng.randrange(1, len(word) - 1)
    if roll < 0.85:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    return word[:i] + word[i] + word[i:]  # a doubled letter


def cases(reader, rng: random.Random) -> dict[str, str]:
    field = schema.WORDS_FIELD
    words = [w.decode() if isinstance(w, bytes) else w for w in reader.lexicon(field)]
    common = [
        w for w in words if len(w) >= 6 and w.isalpha() and reader.doc_frequency(field, w) >= 2
    ]
    known = set(words)
    found = dict(KINDS_TYPOS)
    for word in rng.sample(common, min(SAMPLE_WORDS, len(common))):
        wrong = typo(word, rng)
        if wrong and wrong != word and wrong not in known:
            found[wrong] = word
    return found


def whoosh_plain(searcher, word: str) -> str | None:
    best = searcher.corrector(schema.WORDS_FIELD).suggest(word, limit=1, maxdist=2, prefix=1)
    return best[0] if best else None


def symspell(reader):
    from symspellpy import SymSpell, Verbosity

    started = time.perf_counter()
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in reader.lexicon(schema.WORDS_FIELD):
        text = word.decode() if isinstance(word, bytes) else word
        sym.create_dictionary_entry(text, reader.doc_frequency(schema.WORDS_FIELD, text))
    build_s = time.perf_counter() - started

    def correct(word: str) -> str | None:
        found = sym.lookup(word, Verbosity.CLOSEST, max_edit_distance=2)
        return found[0].term if found else None

    return correct, build_s


def score(name: str, correct, typos: dict[str, str]) -> None:
    started = time.perf_counter()
    right = sum(correct(wrong) == meant for wrong, meant in typos.items())
    kinds = sum(correct(wrong) == meant for wrong, meant in KINDS_TYPOS.items())
    ms = (time.perf_counter() - started) * 1000 / (len(typos) + len(KINDS_TYPOS))
    print(
        f"{name:28} {right / len(typos):6.1%} of {len(typos)}  kinds.yaml {kinds}/"
        f"{len(KINDS_TYPOS)}  {ms:6.2f} ms/word"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    with IndexStore(args.index).open_searcher() as opened:
        raw = opened.whoosh_searcher
        typos = cases(raw.reader(), random.Random(13))
        score("whoosh corrector", lambda w: whoosh_plain(raw, w), typos)
        score("acervo best_correction", lambda w: best_correction(raw, w), typos)
        correct, build_s = symspell(raw.reader())
        print(f"symspellpy dictionary built in {build_s:.2f} s")
        score("symspellpy", correct, typos)
    return 0


if __name__ == "__main__":
    sys.exit(main())
