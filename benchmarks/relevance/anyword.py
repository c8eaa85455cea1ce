"""The any-word ranking issue 13 measures Acervo against, on the kinds files: the documents
holding any of the query's words (the index's Spanish fields, its Spanish analyzer: accents
folded, stemmed), ranked by BM25F alone (Whoosh's scores, as search/matching.py computes them):
no tiers, no thesaurus, no translation, no correction, no passage. Right document in the top 10
and first, per kind (it shows no passages, so no right page):

    python benchmarks/relevance/anyword.py --index /tmp/es-idx kinds.yaml kinds-blind3.yaml
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from kinds import HERE, K, load
from whoosh.query import Or, Require, Term

from acervo.search import matching, schema
from acervo.search.analysis import spanish_analyzer
from acervo.search.indexer import IndexStore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index built beforehand")
    parser.add_argument("files", nargs="+", help="kinds files in benchmarks/relevance")
    args = parser.parse_args()
    analyzer, fields = spanish_analyzer(), schema.text_fields("es")
    with IndexStore(args.index).open_searcher() as searcher:
        whoosh = searcher.whoosh_searcher
        for name in args.files:
            ranks = defaultdict(list)
            for item in load(HERE / name):
                words = sorted({token.text for token in analyzer(item.query)})
                anyword = Or([Term(field, word) for word in words for field in fields])
                found = matching.match(whoosh, Require(anyword, Term("kind", schema.DOC)), "")
                top = [d for d in np.argsort(-found.scores, kind="stable")[:K] if found.mask[d]]
                paths = [whoosh.stored_fields(int(d)).get("paths", []) for d in top]
                judged = [any(item.pages_of(Path(p).name) for p in ps) for ps in paths]
                ranks[item.kind].append(judged.index(True) + 1 if True in judged else None)
            for kind, found_at in sorted(ranks.items()):
                n = len(found_at)
                top10 = sum(r is not None for r in found_at) / n
                first = sum(r == 1 for r in found_at) / n
                print(f"{name:22} {kind:12} {n:3}  top10 {top10:4.0%}  first {first:4.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
