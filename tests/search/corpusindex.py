"""The sample corpus (corpus/) ingested by the real pipeline into a real index, for the places
and lessons-learned records tests."""

from __future__ import annotations

from pathlib import Path

from acervo.build import build_index
from acervo.config import Config
from acervo.search.indexer import IndexStore

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def corpus_store(root: Path) -> IndexStore:
    store = IndexStore(root)
    summary = build_index([CORPUS], store, Config(index_dir=root, workers=2))
    assert not summary.failed, summary.failed
    return store


def relative(path: str) -> str:
    """A hit's path under corpus/: 'GTRM/2022/lecciones-....docx'."""
    return Path(path).relative_to(CORPUS).as_posix()
