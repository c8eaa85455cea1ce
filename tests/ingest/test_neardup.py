"""Near duplicates on the sample corpus' real files: the PNUD study and its draft are versions of
one another, other studies are not; the index records the group and search shows it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest import neardup
from acervo.ingest.models import ExtractedText, Page
from acervo.ingest.worker import extract_file
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FINAL = CORPUS / "PNUD" / "2022" / "inclusion-financiera-emprendimiento.pdf"
DRAFT = CORPUS / "PNUD" / "2022" / "inclusion-financiera-emprendimiento-borrador.pdf"
OTHERS = [
    CORPUS / "PNUD" / "2020" / "impacto-socioeconomico-covid19-migrantes.pdf",
    CORPUS / "UNICEF" / "2019" / "situacion-nna-frontera-norte.pdf",
]


@pytest.mark.parametrize("path", [FINAL, DRAFT, *OTHERS], ids=lambda p: p.name)
def test_signatures_are_datasketchs_minhash(path: Path) -> None:
    """Our numpy MinHash gives datasketch's values (affine32, seed 1) for the same shingles:
    signatures stored by versions that called datasketch stay comparable with new ones."""
    datasketch = pytest.importorskip("datasketch")  # a test dependency: the reference
    outcome = extract_file(path)
    assert isinstance(outcome, ExtractedText)
    reference = datasketch.MinHash(num_perm=neardup.NUM_PERM, scheme=neardup.SCHEME)
    reference.update_batch([s.encode("utf-8") for s in neardup.shingles(outcome.pages)])
    assert neardup.signature(outcome.pages) == tuple(int(v) for v in reference.hashvalues)


def _signature(path: Path) -> tuple[int, ...]:
    outcome = extract_file(path)
    assert isinstance(outcome, ExtractedText)
    assert outcome.minhash == neardup.signature(outcome.pages)  # computed in the worker
    return outcome.minhash


def test_a_draft_and_its_final_version_are_near_duplicates() -> None:
    final, draft = _signature(FINAL), _signature(DRAFT)
    assert neardup.similarity(final, draft) >= neardup.THRESHOLD
    finder = neardup.NearDuplicateFinder()
    assert finder.add("final", final) == ()
    for n, other in enumerate(OTHERS):
        assert finder.add(f"other{n}", _signature(other)) == ()  # different studies
    assert finder.add("draft", draft) == ("final",)


def test_the_same_study_with_a_new_cover_is_a_near_duplicate() -> None:
    outcome = extract_file(FINAL)
    new_cover = [
        Page(1, "Edición 2023\nPortada nueva del PNUD con otra fotografía."),
        *outcome.pages[1:],
    ]
    assert neardup.similarity(outcome.minhash, neardup.signature(new_cover)) >= neardup.THRESHOLD


def test_short_texts_have_no_signature() -> None:
    assert neardup.signature([Page(1, "Formulario de registro. Nombre. Fecha.")]) == ()
    assert neardup.NearDuplicateFinder().add("x", ()) == ()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus" / "PNUD" / "2022"
    root.mkdir(parents=True)
    shutil.copyfile(FINAL, root / FINAL.name)
    for other in OTHERS:
        shutil.copyfile(other, root / other.name)
    return tmp_path / "corpus"


def _hits(store: IndexStore, query: str) -> dict[str, object]:
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query=query))
    return {Path(hit.path).name: hit for hit in result.hits}


def test_search_shows_versions_found_in_a_later_run(corpus: Path, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    build_index([corpus], store, Config(workers=2))
    assert all(not hit.similar for hit in _hits(store, "inclusion financiera").values())
    # the draft arrives in a later run: it is compared with the documents already indexed
    shutil.copyfile(DRAFT, corpus / "PNUD" / "2022" / DRAFT.name)
    summary = build_index([corpus], store, Config(workers=2))
    hits = _hits(store, "inclusion financiera")
    final, draft = hits[FINAL.name], hits[DRAFT.name]
    assert [s.id for s in draft.similar] == [final.id]
    assert [s.id for s in final.similar] == [draft.id]  # shown on both hits
    assert final.similar[0].title == draft.title
    others = [hits[o.name] for o in OTHERS if o.name in hits]
    assert all(not hit.similar for hit in others)
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query="inclusion financiera"))
    by_id = {hit["id"]: hit for hit in result.to_json()["hits"]}
    assert by_id[final.id]["similar"] == [
        {"id": draft.id, "title": draft.title, "path": draft.paths[0]}
    ]
    report = json.loads(Path(summary.report).read_text(encoding="utf-8"))
    entry = next(e for e in report["files"] if e["path"].endswith(DRAFT.name))
    assert entry["near_duplicates"] == [final.id]  # the run report lists the group


def test_a_metadata_only_update_keeps_the_versions_linked(corpus: Path, tmp_path: Path) -> None:
    shutil.copyfile(DRAFT, corpus / "PNUD" / "2022" / DRAFT.name)
    store = IndexStore(tmp_path / "index")
    build_index([corpus], store, Config(workers=2))
    # only a sidecar changes: the text is taken back from the index, not extracted again
    sidecar = corpus / "PNUD" / "2022" / f"{FINAL.name}.meta.yaml"
    sidecar.write_text("title: Inclusión financiera (versión final)\n", encoding="utf-8")
    build_index([corpus], store, Config(workers=2))
    hits = _hits(store, "inclusion financiera")
    final, draft = hits[FINAL.name], hits[DRAFT.name]
    assert final.title == "Inclusión financiera (versión final)"
    assert [s.id for s in final.similar] == [draft.id]
    assert [s.title for s in draft.similar] == ["Inclusión financiera (versión final)"]
    assert {d: s for d, s, _lang in store.signatures()}[
        final.id
    ]  # still comparable with documents of later runs
