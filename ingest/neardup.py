"""Near duplicates: MinHash signatures of word shingles, grouped with LSH (datasketch).

A draft and its final version, or a study re-published with a new cover, share most of their
5-word shingles (Jaccard well above 0.5), while two different studies on the same topic share
few (their sentences differ even when the words are the same). Exact copies never get here:
the same bytes are already one document.

Signatures are computed where the text is (the worker process); the finder lives in the single
process that writes the index and is seeded with the signatures the index already holds, so a
new document is compared with every indexed one, not only with this run's.
Translations share almost no shingles and are not linked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from acervo.ingest.models import Page

NUM_PERM = 128
SHINGLE_WORDS = 5
SCHEME = "affine32"  # datasketch 2's default, named: stored signatures depend on it
THRESHOLD = 0.5  # estimated Jaccard of shingle sets at or above which two texts are versions
MIN_SHINGLES = 50  # shorter texts (forms, one-line pages) would match on boilerplate alone
_WORD = re.compile(r"\w+")


def signature(pages: Sequence[Page]) -> tuple[int, ...]:
    """MinHash of the text's word shingles; () when the text is too short to compare."""
    words = _WORD.findall(_fold(" ".join(p.text for p in pages)))
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - 4)}
    if len(shingles) < MIN_SHINGLES:
        return ()
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return tuple(int(v) for v in minhash.hashvalues)


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

    It holds every indexed document's signature, so it grows with the corpus: as a numpy array
    (1 KiB a document, against 5 KiB as a tuple of Python ints) plus datasketch's band keys.
    """

    def __init__(
        self, known: Mapping[str, Sequence[int]] | Iterable[tuple[str, Sequence[int]]] = ()
    ) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[str, np.ndarray] = {}
        for doc_id, sig in known.items() if isinstance(known, Mapping) else known:
            self._insert(doc_id, _array(sig))

    def add(self, doc_id: str, sig: Sequence[int]) -> tuple[str, ...]:
        """Ids of remembered documents similar to `sig` (best first), then remember it."""
        if len(sig) != NUM_PERM:
            return ()
        values = _array(sig)
        candidates = self._lsh.query(_minhash(values)) if self._signatures else []
        scored = [(_share_equal(values, self._signatures[c]), c) for c in candidates if c != doc_id]
        similar = tuple(c for score, c in sorted(scored, reverse=True) if score >= THRESHOLD)
        self._insert(doc_id, values)
        return similar

    def known_signature(self, doc_id: str) -> tuple[int, ...]:
        """The remembered signature of `doc_id`, or () (for texts taken back from the index)."""
        values = self._signatures.get(doc_id)
        return () if values is None else tuple(int(v) for v in values)

    def _insert(self, doc_id: str, values: np.ndarray) -> None:
        if len(values) != NUM_PERM or doc_id in self._signatures:
            return
        self._signatures[doc_id] = values
        self._lsh.insert(doc_id, _minhash(values))


def _fold(text: str) -> str:
    """Lower case without accents: a re-typed accent must not make a sentence new."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _minhash(values: np.ndarray) -> MinHash:
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=values)
