"""IndexStore: generations, the atomic switch, failures that leave the live index intact."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from pathlib import Path

import pytest
from searchcorpus import make_doc

from acervo.ingest.models import ExtractedDocument
from acervo.search.errors import IndexMissing
from acervo.search.indexer import IndexStore, IndexUpdateError, UpdateStats
from acervo.search.models import SearchRequest

ONE = make_doc("b000000000000001", ["Primera página sobre Ibarra.", "Segunda sobre Tulcán."])
TWO = make_doc("b000000000000002", ["Informe sobre Manta."], paths=("/a/dos.pdf", "/b/dos.pdf"))
THREE = make_doc("b000000000000003", ["Estudio sobre Loja.", "", "Anexo de Loja."])


def _generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


def _total(store: IndexStore, query: str) -> int:
    with store.open_searcher() as searcher:
        return searcher.search(SearchRequest(query=query)).total


def test_no_index_yet(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    assert store.known() == {}
    with pytest.raises(IndexMissing, match="acervo ingest"):
        store.open_searcher()


def test_first_update_creates_a_generation_and_points_current_at_it(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    stats = store.update(add=iter([ONE, TWO, THREE]), remove=())
    # THREE's blank page 2 gets no page record
    assert stats == UpdateStats(added=3, removed=0, documents=3, pages=5)
    assert _generations(tmp_path) == ["gen-000001"]
    assert (tmp_path / "CURRENT").read_text().strip() == "gen-000001"
    assert store.version() == "gen-000001 (3 documentos)"
    assert store.known() == {
        ONE.doc_id: ONE.paths,
        TWO.doc_id: ("/a/dos.pdf", "/b/dos.pdf"),
        THREE.doc_id: THREE.paths,
    }


def test_each_update_is_a_new_generation_and_only_the_previous_one_is_kept(
    tmp_path: Path,
) -> None:
    store = IndexStore(tmp_path)
    for n, doc in enumerate([ONE, TWO, THREE], start=1):
        store.update(add=[doc], remove=())
        assert store.live_generation() == f"gen-{n:06d}"
    assert _generations(tmp_path) == ["gen-000002", "gen-000003"]
    assert set(store.known()) == {ONE.doc_id, TWO.doc_id, THREE.doc_id}


def test_a_changed_document_replaces_its_records(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE, TWO], remove=())
    changed = make_doc(ONE.doc_id, ["Ahora habla de Esmeraldas."])
    stats = store.update(add=[changed], remove=())
    assert (stats.added, stats.documents, stats.pages) == (1, 2, 2)
    assert _total(store, "Ibarra") == 0
    assert _total(store, "Esmeraldas") == 1


def test_removal_deletes_doc_and_page_records(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE, TWO], remove=())
    stats = store.update(add=(), remove=[ONE.doc_id, "ffffffffffffffff"])
    assert stats == UpdateStats(added=0, removed=1, documents=1, pages=1)
    assert set(store.known()) == {TWO.doc_id}
    assert _total(store, "Tulcán") == 0


def test_removals_are_read_after_every_document_was_added(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE], remove=())
    seen: list[str] = []

    def add() -> Iterator[ExtractedDocument]:
        seen.append(TWO.doc_id)
        yield TWO

    def remove() -> Iterator[str]:
        yield from ([] if TWO.doc_id in seen else [ONE.doc_id])

    store.update(add=add(), remove=remove())  # like acervo.build: removals depend on the adds
    assert set(store.known()) == {ONE.doc_id, TWO.doc_id}


def _failing(docs: list[ExtractedDocument]) -> Iterator[ExtractedDocument]:
    yield from docs
    raise OSError("disco lleno")


def test_a_failing_update_leaves_the_live_generation_intact(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE, TWO], remove=())
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "gen-000001").rglob("*"))
    with pytest.raises(IndexUpdateError, match="gen-000001 sigue intacta") as info:
        store.update(add=_failing([THREE]), remove=[ONE.doc_id])
    assert isinstance(info.value.__cause__, OSError)
    assert _generations(tmp_path) == ["gen-000001"]  # the partial generation is gone
    assert store.live_generation() == "gen-000001"
    after = sorted(p.relative_to(tmp_path) for p in (tmp_path / "gen-000001").rglob("*"))
    assert after == before
    assert set(store.known()) == {ONE.doc_id, TWO.doc_id}
    assert _total(store, "Ibarra") == 1 and _total(store, "Loja") == 0
    # and the next update works
    assert store.update(add=[THREE], remove=()).documents == 3


def test_a_failing_first_update_leaves_no_index(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    with pytest.raises(IndexUpdateError, match="no había índice"):
        store.update(add=_failing([ONE]), remove=())
    assert _generations(tmp_path) == []
    assert store.known() == {}


def test_a_second_concurrent_update_is_refused(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE], remove=())
    with open(tmp_path / ".update.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another process is updating
        with pytest.raises(IndexUpdateError, match="Otra ingesta"):
            store.update(add=[TWO], remove=())
    assert store.live_generation() == "gen-000001"
