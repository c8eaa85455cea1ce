"""Would a general Spanish thesaurus help? LibreOffice's (Debian `mythes-es`), measured.

    apt-get install mythes-es     # /usr/share/mythes/th_es_ES_v2.dat (LGPL-2.1)
    python benchmarks/relevance/synonyms.py --work /tmp/syn   # indexes built there, then reused
    python benchmarks/relevance/synonyms.py --work /tmp/syn --context 1 2 3
    python benchmarks/relevance/synonyms.py --work /tmp/syn --pivot   # round-trip translations

`--context N`: also with the context filter (`Context`): a synonym is kept for a query only if
one page of the index holds it beside N of the query's other typed words.

Issue 13 asked for "other words for the same thing" from a real Spanish synonym resource, used
only where the judged queries show it helps, for instance only in the ranking by most of the
words, weighted below the typed words. This runs that experiment; Acervo does not ship it (see
benchmarks/README.md for the figures and why).

How the synonyms are used here (the variant that did best of those tried): a typed word of a
most-of-the-words query (search/coordination.py) is looked up by its written form (or a plural
or feminine taken off: `fertilizantes` -> `fertilizante`); every one-word synonym of every
sense is searched in the Spanish fields with boost SYN_BOOST. A document that lacks the typed
word but holds a synonym counts half a word (SYN_COUNT) for the tiers and enough to enter the
candidates; documents with every typed word stay first. Measured with and without, in one
process: kinds.yaml, kinds-synonyms.yaml and kinds-heldout.yaml over realdocs/es (right
document in the top 10, first, right page) and run.py's judged set (nDCG@10, MRR, and how many
of the top-10 hits shown are judged relevant: the precision side).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import run as judged_run
from kinds import HERE, REALDOCS_ES, judge, load, summary
from whoosh.query import And, Or, Term

from acervo.build import build_index
from acervo.config import Config
from acervo.search import coordination, matching, query, snippets
from acervo.search.analysis import spanish_analyzer
from acervo.search.indexer import IndexStore

MYTHES = Path("/usr/share/mythes/th_es_ES_v2.dat")
SYN_BOOST = 0.3
SYN_COUNT = 0.5
CONTEXT_WORDS = 2  # other typed words a page must hold beside the synonym
CONTEXT_DOCS = 20  # documents looked at (those holding most of the other words first)
GENERATED_DOCS = 500
_SPANISH = spanish_analyzer()


def read_thesaurus(path: Path) -> dict[str, list[list[str]]]:
    """Headword -> its senses, each a list of one-word synonyms (MyThes .dat format)."""
    entries: dict[str, list[list[str]]] = defaultdict(list)
    with path.open(encoding="iso-8859-1") as fh:
        fh.readline()  # the encoding's name
        for line in fh:
            head, _, count = line.rstrip("\n").partition("|")
            for _ in range(int(count)):
                words = fh.readline().rstrip("\n").split("|")[1:]  # the first is the part of speech
                entries[head.lower()].append(
                    [w for w in words if w and " " not in w and "(" not in w]
                )
    return entries


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str | None:
    terms = [t.text for t in _SPANISH(word, mode="query")]
    return terms[0] if len(terms) == 1 else None


def _written_forms(word: str) -> Iterator[str]:
    yield word
    for ending, lemma in (("es", ""), ("s", ""), ("as", "o"), ("os", "o"), ("a", "o")):
        if word.endswith(ending):
            yield word[: -len(ending)] + lemma


class Synonyms:
    def __init__(self, entries: dict[str, list[list[str]]]) -> None:
        self.entries = entries
        self.context: Context | None = None  # None: every synonym is kept

    @lru_cache(maxsize=10_000)  # noqa: B019 (one instance per run)
    def stems(self, typed: str) -> tuple[str, ...]:
        own = _stem(typed.lower())
        for form in _written_forms(typed.lower()):
            if form in self.entries:
                found = (_stem(w.lower()) for sense in self.entries[form] for w in sense)
                return tuple(dict.fromkeys(s for s in found if s and s != own))
        return ()


class PivotSynonyms(Synonyms):
    """`--pivot`: a word's round-trip translations (relatives.py's `by_pivot`) as its synonyms."""

    def __init__(self) -> None:
        super().__init__({})

    @lru_cache(maxsize=10_000)  # noqa: B019 (one instance per run)
    def stems(self, typed: str) -> tuple[str, ...]:
        from relatives import by_pivot  # relatives.py imports this module

        own = _stem(typed.lower())
        return tuple(s for s in by_pivot(own, typed) if s != own) if own else ()


class Context:
    """The context filter: a synonym (a stem in `body_es`) is kept for a query only if one page
    of the index holds it beside at least CONTEXT_WORDS of the query's other typed words (each
    with its thesaurus forms and translations): `fertilizantes` -> `abono` where "abonos
    químicos" stands beside `ganadería`; not `pago`, another sense of `abono`."""

    def __init__(self, searcher, words: int) -> None:
        self.searcher, self.words = searcher, words
        self.kept: dict[tuple, bool] = {}

    def holds(self, stem: str, others: list) -> bool:
        key = (stem, tuple(others))
        if key not in self.kept:
            self.kept[key] = self._holds(stem, others)
        return self.kept[key]

    def tally(self) -> tuple[int, int]:
        return sum(self.kept.values()), len(self.kept)

    def _holds(self, stem: str, others: list) -> bool:
        ws = self.searcher.whoosh_searcher
        needed = min(self.words, len(others))
        synonym = Term("body_es", stem)
        docs = set(ws.docs_for_query(And([Term("kind", "doc"), synonym])))
        if not docs:
            return False
        counts: dict[int, int] = defaultdict(int)
        for other in others:
            for docnum in docs.intersection(ws.docs_for_query(other)):
                counts[docnum] += 1
        candidates = sorted((d for d in docs if counts[d] >= needed), key=lambda d: -counts[d])
        together = coordination.Concepts([synonym, *others])
        for docnum in candidates[:CONTEXT_DOCS]:
            doc = snippets.hit_doc(ws.stored_fields(docnum))
            alone = snippets.page_scores(ws, synonym, [doc]).get(doc.doc_id, {})
            pages = snippets.page_scores(ws, together, [doc]).get(doc.doc_id, {})
            if any(snippets.concepts_held(pages[p]) >= 1 + needed for p in alone if p in pages):
                return True
        return False


