"""All of ../shared/realdocs/ in ONE ingest run: every readable file is indexed with its text,
every other file is reported with the reason its MANIFEST names, and nothing hangs the run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import REALDOCS

from acervo.build import IngestSummary, build_index
from acervo.config import Config
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

pytestmark = [
    pytest.mark.realdocs,
    pytest.mark.skipif(not (REALDOCS / "MANIFEST.tsv").is_file(), reason="no ../shared/realdocs"),
]
READABLE = {"text", "hostile_text"}
# Called corrupt by the manifest, read whole by the default PDF reader's pdfium path (see
# tests/ingest/test_realdocs.py, which also checks pdfminer alone still fails on it).
REPAIRED_BY_PDFIUM = {"hostile/corrupt-govdocs-455746.pdf"}


def manifest() -> dict[str, str]:
    with (REALDOCS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return {row["path"]: row["expect"] for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def realdocs_run(tmp_path_factory) -> tuple[IndexStore, IngestSummary]:
    store = IndexStore(tmp_path_factory.mktemp("realdocs") / "index")
    summary = build_index([REALDOCS], store, Config(extract_timeout_s=120))
    return store, summary


def _relative(path: str) -> str:
    return Path(path).relative_to(REALDOCS).as_posix()


def test_every_file_has_an_outcome(realdocs_run):
    store, summary = realdocs_run
    on_disk = {p.relative_to(REALDOCS).as_posix() for p in REALDOCS.rglob("*") if p.is_file()}
    indexed = {_relative(p) for paths in store.known().values() for p in paths}
    failed = {_relative(f.path) for f in summary.failed}
    assert indexed | failed == on_disk  # MANIFEST.tsv and README.md are text files too
    assert summary.seen == len(on_disk)


def test_readable_files_are_indexed_with_text(realdocs_run):
    store, _ = realdocs_run
    indexed = {_relative(p): doc_id for doc_id, paths in store.known().items() for p in paths}
    expected = [p for p, expect in manifest().items() if expect in READABLE]
    missing = [p for p in expected if p not in indexed]
    assert not missing, f"not indexed: {missing}"
    with store.open_searcher() as searcher:
        for path in expected:
            hit = searcher.document(indexed[path])
            assert hit is not None and hit.pages >= 1, path


def test_unreadable_files_are_reported_with_their_reason(realdocs_run):
    store, summary = realdocs_run
    failed = {_relative(f.path): f for f in summary.failed}
    copies_of_readable = {
        _relative(p) for paths in store.known().values() if len(paths) > 1 for p in paths
    }
    indexed = {_relative(p) for paths in store.known().values() for p in paths}
    for path, expect in manifest().items():
        if expect in READABLE or path in REPAIRED_BY_PDFIUM:
            assert path not in failed, f"{path}: {failed.get(path)}"
            assert path in indexed, path
            continue
        if path not in failed and path in copies_of_readable:
            # The same bytes as a readable file (renamed-txt-as.pdf is en/pandoc-testsuite.txt):
            # one document listing both paths, so nothing is lost and nothing is said twice.
            continue
        assert path in failed, f"{path} ({expect}) was not reported"
        assert failed[path].kind == expect, f"{path}: {failed[path].kind} != {expect}"
        assert len(failed[path].reason) > 20


def test_realdocs_are_searchable_in_spanish(realdocs_run):
    store, _ = realdocs_run
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query="migrantes salud"))
    assert result.total >= 1
    assert any(p.page >= 1 and "<mark" in p.html for h in result.hits for p in h.passages)
