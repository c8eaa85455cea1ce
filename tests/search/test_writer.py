"""segment_writer writes the index Whoosh's own writer writes, byte for byte, for less CPU."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from searchcorpus import DOCS
from whoosh import index
from whoosh.writing import SegmentWriter

from acervo.search import indexer, schema, writer

LIMIT_MB = 0.05  # a pool of about 50 KB: the postings are spilled to many run files


def _build(where: Path, open_writer: Callable[[index.FileIndex], SegmentWriter]) -> Path:
    """The test corpus in two commits (two segments), then a third that merges them all."""
    where.mkdir()
    ix = index.create_in(str(where), schema.build_schema())
    for part in (DOCS[:3], DOCS[3:]):
        w = open_writer(ix)
        for doc in part:
            w.add_document(**indexer.doc_record(doc, w.schema))
            for page in indexer.page_records(doc):
                w.add_document(**page)
        w.commit()
    w = open_writer(ix)
    w.delete_by_term("doc_id", DOCS[0].doc_id)
    w.add_document(kind=schema.DOC, doc_id="0000000000000009", page=0, body_es="niños y niñas")
    w.commit(optimize=True)  # merges the segments through the pool (Whoosh's add_reader)
    return where


def _segment_files(where: Path) -> list[tuple[str, str]]:
    # Segment files are named after random segment ids: compare their contents. The TOC names
    # those ids, so it differs; what it says is compared through the reader below.
    return sorted(
        (path.suffix, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in where.iterdir()
        if path.suffix not in (".toc", "")
    )


@pytest.mark.parametrize("max_open_runs", [writer.MAX_OPEN_RUNS, 2])
def test_the_same_segment_files_as_whooshs_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_open_runs: int
) -> None:
    monkeypatch.setattr(writer, "MAX_OPEN_RUNS", max_open_runs)  # 2: runs merged in groups
    whooshs = _build(tmp_path / "whoosh", lambda ix: ix.writer(limitmb=LIMIT_MB, compound=False))
    ours = _build(
        tmp_path / "ours", lambda ix: writer.segment_writer(ix, limitmb=LIMIT_MB, compound=False)
    )
    assert _segment_files(ours) == _segment_files(whooshs)
    with index.open_dir(str(whooshs)).reader() as a, index.open_dir(str(ours)).reader() as b:
        assert b.doc_count_all() == a.doc_count_all() > len(DOCS)
        for field in schema.build_schema().scorable_names():
            assert b.field_length(field) == a.field_length(field)
        assert list(b.all_stored_fields()) == list(a.all_stored_fields())


def test_every_run_file_is_gone_after_a_commit_or_a_cancel(tmp_path: Path) -> None:
    ix = index.create_in(str(tmp_path), schema.build_schema())
    for finish in (SegmentWriter.commit, SegmentWriter.cancel):
        w = writer.segment_writer(ix, limitmb=LIMIT_MB, compound=False)
        for doc in DOCS:
            w.add_document(**indexer.doc_record(doc, w.schema))
        assert list(tmp_path.rglob("*.run"))  # the pool spilled
        finish(w)
        assert not list(tmp_path.rglob("*.run"))
