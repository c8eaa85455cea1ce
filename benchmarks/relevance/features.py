"""What each relevance feature costs: search latency as a ratio to a plain search, one process.

    python benchmarks/relevance/features.py --index /tmp/es-idx   # an index of realdocs/es

Over the judged queries of kinds.yaml, `Searcher.search` (facets and passages included) is timed
with every feature off (the plain search: every word required, no spelling correction, no
thesaurus, no translation), then with one feature on at a time, then with all of them (the
default). Each configuration runs ROUNDS times per query after a warm-up, so caches (analysis,
translations) are warm; the cold cost of translating words never seen before is timed apart,
with the lt-proc transducer processes running and as in a new process (they start first).
Prints median and p95 in ms and their ratio to the plain search, and writes
benchmarks/results/relevance-features.json.

Thesaurus forms are searched as phrases (`NNA` = "niños, niñas y adolescentes"); before issue 13
they were searched as all their words anywhere, deferred for speed. Over THESAURUS_QUERIES (words
with forms of several words) the two are timed against each other, interleaved query by query,
with the thesaurus on and nothing else.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from kinds import load, stats, timed, write_results
from whoosh.query import And, Term

from acervo.search import coordination, query, translate
from acervo.search.indexer import IndexStore

ROUNDS = 5
COLD_WORDS = ["harvest", "drought", "floods", "teachers", "bridges"]  # in no judged query
MORE_COLD_WORDS = ["wells", "nurses", "storms", "roofs", "clinics"]
# Words and names whose thesaurus forms have several words (search/data/thesaurus.csv, agencies)
THESAURUS_QUERIES = [
    "NNA",
    "VBG",
    "OIM",
    "ACNUR",
    "PTM",
    "UNICEF",
    "trata",
    "salud mental",
    "movilidad humana",
    "NNA migrantes educación",
    "VBG atención sobrevivientes",
    "refugiados medios de vida",
]


@contextmanager
def features(relax: bool, translation: bool):
    """Coordination and translation switched in-process (the request has no switch for them:
    AND written between words and `expandir=0` are how an analyst turns them off)."""
    saved_min = coordination.MIN_WORDS
    saved_dirs = translate.APERTIUM_ROOT, translate.FREEDICT_DIR
    if not relax:
        query.MIN_WORDS = coordination.MIN_WORDS = 10_000
    if not translation:  # no such dictionaries: no lookups
        translate.APERTIUM_ROOT = translate.FREEDICT_DIR = Path("/nonexistent")
    try:
        yield
    finally:
        query.MIN_WORDS = coordination.MIN_WORDS = saved_min
        translate.APERTIUM_ROOT, translate.FREEDICT_DIR = saved_dirs


@contextmanager
def forms_as_all_words():
    """Thesaurus forms searched as all their words anywhere (the behaviour before issue 13)."""
    saved = query._field_text_query

    def all_words(node, field, boost):
        words = query._analyzed(field, node.text)
        if node.mode == "form" and len(words) > 1:
            return And([Term(field, word, boost=boost) for word in words])
        return saved(node, field, boost)

    query._field_text_query = all_words
    try:
        yield
    finally:
        query._field_text_query = saved


def phrase_cost(searcher) -> dict[str, dict[str, float]]:
    """Forms as phrases against forms as all their words, interleaved query by query."""
    samples: dict[str, list[float]] = {"forms as all words": [], "forms as phrases": []}
    options = {"expand": True, "correct": False}
    with features(relax=True, translation=False):
        for text in THESAURUS_QUERIES:
            for _ in range(2):  # alternate twice: neither mode always runs on a warmer machine
                with forms_as_all_words():
                    searcher._parsed.clear()
                    samples["forms as all words"] += timed(searcher, [text], ROUNDS, **options)
                searcher._parsed.clear()
                samples["forms as phrases"] += timed(searcher, [text], ROUNDS, **options)
    report = {name: stats(values) for name, values in samples.items()}
    before = report["forms as all words"]
    for row in report.values():
        row["median_ratio"] = round(row["median_ms"] / before["median_ms"], 2)
        row["p95_ratio"] = round(row["p95_ms"] / before["p95_ms"], 2)
    return report


CONFIGS = {
    # name: (relax, translation, request options)
    "plain": (False, False, {"expand": False, "correct": False}),
    "most_words": (True, False, {"expand": False, "correct": False}),
    "spelling": (False, False, {"expand": False, "correct": True}),
    "thesaurus": (False, False, {"expand": True, "correct": False}),
    "thesaurus+translation": (False, True, {"expand": True, "correct": False}),
    "all (default)": (True, True, {"expand": True, "correct": True}),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--forms-only", action="store_true", help="only THESAURUS_QUERIES")
    args = parser.parse_args()
    if args.forms_only:
        with IndexStore(args.index).open_searcher() as searcher:
            for name, row in phrase_cost(searcher).items():
                print(f"{name:32} {row}")
        return 0
    texts = [item.query for item in load()]
    report = {}
    with IndexStore(args.index).open_searcher() as searcher:
        for name, (relax, translation, options) in CONFIGS.items():
            with features(relax, translation):
                report[name] = stats(timed(searcher, texts, ROUNDS, **options))
        searcher._parsed.clear()
        phrases = phrase_cost(searcher)
        searcher._parsed.clear()
        started = time.perf_counter()
        translate.translations(COLD_WORDS, "en")
        report["cold translation of 5 new words"] = {
            "ms": round((time.perf_counter() - started) * 1000, 1)
        }
        for process in list(getattr(translate, "_PROCESSES", {}).values()):
            process.close()  # as in a new server process: the transducers start again
        started = time.perf_counter()
        translate.translations(MORE_COLD_WORDS, "en")
        translate.translations(MORE_COLD_WORDS, "es")
        report["5 new words, transducers not started yet"] = {
            "ms": round((time.perf_counter() - started) * 1000, 1)
        }
    plain = report["plain"]
    for name, row in report.items():
        if "median_ms" in row:
            row["median_ratio"] = round(row["median_ms"] / plain["median_ms"], 2)
            row["p95_ratio"] = round(row["p95_ms"] / plain["p95_ms"], 2)
        print(f"{name:32} {row}")
    print("thesaurus forms (THESAURUS_QUERIES, ratio to forms as all words):")
    for name, row in phrases.items():
        print(f"{name:32} {row}")
    report["thesaurus forms"] = phrases
    write_results("relevance-features.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
