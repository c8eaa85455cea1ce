"""Thesaurus rows measured before they are added to search/data/thesaurus.csv (issue 13): the
kinds files and run.py's judged set searched with the shipped thesaurus, then with the rows of a
CSV file (the same `concept,language,term` format) added after its own rows, in one process,
on one build of each index:

    python benchmarks/relevance/domain_thesaurus.py --work /tmp/dt \\
        benchmarks/relevance/thesaurus-domain-es.csv

Prints, per kinds file, the synonym queries' top 10 / first / right page and every kind's, each
query whose outcome changed, and the judged set's nDCG@10, MRR and relevant of the top 10s.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from kinds import HERE, KIND_FILES, judge, load, summary
from synonyms import indexes, judged_figures

from acervo.search import query, thesaurus


def with_rows(path: Path) -> thesaurus.Thesaurus:
    """The shipped thesaurus with the concepts of `path` after its own rows (a form the shipped
    rows already hold stays theirs)."""
    forms: dict[str, list[thesaurus.Form]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            forms.setdefault(row["concept"], []).append(
                thesaurus.Form(row["term"], row["language"])
            )
    extra = [thesaurus.Concept(concept, tuple(fs)) for concept, fs in forms.items()]
    shipped = thesaurus._csv_concepts()
    return thesaurus.Thesaurus([*shipped, *extra, *thesaurus._agency_concepts()])


def figures(table: dict, kind: str) -> str:
    row = table.get(kind)
    return "-" if row is None else "/".join(f"{row[k]:.0%}" for k in ("top10", "first", "page"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, help="a CSV of thesaurus rows")
    parser.add_argument("--work", type=Path, required=True, help="where indexes are kept")
    args = parser.parse_args()
    es, stores, judged = indexes(args.work)
    shipped, extended = query.default_thesaurus, with_rows(args.rows)
    outcomes = {}
    for name, chosen in (("shipped", shipped), ("with the rows", lambda: extended)):
        query.default_thesaurus = chosen
        print(f"{name:14} judged set {judged_figures(stores, judged)}")
        with es.open_searcher() as searcher:
            searcher._parsed.clear()
            for kinds_file in (f for f in KIND_FILES if (HERE / f).exists()):
                found = [judge(searcher, item) for item in load(HERE / kinds_file)]
                outcomes[name, kinds_file] = found
                table = summary(found)
                print(
                    f"{name:14} {kinds_file:22} synonym {figures(table, 'synonym'):14}"
                    f" all {figures(table, 'all')}"
                )
    query.default_thesaurus = shipped
    for kinds_file in (f for f in KIND_FILES if ("shipped", f) in outcomes):
        before_after = (outcomes["shipped", kinds_file], outcomes["with the rows", kinds_file])
        pairs = zip(*before_after, strict=True)
        for before, after in pairs:
            if (before.rank, before.page_ok) != (after.rank, after.page_ok):
                print(
                    f"  {kinds_file}: {before.item.query[:60]!r} rank {before.rank} -> "
                    f"{after.rank}, page {before.page_ok} -> {after.page_ok}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
