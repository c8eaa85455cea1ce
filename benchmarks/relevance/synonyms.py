"""Would a general Spanish thesaurus help? LibreOffice's (Debian `mythes-es`), measured.

    apt-get install mythes-es     # /usr/share/mythes/th_es_ES_v2.dat (LGPL-2.1)
    python benchmarks/relevance/synonyms.py --work /tmp/syn   # indexes built there, then reused

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
process: kinds.yaml and kinds-synonyms.yaml over realdocs/es (right document in the top 10,
first, right page) and run.py's judged set (nDCG@10, MRR, and how many of the top-10 hits shown
are judged relevant: the precision side).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
import run as judged_run
from kinds import HERE, REALDOCS_ES, judge, load, summary
from whoosh.query import And, Or, Term

from acervo.build import build_index
from acervo.config import Config
from acervo.search import coordination, matching, query
from acervo.search.analysis import spanish_analyzer
from acervo.search.indexer import IndexStore

MYTHES = Path("/usr/share/mythes/th_es_ES_v2.dat")
SYN_BOOST = 0.3
SYN_COUNT = 0.5
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

    @lru_cache(maxsize=10_000)  # noqa: B019 (one instance per run)
    def stems(self, typed: str) -> tuple[str, ...]:
        own = _stem(typed.lower())
        for form in _written_forms(typed.lower()):
            if form in self.entries:
                found = (_stem(w.lower()) for sense in self.entries[form] for w in sense)
                return tuple(dict.fromkeys(s for s in found if s and s != own))
        return ()


class _WithSynonyms(coordination.MostWords):
    def __init__(self, subqueries, boost: float = 1.0, synonyms=None) -> None:
        super().__init__(subqueries, boost=boost)
        self.synonyms = synonyms or [None] * len(subqueries)


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
    mask = counts + others >= coordination.required_words(n)
    held = counts + SYN_COUNT * others
    tier = np.where(counts == n, coordination.ALL_WORDS_BONUS, held * coordination.WORD_STEP)
    return matching.Matches(mask, np.where(mask, node.boost * (sums + tier), 0.0))


@contextmanager
def synonyms_on(synonyms: Synonyms):
    saved_top, saved_most = query._top_query, matching._Segment._most_words

    def top_query(tree, relax):
        plain, n = saved_top(tree, relax)
        if not n:
            return plain, n
        soft, hard, alike = [], [], []
        for child in tree.children:
            found = query._doc_query(child)
            if found is None:
                continue
            if not query._rankable(child):
                hard.append(found)
            elif found not in soft:
                soft.append(found)
                node = child.original if isinstance(child, query._Concept) else child
                stems = synonyms.stems(node.text) if getattr(node, "mode", "") == "word" else ()
                fields = ("body_es", "title_es")
                terms = [Term(f, s, boost=SYN_BOOST) for s in stems for f in fields]
                alike.append(Or(terms) if terms else None)
        most = _WithSynonyms(soft, synonyms=alike)
        return (And([*hard, most]) if hard else most), n

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


def kinds_figures(store: IndexStore, queries: Path) -> dict:
    with store.open_searcher() as searcher:
        searcher._parsed.clear()
        return summary([judge(searcher, item) for item in load(queries)])


def judged_figures(stores: dict[str, tuple[IndexStore, Path]], judged) -> dict:
    rows = []
    for name, (store, root) in stores.items():
        with store.open_searcher() as searcher:
            searcher._parsed.clear()
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
    args = parser.parse_args()
    if not args.thesaurus.is_file():
        print(f"{args.thesaurus} not found: apt-get install mythes-es", file=sys.stderr)
        return 1
    synonyms = Synonyms(read_thesaurus(args.thesaurus))
    es = _index(args.work / "idx-es", REALDOCS_ES)
    generated = args.work / "generated"
    if not generated.exists():
        judged_run.make_corpus.write_generated_corpus(
            generated, GENERATED_DOCS, seed=judged_run.GENERATED_SEED
        )
    corpora = {"sample": judged_run.ROOT / "corpus", "generated": generated}
    stores = {n: (_index(args.work / f"idx-{n}", r), r.resolve()) for n, r in corpora.items()}
    judged = judged_run.load_judgments(judged_run.generated_topics(GENERATED_DOCS))
    sets = {"kinds.yaml": HERE / "kinds.yaml", "kinds-synonyms.yaml": HERE / "kinds-synonyms.yaml"}
    for label, switch in (("without synonyms", None), ("with mythes-es", synonyms)):
        with synonyms_on(switch) if switch else _nothing():
            print(f"== {label}")
            for name, path in sets.items():
                for kind, row in kinds_figures(es, path).items():
                    print(f"{name:20} {kind:12} {row}")
            print(f"run.py judged set    {judged_figures(stores, judged)}")
    return 0


@contextmanager
def _nothing():
    yield


if __name__ == "__main__":
    sys.exit(main())
