"""Where the time of an index build goes: cProfile of `IndexStore.update` by part.

    python benchmarks/profile_build.py [--docs 5000] [--progress 1000]

Builds a fresh index of `--docs` generated studies (bench_engines.generated_docs, as
bench_build.py) under cProfile, prints the CPU seconds of adding the documents (every
`--progress` documents, to see whether a document costs more as the index grows) and of the
commit, then each part's share of the profiled time: analysis, Whoosh's `add_document` (each
field's postings, the posting pool), the catalog; at the commit, the merge of the pool's runs,
each posting's field length, the posting blocks. cProfile counts wall time: on a shared machine
compare the shares, not the seconds. Uses only APIs older trees have (run it with their Python).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from acervo.search.indexer import IndexStore

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_engines import _extracted, generated_docs  # noqa: E402

# (row, [(file name ending, function name)]): cumulative time of those functions
PARTS = [
    ("adding documents", [("search/indexer.py", "add")]),
    ("- analysis (analyse_body)", [("search/indexer.py", "analyse_body")]),
    ("- Whoosh add_document", [("whoosh/writing.py", "add_document")]),
    ("-- each field's postings (Field.index)", [("whoosh/fields.py", "index")]),
    ("-- posting pool (add, spills)", [("whoosh/writing.py", "add"), ("search/writer.py", "add")]),
    ("- catalog", [("search/catalog.py", "put")]),
    ("commit", [("whoosh/writing.py", "commit")]),
    ("- merging the pool's runs", [("whoosh/externalsort.py", "_merge_runs"),
                                   ("search/writer.py", "iter_postings")]),
    ("- field length per posting", [("codec/whoosh3.py", "doc_field_length"),
                                    ("search/writer.py", "doc_field_length")]),
    ("- posting blocks (W3 writer)", [("codec/whoosh3.py", "add"),
                                      ("codec/whoosh3.py", "finish_term")]),
]  # fmt: skip


def _cumulative(stats: pstats.Stats, functions: list[tuple[str, str]]) -> float:
    return sum(
        row[3]  # cumulative time
        for (path, _line, name), row in stats.stats.items()  # type: ignore[attr-defined]
        if any(path.endswith(ending) and name == wanted for ending, wanted in functions)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--progress", type=int, default=1000)
    args = parser.parse_args()
    docs = generated_docs(args.docs)
    with tempfile.TemporaryDirectory(prefix="acervo-profile-build-") as tmp:
        IndexStore(Path(tmp) / "warm").update((_extracted(d) for d in docs[:30]), ())
        profile = cProfile.Profile()
        cpu = time.process_time()
        profile.enable()
        with IndexStore(Path(tmp) / "index").new_generation() as generation:
            for number, doc in enumerate(docs, start=1):
                generation.add(_extracted(doc))
                if number % args.progress == 0:
                    print(f"{number} documents: CPU {time.process_time() - cpu:.1f} s", flush=True)
            added = time.process_time()
        profile.disable()
        done = time.process_time()
    print(f"CPU: adding {added - cpu:.1f} s, commit {done - added:.1f} s (under cProfile)")
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{'whole build (profiled)':45} {total:8.1f} s")
    for row, functions in PARTS:
        seconds = _cumulative(stats, functions)
        print(f"{row:45} {seconds:8.1f} s {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