class _WithSynonyms(coordination.MostWords):
    def __init__(self, subqueries, boost: float = 1.0, synonyms=None, majority=False) -> None:
        super().__init__(subqueries, boost=boost)
        self.synonyms = synonyms or [None] * len(subqueries)
        self.majority = majority  # the fallback (coordination.MajorityWords)


def _most_words(segment, node) -> matching.Matches:
    """matching._Segment._most_words, with a synonym-only word counting SYN_COUNT."""
    counts = np.zeros(segment.size, dtype=np.int64)
    others = np.zeros(segment.size, dtype=np.int64)
    sums = np.zeros(segment.size)
    for sub, synonym in zip(node.subqueries, node.synonyms, strict=True):
        found = segment.evaluate(sub)
        counts += found.mask
        sums += found.scores
        if synonym is not None:
            alike = segment.evaluate(synonym)
            only = alike.mask & ~found.mask
            others += only
            sums += np.where(only, alike.scores, 0.0)
    n = len(node.subqueries)
    # most of the words the index has, as matching._Segment._most_words counts them
    needed = coordination.minimum_words(node.subqueries, segment.searcher, node.majority)
    mask = counts + others >= needed
    held = counts + SYN_COUNT * others
    tier = np.where(counts == n, coordination.ALL_WORDS_BONUS, held * coordination.WORD_STEP)
    return matching.Matches(mask, np.where(mask, node.boost * (sums + tier), 0.0))


@contextmanager
def synonyms_on(synonyms: Synonyms):
    saved_top, saved_most = query._top_query, matching._Segment._most_words

    def top_query(tree, relax, most=coordination.MostWords):
        plain, n = saved_top(tree, relax, most)
        if not n:
            return plain, n
        soft, hard, alike = [], [], []
        words = [(c, q) for c in tree.children if (q := query._doc_query(c)) is not None]
        typed = list(dict.fromkeys(q for c, q in words if query._rankable(c)))
        for child, found in words:
            if not query._rankable(child):
                hard.append(found)
            elif found not in soft:
                soft.append(found)
                node = child.original if isinstance(child, query._Concept) else child
                stems = synonyms.stems(node.text) if getattr(node, "mode", "") == "word" else ()
                if synonyms.context is not None:
                    others = [q for q in typed if q != found]
                    stems = tuple(s for s in stems if synonyms.context.holds(s, others))
                fields = ("body_es", "title_es")
                terms = [Term(f, s, boost=SYN_BOOST) for s in stems for f in fields]
                alike.append(Or(terms) if terms else None)
        words = _WithSynonyms(soft, synonyms=alike, majority=most.majority)
        return (And([*hard, words]) if hard else words), n

    def most_words(segment, node):
        return (
            _most_words(segment, node)
            if isinstance(node, _WithSynonyms)
            else saved_most(segment, node)
        )

    query._top_query, matching._Segment._most_words = top_query, most_words
    try:
        yield
    finally:
        query._top_query, matching._Segment._most_words = saved_top, saved_most


def _index(where: Path, root: Path) -> IndexStore:
    store = IndexStore(where)
    if store.live_generation() is None or not store.schema_is_current():
        build_index([root], store, Config(index_dir=where))
    return store


