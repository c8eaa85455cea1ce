"""Near duplicates: MinHash signatures of word shingles, grouped with LSH banding.

A draft and its final version, or a study re-published with a new cover, share most of their
5-word shingles (Jaccard well above 0.5), while two different studies on the same topic share
few (their sentences differ even when the words are the same). Exact copies never get here:
the same bytes are already one document.

Signatures are computed where the text is (the worker process); the finder lives in the single
process that writes the index and is seeded with the signatures the index already holds, so a
new document is compared with every indexed one, not only with this run's.
Translations share almost no word shingles, but they keep the figures, in the same order:
`number_signature` is a MinHash of the runs of three consecutive numbers (thousands and decimal
separators dropped, so 1.500,5 = 1,500.5), and `TranslationFinder` links documents whose number
runs agree (estimated Jaccard >= 0.5) and whose languages differ. Unrelated studies in two
languages share at most 0.09 of their number runs (200 generated documents; the sample corpus:
0.08).

The MinHash is datasketch's (2.0, scheme "affine32", seed 1), computed here with numpy in a few
lines: importing datasketch imports scipy (0.3 s and ~30 MiB in every worker) for its LSH
parameters, which we do not use. tests/ingest/test_neardup.py checks the values are the same as
datasketch's, so signatures stored by earlier versions stay comparable.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

import numpy as np

from acervo.ingest.models import Page

NUM_PERM = 128
SHINGLE_WORDS = 5
SCHEME = "affine32"  # datasketch 2's default, named: stored signatures depend on it
SEED = 1  # datasketch's default seed for its permutations
# MurmurHash3's 32-bit finalizer (shift, multiplier, shift, multiplier, shift), as datasketch
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
THRESHOLD = 0.5  # estimated Jaccard of shingle sets at or above which two texts are versions
BANDS, ROWS = 25, 5  # LSH banding of the 128 values (see NearDuplicateFinder)
MIN_SHINGLES = 50  # shorter texts (forms, one-line pages) would match on boilerplate alone
NUMBER_RUN = 3  # numbers per shingle of the translation signature
MIN_NUMBER_RUNS = 15  # fewer distinct runs of numbers: too little to call two texts editions
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SEPARATORS = re.compile(r"[.,]")


def shingles(pages: Sequence[Page]) -> set[str]:
    """The text's runs of SHINGLE_WORDS words, lower case and without accents."""
    words = _WORD.findall(_fold(" ".join(p.text for p in pages)))
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(pages: Sequence[Page]) -> tuple[int, ...]:
    """MinHash of the text's word shingles; () when the text is too short to compare."""
    found = shingles(pages)
    return _minhash(found) if len(found) >= MIN_SHINGLES else ()


def number_shingles(pages: Sequence[Page]) -> set[str]:
    """Runs of NUMBER_RUN consecutive numbers of the text, written without separators."""
    numbers = [_SEPARATORS.sub("", n) for page in pages for n in _NUMBER.findall(page.text)]
    return {" ".join(numbers[i : i + NUMBER_RUN]) for i in range(len(numbers) - NUMBER_RUN + 1)}


def number_signature(pages: Sequence[Page]) -> tuple[int, ...]:
    """MinHash of the text's runs of numbers (translations keep them); () when too few."""
    found = number_shingles(pages)
    return _minhash(found) if len(found) >= MIN_NUMBER_RUNS else ()


