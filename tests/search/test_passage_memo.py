"""The page scores and passages a generation keeps for its searches (snippets.PageMemo, shared
by the requests of one generation): a search served from them answers exactly as one computed
afresh; after an ingest a changed document shows its new text; and a viewer never gets a
document, a total or a facet count that only another viewer may see."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from searchcorpus import make_doc

from acervo.ingest.models import ExtractedDocument
from acervo.search.access import ANONYMOUS, Access, Viewer
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest, SearchResult
from acervo.search.searcher import Searcher


def _doc(
    n: int, pages: list[str], visibility: str = "", agency: str = "ACNUR"
) -> ExtractedDocument:
    doc = make_doc(f"d{n:015d}", pages, title=f"Informe {n}", agencies=(agency,), year=2020)
    return replace(doc, metadata=replace(doc.metadata, visibility=visibility))


def _docs() -> list[ExtractedDocument]:
    docs = [
        _doc(n, [f"Introducción del informe {n}.", f"Vacunación de niños en Quito, ronda {n}."])
        for n in range(12)
    ]
    # only members of UNICEF see this one; its best page is about vaccination in Loja
    docs.append(
        _doc(
            99,
            ["Vacunación y vacunación en Loja, vacunación."],
            visibility="agencia",
            agency="UNICEF",
        )
    )
    return docs


def _shown(result: SearchResult) -> list[tuple[str, tuple]]:
    return [(hit.id, hit.passages) for hit in result.hits]


def _facets(result: SearchResult) -> dict[str, dict[str, int]]:
    return {group.name: {v.value: v.count for v in group.values} for group in result.facets}


REQUESTS = (
    SearchRequest(query="vacunación"),
    SearchRequest(query="vacunación", page=2, per_page=5),
    SearchRequest(query="vacunación Quito", filters={"agency": ("ACNUR",)}),
    SearchRequest(query="vacunación", sort="title"),
)


@pytest.fixture()
def store(tmp_path: Path) -> IndexStore:
    store = IndexStore(tmp_path / "index")
    store.update(iter(_docs()), ())
    return store


def test_a_search_from_the_generation_memo_answers_as_one_computed_afresh(
    store: IndexStore,
) -> None:
    with store.open_searcher() as searcher:
        fresh = Searcher(searcher.whoosh_searcher, release=lambda _s: None)  # its own memo
        expected = [fresh.search(req) for req in REQUESTS]
    for _round in range(2):  # the second round comes from the generation's memo
        with store.open_searcher() as searcher:
            assert [searcher.search(req) for req in REQUESTS] == expected
    assert any(hit.passages[0].page == 2 for hit in expected[0].hits)


def test_a_changed_document_shows_its_new_passages_after_an_ingest(store: IndexStore) -> None:
    req = SearchRequest(query="vacunación")
    with store.open_searcher() as searcher:
        before = {hit.id: hit.passages for hit in searcher.search(req).hits}
    changed = _doc(3, ["Vacunación de adultos en Manta.", "Otra página sin la palabra."])
    store.update(iter([changed]), ())
    with store.open_searcher() as searcher:
        after = {hit.id: hit.passages for hit in searcher.search(req).hits}
    assert "Quito" in before[changed.doc_id][0].text
    assert [(p.page, p.text) for p in after[changed.doc_id]] == [
        (1, "Vacunación de adultos en Manta")
    ]
    assert after["d000000000000004"] == before["d000000000000004"]


def test_a_viewer_never_gets_what_only_another_viewer_may_see(store: IndexStore) -> None:
    member = Access(viewer=Viewer(name="ana", agencies=frozenset({"UNICEF"})))
    req = SearchRequest(query="vacunación", per_page=20)
    for _round in range(2):  # the member's search fills the memo, then both come from it
        with store.open_searcher(member) as searcher:
            seen = searcher.search(req)
        with store.open_searcher(Access(viewer=ANONYMOUS)) as searcher:
            anonymous = searcher.search(req)
        passages = {hit.id: hit.passages for hit in seen.hits}
        assert "Loja" in passages["d000000000000099"][0].text
        assert "d000000000000099" not in {hit.id for hit in anonymous.hits}
        assert (seen.total, anonymous.total) == (13, 12)
        assert _facets(seen)["agency"] == {"ACNUR": 12, "UNICEF": 1}
        assert _facets(anonymous)["agency"] == {"ACNUR": 12}
        assert all("Loja" not in p.text for hit in anonymous.hits for p in hit.passages)