def kinds_outcomes(store: IndexStore, queries: Path, synonyms: Synonyms | None = None) -> list:
    with store.open_searcher() as searcher:
        searcher._parsed.clear()
        _use_context(synonyms, searcher)
        return [judge(searcher, item) for item in load(queries)]


def _use_context(synonyms: Synonyms | None, searcher) -> None:
    if synonyms is not None and synonyms.context is not None:
        synonyms.context = Context(searcher, synonyms.context.words)
        USED.append(synonyms.context)


USED: list[Context] = []  # the context filters of a variant, one per index and query set


def indexes(work: Path) -> tuple[IndexStore, dict[str, tuple[IndexStore, Path]], list]:
    """The realdocs/es index, run.py's sample and generated indexes and its judgments (the
    indexes built in `work` when missing)."""
    es = _index(work / "idx-es", REALDOCS_ES)
    generated = work / "generated"
    if not generated.exists():
        judged_run.make_corpus.write_generated_corpus(
            generated, GENERATED_DOCS, seed=judged_run.GENERATED_SEED
        )
    corpora = {"sample": judged_run.ROOT / "corpus", "generated": generated}
    stores = {n: (_index(work / f"idx-{n}", r), r.resolve()) for n, r in corpora.items()}
    return es, stores, judged_run.load_judgments(judged_run.generated_topics(GENERATED_DOCS))


def judged_figures(
    stores: dict[str, tuple[IndexStore, Path]], judged, prepare=lambda searcher: None
) -> dict:
    """run.py's judged set: nDCG@10, MRR, relevant of the top-10 hits shown; `prepare` is
    called with each searcher opened."""
    rows = []
    for name, (store, root) in stores.items():
        with store.open_searcher() as searcher:
            searcher._parsed.clear()
            prepare(searcher)
            for item in (j for j in judged if j.corpus == name):
                ranked = judged_run.acervo_ranking(searcher, item.query)
                grades = [judged_run.grade_of(p, root, item.grades) for p, _ in ranked]
                ndcg = judged_run.ndcg(grades, list(item.grades.values()))
                rank = judged_run.reciprocal_rank(grades)
                rows.append((ndcg, rank, sum(g > 0 for g in grades), len(grades)))
    return {
        "ndcg10": round(statistics.fmean(r[0] for r in rows), 4),
        "mrr": round(statistics.fmean(r[1] for r in rows), 4),
        "relevant_shown": f"{sum(r[2] for r in rows)} of {sum(r[3] for r in rows)}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="where indexes are kept")
    parser.add_argument("--thesaurus", type=Path, default=MYTHES)
    parser.add_argument(
        "--context",
        type=int,
        nargs="*",
        default=[1, 2],
        help="also run the context filter with these numbers of other words on a page",
    )
    parser.add_argument(
        "--pivot", action="store_true", help="round-trip translations instead of mythes-es"
    )
    args = parser.parse_args()
    if args.pivot:
        synonyms = PivotSynonyms()
    elif not args.thesaurus.is_file():
        print(f"{args.thesaurus} not found: apt-get install mythes-es", file=sys.stderr)
        return 1
    else:
        synonyms = Synonyms(read_thesaurus(args.thesaurus))
    es, stores, judged = indexes(args.work)
    names = ("kinds.yaml", "kinds-synonyms.yaml", "kinds-heldout.yaml")
    sets = {name: HERE / name for name in names}
    name = "round-trip translations" if args.pivot else "mythes-es"
    variants = [("without synonyms", None), (f"with {name}", synonyms)]
    variants += [(f"with {name}, in context ({n})", n) for n in args.context]
    before: dict[str, list] = {}
    for label, switch in variants:
        if isinstance(switch, int):  # the context filter: CONTEXT_WORDS other words on a page
            synonyms.context, switch = Context(None, switch), synonyms
        with synonyms_on(switch) if switch else _nothing():
            print(f"== {label}")
            for name, path in sets.items():
                outcomes = kinds_outcomes(es, path, switch)
                for kind, row in summary(outcomes).items():
                    print(f"{name:20} {kind:12} {row}")
                for old, new in zip(before.setdefault(name, outcomes), outcomes, strict=True):
                    if (old.rank, old.page_ok) != (new.rank, new.page_ok):
                        print(f"   {new.item.query[:60]:60} {old.rank} -> {new.rank}")
            figures = judged_figures(stores, judged, partial(_use_context, switch))
            print(f"run.py judged set    {figures}")
            if USED:
                kept, seen = (sum(t) for t in zip(*(c.tally() for c in USED), strict=True))
                print(f"context filter: {kept} of {seen} (synonym, query) pairs kept")
        synonyms.context = None
        USED.clear()
    return 0


@contextmanager
def _nothing():
    yield


if __name__ == "__main__":
    sys.exit(main())
