"""Text analysis: how Spanish and English text becomes index terms (and how queries meet them).

Spanish chain (`spanish_analyzer`), in this order and for these reasons:

1. `TOKEN_PATTERN`: runs of letters, or runs of digits. Letters and digits are split, so `COVID-19`,
   `covid19` and `Covid 19` all give the terms `covid` + `19` (both searchable alone; the query
   parser turns a typed `COVID-19` into the phrase `covid 19`). Combining accents are kept inside
   a word, so decomposed (NFD) text from a PDF or a Mac keyboard is not cut in two.
2. `LowercaseFilter`.
3. `AccentFoldFilter`: NFC, then strip every diacritic except the tilde of `ñ`. From here on a
   word's terms depend only on its folded form, so `economía` and `economia` meet by
   construction, whatever the later steps do.
4. `EnyeFilter`: `ñ` -> `n`, so `niños` = `ninos` = `niñas` = `niño` (analysts often type
   without `ñ`), except in `PROTECTED_ENYE_WORDS`, the few words where dropping the tilde makes
   another real word: `año(s)` (`ano`), `peña` (`pena`), `cañón` (`canon`, a rent), `caña`
   (`cana`), `uña` (`una`). So `año` and `ano` never match; the price, chosen on purpose, is
   that `anos` typed without `ñ` does not find `años` either (tests pin both).
5. `StopFilter` with `SPANISH_STOP_WORDS`: a short list of function words. Whoosh's own list
   drops `estado(s)`, `contra`, `sin`, `entre`, `sobre`: "Estados Unidos" would become `unid`.
6. `RestoreAccentFilter`: the folded word gets back its most frequent written form
   (`likely_accents`: `economia` -> `economía`, `añadio` -> `añadió`, `ingles` -> `inglés`),
   because the Snowball stemmer's suffix rules are written with accents (`-ía`, `-ió`, `-ará`,
   `-ción`, `-logía`...): stemming the folded word split `economía` from `económicamente`,
   `añade` from `añadió`. The table lists only the words whose stem the accent changes (from
   a Spanish word-frequency list, not from any text we index); other `-cion/-sion/-logia(s)`
   words get the accent by rule. Where two spellings differ in meaning, the more frequent wins:
   `hacia` (towards) is read as `hacia`, not `hacía` (did).
7. `SingularFilter`: a plural `-es` after r, d, n, l, s, y, j is cut (`hogares` -> `hogar`), because
   Snowball cuts a verb-like `-ar/-er/-ad/-en` from the singular but only `-es` from the plural,
   so `hogar`/`hogares`, `ciudad`/`ciudades`, `mujer`/`mujeres`, `joven`/`jóvenes` never met.
   It runs on the restored word, so a stressed singular (`interés`) is left alone; then
   `RestoreAccentFilter` again, as the singular may be a word the table knows (`intereses` ->
   `interes` -> `interés`, which meets `interés`).
8. `StemFilter(stem_spanish)`: Snowball Spanish, behind a thread-safe cache.
9. `StemMergeFilter`: joins stems of one family the stemmer leaves apart: `migración` ->
   `migracion` (its `-ación` is too short a region to cut) and `migrante` -> `migrant` both
   become `migr`, the stem of `migrar`.
10. `AccentFoldFilter` again: the restored accent may survive stemming (`inglés` -> `inglés`).

tests/search/test_snowball_vocabulary.py measures the chain on the Snowball project's own Spanish
vocabulary: the word pairs Snowball conflates that stay conflated here, and every accented word
equal to its unaccented spelling. A change of this chain (or of the table) changes the terms of
indexed text: bump `schema.INDEX_FORMAT` so that the next ingest rebuilds old indexes.

Every filter only rewrites `token.text`, so `startchar`/`endchar` (`chars=True`) still point at the
original word and Whoosh highlighting works. Whoosh pickles the analyzers into the index: renaming
a filter class here makes existing indexes unreadable (rebuild them).
"""

from __future__ import annotations

import gzip
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, lru_cache
from importlib import resources

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

