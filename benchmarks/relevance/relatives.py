"""Would a typed word's relatives help? Derivations and round-trip translations, measured.

    python benchmarks/relevance/relatives.py --work /tmp/syn     # indexes as synonyms.py's
    python benchmarks/relevance/relatives.py --work /tmp/syn --source pivot [--pivots 2]
    python benchmarks/relevance/relatives.py --work /tmp/syn --source mythes
    python benchmarks/relevance/relatives.py --work /tmp/syn --relaxed-only

Some of issue 13's synonym misses are derivations Snowball does not conflate: `salarial` typed
for a page that says `salarios` (Snowball's Spanish step 1 has no `-al`/`-ar` suffix). Spanish
forms relational adjectives from nouns with -al, -ar, -ario, -ero and -il (salario -> salarial,
labor -> laboral, presupuesto -> presupuestal; RAE/ASALE, Nueva gramática de la lengua española,
ch. 7). Here the relatives of a typed word are the stems of the index that differ from its
own stem by one of those suffixes, either way, and are searched as one concept with it, as a
thesaurus form is (search/query.py): an alternative on the Spanish fields weighted
DERIVATION_BOOST, counting as the typed word for "most of the words" and for the concepts a
page holds. The suffix rules alone pair false friends too (`informal` -> `inform`, the stem of
informe; `general` -> `gener`, of género; `formal` -> `form`), so variants keep a pair only if
its two stems share documents beyond chance (Xu and Croft 1998's em, over documents here:
(n_ab - n_a n_b / N) / (n_a + n_b)). Acervo does not ship this (benchmarks/README.md, issue 13).

`--source pivot`: the relatives are a word's round-trip translations instead, Spanish ->
English -> Spanish through the dictionaries search/translate.py already reads (`compensación`
-> compensation -> indemnización; the paraphrases-by-pivoting idea of Bannard and
Callison-Burch 2005, with dictionaries instead of parallel text); `--pivots 2` keeps only those
reached through two English words. `--source mythes`: LibreOffice's thesaurus (Debian
`mythes-es`), as synonyms.py reads it. `--relaxed-only`: only in queries of three typed words or
more (those ranked by most of the words).

Prints, per variant: kinds.yaml, kinds-synonyms.yaml and kinds-heldout.yaml (right document in
the top 10, first, right page; every query that changes), run.py's judged set over its sample
and generated indexes (nDCG@10, MRR, top-10 hits judged relevant: the precision side), the
pairs each variant kept, and the cost of the three kinds sets' searches against without.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path

import synonyms as syn
from kinds import HERE, summary
from whoosh.query import And, Term

from acervo.search import coordination, query, translate

SUFFIXES = ("al", "ar", "ario", "ero", "il")  # Snowball already takes off -ico, -oso, -ivo
MIN_STEM_CHARS = 4  # `sexual` -> `sexu`, `rural` -> `rur` are no bases
DERIVATION_BOOST = 0.5  # as a thesaurus form (query.ALTERNATIVE_BOOST)
SETS = ("kinds.yaml", "kinds-synonyms.yaml", "kinds-heldout.yaml")


def by_suffixes(own: str, typed: str) -> list[str]:
    """Stems one relational-adjective suffix away from `own`, either way."""
    return [own + s for s in SUFFIXES] + [own[: -len(s)] for s in SUFFIXES if own.endswith(s)]


def by_pivot(own: str, typed: str) -> list[str]:
    """Stems of the typed word's round-trip translations (Spanish -> English -> Spanish)
    reached through at least PIVOTS English words."""
    english = translate.translations([typed], "es").get(typed, ())
    back = translate.translations(list(english), "en")
    through: dict[str, set[str]] = {}
    for pivot in english:
        for word in back.get(pivot, ()):
            stems = query._analyzed("body_es", word)
            if len(stems) == 1:
                through.setdefault(stems[0], set()).add(pivot)
    return [stem for stem, pivots in through.items() if len(pivots) >= PIVOTS[0]]


@lru_cache(maxsize=1)
def _mythes() -> syn.Synonyms:
    return syn.Synonyms(syn.read_thesaurus(syn.MYTHES))


def by_mythes(own: str, typed: str) -> list[str]:
    """Stems of the typed word's one-word synonyms in LibreOffice's thesaurus (every sense)."""
    return list(_mythes().stems(typed))


SOURCES = {"suffixes": by_suffixes, "pivot": by_pivot, "mythes": by_mythes}
PIVOTS = [1]  # set by --pivots
RELAXED_ONLY = [False]  # set by --relaxed-only


class Relatives:
    """A stem's relatives in one index, kept when their em reaches `min_em` (None: any)."""

    def __init__(self, searcher, min_em: float | None, source=by_suffixes) -> None:
        self.ws, self.min_em, self.source = searcher.whoosh_searcher, min_em, source
        self.reader = self.ws.reader()
        self.docs_total = len(self._docs(Term("kind", "doc")))
        self.kept: set[tuple[str, str]] = set()

    def _docs(self, q) -> set[int]:
        return set(self.ws.docs_for_query(q))

    @lru_cache(maxsize=10_000)  # noqa: B019 (one instance per index and variant)
    def of(self, own: str, typed: str) -> tuple[str, ...]:
        found = self.source(own, typed)
        kept = tuple(
            s for s in dict.fromkeys(found)
            if s != own and len(s) >= MIN_STEM_CHARS and self._related(own, s)
        )  # fmt: skip
        self.kept.update((own, s) for s in kept)
        return kept

    def _related(self, own: str, other: str) -> bool:
        if self.reader.doc_frequency("body_es", other) == 0:
            return False
        if self.min_em is None:
            return True
        a, b = (self._docs(And([Term("kind", "doc"), Term("body_es", s)])) for s in (own, other))
        expected = len(a) * len(b) / self.docs_total
        return (len(a & b) - expected) / (len(a) + len(b)) >= self.min_em


