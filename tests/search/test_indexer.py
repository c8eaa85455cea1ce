"""IndexStore: generations, the atomic switch, failures that leave the live index intact."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from searchcorpus import make_doc
from whoosh import index

from acervo.ingest.models import DocProperties, ExtractedDocument, FileStat
from acervo.search.errors import IndexMissing
from acervo.search.indexer import RETIRED_KEPT_S, IndexStore, IndexUpdateError, UpdateStats
from acervo.search.lock import IndexLocked
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


def test_each_update_is_a_new_generation_and_retired_ones_go_after_a_while(
    tmp_path: Path,
) -> None:
    store = IndexStore(tmp_path)
    for n, doc in enumerate([ONE, TWO, THREE], start=1):
        store.update(add=[doc], remove=())
        assert store.live_generation() == f"gen-{n:06d}"
        # the count is kept per generation: the new one's, not the last one asked
        plural = "documento" if n == 1 else "documentos"
        assert store.version() == f"gen-{n:06d} ({n} {plural})"
    # two switches later, a request still reading the first generation finds it whole
    assert _generations(tmp_path) == ["gen-000001", "gen-000002", "gen-000003"]
    with index.open_dir(str(tmp_path / "gen-000001")).searcher() as old:
        assert ONE.doc_id in {fields.get("doc_id") for fields in old.all_stored_fields()}
    assert set(store.known()) == {ONE.doc_id, TWO.doc_id, THREE.doc_id}
    # the first retired when the second was written: long enough ago, it goes at the next switch
    past = time.time() - RETIRED_KEPT_S - 1
    os.utime(tmp_path / "gen-000002", (past, past))
    store.update(add=[], remove=[ONE.doc_id])
    assert _generations(tmp_path) == ["gen-000002", "gen-000003", "gen-000004"]


def test_retired_generations_are_bounded_however_recent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("acervo.search.indexer.RETIRED_KEPT_MAX", 1)
    store = IndexStore(tmp_path)
    for doc in [ONE, TWO, THREE, ONE]:
        store.update(add=[doc], remove=())
    # live, previous, and one retired generation (the most recent)
    assert _generations(tmp_path) == ["gen-000002", "gen-000003", "gen-000004"]


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


def test_a_second_concurrent_update_is_refused_naming_the_holder(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE], remove=())
    with IndexStore(tmp_path).lock:  # another ingest, as a separate open of the lock file
        with pytest.raises(IndexLocked, match=rf"Otra ingesta .* proceso {os.getpid()} en"):
            store.update(add=[TWO], remove=())
    assert store.live_generation() == "gen-000001"
    assert store.update(add=[TWO], remove=()).documents == 2  # free again afterwards


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_the_live_generation_is_never_modified_by_an_update(tmp_path: Path) -> None:
    # Whoosh's files are shared with the new generation as hard links: none may be rewritten.
    store = IndexStore(tmp_path)
    store.update(add=[ONE, TWO, THREE], remove=())
    before = _contents(tmp_path / "gen-000001")
    changed = make_doc(ONE.doc_id, ["Ahora habla de Esmeraldas."])
    store.update(add=[changed], remove=[TWO.doc_id])
    assert _contents(tmp_path / "gen-000001") == before
    assert _total(store, "Esmeraldas") == 1 and _total(store, "Manta") == 0


def test_leftovers_of_a_killed_update_are_deleted_by_the_next(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    store.update(add=[ONE], remove=())
    (tmp_path / "gen-000002").mkdir()  # a run killed while writing its generation
    (tmp_path / "gen-000002" / "MAIN_partial.seg").write_bytes(b"half")
    (tmp_path / "CURRENT.tmp").write_text("gen-000002")  # killed before the rename
    assert store.live_generation() == "gen-000001"
    store.update(add=[TWO], remove=())
    assert _generations(tmp_path) == ["gen-000001", "gen-000002"]
    assert not (tmp_path / "gen-000002" / "MAIN_partial.seg").exists()  # rebuilt from scratch
    assert not (tmp_path / "CURRENT.tmp").exists()
    assert set(store.known()) == {ONE.doc_id, TWO.doc_id}


def test_the_catalog_swaps_with_its_generation(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    doc = replace(
        ONE,
        sources=(FileStat("/c/uno.pdf", 10, 123, "ab" * 32),),
        fingerprint="f1",
        properties=DocProperties(title="Propio", year=2020),
    )
    store.update(add=[doc, THREE], remove=())
    with store.snapshot() as snapshot:
        assert snapshot.file_stat("/c/uno.pdf") == FileStat("/c/uno.pdf", 10, 123, "ab" * 32)
        assert snapshot.fingerprint(ONE.doc_id) == "f1"
        text = snapshot.stored_text(ONE.doc_id)
        assert text is not None and text.properties.year == 2020
        assert [p.text for p in text.pages] == [p.text for p in ONE.pages]
        # blank pages come back blank, so the page numbers stay as extracted
        assert [p.number for p in snapshot.stored_text(THREE.doc_id).pages] == [1, 2, 3]
    store.update(add=(), remove=[ONE.doc_id])
    with store.snapshot() as snapshot:
        assert snapshot.file_stat("/c/uno.pdf") is None
        assert snapshot.stored_text(ONE.doc_id) is None
    with IndexStore(tmp_path / "nada").snapshot() as empty:
        assert empty.file_stat("/c/uno.pdf") is None


def test_an_index_folder_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "archivo").write_text("no soy una carpeta")
    store = IndexStore(tmp_path / "archivo" / "index")
    with pytest.raises(IndexUpdateError, match="la ruta no es una carpeta") as info:
        store.update(add=[ONE], remove=())
    assert "no había índice" in str(info.value)