# Letters (with any combining accents), a number with thousands separators (`1.500.000`,
# `1,500,000`: one token, see NumberFilter), digits, or `%` (so `45%` is not just any `45`);
# "_" and other punctuation separate words.
TOKEN_PATTERN = (
    r"(?:[^\W\d_]|[\u0300-\u036f])+"
    r"|\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d{1,3}(?:,\d{3})+(?![.,]?\d)"
    r"|\d+|%"
)
THOUSANDS_SEPARATORS = str.maketrans("", "", ".,")

ENYE = "ñ"
STEM_CACHE_WORDS = 100_000
OUTCOME_CACHE_WORDS = 200_000  # distinct (word, mode) outcomes kept per analyzer

# Accent-folded form -> the form the stemmer gets (singular, so `años` meets `año`: the stemmer
# does not strip `-os` after `ñ`).
PROTECTED_ENYE_WORDS: Mapping[str, str] = {
    "año": "año",
    "años": "año",
    "peña": "peña",
    "peñas": "peña",
    "caña": "caña",
    "cañas": "caña",
    "cañon": "cañon",
    "cañones": "cañon",
    "uña": "uña",
    "uñas": "uña",
}

# Folded word -> the stem it gets instead of Snowball's, for real words Snowball merges with a
# neighbour of another meaning (it strips gender and the final vowel): casa/caso, mes/mesa,
# cuenta/cuento, salud/saludo, trata/trato. One side of each pair keeps itself; the other keeps
# the stem.
PROTECTED_STEMS: Mapping[str, str] = {
    "caso": "caso",
    "casos": "caso",
    "mesa": "mesa",
    "mesas": "mesa",
    "cuento": "cuento",
    "cuentos": "cuento",
    "saludo": "saludo",
    "saludos": "saludo",
    # `trata` (de personas, trafficking) is not `trato` (treatment) nor `tratar`
    "trata": "trata",
    "tratas": "trata",
}

# Folded forms (the filter runs after accent folding). Never add estado(s), unidos, contra, sin,
# entre, sobre, no: they carry meaning in this corpus ("sin documentos", "no acompañados").
SPANISH_STOP_WORDS: frozenset[str] = frozenset(
    """a al como con de del e el en es esta este esto fue ha han la las le les lo los mas o
    para pero por que se ser si son su sus u un una unas unos y ya""".split()
)

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(stoplists["en"])

# Folded word -> its most frequent written form, for the words whose Snowball stem depends on
# the accent (`restore_accent`). Built by scripts/build_likely_accents.py from wordfreq's Spanish
# list (CC BY-SA 4.0, see search/data/README.md); 10,958 entries, 2.1 MiB in memory.
LIKELY_ACCENTS_FILE = "data/likely_accents_es.tsv.gz"

# Endings the Snowball Spanish stemmer expects accented, for words the table does not list.
ACCENTED_ENDINGS: tuple[tuple[str, str], ...] = (
    ("logias", "logías"),
    ("logia", "logía"),
    ("cion", "ción"),
    ("sion", "sión"),
)

# stem -> stem of the same word family; keep it short, each entry is a recall/precision trade.
SPANISH_STEM_MERGES: Mapping[str, str] = {"migracion": "migr", "migrant": "migr"}

# Plural `-es` after these letters is cut before stemming (see `singular`).
PLURAL_ES_AFTER = "rdnlsyj"
# ...but not from these endings, which Snowball strips itself: `-ables/-ibles` (aplicables ->
# aplic), and `-les` attached to an infinitive or gerund (darles, haciéndoles).
NOT_PLURAL_ES = ("bles", "rles", "ndoles")
MIN_SINGULAR_CHARS = 3


def fold_accents(text: str) -> str:
    """Strip diacritics but keep `ñ`: 'Educación' -> 'Educacion', 'niño' -> 'niño'."""
    if text.isascii():  # most words, and every word the chain has folded once already
        return text
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(
        ch
        for i, ch in enumerate(decomposed)
        if not unicodedata.combining(ch) or _is_enye_tilde(decomposed, i)
    )
    return unicodedata.normalize("NFC", bare)


def _is_enye_tilde(decomposed: str, i: int) -> bool:
    return decomposed[i] == "\u0303" and i > 0 and decomposed[i - 1] in "nN"


