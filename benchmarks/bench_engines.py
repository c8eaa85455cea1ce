"""Acervo side by side with plain Whoosh, SQLite FTS5 and tantivy on the same page texts.

    pip install -e '.[bench]'                        # tantivy (optional: skipped without it)
    python benchmarks/bench_engines.py --docs 500,2000,5000 [--rounds 3]

For each size it generates that many studies with the project's generator (scripts/make_corpus.py,
seed 1), takes their page texts and metadata as they are (no PDF rendering or extraction: every
engine indexes exactly the same text), builds one index per engine and times the same 30 Spanish
queries, each the way a user sees it: top 10 documents, up to 3 highlighted passages each, and
facet counts of the whole hit set.

- Acervo: `IndexStore.update`, then `Searcher.search` from `open_searcher()` as the web does
  (thesaurus expansion, passages, facets, the "¿Quiso decir?" check). Build time includes its
  one analysis of each text (the doc record's body, whose words also make `words`; page
  records store their text unindexed), lessons-learned records and the catalog.
  Each timed search empties the generation's memo of page scores and passages first, since
  every query is repeated here and the memo would answer the repeats.
- Acervo, same query again: the same with that memo kept (what a popular query costs).
- Acervo, no term cache: the same with the generation's cache of scored terms off (each search
  reads and scores its terms' postings again), as a query of words not searched before costs.
- Whoosh floor: Acervo's own doc query on Acervo's index through Whoosh alone, top 10 with
  Whoosh's block-quality optimisation, nothing else: what a search matched with Whoosh's own
  matchers must pay (Acervo matches with numpy arrays, search/matching.py, so it can go below).
- plain Whoosh: one record per page, `LanguageAnalyzer("es")`, MultifieldParser (AND), the
  pages collapsed to documents (3 per document), Whoosh highlights, `groupedby` facets (pages).
- SQLite FTS5: pages in an FTS5 table (unicode61, accents removed; no Spanish stemmer), bm25,
  `snippet()`, GROUP BY facets over the matching documents.
- tantivy: one document per page, Spanish stemmer, conjunction, snippets, terms aggregations
  with a distinct-document count.

It prints a Markdown table (p50/p95 ms of search, build s, p95 ratio to tantivy) and writes
benchmarks/results/engines.json. The machine is shared: compare ratios from one run only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import MultifieldParser
from whoosh.query import Require, Term

from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search import limits
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.query import parse_query

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_corpus  # noqa: E402

# Spanish queries an analyst of this corpus types: words, phrases, places, a prefix.
QUERIES = [
    "educacion ninos",
    "salud mental",
    '"trata de personas"',
    "matricula escolar",
    "vacunacion",
    "regularizacion migratoria",
    "apoyo psicosocial",
    "trabajo infantil",
    "violencia basada en genero",
    "transferencias monetarias",
    "seguridad alimentaria",
    "medios de vida",
    "xenofobia",
    "Huaquillas",
    "Rumichaca",
    "Lago Agrio",
    "desnutricion cronica",
    "control prenatal",
    "visa humanitaria",
    "deserción escolar",
    "atención primaria de salud",
    "personas refugiadas",
    "empleo formal",
    "vivienda arriendo",
    "documentación",
    "nutrición infantil",
    "agua saneamiento",
    "orientación legal",
    "mujeres embarazadas",
    "migra*",
]
TOP_DOCS = 10
PASSAGES = 3


@dataclass(frozen=True)
class BenchDoc:
    doc_id: str
    title: str
    agency: str
    topics: tuple[str, ...]
    year: int | None
    language: str
    doc_type: str
    pages: tuple[str, ...]


def generated_docs(n_docs: int, seed: int = 1) -> list[BenchDoc]:
    """The texts `make_corpus.write_generated_corpus(dest, n_docs, seed)` would render."""
    rng = random.Random(seed)
    docs = []
    for i in range(n_docs):
        doc = make_corpus._gen_doc(rng, i, (3, 12))
        pages = tuple(
            "\n".join(text for block in blocks for text in make_corpus._block_texts(block))
            for blocks in doc.pages
        )
        doc_id = hashlib.sha256(doc.path.encode()).hexdigest()[:16]
        docs.append(
            BenchDoc(
                doc_id, doc.title, doc.short, doc.topics, doc.year, doc.lang, doc.doc_type, pages
            )
        )
    return docs


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _timed(fn, rounds: int) -> list[float]:
    samples = []
    for query in QUERIES:
        fn(query)  # warm-up: caches, lazy readers
        for _ in range(rounds):
            start = time.perf_counter()
            fn(query)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


# ---- Acervo -------------------------------------------------------------------------------


def _extracted(doc: BenchDoc) -> ExtractedDocument:
    metadata = Metadata(
        title=doc.title,
        agencies=(doc.agency,),
        topics=doc.topics,
        year=doc.year,
        language=doc.language,
        doc_type=doc.doc_type,
    )
    pages = [Page(n, text) for n, text in enumerate(doc.pages, start=1)]
    path = f"/bench/{doc.doc_id}.pdf"
    return ExtractedDocument(doc.doc_id, doc.doc_id * 4, (path,), "pdf", 0, pages, metadata)


class AcervoEngine:
    """Each timed search as if no earlier search of the generation had shown its documents for
    its query: the generation's memo of page scores and passages (search/snippets.py PageMemo)
    is emptied before it, since every query here is repeated (`rounds`) and the memo would
    answer the repeats. The term cache and parsed queries stay warm."""

    name = "Acervo (in process)"
    keep_memo = False

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        self.store = IndexStore(where)
        self.store.update((_extracted(d) for d in docs), ())

    def search(self, query: str) -> int:
        if not self.keep_memo:
            forget_passages(self.store)
        with self.store.open_searcher() as searcher:
            return searcher.search(SearchRequest(query=query)).total


def forget_passages(store: IndexStore) -> None:
    """Empty the live generation's memo of page scores and passages (none on older trees)."""
    pool = getattr(store, "_pool", None)
    if pool is not None and hasattr(pool, "pages"):
        pool.pages = type(pool.pages)(shared=True)


