"""Word translations between English and Spanish, from real bilingual dictionaries.

An English query reaches Spanish documents (and the reverse) by structured query translation
(Pirkola's method): each typed word is also searched as the OR of its dictionary translations,
weighted below the typed word (query.py). `cattle` -> ganado; `compensation` -> compensación,
indemnización; `migración` -> migration.

Three dictionaries, each used when Debian's package is installed (.ci/run, README), in this
order (a word's translations are the union, the first dictionary's first, at most
MAX_TRANSLATIONS):

1. Apertium's English-Spanish pair (`apertium-eng-spa`, read with `lt-proc` from `lttoolbox`):
   the morphological analyser of the source language gives each word's lemmas (`weapons` ->
   weapon<n>), the bilingual transducer their translations (arma<n>).
2. The same through Catalan (`apertium-eng-cat` and `apertium-spa-cat`): English -> Catalan ->
   Spanish and back (transitive translation). Apertium's English-Catalan and Spanish-Catalan
   pairs are larger than its English-Spanish one in the vocabulary of our documents:
   `settlements` -> assentament -> asentamiento, `displacement` -> desplazamiento,
   `underemployment` -> subempleo, `return` -> retorno (the direct pair has poblamiento,
   cubicaje, none, regreso). Measured on benchmarks/relevance/kinds.py.
3. FreeDict's English-Spanish and Spanish-English dictionaries (`dict-freedict-eng-spa`,
   `dict-freedict-spa-eng`; dictd files), looked up by the word and by its Apertium lemmas;
   the Spanish-English one is also read backwards (`livestock` -> ganado). Only for words
   Apertium does not translate (its other senses were noise: `public` -> plaza).

All are GPL (README, "English and Spanish"). Without them, `translations` returns nothing and
search works as before, in the typed language only.
"""

from __future__ import annotations

import gzip
import os
import re
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

APERTIUM_ROOT = Path("/usr/share/apertium")
FREEDICT_DIR = Path("/usr/share/dictd")
OTHER = {"en": "es", "es": "en"}
LT_PROC_TIMEOUT_S = 2.0
IDLE_S = 600.0  # a transducer process unused this long is stopped (started again when needed)
MAX_TRANSLATIONS = 8  # per word (lemmas and forms): the first dictionaries' first ones
CACHED_WORDS = 20_000

_UNIT = re.compile(r"\^(.*?)\$")
_LEMMA = re.compile(r"^([^<]+)(<.*)?$")


@dataclass(frozen=True)
class _Route:
    """One way through Apertium: the source analyser, one or more bilingual transducers (two
    through Catalan), the target language's generator, each a file of the Apertium data."""

    analyser: str
    bilinguals: tuple[str, ...]
    generator: str

    def available(self, root: Path) -> bool:
        files = (self.analyser, *self.bilinguals, self.generator)
        return shutil.which("lt-proc") is not None and all((root / f).is_file() for f in files)


ROUTES: dict[str, tuple[_Route, ...]] = {
    "en": (
        _Route(
            "apertium-eng-spa/eng-spa.automorf.bin",
            ("apertium-eng-spa/eng-spa.autobil.bin",),
            "apertium-eng-spa/eng-spa.autogen.bin",
        ),
        _Route(
            "apertium-eng-cat/eng-cat.automorf.bin",
            ("apertium-eng-cat/eng-cat.autobil.bin", "apertium-spa-cat/cat-spa.autobil.bin"),
            "apertium-spa-cat/cat-spa.autogen.bin",
        ),
    ),
    "es": (
        _Route(
            "apertium-eng-spa/spa-eng.automorf.bin",
            ("apertium-eng-spa/spa-eng.autobil.bin",),
            "apertium-eng-spa/spa-eng.autogen.bin",
        ),
        _Route(
            "apertium-spa-cat/spa-cat.automorf.bin",
            ("apertium-spa-cat/spa-cat.autobil.bin", "apertium-eng-cat/cat-eng.autobil.bin"),
            "apertium-eng-cat/cat-eng.autogen.bin",
        ),
    ),
}
FREEDICT_NAMES = {"en": "eng-spa", "es": "spa-eng"}  # source language -> FreeDict's name


def available(source: str, root: Path | None = None, freedict: Path | None = None) -> bool:
    """Some dictionary from `source` into the other language is installed."""
    root, freedict = root or APERTIUM_ROOT, freedict or FREEDICT_DIR
    return any(r.available(root) for r in ROUTES[source]) or bool(_freedict(source, freedict))


def translations(
    words: Iterable[str], source: str, root: Path | None = None, freedict: Path | None = None
) -> dict[str, tuple[str, ...]]:
    """word -> its translations from `source` (en | es) into the other language; words no
    dictionary knows (or every word, without the dictionaries) are left out. The dictionaries
    are read from `root` and `freedict` (default: APERTIUM_ROOT and FREEDICT_DIR)."""
    # Capitalised words are names (Quito is not "I remove"): not translated; acronyms in
    # capitals are (HIV -> VIH).
    found = _entries(words, source, root, freedict)
    return {w: entry.translations for w, entry in found.items() if entry.translations}