def fold_enye(word: str) -> str:
    """`ñ` -> `n`, except in the words where that makes another word (`año` vs `ano`)."""
    if ENYE not in word:
        return word
    return PROTECTED_ENYE_WORDS.get(word) or word.replace(ENYE, "n")


def singular(word: str) -> str:
    """Cut a plural `-es` after a consonant: 'hogares' -> 'hogar', 'ciudades' -> 'ciudad'.

    Snowball reads the singular's `-ar/-er/-ad/-en` as a verb ending (`hogar` -> `hog`) but only
    cuts `-es` from the plural (`hogares` -> `hogar`), so the two never meet. A final `-és` is a
    stressed singular (`interés`), kept: this runs after `restore_accent`.
    """
    if (
        word.endswith("es")
        and len(word) - 2 >= MIN_SINGULAR_CHARS
        and word[-3] in PLURAL_ES_AFTER
        and not word.endswith(NOT_PLURAL_ES)
    ):
        return word[:-2]
    return word


@cache
def likely_accents() -> Mapping[str, str]:
    """The table of LIKELY_ACCENTS_FILE, read once per process."""
    source = resources.files("acervo.search").joinpath(LIKELY_ACCENTS_FILE)
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        pairs = (line.rstrip("\n").split("\t") for line in lines if not line.startswith("#"))
        return {folded: written for folded, written in pairs}


def restore_accent(word: str) -> str:
    """The spelling the stemmer should see: 'economia' -> 'economía', 'educacion' -> 'educación'.

    The most frequent written form of the folded word when the table lists it, else the accent
    of a `-ción/-sión/-logía(s)` ending; the folded word otherwise.
    """
    folded = fold_accents(word)
    likely = likely_accents().get(folded)
    return likely if likely is not None else accent_by_ending(folded)


def accent_by_ending(folded: str) -> str:
    """'educacion' -> 'educación': the accent of a `-ción/-sión/-logía(s)` ending."""
    for bare, accented in ACCENTED_ENDINGS:
        if folded.endswith(bare) and len(folded) > len(bare) + 1:
            return folded[: -len(bare)] + accented
    return folded


class _TextFilter(Filter):
    """A filter that rewrites each token's text with `rewrite` (positions and chars untouched)."""

    def rewrite(self, text: str) -> str:
        raise NotImplementedError

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = self.rewrite(token.text)
            yield token


class NumberFilter(_TextFilter):
    """`1.500.000` and `1,500,000` -> `1500000`: a number is findable however it was grouped."""

    def rewrite(self, text: str) -> str:
        if text[:1].isdigit():
            return text.translate(THOUSANDS_SEPARATORS)
        return text


class AccentFoldFilter(_TextFilter):
    def rewrite(self, text: str) -> str:
        return fold_accents(text)


class EnyeFilter(_TextFilter):
    def rewrite(self, text: str) -> str:
        return fold_enye(text)


class SingularFilter(_TextFilter):
    is_morph = True  # skipped when Whoosh collects unstemmed words for spelling suggestions

    def rewrite(self, text: str) -> str:
        return singular(text)


class RestoreAccentFilter(_TextFilter):
    is_morph = True

    def rewrite(self, text: str) -> str:
        return restore_accent(text)


class StemMergeFilter(_TextFilter):
    is_morph = True

    def __init__(self, merges: Mapping[str, str] = SPANISH_STEM_MERGES) -> None:
        self.merges = dict(merges)

    def rewrite(self, text: str) -> str:
        return self.merges.get(text, text)


_SPANISH_STEM = stemmer_for_language("es")  # Snowball; stateless, safe to share
_ENGLISH_STEM = stemmer_for_language("en")


# Whoosh's own StemFilter cache (lfu_cache) is not thread-safe: evicting from it in two threads
# at once (waitress serves requests in threads) can raise. functools.lru_cache is; module-level
# functions also pickle by name with the schema.
@lru_cache(maxsize=STEM_CACHE_WORDS)
def stem_spanish(word: str) -> str:
    return PROTECTED_STEMS.get(fold_accents(word)) or _SPANISH_STEM(word)


