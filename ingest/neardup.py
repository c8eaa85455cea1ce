"""Near duplicates: MinHash signatures of word shingles (datasketch), grouped with LSH banding.

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
from functools import cache

import numpy as np

from acervo.ingest.models import Page

NUM_PERM = 128
SHINGLE_WORDS = 5
SCHEME = "affine32"  # datasketch 2's default, named: stored signatures depend on it
THRESHOLD = 0.5  # estimated Jaccard of shingle sets at or above which two texts are versions
BANDS, ROWS = 25, 5  # LSH banding of the 128 values (see NearDuplicateFinder)
MIN_SHINGLES = 50  # shorter texts (forms, one-line pages) would match on boilerplate alone
_WORD = re.compile(r"\w+")


def signature(pages: Sequence[Page]) -> tuple[int, ...]:
    """MinHash of the text's word shingles; () when the text is too short to compare."""
    words = _WORD.findall(_fold(" ".join(p.text for p in pages)))
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - 4)}
    if len(shingles) < MIN_SHINGLES:
        return ()
    minhash = minhash_class()(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return tuple(int(v) for v in minhash.hashvalues)


@cache
def minhash_class() -> type:
    """datasketch's MinHash, imported on first use: datasketch imports scipy (0.5 s), which a
    run with nothing to extract does not need. The worker pool calls this before forking, so
    the workers share the parent's import instead of each paying it."""
    from datasketch import MinHash

    return MinHash


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

    def add(self, doc_id: str, sig: Sequence[int]) -> tuple[str, ...]:
        """Ids of remembered documents similar to `sig` (best first), then remember it."""
        if len(sig) != NUM_PERM:
            return ()
        values = _array(sig)
        candidates = {
            other
            for band, key in zip(self._bands, _band_keys(values), strict=True)
            for other in band.get(key, ())
            if other != doc_id
        }
        scored = [(_share_equal(values, self._signatures[c]), c) for c in candidates]
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
        for band, key in zip(self._bands, _band_keys(values), strict=True):
            band.setdefault(key, []).append(doc_id)


def _band_keys(values: np.ndarray) -> list[bytes]:
    return [values[i * ROWS : (i + 1) * ROWS].tobytes() for i in range(BANDS)]


def _fold(text: str) -> str:
    """Lower case without accents: a re-typed accent must not make a sentence new."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