class AcervoRepeated(AcervoEngine):
    """The same query searched again in the generation: page scores and passages from its memo
    (what a popular query costs; not comparable with the other engines' rows)."""

    name = "Acervo, same query again (passage memo kept)"
    keep_memo = True

    def __init__(self, acervo: AcervoEngine) -> None:
        self.acervo = acervo

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        self.store = self.acervo.store


class AcervoColdTerms(AcervoEngine):
    """Acervo with its per-generation cache of scored terms off: every term of every search is
    read from the postings and scored again (what a query of new words costs)."""

    name = "Acervo, no term cache"

    def __init__(self, acervo: AcervoEngine) -> None:
        self.acervo = acervo

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        from acervo.search import matching  # here: load_test.py imports this file on old trees

        self.store = IndexStore(self.acervo.store.root)
        saved, matching.CACHE_POSTINGS = matching.CACHE_POSTINGS, 0
        try:  # the generation's pool (and its term cache, holding nothing) is made here
            self.store.open_searcher().close()
        finally:
            matching.CACHE_POSTINGS = saved


class WhooshFloor:
    """Acervo's doc query on Acervo's index, Whoosh alone: top 10, nothing else."""

    name = "Whoosh floor (Acervo's query, top 10 only)"

    def __init__(self, acervo: AcervoEngine) -> None:
        self.acervo = acervo

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        self.searcher = self.acervo.store.open_searcher()
        self.queries = {q: Require(parse_query(q).doc_query, Term("kind", "doc")) for q in QUERIES}

    def search(self, query: str) -> int:
        whoosh = self.searcher.whoosh_searcher
        return len(limits.top_scores(whoosh, self.queries[query], TOP_DOCS, None, query))


# rows searching the Acervo row's index: no build
_SHARED_INDEX = (WhooshFloor, AcervoColdTerms, AcervoRepeated)


# ---- plain Whoosh ---------------------------------------------------------------------------


