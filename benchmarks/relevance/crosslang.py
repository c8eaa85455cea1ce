"""Spanish queries over English documents (issue 13, point 4 in reverse): judged queries of
`crosslang.yaml`, each aimed at a passage of ../shared/realdocs/en, searched over an index of
realdocs/es and realdocs/en together (the Spanish documents compete).

    python benchmarks/relevance/crosslang.py --index /tmp/es-en-idx -v   # reuses or builds it

Prints the share of queries with the right document in the top 10, first, and a passage on the
right page (as kinds.py does), and writes benchmarks/results/relevance-crosslang.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kinds import HERE, REALDOCS_ES, judge, load, summary, write_results

from acervo.build import build_index
from acervo.config import Config
from acervo.search.indexer import IndexStore

REALDOCS_EN = REALDOCS_ES.parent / "en"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="built when missing")
    parser.add_argument("-v", action="store_true", help="one line per query")
    args = parser.parse_args()
    store = IndexStore(args.index)
    if store.live_generation() is None or not store.schema_is_current():
        build_index([REALDOCS_ES, REALDOCS_EN], store, Config(index_dir=args.index))
    items = load(HERE / "crosslang.yaml")
    with store.open_searcher() as searcher:
        outcomes = [judge(searcher, item) for item in items]
    for o in outcomes if args.v else ():
        rank = "-" if o.rank is None else str(o.rank)
        print(f"{rank:>2} {'p' if o.page_ok else ' '} {o.item.query[:60]:60} {o.note}")
    table = summary(outcomes)
    for kind, row in table.items():
        shares = " ".join(f"{row[k]:6.0%}" for k in ("top10", "first", "page"))
        print(f"{kind:12} {row['queries']:3} {shares}")
    write_results("relevance-crosslang.json", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
