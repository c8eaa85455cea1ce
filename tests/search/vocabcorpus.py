"""Small real indexes for the thesaurus, suggestion, similarity and limit tests.

Each test module indexes its own handful of documents (IndexStore.update, as ingestion does), so
rankings are asserted on a corpus whose every word is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from searchcorpus import make_doc

from acervo.ingest.models import ExtractedDocument
from acervo.search.indexer import IndexStore
from acervo.search.searcher import Searcher


def doc_id(n: int) -> str:
    return f"c{n:015d}"


def build(root: Path, docs: Iterable[ExtractedDocument]) -> Path:
    IndexStore(root).update(add=iter(docs), remove=())
    return root


@contextmanager
def opened(root: Path) -> Iterator[Searcher]:
    with IndexStore(root).open_searcher() as searcher:
        yield searcher


__all__ = ["build", "doc_id", "make_doc", "opened"]
