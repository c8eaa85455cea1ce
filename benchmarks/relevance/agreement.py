"""Would LibreOffice's thesaurus help if an independent resource had to agree? Measured.

    pip install spacy-lookups-data==1.0.5     # Brown clusters of Spanish words (MIT)
    apt-get install mythes-es                 # /usr/share/mythes/th_es_ES_v2.dat (LGPL-2.1)
    python benchmarks/relevance/agreement.py --work /tmp/syn   # indexes as synonyms.py's

A general thesaurus lists every sense of a word (`abono` is a fertiliser and a payment), which
is why LibreOffice's alone adds off-topic documents (synonyms.py, relatives.py). Here a synonym
of a typed word is kept only when a second resource, built another way, agrees that the two
words are used alike:

- Brown clusters (spaCy's `es_lexeme_cluster`, words clustered by the words beside them in a
  large Spanish corpus): the typed word and the synonym in the same inflection
  (`fertilizantes` / `abonos`, `fertilizante` / `abono`) are in the same cluster (`same`), or
  their cluster paths share at least N leading bits (`bits N`). spaCy keeps a path as the
  integer of its reversed bit string (its vocabulary builder's `int(cluster[::-1], 2)`, "so that
  we can do & 15 to get the first 4 bits"): a path's first bits are the integer's lowest.
- co-occurrence in the index: the two stems share documents beyond chance (Xu and Croft's em,
  relatives.py), synonyms being written in the same documents by authors who vary their words.

A kept synonym is then searched either as half a word in the ranking by most of the words only,
below the typed words (synonyms.py's mechanism, `half`), or as one concept with the typed word,
as a thesaurus form is (relatives.py's, `concept`); `+ derivations` adds relatives.py's
derivations (em >= 0.05). Prints, per variant, kinds.yaml, kinds-synonyms.yaml and
kinds-heldout.yaml (top 10 / first / right page, and every query that changes), run.py's judged
set (nDCG@10, MRR, relevant of the top-10 hits shown: the precision side), the pairs kept and
the cost of the kinds searches against without, in one process. Acervo does not ship this:
see benchmarks/README.md for the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import relatives as rel
import synonyms as syn
from kinds import HERE, judge, load, summary
from whoosh.query import Term

from acervo.search import query

SETS = ("kinds.yaml", "kinds-synonyms.yaml", "kinds-heldout.yaml")
SAME = 99  # `bits` meaning "the whole path"
CEILING = -1  # `bits` meaning "not the thesaurus: CEILING_WORDS"
# The words the judged pages use where the missed queries typed others (read in the pages):
# fitted by construction, a ceiling for any synonym resource, not one.
CEILING_WORDS = {
    "compensación": ("indemnización", "indemnizar"),
    "obstáculos": ("barreras",),
    "etapas": ("niveles", "tipos"),
    "aseo": ("higiene",),
    "entusiasmados": ("motivados",),
    "salarial": ("salarios",),
    "fertilizantes": ("abonos",),
}


@lru_cache(maxsize=1)
def _clusters() -> dict[str, int]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "es_lexeme_cluster.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _path(word: str) -> str | None:
    cluster = _clusters().get(word)
    return bin(cluster)[2:][::-1] if cluster else None


def shared_bits(a: str, b: str) -> int:
    """Leading bits the two words' cluster paths share (SAME if equal; -1 if one is unknown)."""
    pa, pb = _path(a), _path(b)
    if pa is None or pb is None:
        return -1
    if pa == pb:
        return SAME
    return next((i for i, (x, y) in enumerate(zip(pa, pb, strict=False)) if x != y), 0)


def _plural(word: str) -> str:
    return word + ("s" if word[-1] in "aeiouáéó" else "es")


def inflected_like(word: str, head: str, typed: str) -> str:
    """`word` inflected as `typed` is from its headword `head` (abono, fertilizante,
    fertilizantes -> abonos; motivado, entusiasmado, entusiasmadas -> motivadas)."""
    if typed == head:
        return word
    if typed in (head + "s", head + "es"):
        return _plural(word)
    if head.endswith("o") and word.endswith("o") and typed[: len(head) - 1] == head[:-1]:
        return word[:-1] + typed[len(head) - 1 :]  # -a, -os, -as
    return word


def _lists(entries: dict, word: str, other: str) -> bool:
    return any(other in (w.lower() for w in sense) for sense in entries.get(word, ()))


