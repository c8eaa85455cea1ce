"""Issue 15 measurements: the evidence map against a plain search, and the e-mail digest.

    python benchmarks/bench_follow.py                      # 5,000 generated documents
    python benchmarks/bench_follow.py --docs 500           # a quicker run
    python benchmarks/bench_follow.py --index DIR          # reuse an index of generated documents

(a) Evidence map: for each query of bench_search.QUERIES, the p50/p95 of `Searcher.search` (top
    10 with facets and passages: what the search page runs) and of `evidence_map` (topics by
    agency, by year and by place) on the same index, in the same process; the p95 ratio (target
    within 2x).
(b) Digest (needs the accounts database): 1,000 saved searches of 100 users with daily digests
    over the same index with 50 documents newer than the last digest, sent to a real SMTP server
    on loopback (aiosmtpd): total time and peak memory (tracemalloc) of the run.
Prints a table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode

from acervo import accounts, db, saved, vocab
from acervo.build import build_index
from acervo.config import Config
from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search import evidence
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_search import QUERIES, _percentile  # noqa: E402
from make_corpus import write_generated_corpus  # noqa: E402

ROUNDS = 5


def _samples_ms(fn, rounds: int = ROUNDS) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_evidence(store: IndexStore) -> dict:
    search: list[float] = []
    maps: dict[str, list[float]] = {"agency": [], "year": [], "place": []}
    with store.open_searcher() as searcher:
        documents = len(searcher.table)
        for query in QUERIES:
            req = SearchRequest(query=query)
            search += _samples_ms(lambda r=req: searcher.search(r))
            for axis, samples in maps.items():
                samples += _samples_ms(lambda r=req, a=axis: evidence.evidence_map(searcher, r, a))
    row: dict[str, object] = {
        "documents": documents,
        "search_p50_ms": round(statistics.median(search), 1),
        "search_p95_ms": round(_percentile(search, 95), 1),
    }
    every_map = [s for samples in maps.values() for s in samples]
    for axis, samples in maps.items():
        row[f"map_{axis}_p95_ms"] = round(_percentile(samples, 95), 1)
    row["map_p50_ms"] = round(statistics.median(every_map), 1)
    row["map_p95_ms"] = round(_percentile(every_map, 95), 1)
    row["ratio_p95"] = round(row["map_p95_ms"] / row["search_p95_ms"], 2)  # type: ignore[operator]
    return row


# ---- (b) the digest ------------------------------------------------------------------------

USERS = 100


class _Counter:
    """An aiosmtpd handler that only counts (and sizes) the messages it takes."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def _new_documents(store: IndexStore, count: int) -> list[ExtractedDocument]:
    """`count` new studies made of existing ones' pages (new content, new paths)."""
    with store.open_searcher() as searcher:
        raw = searcher.whoosh_searcher
        picked = [row for row in searcher.table.ordered[:: max(1, len(searcher.table) // count)]]
        docs = []
        for n, row in enumerate(picked[:count]):
            fields = raw.stored_fields(row.docnum)
            pages = sorted(raw.documents(kind="page", doc_id=row.doc_id), key=lambda p: p["page"])
            text = [Page(p["page"], p.get("text", "") + f" anexo {n}") for p in pages]
            meta = Metadata(
                title=f"Nuevo: {fields.get('title', '')}",
                agencies=tuple(a for a in fields.get("agency", "").split(",") if a),
                topics=tuple(t for t in fields.get("topic", "").split(",") if t),
                year=fields.get("year"),
                language=fields.get("language", "es"),
            )
            digest = hashlib.sha256(f"bench-new-{n}-{row.doc_id}".encode()).hexdigest()
            docs.append(ExtractedDocument(
                doc_id=digest[:16], sha256=digest, paths=(f"/bench/nuevos/{n}.pdf",),
                format="pdf", size=1, pages=text, metadata=meta))  # fmt: skip
    return docs


def _saved_searches(database: Path, count: int, since: float) -> None:
    """USERS users (a third in an agency) with `count` saved searches, daily digests."""
    rng = random.Random(15)
    conn = db.connect(database)
    agencies = [t.code for t in vocab.agencies()]
    topics = [t.code for t in vocab.topics()]
    users = []
    for n in range(USERS):
        user = accounts.add_user(conn, f"u{n:03d}", "lector", [agencies[n % 7]] if n % 3 else [])
        saved.set_contact(conn, user.id, f"u{n:03d}@example.org", "es" if n % 4 else "en")
        users.append(user.id)
    for n in range(count):
        args = {"q": rng.choice(QUERIES)}
        if rng.random() < 0.5:
            args[rng.choice(["agency", "topic"])] = rng.choice(rng.choice([agencies, topics]))
        if rng.random() < 0.3:
            args["year_from"] = str(rng.choice(range(2015, 2024)))
        query = urlencode({k: v for k, v in args.items() if v})
        search = saved.save(conn, users[n % USERS], f"búsqueda {n}", query, since)
        saved.update(conn, search, digest="daily")
    conn.close()


def bench_digest(store: IndexStore, tmp: Path, searches: int, new: int) -> dict:
    from aiosmtpd.controller import Controller

    from acervo.web import create_app
    from acervo.web.digest import SmtpSettings, run_digests

    index = tmp / "digest-index"
    shutil.copytree(store.root, index, ignore=shutil.ignore_patterns("ingest.lock"))
    copy = IndexStore(index)
    since = time.time()
    copy.update(add=_new_documents(copy, new), remove=())
    database = tmp / "acervo.db"
    _saved_searches(database, searches, since)
    pristine = database.read_bytes()
    app = create_app({"INDEX_DIR": index, "DATABASE": database, "BASE_URL": "http://b.test/"})
    handler = _Counter()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = SmtpSettings("127.0.0.1", port)
        started = time.perf_counter()
        report = run_digests(app, smtp)
        elapsed = time.perf_counter() - started
        messages, size = handler.messages, handler.bytes
        database.write_bytes(pristine)  # the same run again, its Python memory traced
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        tracemalloc.start()
        run_digests(app, smtp)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        controller.stop()
    with copy.open_searcher() as searcher:
        documents = len(searcher.table)
    return {
        "documents": documents,
        "new_documents": new,
        "saved_searches": searches,
        "users": USERS,
        "digests_sent": report.sent,
        "smtp_messages": messages,
        "mean_message_kb": round(size / max(1, messages) / 1024, 1),
        "total_s": round(elapsed, 1),
        "ms_per_saved_search": round(elapsed * 1000 / searches, 1),
        "peak_python_mib": round(peak / 2**20, 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _index(args: argparse.Namespace, tmp: Path) -> IndexStore:
    if args.index:
        return IndexStore(args.index)
    corpus = tmp / "generated"
    write_generated_corpus(corpus, args.docs, seed=1)
    store = IndexStore(tmp / "index")
    build_index([corpus], store, Config(index_dir=store.root))
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="generated corpus size")
    parser.add_argument("--index", type=Path, help="an existing index of generated documents")
    parser.add_argument("--parts", default="map,digest", help="map, digest or both")
    parser.add_argument("--searches", type=int, default=1000, help="saved searches (digest)")
    parser.add_argument("--new", type=int, default=50, help="documents new since the digest")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="acervo-bench-follow-") as tmp:
        store = _index(args, Path(tmp))
        if "map" in args.parts:
            results["evidence_map"] = bench_evidence(store)
        if "digest" in args.parts:
            results["digest"] = bench_digest(store, Path(tmp), args.searches, args.new)
    for part, row in results.items():
        print(f"## {part}")
        print(" | ".join(row))
        print(" | ".join(str(v) for v in row.values()))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_follow.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