CURRENT: list[Relatives] = []  # the relatives of the index being searched


@contextmanager
def relatives_on():
    saved_expanded, saved_field = query._Parser._expanded, query._field_text_query

    def expanded(self, original, typed, concept=None):
        node = saved_expanded(self, original, typed, concept)
        word = original if isinstance(original, query._Text) else None
        if not CURRENT or word is None or word.mode != "word" or concept is not None:
            return node
        if self.thesaurus is not None and self.thesaurus.lookup(typed) is not None:
            return node
        if RELAXED_ONLY[0] and len(list(query.typed_words(self.text))) < coordination.MIN_WORDS:
            return node
        es = query._in_language(word.fields, "es")
        stems = query._analyzed("body_es", word.text) if es else ()
        relatives = CURRENT[-1].of(stems[0], typed) if len(stems) == 1 else ()
        if not relatives:
            return node
        extra = tuple(query._Text("stem", s, es, boost=DERIVATION_BOOST) for s in relatives)
        if isinstance(node, query._Concept):
            return query._Concept(node.original, node.alternatives + extra)
        return query._Concept(node, extra)

    def field_text_query(node, field, boost):
        if node.mode == "stem":
            return Term(field, node.text, boost=boost)
        return saved_field(node, field, boost)

    query._Parser._expanded, query._field_text_query = expanded, field_text_query
    try:
        yield
    finally:
        query._Parser._expanded, query._field_text_query = saved_expanded, saved_field


def _use_relatives(min_em, source, searcher) -> None:
    if min_em != "off":
        CURRENT.append(Relatives(searcher, min_em, source))


def _outcomes(store, path: Path, min_em, source) -> tuple[list, list[float]]:
    with store.open_searcher() as searcher:
        searcher._parsed.clear()
        _use_relatives(min_em, source, searcher)
        outcomes = [syn.judge(searcher, item) for item in syn.load(path)]
        times = []
        for item in syn.load(path):  # the cost: each query again, parse cache cleared
            searcher._parsed.clear()
            started = time.perf_counter()
            syn.judge(searcher, item)
            times.append(time.perf_counter() - started)
        return outcomes, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="where indexes are kept")
    parser.add_argument("--em", type=float, nargs="*", default=[0.01, 0.05])
    parser.add_argument("--source", choices=sorted(SOURCES), default="suffixes")
    parser.add_argument("--pivots", type=int, default=1, help="English words a pivot needs")
    parser.add_argument("--relaxed-only", action="store_true")
    args = parser.parse_args()
    source, PIVOTS[0], RELAXED_ONLY[0] = SOURCES[args.source], args.pivots, args.relaxed_only
    es, stores, judged = syn.indexes(args.work)
    variants = [("without", "off"), ("relatives in the index", None)]
    variants += [(f"relatives with em >= {em}", em) for em in args.em]
    before: dict[str, list] = {}
    base_time = None
    for label, min_em in variants:
        with relatives_on():
            print(f"== {label}")
            times = []
            for name in SETS:
                outcomes, spent = _outcomes(es, HERE / name, min_em, source)
                times += spent
                for kind, row in summary(outcomes).items():
                    print(f"{name:20} {kind:12} {row}")
                for old, new in zip(before.setdefault(name, outcomes), outcomes, strict=True):
                    if (old.rank, old.page_ok) != (new.rank, new.page_ok):
                        page = f"{'page' if old.page_ok else 'no page'} -> "
                        page += "page" if new.page_ok else "no page"
                        print(f"   {new.item.query[:60]:60} {old.rank} -> {new.rank}, {page}")
            figures = syn.judged_figures(stores, judged, partial(_use_relatives, min_em, source))
            print(f"run.py judged set    {figures}")
            pairs = sorted({p for r in CURRENT for p in r.kept})
            print(f"pairs kept ({len(pairs)}): {' '.join(f'{a}/{b}' for a, b in pairs)}")
            median = statistics.median(times)
            base_time = base_time or median
            print(f"kinds searches, median {median * 1000:.1f} ms ({median / base_time:.2f}x)")
        CURRENT.clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
