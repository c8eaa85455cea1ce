""" "Más como este" across languages (issue 13, point 6): the judged set of
`similar-crosslang.yaml` over an index of ../shared/realdocs/es and realdocs/en together.

    python benchmarks/relevance/similar_crosslang.py --index /tmp/es-en-idx -v  # built if missing

For the judged sources: how many documents of the other language the page offers, the share on
the source's subject (precision: relevant or related; strict: relevant only) and the relevant
ones offered out of those it could offer (recall: at most OFFERED_AT_MOST per source). Over every
document of the index: how many get one of the other language. Cost: `Searcher.similar` (both
lists, what the document page calls) against the same call with the other-language list turned
off (the same-language list alone), interleaved document by document in one process: each
document's first visit, then warm rounds; the ratios of medians and of p95s. Uses only
`Searcher.similar` and the module-level name `similar_in_other_language` of
acervo.search.searcher, so an older tree's Python runs it too ("before"). Writes
benchmarks/results/relevance-similar-crosslang.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from crosslang import REALDOCS_EN
from kinds import HERE, REALDOCS_ES, stats, write_results

from acervo.build import build_index
from acervo.config import Config
from acervo.search import searcher as searcher_module
from acervo.search.indexer import IndexStore

REALDOCS = REALDOCS_ES.parent
OFFERED_AT_MOST = 2  # the page shows at most two documents of the other language
OTHER = {"es": "en", "en": "es"}


@dataclass(frozen=True)
class Judged:
    source: str  # path under realdocs/, e.g. en/govdocs-176446.pdf
    relevant: frozenset[str] = field(default_factory=frozenset)
    related: frozenset[str] = field(default_factory=frozenset)


def load(path: Path = HERE / "similar-crosslang.yaml") -> list[Judged]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judged(i["source"], frozenset(i.get("relevant", ())), frozenset(i.get("related", ())))
        for i in items
    ]


def _name(path: str) -> str:
    return str(Path(path).resolve().relative_to(REALDOCS))


def documents(searcher) -> dict[str, tuple[str, str]]:
    """realdocs path -> (doc_id, language) of every document of the index."""
    whoosh = searcher.whoosh_searcher
    found = {}
    for row in searcher.table.by_doc_id.values():
        stored = whoosh.stored_fields(row.docnum)
        found[_name(stored["paths"][0])] = (row.doc_id, stored.get("language", ""))
    return found


def offered(searcher, doc_id: str, language: str) -> list[str]:
    """The documents of the other language that the page of `doc_id` offers."""
    other = OTHER.get(language)
    return [_name(hit.path) for hit in searcher.similar(doc_id) if hit.language == other]


def judge(searcher, items: list[Judged], verbose: bool) -> dict[str, float]:
    docs = documents(searcher)
    shown = relevant = related = could = found = 0
    for item in items:
        doc_id, language = docs[item.source]
        got = offered(searcher, doc_id, language)
        shown += len(got)
        relevant += sum(name in item.relevant for name in got)
        related += sum(name in item.related for name in got)
        could += min(len(item.relevant), OFFERED_AT_MOST)
        found += min(OFFERED_AT_MOST, sum(name in item.relevant for name in got))
        if verbose:
            marks = [
                f"{'+' if n in item.relevant else '~' if n in item.related else 'X'} {n}"
                for n in got
            ]
            print(f"{item.source:50} {' | '.join(marks) or '-'}")
    return {
        "sources": len(items),
        "shown": shown,
        "relevant_shown": relevant,
        "related_shown": related,
        "off_topic_shown": shown - relevant - related,
        "precision": round((relevant + related) / shown, 3) if shown else 1.0,
        "precision_strict": round(relevant / shown, 3) if shown else 1.0,
        "recall": round(found / could, 3) if could else 1.0,
        "relevant_offerable": could,
    }


def coverage(searcher) -> dict[str, int]:
    """How many documents (Spanish or English) get at least one of the other language."""
    docs = {n: d for n, d in documents(searcher).items() if d[1] in OTHER}
    got = sum(bool(offered(searcher, doc_id, lang)) for doc_id, lang in docs.values())
    return {"documents": len(docs), "with_other_language": got}


def cost(searcher, rounds: int) -> dict[str, dict]:
    """ms of `similar` with both lists and with the same-language list alone, document by
    document (the order of the two alternates): the first visit of every document (caches
    filled only by the documents before it), then `rounds` more (warm)."""
    doc_ids = [doc_id for doc_id, lang in documents(searcher).values() if lang in OTHER]
    real = searcher_module.similar_in_other_language
    configs = {"both": real, "same_language": lambda *args, **kwargs: []}
    samples = {(when, c): [] for when in ("first", "warm") for c in configs}
    for round_ in range(rounds + 1):
        for n, doc_id in enumerate(doc_ids):
            for config in sorted(configs, reverse=bool(n % 2)):
                searcher_module.similar_in_other_language = configs[config]
                started = time.perf_counter()
                searcher.similar(doc_id)
                ms = (time.perf_counter() - started) * 1000
                samples[("warm" if round_ else "first", config)].append(ms)
    searcher_module.similar_in_other_language = real
    result = {}
    for when in ("first", "warm") if rounds else ("first",):
        both, same = stats(samples[(when, "both")]), stats(samples[(when, "same_language")])
        result[when] = {
            "both": both,
            "same_language": same,
            "ratio_median": round(both["median_ms"] / same["median_ms"], 2),
            "ratio_p95": round(both["p95_ms"] / same["p95_ms"], 2),
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="built when missing")
    parser.add_argument("--rounds", type=int, default=2, help="warm rounds after the first")
    parser.add_argument("--no-cost", action="store_true", help="judge only, no timing")
    parser.add_argument("-v", action="store_true", help="one line per source")
    args = parser.parse_args()
    store = IndexStore(args.index)
    if store.live_generation() is None or not store.schema_is_current():
        build_index([REALDOCS_ES, REALDOCS_EN], store, Config(index_dir=args.index))
    result = {}
    if not args.no_cost:  # first, on a new store: no key words cached by the judging
        with IndexStore(args.index).open_searcher() as searcher:
            result["cost"] = cost(searcher, args.rounds)
    with store.open_searcher() as searcher:
        result |= {"judged": judge(searcher, load(), args.v), "coverage": coverage(searcher)}
    print(json.dumps(result, indent=2))
    write_results("relevance-similar-crosslang.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
