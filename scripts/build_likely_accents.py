"""Build search/data/likely_accents_es.tsv.gz, the table of `analysis.restore_accent`.

    .venv/bin/pip install -e '.[accents]'    # wordfreq: only this script needs it
    .venv/bin/python scripts/build_likely_accents.py

For each folded spelling of wordfreq's large Spanish list (accents stripped, `ñ` folded as the
analyzer folds it), the most frequent written form. Only the spellings whose term that form
changes are written (`economia` -> `economía`: `econom`, not `economi`; `ingles` -> `inglés`,
which keeps its `-es`); the rest would be analysed the same without the table. The words come
from wordfreq's sources (subtitles, Wikipedia, news, books, web text), never from the Snowball
vocabulary the tests measure the analyzer on.
wordfreq's data is CC BY-SA 4.0, and so is this table (search/data/README.md).
"""

from __future__ import annotations

import gzip
import re
from importlib.metadata import version
from pathlib import Path

from wordfreq import iter_wordlist

from acervo.search.analysis import (
    LIKELY_ACCENTS_FILE,
    PROTECTED_ENYE_WORDS,
    accent_by_ending,
    fold_accents,
    fold_enye,
    singular,
    stem_spanish,
)

TARGET = Path(__file__).resolve().parents[1] / "search" / LIKELY_ACCENTS_FILE
SPANISH_WORD = re.compile(r"[a-záéíóúüñ]+")


def likely_accents() -> dict[str, str]:
    """folded -> most frequent written form, where the stem depends on it."""
    most_frequent: dict[str, str] = {}
    for word in iter_wordlist("es", wordlist="large"):  # most frequent first
        folded = fold_accents(word)
        if not SPANISH_WORD.fullmatch(word) or folded in PROTECTED_ENYE_WORDS:
            continue  # the ñ words EnyeFilter protects keep their own spelling
        written = word if "ñ" not in word else fold_enye(word)  # ñ -> n, like the analyzer
        most_frequent.setdefault(fold_enye(folded), written)
    return {
        folded: written
        for folded, written in most_frequent.items()
        if _term(written) != _term(accent_by_ending(folded))
    }


def _term(spelling: str) -> str:
    """The analyzer's steps after the table: the plural `-es` cut (the accent can keep it:
    `inglés`), then the stem."""
    return fold_accents(stem_spanish(singular(spelling)))


def main() -> None:
    table = likely_accents()
    header = (
        "# folded spelling<TAB>its most frequent written form, where the Snowball stem depends"
        f" on it; from wordfreq {version('wordfreq')} (large Spanish list), CC BY-SA 4.0;"
        " built by scripts/build_likely_accents.py\n"
    )
    lines = "".join(f"{folded}\t{written}\n" for folded, written in sorted(table.items()))
    # mtime=0: the same table gives the same bytes (no spurious diff when rebuilt)
    TARGET.write_bytes(gzip.compress((header + lines).encode("utf-8"), mtime=0))
    print(f"{TARGET}: {len(table)} spellings")


if __name__ == "__main__":
    main()