@lru_cache(maxsize=STEM_CACHE_WORDS)
def stem_english(word: str) -> str:
    return _ENGLISH_STEM(word)


class CachedChainAnalyzer(Analyzer):
    """A tokenizer and per-token filters, each distinct word run through the filters once.

    Same tokens as `tokenizer | filter | ...` (tests/search/test_analysis.py compares them on
    real text, index and query mode): every filter here rewrites or drops one token without
    looking at its neighbours, so a word's outcome depends only on the word; the one thing that
    does look across tokens, StopFilter's renumbering of positions, is done here. Words repeat
    (Zipf), so indexing analyses a few thousand distinct words instead of running ten generator
    layers over every token: the ingest writer spent 23 of 52 s in the plain chain (500 docs).
    """

    def __init__(self, tokenizer: RegexTokenizer, *filters: Filter) -> None:
        self.tokenizer = tokenizer
        self.filters = filters
        self.renumber = any(isinstance(f, StopFilter) and f.renumber for f in filters)
        self._outcomes: dict[tuple, tuple[str, bool] | None] = {}
        self._index_terms: dict[str, str | None] = {}  # index_terms: word -> term or None

    def __call__(self, value: str, no_morph: bool = False, **kwargs) -> Iterator[Token]:
        outcomes = self._outcomes
        pos = None
        for token in self.tokenizer(value, **kwargs):
            key = (token.text, no_morph, token.removestops, token.mode)
            outcome = outcomes.get(key, _MISSING)
            if outcome is _MISSING:
                outcome = self._outcome(*key)
            if outcome is None:
                continue  # a stop word, removed
            token.text, token.stopped = outcome
            if self.renumber and token.positions and not token.stopped:
                if pos is None:
                    pos = token.pos
                else:
                    pos += 1
                    token.pos = pos
            yield token

    def index_terms(self, value: str, words: dict[str, None] | None = None) -> list[str]:
        """The terms `self(value, mode="index")` yields, in order, one position each (the
        indexer hands them to Whoosh as a list, which then skips its own analysis); each word
        the tokenizer finds, stop words included, is also added to `words`.

        The indexer stores where each page's terms start in this list (search/snippets.py reads
        page numbers from the positions), so it must hold that the chain yields one token per
        position: every filter here rewrites or drops a token, none adds one
        (tests/search/test_analysis.py checks the positions of both languages' chains).
        Each word's term is looked up in a dict of its own (no key tuple, no Token), as this
        is where an index build spends most of its analysis.
        """
        found = self.tokenizer.expression.findall(value)  # the pattern has no groups
        distinct = dict.fromkeys(found)
        if words is not None:
            words.update(distinct)
        terms = self._index_terms
        new = [word for word in distinct if word not in terms]
        if len(terms) + len(new) > OUTCOME_CACHE_WORDS:
            terms = self._index_terms = {}  # a new dict: a list being read keeps its own
            new = list(distinct)
        for word in new:
            outcome = self._outcome(word, False, True, "index")
            # None: a stop word, removed; a stopped token has no position either
            terms[word] = None if outcome is None or outcome[1] else outcome[0]
        return [term for term in map(terms.__getitem__, found) if term is not None]

    def _outcome(
        self, text: str, no_morph: bool, removestops: bool, mode: str
    ) -> tuple[str, bool] | None:
        """(term, stopped) of one word through the filters, or None when they drop it."""
        gen: Iterator[Token] = iter([Token(text=text, removestops=removestops, mode=mode)])
        for item in self.filters:
            if not (no_morph and getattr(item, "is_morph", False)):
                gen = item(gen)
        token = next(gen, None)
        outcome = None if token is None else (token.text, token.stopped)
        if len(self._outcomes) >= OUTCOME_CACHE_WORDS:
            self._outcomes.clear()  # a simple bound; dict operations are atomic under the GIL
        self._outcomes[(text, no_morph, removestops, mode)] = outcome
        return outcome

    def has_morph(self) -> bool:
        return any(getattr(item, "is_morph", False) for item in self.filters)

    def clean(self) -> None:
        self._outcomes.clear()
        self._index_terms = {}

    def __getstate__(self) -> dict:
        # Whoosh pickles the schema, analyzers included, into every index: not the caches.
        return {**self.__dict__, "_outcomes": {}, "_index_terms": {}}

    def __setstate__(self, state: dict) -> None:
        # Indexes written before a cache was added pickled only the caches they knew.
        self.__dict__.update(state)
        # Each index generation unpickles its schema anew: an equal chain unpickled before in
        # this process lends its word outcomes, which a new generation leaves unchanged.
        self._outcomes, self._index_terms = _shared_outcomes(repr(self)), {}

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and self.tokenizer == other.tokenizer
            and self.filters == other.filters
        )

    def __hash__(self) -> int:
        return hash((type(self), self.filters))

    def __repr__(self) -> str:
        # The same for equal chains in any process: search/snippets.py keys its caches by it,
        # and a schema pickled by the ingest (another hash seed) lists its stop set in another
        # order, which gave every new generation new, empty caches in each web process.
        parts = map(_stable_repr, (self.tokenizer, *self.filters))
        return f"{type(self).__name__}({', '.join(parts)})"


