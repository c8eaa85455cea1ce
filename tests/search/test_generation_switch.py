"""A server process stays up while ingests write new generations under it. What it carries from
one generation to the next (each segment's rows, the analysed words) must never show a removed
document, old metadata or miss a new one: its answers are those of an index built afresh from
the same documents. And the ingests keep the index at few segments (search/writer.py)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from searchcorpus import make_doc
from whoosh import index

from acervo.ingest.models import ExtractedDocument
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.writer import MAX_SMALL_SEGMENTS

AGENCIES = ("ACNUR", "OIM", "UNICEF")
TOPICS = ("salud", "educacion", "proteccion")
PLACES = ("Ibarra", "Tulcán", "Manta", "Loja", "Quito")


def _doc(n: int, **changes: object) -> ExtractedDocument:
    place = PLACES[n % len(PLACES)]
    doc = make_doc(
        f"c{n:015d}",
        [f"Estudio {n} sobre migración en {place}.", f"Salud y educación de refugiados {n}."],
        title=f"Informe {n} de {place}",
        agencies=(AGENCIES[n % 3],),
        topics=(TOPICS[n % 3],),
        year=2015 + n % 8,
    )
    return replace(doc, metadata=replace(doc.metadata, **changes)) if changes else doc


QUERIES = (
    SearchRequest(query="", per_page=100),
    SearchRequest(query="migración", per_page=100),
    SearchRequest(query="salud Quito", per_page=100),
    SearchRequest(query="informe", filters={"agency": ("OIM",)}, per_page=100),
    SearchRequest(query="refugiados", year_from=2018, year_to=2020, per_page=100, sort="title"),
    SearchRequest(query="Revisado", per_page=100),
)


def _answers(store: IndexStore) -> list:
    """What a user sees of each query: the hits (as a set: scores may differ in the last bits
    between an updated and a fresh index) with their metadata, the total and every facet."""
    found = []
    with store.open_searcher() as searcher:
        for request in QUERIES:
            result = searcher.search(request)
            hits = sorted((h.id, h.title, h.agencies, h.topics, h.year) for h in result.hits)
            facets = {g.name: {v.value: v.count for v in g.values} for g in result.facets}
            found.append((request.query, result.total, hits, facets))
    return found


def _fresh(tmp_path: Path, docs: dict[str, ExtractedDocument], step: int) -> IndexStore:
    store = IndexStore(tmp_path / f"fresh-{step}")
    store.update(docs.values(), ())
    return store


def _segments(store: IndexStore) -> list[tuple[int, int]]:
    """(records, deleted) of each segment of the live generation."""
    ix = index.open_dir(str(store.root / store.live_generation()))
    return [(s.doc_count_all(), s.deleted_count()) for s in ix._segments()]  # noqa: SLF001


def test_a_store_kept_across_ingests_answers_as_a_fresh_index(tmp_path: Path) -> None:
    live = IndexStore(tmp_path / "live")  # one web process's store, for its whole life
    docs = {d.doc_id: d for d in map(_doc, range(40))}
    live.update(docs.values(), ())
    assert _answers(live) == _answers(_fresh(tmp_path, docs, 0))  # its caches are filled
    changed = {
        3: {"title": "Revisado tres", "agencies": ("UNICEF", "OIM")},
        44: {"year": 2024, "topics": ("proteccion",)},  # a document of a later ingest
    }
    steps = [
        ([_doc(n) for n in range(40, 46)], []),  # new documents, in a new small segment
        ([], [_doc(n).doc_id for n in (0, 5, 41)]),  # removed from both segments
        ([_doc(n, **changed[n]) for n in changed], []),  # metadata changed: the same ids
        ([_doc(n) for n in range(46, 52)], [_doc(n).doc_id for n in range(40, 44)]),
        ([_doc(0)], []),  # a removed document back
    ]
    for step, (added, removed) in enumerate(steps, start=1):
        live.update(added, removed)
        for doc_id in removed:
            docs.pop(doc_id, None)
        docs |= {d.doc_id: d for d in added}
        assert _answers(live) == _answers(_fresh(tmp_path, docs, step)), f"step {step}"
    with live.open_searcher() as searcher:
        revised = searcher.search(SearchRequest(query="Revisado"))
    assert [(h.title, h.agencies) for h in revised.hits] == [("Revisado tres", ("UNICEF", "OIM"))]


def test_incremental_ingests_keep_few_segments_and_drop_emptied_ones(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(map(_doc, range(200)), ())
    for start in range(200, 230, 5):  # six small ingests: Whoosh's own policy kept 7 segments
        store.update(map(_doc, range(start, start + 5)), ())
        segments = _segments(store)
        small = [s for s in segments if s[0] < max(segments)[0] / 10]
        assert len(small) <= MAX_SMALL_SEGMENTS, segments
    store.update((), [_doc(n).doc_id for n in range(200, 230)])  # every later document
    assert [deleted for _records, deleted in _segments(store)] == [0]  # their segments gone
    with store.open_searcher() as searcher:
        assert searcher.search(SearchRequest(query="")).total == 200


_PICKLE_SCHEMA = """
import pickle, sys
from acervo.search import schema
sys.stdout.buffer.write(pickle.dumps(schema.build_schema()))
"""


def test_a_schema_written_by_another_process_keys_the_same_caches(tmp_path: Path) -> None:
    """Each generation's schema is pickled by the ingest, in a process with its own hash seed:
    its analyzers list their stop words in another order. Their repr (search/snippets.py keys
    its word caches by it) and their word outcomes must still be those of the chain already
    in use, or every new generation starts with empty caches."""
    schemas = [
        pickle.loads(
            subprocess.run(
                [sys.executable, "-c", _PICKLE_SCHEMA],
                env={**os.environ, "PYTHONHASHSEED": str(seed)},
                capture_output=True,
                check=True,
            ).stdout
        )
        for seed in (1, 2, 3)
    ]
    analyzers = [s["body_es"].analyzer for s in schemas]
    assert len({repr(a) for a in analyzers}) == 1
    assert [t.text for t in analyzers[0]("migrantes", mode="query")] == ["migr"]
    assert analyzers[1]._outcomes is analyzers[0]._outcomes  # noqa: SLF001
    assert any(key[0] == "migrantes" for key in analyzers[2]._outcomes)  # noqa: SLF001
