"""Word translations between English and Spanish, from Apertium's bilingual dictionary.

An English query reaches Spanish documents (and the reverse) by structured query translation
(Pirkola's method): each typed word is also searched as the OR of its dictionary translations,
weighted below the typed word (query.py). `cattle` -> ganado; `compensation` -> compensación,
indemnización; `migración` -> migration.

The dictionary is Debian's `apertium-eng-spa` (GPL-2, Universitat d'Alacant and others), read
with `lt-proc` from `lttoolbox`: the morphological analyser of the source language gives each
word's lemmas (`weapons` -> weapon<n>), the bilingual transducer their translations (arma<n>).
Both are installed with apt (.ci/run, README). Without them, `translations` returns nothing and
search works as before, without the other language.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

APERTIUM_DIR = Path("/usr/share/apertium/apertium-eng-spa")
PAIRS = {"en": "eng-spa", "es": "spa-eng"}  # source language -> Apertium direction
LT_PROC_TIMEOUT_S = 2.0
MAX_TRANSLATIONS = 4  # per word: the dictionary's first ones
CACHED_WORDS = 20_000

_UNIT = re.compile(r"\^(.*?)\$")
_LEMMA = re.compile(r"^([^<]+)(<.*)?$")


def available(source: str, data_dir: Path = APERTIUM_DIR) -> bool:
    pair = PAIRS[source]
    return shutil.which("lt-proc") is not None and (data_dir / f"{pair}.autobil.bin").is_file()


def translations(
    words: Iterable[str], source: str, data_dir: Path = APERTIUM_DIR
) -> dict[str, tuple[str, ...]]:
    """word -> its translations from `source` (en | es) into the other language; words the
    dictionary does not know (or every word, without the dictionary) are left out."""
    # Capitalised words are names (Quito is not "I remove"): not translated; acronyms in
    # capitals are (HIV -> VIH).
    wanted = tuple(dict.fromkeys(w for w in words if w.isalpha() and not _is_name(w)))
    if not wanted or not available(source, data_dir):
        return {}
    key = (source, str(data_dir))
    missing = [w for w in wanted if (key, w) not in _CACHE]
    if missing:  # one pair of lt-proc runs for every word not seen before
        if len(_CACHE) > CACHED_WORDS:
            _CACHE.clear()
        found = _lookup(missing, source, data_dir)
        _CACHE.update({(key, w): found.get(w, ()) for w in missing})
    return {w: t for w in wanted if (t := _CACHE[(key, w)])}


def _is_name(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


_CACHE: dict[tuple[tuple[str, str], str], tuple[str, ...]] = {}


def _lookup(words: list[str], source: str, data_dir: Path) -> dict[str, tuple[str, ...]]:
    pair = PAIRS[source]
    # one word per line, so the analyser's units come back in the order of `words`
    analyses = _lt_proc(["-w", str(data_dir / f"{pair}.automorf.bin")], "\n".join(words))
    readings: dict[str, list[str]] = {}
    for word, unit in zip(words, _UNIT.findall(analyses), strict=False):
        # surface/reading1/reading2...; an unknown word is `*word`
        readings[word] = [r for r in unit.split("/")[1:] if not r.startswith("*")]
    queue = [(w, r) for w, rs in readings.items() for r in dict.fromkeys(rs)]
    if not queue:
        return {}
    bilingual = "\n".join(f"^{r}$" for _, r in queue)
    translated = _lt_proc(["-b", str(data_dir / f"{pair}.autobil.bin")], bilingual)
    lemmas: dict[str, dict[str, None]] = {}
    for (word, _), unit in zip(queue, _UNIT.findall(translated), strict=False):
        for target in unit.split("/")[1:]:
            match = _LEMMA.match(target)
            lemma = match[1] if match else ""
            # `@word`: untranslated; `take# away`: a multiword lemma, not one word to search
            if lemma.isalpha() and not target.startswith("@") and lemma.lower() != word.lower():
                lemmas.setdefault(word, {}).setdefault(lemma, None)
    return {w: tuple(found)[:MAX_TRANSLATIONS] for w, found in lemmas.items()}


def _lt_proc(args: list[str], text: str) -> str:
    try:
        done = subprocess.run(
            ["lt-proc", *args],
            input=text + "\n",
            capture_output=True,
            text=True,
            timeout=LT_PROC_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):  # a missing or stuck binary: no translation
        return ""
    return done.stdout if done.returncode == 0 else ""