def known_words(
    words: Iterable[str], source: str, root: Path | None = None, freedict: Path | None = None
) -> set[str]:
    """The words a dictionary of `source` knows, translated or not: Apertium's English
    analyser reads `ranching` (a noun) though no dictionary translates it."""
    return {w for w, entry in _entries(words, source, root, freedict).items() if entry.known}


def query_language(words: Iterable[str]) -> str | None:
    """ "en" or "es" when more of the words are known in that language only than in the other
    only (`sugary drinks daily consumption` is English); None when it is not clear."""
    words = list(words)
    english, spanish = known_words(words, "en"), known_words(words, "es")
    only_en, only_es = len(english - spanish), len(spanish - english)
    return "en" if only_en > only_es else "es" if only_es > only_en else None


@dataclass(frozen=True)
class _Entry:
    known: bool  # some dictionary of the source language reads the word
    translations: tuple[str, ...]


def _entries(
    words: Iterable[str], source: str, root: Path | None, freedict: Path | None
) -> dict[str, _Entry]:
    root, freedict = root or APERTIUM_ROOT, freedict or FREEDICT_DIR
    # Capitalised words are names (Quito is not "I remove"): not looked up; acronyms in
    # capitals are (HIV -> VIH).
    wanted = tuple(dict.fromkeys(w for w in words if w.isalpha() and not _is_name(w)))
    key = (source, str(root), str(freedict))
    missing = [w for w in wanted if (key, w) not in _CACHE]
    if missing:  # one set of lt-proc runs for every word not seen before
        if len(_CACHE) > CACHED_WORDS:
            _CACHE.clear()
        found = _lookup(missing, source, root, freedict)
        _CACHE.update({(key, w): found[w] for w in missing})
    return {w: _CACHE[(key, w)] for w in wanted}