def _minhash(found: Iterable[str]) -> tuple[int, ...]:
    hashes = [_sha1_hash32(s.encode("utf-8")) for s in found]
    mixed = _fmix32(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
    a, b = _permutations()
    return tuple(int(v) for v in (mixed * a + b).min(axis=0))  # uint32: wraps mod 2^32


def _sha1_hash32(data: bytes) -> int:
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    values = (values ^ (values >> s1)) * m1
    values = (values ^ (values >> s2)) * m2
    return values ^ (values >> s3)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h -> a*h + b mod 2^32 (a odd), drawn as datasketch draws them."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard of the two shingle sets (share of equal MinHash values)."""
    if not len(a) or not len(b):
        return 0.0
    return _share_equal(_array(a), _array(b))


def _share_equal(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def _array(sig: Sequence[int]) -> np.ndarray:
    return np.asarray(sig, dtype=np.uint64)


class NearDuplicateFinder:
    """Remembers signatures and names, for each new one, the known documents it is close to.

    Candidates come from LSH banding: the signature is cut into BANDS bands of ROWS values, and
    two documents sharing any band are compared (the split datasketch's MinHashLSH chooses for
    this threshold and 128 permutations; it is done here because building datasketch's index
    cost a re-ingest 0.9 s of its 1.5: importing scipy, and a MinHash object per document). The
    finder holds every indexed document's signature, so it grows with the corpus: 1 KiB of
    numpy array and 25 band keys a document.
    """

    def __init__(
        self, known: Mapping[str, Sequence[int]] | Iterable[tuple[str, Sequence[int]]] = ()
    ) -> None:
        self._signatures: dict[str, np.ndarray] = {}
        self._bands: list[dict[bytes, list[str]]] = [{} for _ in range(BANDS)]
        for doc_id, sig in known.items() if isinstance(known, Mapping) else known:
            self._insert(doc_id, _array(sig))

    def add(self, doc_id: str, sig: Sequence[int], language: str = "") -> tuple[str, ...]:
        """Ids of remembered documents similar to `sig` (best first), then remember it."""
        if len(sig) != NUM_PERM:
            return ()
        values = _array(sig)
        candidates = {
            other
            for band, key in zip(self._bands, _band_keys(values), strict=True)
            for other in band.get(key, ())
            if other != doc_id and self._accepts(other, language)
        }
        scored = [(_share_equal(values, self._signatures[c]), c) for c in candidates]
        similar = tuple(c for score, c in sorted(scored, reverse=True) if score >= THRESHOLD)
        self._insert(doc_id, values)
        return similar

    def known_signature(self, doc_id: str) -> tuple[int, ...]:
        """The remembered signature of `doc_id`, or () (for texts taken back from the index)."""
        values = self._signatures.get(doc_id)
        return () if values is None else tuple(int(v) for v in values)

    def _accepts(self, candidate: str, language: str) -> bool:
        del candidate, language  # every version counts, whatever its language
        return True

    def _insert(self, doc_id: str, values: np.ndarray) -> None:
        if len(values) != NUM_PERM or doc_id in self._signatures:
            return
        self._signatures[doc_id] = values
        for band, key in zip(self._bands, _band_keys(values), strict=True):
            band.setdefault(key, []).append(doc_id)


class TranslationFinder(NearDuplicateFinder):
    """Documents whose numbers agree (see `number_signature`) in another language: editions of
    one study. Both languages must be known; a document is remembered with its language."""

    def __init__(self, known: Iterable[tuple[str, Sequence[int], str]] = ()) -> None:
        known = list(known)
        self._languages = {doc_id: language for doc_id, _sig, language in known}
        super().__init__((doc_id, sig) for doc_id, sig, _language in known)

    def add(self, doc_id: str, sig: Sequence[int], language: str = "") -> tuple[str, ...]:
        if not language:
            return ()  # an edition of what? (the language was not detected)
        self._languages.setdefault(doc_id, language)
        return super().add(doc_id, sig, language)

    def _accepts(self, candidate: str, language: str) -> bool:
        other = self._languages.get(candidate, "")
        return bool(other) and other != language


def _band_keys(values: np.ndarray) -> list[bytes]:
    return [values[i * ROWS : (i + 1) * ROWS].tobytes() for i in range(BANDS)]


def _fold(text: str) -> str:
    """Lower case without accents: a re-typed accent must not make a sentence new."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
