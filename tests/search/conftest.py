"""A real index built from the hand-made documents of searchcorpus.py, once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from searchcorpus import DOCS

from acervo.search.indexer import IndexStore
from acervo.search.searcher import Searcher


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("index")
    IndexStore(root).update(add=iter(DOCS), remove=())
    return root


@pytest.fixture()
def searcher(index_dir: Path) -> Iterator[Searcher]:
    with IndexStore(index_dir).open_searcher() as opened:
        yield opened