def _is_name(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


_CACHE: dict[tuple[tuple[str, str, str], str], _Entry] = {}


def _lookup(words: list[str], source: str, root: Path, freedict: Path) -> dict[str, _Entry]:
    routes = [r for r in ROUTES[source] if r.available(root)]
    with ThreadPoolExecutor(max_workers=max(1, len(routes))) as pool:  # lt-proc runs in parallel
        found = list(pool.map(lambda r: _through(r, words, root), routes))
    lemmas = found[0][1] if found else {}  # the direct pair's analyser: FreeDict's headwords
    entries = {}
    for word in words:
        candidates = [t for translated, _ in found for t in translated.get(word, ())]
        from_freedict = _from_freedict(source, freedict, (word, *lemmas.get(word, ())))
        # FreeDict only for words Apertium cannot translate: beside Apertium's, its senses were
        # noise in the judged queries (`public` -> plaza, `services` -> culto; kinds.py english
        # and english2, right document first 65% with them, 70% without)
        candidates = [t for t in candidates if t.lower() != word.lower()] or from_freedict
        targets = dict.fromkeys(t for t in candidates if t.lower() != word.lower())
        known = bool(from_freedict) or any(read.get(word) for _, read in found)
        entries[word] = _Entry(known, tuple(targets)[:MAX_TRANSLATIONS])
    return entries


def _through(
    route: _Route, words: list[str], root: Path
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(word -> its translations, word -> its lemmas) along one Apertium route."""
    # one word per line, so the analyser's units come back in the order of `words`
    analyses = _lt_proc(["-w", str(root / route.analyser)], "\n".join(words))
    readings: dict[str, list[str]] = {}
    for word, unit in zip(words, _UNIT.findall(analyses), strict=False):
        # surface/reading1/reading2...; an unknown word is `*word`
        readings[word] = [r for r in unit.split("/")[1:] if not r.startswith("*")]
    lemmas = {w: tuple(dict.fromkeys(_lemma(r) for r in rs)) for w, rs in readings.items()}
    queue = [(w, r) for w, rs in readings.items() for r in dict.fromkeys(rs)]
    for bilingual in route.bilinguals:
        if not queue:
            break
        units = _lt_proc(["-b", str(root / bilingual)], "\n".join(f"^{r}$" for _, r in queue))
        queue = [
            (word, target)
            for (word, _), unit in zip(queue, _UNIT.findall(units), strict=False)
            # `@word`: untranslated
            for target in dict.fromkeys(unit.split("/")[1:])
            if not target.startswith("@")
        ]
    # The lemma and the form the typed word had (`weapons` -> arma, armas): the Spanish stemmer
    # leaves short words alone (`armas` is not `arma`), so a lemma alone misses the plural.
    # (gender and number the transfer rules would settle: masculine, singular)
    wanted = "\n".join(f"^{_settled(t)}$" for _, t in queue)
    forms = _lt_proc(["-g", str(root / route.generator)], wanted)
    translated: dict[str, dict[str, None]] = {}
    for (word, target), form in zip(queue, forms.split("\n"), strict=False):
        for found in (_lemma(target), form.strip()):
            if found.isalpha():  # `take# away`, `#trabajador`: no one word to search
                translated.setdefault(word, {}).setdefault(found, None)
    return {w: tuple(t) for w, t in translated.items()}, lemmas


def _settled(reading: str) -> str:
    return reading.replace("<GD>", "<m>").replace("<ND>", "<sg>")


def _lemma(reading: str) -> str:
    match = _LEMMA.match(reading)
    return match[1] if match else ""


def _from_freedict(source: str, folder: Path, forms: tuple[str, ...]) -> list[str]:
    entries = _freedict(source, folder)
    return [t for form in forms for t in entries.get(form.lower(), ())]


@cache
def _freedict(source: str, folder: Path) -> dict[str, tuple[str, ...]]:
    """headword -> single-word translations, from FreeDict's dictionary out of `source` and its
    dictionary into `source` read backwards; {} when neither is installed."""
    entries: dict[str, dict[str, None]] = {}
    for headword, targets in _dictd(folder / f"freedict-{FREEDICT_NAMES[source]}"):
        for target in targets:
            entries.setdefault(headword, {}).setdefault(target, None)
    for headword, targets in _dictd(folder / f"freedict-{FREEDICT_NAMES[OTHER[source]]}"):
        for target in targets:
            entries.setdefault(target, {}).setdefault(headword, None)
    return {word: tuple(found) for word, found in entries.items()}


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE = re.compile(r"^\s*\d+\.\s*")


def _dictd(stem: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(lowercase headword, its one-word translations) of a dictd dictionary (`stem.index`:
    word, offset and length in base 64; `stem.dict.dz`: gzip-compatible text). An entry is the
    headword with its pronunciation, then one line per sense, translations by commas."""
    index, data = stem.with_suffix(".index"), stem.with_suffix(".dict.dz")
    if not (index.is_file() and data.is_file()):
        return []
    text = gzip.decompress(data.read_bytes())
    entries: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        if headword.startswith("00database") or " " in headword:
            continue
        start = _base64(offset)
        first, *senses = (
            text[start : start + _base64(length)].decode("utf-8", "replace").split("\n")
        )
        words = (w.strip() for sense in senses for w in _SENSE.sub("", sense).split(","))
        entries.setdefault(headword.lower(), []).append(
            (len(first), tuple(w for w in words if w.isalpha()))
        )
    # FreeDict files a phrase under its first word (`right away` as `right /raitɔːwei/`): of a
    # headword's entries, the shortest first line (the word's own pronunciation) is the word's.
    return [(word, min(found)[1]) for word, found in entries.items()]


def _base64(digits: str) -> int:
    value = 0
    for digit in digits:
        value = value * 64 + _B64.index(digit)
    return value


def _lt_proc(args: list[str], text: str) -> str:
    """What `lt-proc ARGS` answers for `text`, from a process kept running for these ARGS (a
    transducer takes 0.1-0.4 s to load, a lookup about a millisecond); "" when it fails."""
    with _LOCK:
        process = _PROCESSES.setdefault(tuple(args), _LtProc(tuple(args)))
    return process.ask(text)


class _LtProc:
    """`lt-proc -z ARGS`: each input ends in a NUL, and so does its answer. One per process
    (a forked server process starts its own: pipes are not shared), one question at a time,
    stopped after IDLE_S without questions (the fourteen transducers hold about 0.5 GB)."""

    def __init__(self, args: tuple[str, ...]) -> None:
        self.args = args
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.pid = 0
        self.idle: threading.Timer | None = None

    def ask(self, text: str) -> str:
        with self.lock:
            if self.idle is not None:
                self.idle.cancel()
            try:
                process = self._running()
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(text.encode("utf-8") + b"\n\0")
                process.stdin.flush()
                answer = _answer(process.stdout.fileno()).decode("utf-8", "replace")
            except (OSError, TimeoutError):  # a missing, dead or stuck binary: no translation
                self._stop()
                return ""
            self.idle = threading.Timer(IDLE_S, self.close)
            self.idle.daemon = True
            self.idle.start()
            return answer

    def close(self) -> None:
        with self.lock:
            self._stop()

    def _running(self) -> subprocess.Popen[bytes]:
        alive = self.process is not None and self.process.poll() is None
        if not alive or self.pid != os.getpid():
            self.process = subprocess.Popen(
                ["lt-proc", "-z", *self.args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self.pid = os.getpid()
        return self.process

    def _stop(self) -> None:
        if self.process is not None and self.pid == os.getpid():
            self.process.kill()
            self.process.wait()
        self.process = None


def _answer(fd: int) -> bytes:
    deadline = time.monotonic() + LT_PROC_TIMEOUT_S
    out = bytearray()
    while not out.endswith(b"\0"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError("lt-proc did not answer")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise OSError("lt-proc closed its output")
        out += chunk
    return bytes(out[:-1])


_LOCK = threading.Lock()
_PROCESSES: dict[tuple[str, ...], _LtProc] = {}