class PlainWhoosh:
    name = 'plain Whoosh, LanguageAnalyzer("es"), grouped by document'

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        analyzer = LanguageAnalyzer("es")
        schema = Schema(
            doc_id=ID(stored=True),
            page=NUMERIC(int, stored=True),
            title=TEXT(analyzer=analyzer, stored=True),
            text=TEXT(analyzer=analyzer, stored=True),
            agency=KEYWORD(commas=True, stored=True),
            topic=KEYWORD(commas=True),
            year=NUMERIC(int, stored=True, sortable=True),
        )
        where.mkdir(parents=True)
        ix = whoosh_index.create_in(str(where), schema)
        writer = ix.writer(limitmb=64)
        for doc in docs:
            for n, text in enumerate(doc.pages, start=1):
                writer.add_document(
                    doc_id=doc.doc_id,
                    page=n,
                    title=doc.title if n == 1 else "",
                    text=text,
                    agency=doc.agency,
                    topic=",".join(doc.topics),
                    year=doc.year or 0,
                )
        writer.commit()
        self.ix = ix
        self.parser = MultifieldParser(["title", "text"], schema)
        self.facets = {
            "agency": sorting.FieldFacet("agency", allow_overlap=True),
            "topic": sorting.FieldFacet("topic", allow_overlap=True),
            "year": sorting.FieldFacet("year"),
        }

    def search(self, query: str) -> int:
        with self.ix.searcher() as searcher:
            parsed = self.parser.parse(query)
            results = searcher.search(
                parsed,
                limit=TOP_DOCS * PASSAGES,
                collapse="doc_id",
                collapse_limit=PASSAGES,
                groupedby=self.facets,
                terms=True,
            )
            docs: dict[str, list[str]] = defaultdict(list)
            for hit in results:
                if len(docs) == TOP_DOCS and hit["doc_id"] not in docs:
                    break
                docs[hit["doc_id"]].append(hit.highlights("text"))
            return len(docs)


# ---- SQLite FTS5 ----------------------------------------------------------------------------


class Fts5:
    name = "SQLite FTS5 (bm25, snippet, GROUP BY facets)"

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        where.mkdir(parents=True)
        db = sqlite3.connect(where / "fts.db", check_same_thread=False)
        db.executescript(
            """
            CREATE VIRTUAL TABLE pages USING fts5(
                doc_id UNINDEXED, page UNINDEXED, title, text,
                tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE docs (id TEXT PRIMARY KEY, agency TEXT, year INTEGER);
            CREATE TABLE doc_topics (doc_id TEXT, topic TEXT);
            """
        )
        with db:
            for doc in docs:
                db.execute("INSERT INTO docs VALUES (?, ?, ?)", (doc.doc_id, doc.agency, doc.year))
                db.executemany(
                    "INSERT INTO doc_topics VALUES (?, ?)", [(doc.doc_id, t) for t in doc.topics]
                )
                db.executemany(
                    "INSERT INTO pages VALUES (?, ?, ?, ?)",
                    [
                        (doc.doc_id, n, doc.title if n == 1 else "", text)
                        for n, text in enumerate(doc.pages, start=1)
                    ],
                )
        self.db = db

    @staticmethod
    def _match(query: str) -> str:
        if query.startswith('"'):
            return query
        words = re.findall(r"\w+\*?", query)
        return " ".join(w if w.endswith("*") else f'"{w}"' for w in words)

    def search(self, query: str) -> int:
        match = self._match(query)
        top = self.db.execute(
            "SELECT doc_id, min(rank) AS r FROM pages WHERE pages MATCH ? "
            "GROUP BY doc_id ORDER BY r LIMIT ?",
            (match, TOP_DOCS),
        ).fetchall()
        ids = [row[0] for row in top]
        marks = ",".join("?" * len(ids))
        snippets: dict[str, list[str]] = defaultdict(list)
        for doc_id, snippet in self.db.execute(
            "SELECT doc_id, snippet(pages, 3, '<mark>', '</mark>', '…', 24) FROM pages "
            f"WHERE pages MATCH ? AND doc_id IN ({marks}) ORDER BY rank",
            (match, *ids),
        ):
            if len(snippets[doc_id]) < PASSAGES:
                snippets[doc_id].append(snippet)
        matching = "SELECT DISTINCT doc_id FROM pages WHERE pages MATCH ?"
        for sql in (
            f"SELECT agency, count(*) FROM docs WHERE id IN ({matching}) GROUP BY agency",
            f"SELECT year, count(*) FROM docs WHERE id IN ({matching}) GROUP BY year",
            f"SELECT topic, count(*) FROM doc_topics WHERE doc_id IN ({matching}) GROUP BY topic",
        ):
            self.db.execute(sql, (match,)).fetchall()
        return len(ids)


# ---- tantivy --------------------------------------------------------------------------------


