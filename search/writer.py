"""Whoosh's segment writer, writing the same segment files for less CPU time.

`segment_writer(ix, ...)` is `ix.writer(...)` with two of its per-posting costs taken out (a
profile of a 5,000-document build: 2.2 million postings, half the build time spent after the
last document was added, in the commit):

- the posting pool. Whoosh's `PostingPool` keeps each posting as a tuple
  `(field, term, docnum, weight, value)`, sorts them all, pickles them one by one into run
  files when memory is full, and merges the runs posting by posting at the commit. `_TermPool`
  keeps a list of postings per term: a spill sorts the terms, not the postings, and writes them
  in a few large pickles; the commit merges runs term by term. The postings come out in the
  same order (term, then docnum, weight, value), so the segment is the same.
- the field lengths. For every posting, the commit asks the segment's per-document reader for
  the document's field length: a file lookup per posting (and, for fields without lengths, a
  `stat` of a file that does not exist). `_Lengths` reads each field's length column once.

tests/search/test_writer.py builds the same documents with both writers (spilling to many run
files, deletions, a merge of segments) and finds the same segment files, byte for byte.

`merge_small` is the merge policy of its commit: few segments, whatever the number of ingests.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
from collections.abc import Iterable, Iterator
from operator import itemgetter

from whoosh.codec import whoosh3
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

# Memory estimate of the pool (CPython sizes, in bytes): a posting is a tuple of three, its
# docnum, weight and value bytes and a list slot; a term its key tuple, term bytes, dict entry
# and list. Near the real size, so a limit holds about as much memory as in Whoosh's pool.
POSTING_BYTES = 64 + 28 + 24 + 33 + 8
TERM_BYTES = 56 + 33 + 100 + 56
RUN_CHUNK_POSTINGS = 5_000  # postings per pickle in a run file: memory per open run at merge
MAX_OPEN_RUNS = 100  # more run files than this are merged in groups first
# Every search pays per segment (each query word looked up in each segment's term table): on
# 5,000 generated documents, five segments (the load test's ingest after a minute, one of them
# all deleted) cost 28% more CPU per web request than the same records in one
# (benchmarks/README.md, issue 12). Whoosh's own policy lets small segments pile up to five or
# more. Here a segment under SMALL_SEGMENT_SHARE of the largest one's records is small, and a
# commit leaves at most MAX_SMALL_SEGMENTS of them (its own new one included): past that, the
# small ones are copied into the new segment. An incremental ingest thus leaves the large
# segment as it is, and the merges cost the ingest about what the recent ingests wrote.
SMALL_SEGMENT_SHARE = 0.1
MAX_SMALL_SEGMENTS = 2
DELETED_SHARE_MERGED = 0.5  # a segment with more of its records deleted is rewritten without them


def segment_writer(ix: FileIndex, *, limitmb: float, compound: bool) -> SegmentWriter:
    """A writer of `ix` like `ix.writer(limitmb=..., compound=...)` that writes the same files."""
    return _SegmentWriter(ix, limitmb=limitmb, compound=compound)


class _SegmentWriter(SegmentWriter):
    def __init__(self, ix: FileIndex, *, limitmb: float, compound: bool) -> None:
        super().__init__(ix, limitmb=limitmb, compound=compound)
        self.pool = _TermPool(self._tempstorage, limitmb)

    def per_document_reader(self):  # what the commit reads each posting's field length from
        reader = super().per_document_reader()
        if isinstance(self.codec, whoosh3.W3Codec):
            return _Lengths(reader)
        return reader


def merge_small(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy (`commit(mergetype=...)`): returns the segments kept as they are; the
    others are copied (their live records only) into the writer's new segment. A segment with
    no live record is dropped; a mostly deleted one is rewritten; the small ones are merged
    when the commit would leave more than MAX_SMALL_SEGMENTS."""
    live = [segment for segment in segments if segment.doc_count() > 0]
    if not live:
        return []
    largest = max(segment.doc_count_all() for segment in live)
    rewrite = [s for s in live if s.deleted_count() > s.doc_count_all() * DELETED_SHARE_MERGED]
    small = [
        s for s in live if s.doc_count_all() < largest * SMALL_SEGMENT_SHARE and s not in rewrite
    ]
    if len(small) + (writer.docnum > 0) > MAX_SMALL_SEGMENTS:  # docnum: records added
        rewrite += small
    for segment in rewrite:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in live if segment not in rewrite]


