"""Real indexes for tests, built by the real ingest pipeline: the sample corpus (corpus/), for
the places and lessons-learned records tests, and chosen real documents of
../shared/realdocs/es."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acervo.build import build_index
from acervo.config import Config
from acervo.search.indexer import IndexStore

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REALDOCS_ES = Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "es"


def corpus_store(root: Path) -> IndexStore:
    store = IndexStore(root)
    summary = build_index([CORPUS], store, Config(index_dir=root, workers=2))
    assert not summary.failed, summary.failed
    return store


def relative(path: str) -> str:
    """A hit's path under corpus/: 'GTRM/2022/lecciones-....docx'."""
    return Path(path).relative_to(CORPUS).as_posix()


def realdocs_index(tmp_path_factory: pytest.TempPathFactory, names: tuple[str, ...]) -> Path:
    """An index of these files of realdocs/es, ingested as `acervo ingest` does (the test is
    skipped when one of them is missing)."""
    missing = [name for name in names if not (REALDOCS_ES / name).is_file()]
    if missing:
        pytest.skip(f"not in {REALDOCS_ES}: {', '.join(missing)}")
    root = tmp_path_factory.mktemp("realdocs-es")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in names:
        shutil.copy(REALDOCS_ES / name, corpus / name)
    index_dir = root / "index"
    build_index([corpus], IndexStore(index_dir), Config(index_dir=index_dir))
    return index_dir