_MISSING = object()
_OUTCOMES: dict[str, dict] = {}  # repr of a chain -> its word outcomes, shared by equal chains
SHARED_CHAINS = 16  # chains whose outcomes are kept (a few per schema)


def _shared_outcomes(key: str) -> dict:
    if key not in _OUTCOMES and len(_OUTCOMES) >= SHARED_CHAINS:
        _OUTCOMES.clear()  # a simple bound: the chains in use add themselves again
    return _OUTCOMES.setdefault(key, {})


def _stable_repr(item: object) -> str:
    """Whoosh's repr of a tokenizer or filter (its attributes), sets listed in sorted order."""
    attrs = getattr(item, "__dict__", None)
    if not attrs:
        return repr(item)
    shown = (
        f"{name}={sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value!r}"
        for name, value in attrs.items()
    )
    return f"{type(item).__name__}({', '.join(shown)})"


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def spanish_filters() -> tuple[Filter, ...]:
    """The Spanish chain described in the module docstring (after the tokenizer)."""
    return (
        NumberFilter(),
        LowercaseFilter(),
        AccentFoldFilter(),
        EnyeFilter(),
        # minsize=1: single letters and digits (the R, 4 and V of R4V) stay searchable.
        StopFilter(stoplist=SPANISH_STOP_WORDS, minsize=1),
        RestoreAccentFilter(),
        SingularFilter(),
        RestoreAccentFilter(),  # the singular may be a word the table knows (interes: interés)
        StemFilter(stem_spanish, cachesize=None),
        StemMergeFilter(),
        AccentFoldFilter(),
    )


def english_filters() -> tuple[Filter, ...]:
    """Whoosh's standard English stemming chain on the same tokens, accents folded (ñ too)."""
    return (
        NumberFilter(),
        LowercaseFilter(),
        StopFilter(stoplist=ENGLISH_STOP_WORDS, minsize=1),
        CharsetFilter(accent_map),
        StemFilter(stem_english, cachesize=None),
    )


def surface_filters() -> tuple[Filter, ...]:
    """Words as typed, only lowercased and accent-folded (ñ kept), not stemmed: the `words`
    field that wildcards, fuzzy words and spelling suggestions are matched against."""
    return (NumberFilter(), LowercaseFilter(), AccentFoldFilter())


def spanish_analyzer() -> Analyzer:
    return CachedChainAnalyzer(_tokenizer(), *spanish_filters())


def english_analyzer() -> Analyzer:
    return CachedChainAnalyzer(_tokenizer(), *english_filters())


def surface_analyzer() -> Analyzer:
    return CachedChainAnalyzer(_tokenizer(), *surface_filters())


def prefix_form(text: str, language: str) -> str:
    """How a typed prefix (`Migració` of `Migració*`) is written in the index before stemming.

    Prefixes are folded like indexed words but not stemmed: a stem of a prefix is no prefix.
    """
    lowered = text.lower()
    if language == "en":
        return lowered.translate(accent_map)
    return fold_enye(fold_accents(lowered))