class _Lengths:
    """A W3 per-document reader's `doc_field_length` from each length column read once; the
    same values (`None` for a zero length byte, as Whoosh returns)."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._lengths.get(fieldname, _UNREAD)
        if lengths is _UNREAD:
            lengths = self._lengths[fieldname] = self._read(fieldname)
        return default if lengths is None else lengths[docnum]

    def _read(self, fieldname: str) -> list[int | None] | None:
        column = whoosh3._lenfield(fieldname)
        if not self._reader.has_column(column):
            return None
        raw = self._reader.column_reader(column, whoosh3.LENGTHS_COLUMN).load()
        return [byte_to_length(b) if b else None for b in raw]

    def close(self) -> None:
        self._reader.close()


_UNREAD = object()


class _TermPool:
    """Postings grouped by term, spilled to run files when the memory estimate passes the limit."""

    def __init__(self, tempstore, limitmb: float) -> None:
        self._tempstore = tempstore
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._terms: dict[tuple[str, bytes], list[tuple]] = {}
        self._runs: list[str] = []

    def add(self, item: tuple) -> None:
        fieldname, btext, docnum, weight, value = item
        postings = self._terms.get((fieldname, btext))
        if postings is None:
            postings = self._terms[(fieldname, btext)] = []
            self._size += TERM_BYTES + len(btext)
        postings.append((docnum, weight, value))
        self._size += POSTING_BYTES + (len(value) if value else 0)
        if self._size > self._limit:
            self._spill()

    def iter_postings(self) -> Iterator[tuple]:
        """Every posting as (field, term, docnum, weight, value), in Whoosh's sort order."""
        if self._runs:
            self._spill()
            if len(self._runs) > MAX_OPEN_RUNS:
                self._reduce_runs()
            runs, self._runs = self._runs, []
            terms = _merged([self._read_run(path) for path in runs])
        else:
            terms, self._terms = sorted(self._terms.items()), {}
        for (fieldname, btext), postings in terms:
            postings.sort()  # docnum, weight, value: already in order unless merged oddly
            for docnum, weight, value in postings:
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        for path in self._runs:
            self._tempstore.delete_file(path)
        self._runs = []

    def _spill(self) -> None:
        if self._terms:
            self._runs.append(self._write_run(sorted(self._terms.items())))
        self._terms, self._size = {}, 0

    def _reduce_runs(self) -> None:
        runs = self._runs
        self._runs = []
        for start in range(0, len(runs), MAX_OPEN_RUNS):
            group = [self._read_run(path) for path in runs[start : start + MAX_OPEN_RUNS]]
            self._runs.append(self._write_run(_merged(group)))

    def _write_run(self, terms: Iterable[tuple]) -> str:
        path = f"{random_name()}.run"
        f = self._tempstore.create_file(path).raw_file()
        try:
            chunk, count = [], 0
            for term in terms:
                chunk.append(term)
                count += len(term[1])
                if count >= RUN_CHUNK_POSTINGS:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk, count = [], 0
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        return path

    def _read_run(self, path: str) -> Iterator[tuple]:
        f = self._tempstore.open_file(path).raw_file()
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._tempstore.delete_file(path)


def _merged(runs: list[Iterator[tuple]]) -> Iterator[tuple]:
    """(term, postings) of sorted runs, a term's postings joined in run order (heapq.merge keeps
    equal keys in the order of the runs, and later runs hold later documents)."""
    key = itemgetter(0)
    for term, parts in itertools.groupby(heapq.merge(*runs, key=key), key=key):
        postings = []
        for _term, part in parts:
            postings += part
        yield term, postings