class Tantivy:
    name = "tantivy-py (Spanish stemmer, snippets, aggregation)"

    def build(self, docs: list[BenchDoc], where: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("doc_id", stored=True, tokenizer_name="raw", fast=True)
        builder.add_integer_field("page", stored=True)
        builder.add_text_field("title", stored=True, tokenizer_name="es_stem")
        builder.add_text_field("text", stored=True, tokenizer_name="es_stem")
        builder.add_text_field("agency", tokenizer_name="raw", fast=True)
        builder.add_text_field("topic", tokenizer_name="raw", fast=True)
        builder.add_integer_field("year", fast=True)
        schema = builder.build()
        where.mkdir(parents=True)
        ix = tantivy.Index(schema, path=str(where))
        spanish = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("spanish"))
            .build()
        )
        ix.register_tokenizer("es_stem", spanish)
        writer = ix.writer(heap_size=64_000_000, num_threads=1)
        for doc in docs:
            for n, text in enumerate(doc.pages, start=1):
                fields = {
                    "doc_id": doc.doc_id,
                    "page": n,
                    "title": doc.title if n == 1 else "",
                    "text": text,
                    "agency": doc.agency,
                    "topic": list(doc.topics),
                    "year": doc.year or 0,
                }
                writer.add_document(tantivy.Document(**fields))
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        self.ix, self.schema = ix, schema
        distinct_docs = {"docs": {"cardinality": {"field": "doc_id"}}}
        self.aggregation = {
            facet: {"terms": {"field": facet}, "aggs": distinct_docs}
            for facet in ("agency", "topic", "year")
        } | {"total": {"cardinality": {"field": "doc_id"}}}

    def search(self, query: str) -> int:
        tantivy = self.tantivy
        text = query.replace("*", "") if not query.startswith('"') else query
        parsed = self.ix.parse_query(text, ["title", "text"], conjunction_by_default=True)
        searcher = self.ix.searcher()
        found = searcher.search(parsed, limit=TOP_DOCS * PASSAGES * 3).hits
        generator = tantivy.SnippetGenerator.create(searcher, parsed, self.schema, "text")
        docs: dict[str, list[str]] = defaultdict(list)
        for _score, address in found:
            doc = searcher.doc(address)
            doc_id = doc["doc_id"][0]
            if len(docs) == TOP_DOCS and doc_id not in docs:
                break
            if len(docs[doc_id]) < PASSAGES:
                docs[doc_id].append(generator.snippet_from_doc(doc).to_html())
        searcher.aggregate(parsed, self.aggregation)
        return len(docs)


# ---- the run --------------------------------------------------------------------------------


def bench_size(n_docs: int, rounds: int, tmp: Path) -> list[dict]:
    docs = generated_docs(n_docs)
    acervo = AcervoEngine()
    engines: list = [
        acervo,
        AcervoRepeated(acervo),
        AcervoColdTerms(acervo),
        WhooshFloor(acervo),
        PlainWhoosh(),
        Fts5(),
    ]
    try:
        import tantivy  # noqa: F401

        engines.append(Tantivy())
    except ImportError:
        print("tantivy not installed (pip install -e '.[bench]'): skipped", file=sys.stderr)
    rows = []
    for number, engine in enumerate(engines):
        started = time.perf_counter()
        engine.build(docs, tmp / f"{n_docs}-{number}")
        build_s = time.perf_counter() - started
        samples = _timed(engine.search, rounds)
        rows.append(
            {
                "docs": n_docs,
                "pages": sum(len(d.pages) for d in docs),
                "engine": engine.name,
                "p50_ms": round(statistics.median(samples), 1),
                "p95_ms": round(_percentile(samples, 95), 1),
                "build_s": None if isinstance(engine, _SHARED_INDEX) else round(build_s, 1),
            }
        )
        print(rows[-1], file=sys.stderr)
    tantivy_p95 = next((r["p95_ms"] for r in rows if r["engine"].startswith("tantivy")), None)
    for row in rows:
        row["p95_vs_tantivy"] = round(row["p95_ms"] / tantivy_p95, 1) if tantivy_p95 else None
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="500,2000,5000", help="corpus sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="acervo-engines-") as tmp:
        for size in (int(s) for s in args.docs.split(",")):
            rows += bench_size(size, args.rounds, Path(tmp))
    print("| docs | pages | engine | search p50 ms | search p95 ms | p95 / tantivy | build s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        build = "-" if r["build_s"] is None else r["build_s"]
        print(
            f"| {r['docs']:,} | {r['pages']:,} | {r['engine']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['p95_vs_tantivy'] or '-'} | {build} |"
        )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "engines.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