def agreeing(typed: str, bits: int, reciprocal: bool = False) -> list[tuple[str, str]]:
    """(synonym, its stem) of the typed word's one-word thesaurus synonyms whose Brown cluster
    agrees (`bits` leading path bits shared, SAME: one cluster; 0: any); with `reciprocal`,
    only those whose own entry lists the typed word's headword back."""
    entries = rel._mythes().entries
    typed = typed.lower()
    head = next((f for f in syn._written_forms(typed) if f in entries), None)
    if head is None:
        return []
    own = syn._stem(typed)
    found = dict.fromkeys(w.lower() for sense in entries[head] for w in sense)
    kept = []
    for word in found:
        agree = max(shared_bits(typed, inflected_like(word, head, typed)), shared_bits(head, word))
        stem = syn._stem(word)
        if reciprocal and not _lists(entries, word, head):
            continue
        if stem and stem != own and agree >= bits:
            kept.append((word, stem))
    return kept


@dataclass(frozen=True)
class Variant:
    label: str
    mechanism: str  # "off", "half" or "concept"
    bits: int = SAME
    min_em: float | None = None
    derivations: bool = False
    reciprocal: bool = False
    context: int = 0  # other typed words a page must hold beside the synonym (0: no filter)


VARIANTS = (
    Variant("without", "off"),
    Variant("mythes-es, any (half a word)", "half", bits=0),
    Variant("clusters agree: same cluster (half a word)", "half"),
    Variant("clusters agree: 8 bits (half a word)", "half", bits=8),
    Variant("index agrees: em >= 0.05 (half a word)", "half", bits=0, min_em=0.05),
    Variant("both agree: same cluster, em >= 0.01 (half a word)", "half", min_em=0.01),
    Variant("clusters agree: same cluster (concept)", "concept"),
    Variant("clusters agree: 8 bits (concept)", "concept", bits=8),
    Variant("index agrees: em >= 0.05 (concept)", "concept", bits=0, min_em=0.05),
    Variant("both agree: same cluster, em >= 0.01 (concept)", "concept", min_em=0.01),
    Variant("both agree: 8 bits, em >= 0.01 (concept)", "concept", bits=8, min_em=0.01),
    Variant("both agree: same cluster, em >= 0.05 (concept)", "concept", min_em=0.05),
    Variant("reciprocal, em >= 0.05 (concept)", "concept", bits=0, min_em=0.05, reciprocal=True),
    Variant(
        "reciprocal, same cluster, em >= 0.01 (concept)", "concept", min_em=0.01, reciprocal=True
    ),
    Variant("mythes-es, in context (2) (concept)", "concept", bits=0, context=2),
    Variant("same cluster, in context (2) (concept)", "concept", context=2),
    Variant("same cluster, em >= 0.01, in context (2) (concept)", "concept", SAME, 0.01, context=2),
    Variant("ceiling: the misses' own words (half a word)", "half", bits=CEILING),
    Variant("ceiling: the misses' own words (concept)", "concept", bits=CEILING),
    Variant(
        "same cluster, em >= 0.01 (concept) + derivations", "concept", min_em=0.01, derivations=True
    ),
)


class _Agreeing(syn.Synonyms):
    """synonyms.py's half-a-word synonyms, taken from the index's `Relatives` of the moment."""

    def __init__(self) -> None:
        super().__init__({})
        self.current: rel.Relatives | None = None

    def stems(self, typed: str) -> tuple[str, ...]:
        own = syn._stem(typed.lower())
        return self.current.of(own, typed) if own and self.current else ()


def _prepare(variant: Variant, half: _Agreeing, searcher) -> list[rel.Relatives]:
    """The variant's relatives for this index (what `.kept` to print)."""
    rel.CURRENT.clear()
    made = []
    if variant.mechanism != "off":
        source = partial(_source, variant.bits, variant.reciprocal)
        made.append(rel.Relatives(searcher, variant.min_em, source))
        if variant.context:
            made[-1] = _InContext(made[-1], searcher, variant.context)
        if variant.mechanism == "half":
            half.current = made[-1]
        else:
            rel.CURRENT.append(made[-1])
    if variant.derivations:
        made.append(rel.Relatives(searcher, 0.05, rel.by_suffixes))
        both = _Both(*rel.CURRENT, made[-1])
        rel.CURRENT[:] = [both]
    return made


def _source(bits: int, reciprocal: bool, own: str, typed: str) -> list[str]:
    if bits == CEILING:
        return [s for w in CEILING_WORDS.get(typed.lower(), ()) if (s := syn._stem(w))]
    return [stem for _, stem in agreeing(typed, bits, reciprocal)]


