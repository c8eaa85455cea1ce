"""Extraction on a real dask.distributed cluster on loopback; the index is written here."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest.models import ExtractedText, ExtractionFailure, ExtractOptions, FailureKind
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

distributed = pytest.importorskip("distributed")
from acervo.ingest.distributed import DaskUnavailable, extract_with_dask  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def test_files_are_extracted_on_the_cluster(cluster: str, tmp_path: Path) -> None:
    pdfs = sorted(CORPUS.glob("UNICEF/*/*.pdf"))
    broken = tmp_path / "roto.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\x00garbage" * 50)
    options = ExtractOptions(extractor="pdfminer")
    results = dict(extract_with_dask([*pdfs, broken], cluster, options_for=lambda _p: options))
    assert set(results) == {*pdfs, broken}
    assert all(isinstance(results[p], ExtractedText) and results[p].pages for p in pdfs)
    assert all(results[p].minhash for p in pdfs)  # signed on the worker, like a local run
    assert isinstance(results[broken], ExtractionFailure)
    assert results[broken].kind == FailureKind.CORRUPT


def test_ingest_with_dask_builds_a_searchable_index(cluster: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "UNICEF", corpus / "UNICEF")
    store = IndexStore(tmp_path / "index")
    summary = build_index([corpus], store, Config(dask_address=cluster))
    assert summary.failed == []
    assert summary.indexed == len([p for p in corpus.rglob("*") if p.suffix in (".pdf", ".docx")])
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query="educacion ninos"))
    assert result.total >= 1


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DaskUnavailable, match="clúster dask"):
        list(extract_with_dask([tmp_path / "x.pdf"], "tcp://127.0.0.1:9", timeout_s=5))