QUERY_TEXT = [""]  # the query being parsed (for the context filter)


class _InContext:
    """A `Relatives`' stems kept for a query only if a page of the index holds the stem beside
    `words` of the query's other typed words (synonyms.py's context filter): the sense the
    query's other words select."""

    def __init__(self, relatives: rel.Relatives, searcher, words: int) -> None:
        self.relatives, self.kept = relatives, relatives.kept
        self.context = syn.Context(searcher, words)

    def of(self, own: str, typed: str) -> tuple[str, ...]:
        others = []
        for _, word in query.typed_words(QUERY_TEXT[0]):
            stem = syn._stem(word.lower())
            if stem and stem != own:
                others.append(Term("body_es", stem))
        return tuple(
            s for s in self.relatives.of(own, typed) if others and self.context.holds(s, others)
        )


def _remember_text():
    saved = query._Parser._expanded

    def expanded(self, original, typed, concept=None):
        QUERY_TEXT[0] = self.text
        return saved(self, original, typed, concept)

    query._Parser._expanded = expanded
    try:
        yield
    finally:
        query._Parser._expanded = saved


class _Both:
    """Two `Relatives` as one (relatives_on reads only the last of CURRENT)."""

    def __init__(self, *parts: rel.Relatives) -> None:
        self.parts = parts

    @property
    def kept(self) -> set[tuple[str, str]]:
        return set().union(*(p.kept for p in self.parts))

    def of(self, own: str, typed: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for p in self.parts for s in p.of(own, typed)))


def _outcomes(store, path: Path, prepare: Callable) -> tuple[list, list[float], list]:
    with store.open_searcher() as searcher:
        searcher._parsed.clear()
        made = prepare(searcher)
        outcomes = [judge(searcher, item) for item in load(path)]
        times = []
        for item in load(path):  # the cost: each query again, parse cache cleared
            searcher._parsed.clear()
            started = time.perf_counter()
            judge(searcher, item)
            times.append(time.perf_counter() - started)
        return outcomes, times, made


def _print_changes(before: list, after: list) -> None:
    for old, new in zip(before, after, strict=True):
        if (old.rank, old.page_ok) != (new.rank, new.page_ok):
            page = " -> ".join("page" if o.page_ok else "no page" for o in (old, new))
            print(f"   {new.item.query[:60]:60} {old.rank} -> {new.rank}, {page}")


def run_variant(variant: Variant, es, stores, judged, before: dict, base: list) -> None:
    half = _Agreeing()
    prepare = partial(_prepare, variant, half)
    made_all: list[rel.Relatives] = []
    with ExitStack() as stack:
        stack.enter_context(rel.relatives_on())
        stack.enter_context(contextmanager(_remember_text)())
        if variant.mechanism == "half":
            stack.enter_context(syn.synonyms_on(half))
        print(f"== {variant.label}")
        times = []
        for name in SETS:
            outcomes, spent, made = _outcomes(es, HERE / name, prepare)
            times += spent
            made_all += made
            for kind, row in summary(outcomes).items():
                print(f"{name:20} {kind:12} {row}")
            _print_changes(before.setdefault(name, outcomes), outcomes)
        figures = syn.judged_figures(stores, judged, lambda s: made_all.extend(prepare(s)))
        print(f"run.py judged set    {figures}")
    pairs = sorted({p for r in made_all for p in r.kept})
    print(f"pairs kept ({len(pairs)}): {' '.join(f'{a}/{b}' for a, b in pairs)}")
    median = statistics.median(times)
    base.append(base[0] if base else median)
    print(f"kinds searches, median {median * 1000:.1f} ms ({median / base[0]:.2f}x of without)")
    rel.CURRENT.clear()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="where indexes are kept")
    parser.add_argument("--only", nargs="*", type=int, help="variants by number (0: without)")
    args = parser.parse_args()
    try:
        _clusters()
    except ImportError:
        print("spacy_lookups_data not installed: pip install spacy-lookups-data==1.0.5")
        return 1
    if not syn.MYTHES.is_file():
        print(f"{syn.MYTHES} not found: apt-get install mythes-es", file=sys.stderr)
        return 1
    es, stores, judged = syn.indexes(args.work)
    before: dict[str, list] = {}
    base: list[float] = []
    for number, variant in enumerate(VARIANTS):
        if number == 0 or args.only is None or number in args.only:
            run_variant(variant, es, stores, judged, before, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
