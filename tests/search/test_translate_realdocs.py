"""English queries over real Spanish documents, Spanish queries over real English ones, and
"Más como este" across the two languages, on a real index of documents of ../shared/realdocs/
(copied into a temporary corpus folder; the queries are issue 13's judged ones, benchmarks/
relevance/kinds.yaml, and others written by reading the documents)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from acervo import cli
from acervo.build import build_index
from acervo.config import Config
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.search.searcher import Searcher
from acervo.web import create_app

pytestmark = pytest.mark.realdocs

REALDOCS = Path(__file__).resolve().parents[3] / "shared" / "realdocs"
SPANISH = (
    "anagaonag-acuerdo-fedegan-tierras.pdf",  # cattle ranching, land, fertilisers
    "fundar-integracion-sociourbana.pdf",  # informal settlements
    "fundar-casas-particulares-trabajo-domestico.pdf",  # domestic workers
    "fundar-programas-alimentarios.pdf",  # food programmes
    "sena-politica-nacional-salud-mental.pdf",  # mental health policy
    "fundar-biocombustibles.pdf",  # biofuel policies (the EU's among them)
)
ENGLISH = (
    "govdocs-367594.pdf",  # phosphorus in pastures
    "govdocs-160721.pdf",  # cognitive rehabilitation of veterans with schizophrenia
    "govdocs-125619.pdf",  # road safety audits
    "govdocs-176446.pdf",  # the EU's energy taxes and emissions trading
    "pdfjs-tracemonkey.pdf",  # a JIT compiler
)


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("bilingual-corpus")
    for language, names in (("es", SPANISH), ("en", ENGLISH)):
        for name in names:
            shutil.copy(REALDOCS / language / name, corpus / name)
    root = tmp_path_factory.mktemp("bilingual-index")
    build_index([corpus], IndexStore(root), Config(index_dir=root))
    return root


@pytest.fixture()
def searcher(index_root: Path) -> Iterator[Searcher]:
    with IndexStore(index_root).open_searcher() as opened:
        yield opened


def names(hits) -> list[str]:
    return [Path(hit.path).name for hit in hits]


@pytest.mark.parametrize(
    ("query", "document", "page"),
    [
        # the direct dictionary had poblamiento and regreso, not asentamiento and retorno
        ("informal settlements return to democracy", "fundar-integracion-sociourbana.pdf", 7),
        # `unpaid` is in no dictionary: it was "corrected" to USAID and the document lost
        (
            "domestic workers underemployment unpaid care",
            "fundar-casas-particulares-trabajo-domestico.pdf",
            2,
        ),
        # `sugary` was "corrected" to `sumari`
        ("sugary drinks daily consumption fruits", "fundar-programas-alimentarios.pdf", 11),
    ],
)
def test_an_english_query_finds_the_spanish_passage(
    searcher: Searcher, query: str, document: str, page: int
) -> None:
    result = searcher.search(SearchRequest(query=query))
    assert names(result.hits)[0] == document
    assert page in [p.page for p in result.hits[0].passages]
    assert result.corrected_from is None  # English words are not misspelt Spanish ones
    assert any(e.language == "es" for e in result.expansions)


def test_a_spanish_query_finds_the_english_article(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="esquizofrenia rehabilitación cognitiva"))
    assert names(result.hits)[0] == "govdocs-160721.pdf"
    assert any(e.language == "en" for e in result.expansions)


def doc_id(searcher: Searcher, name: str) -> str:
    hits = searcher.search(SearchRequest(query="*", per_page=20)).hits
    return next(hit.id for hit in hits if Path(hit.path).name == name)


def test_more_like_this_crosses_languages(searcher: Searcher) -> None:
    statement = doc_id(searcher, "govdocs-176446.pdf")  # EU energy taxes, emissions trading
    similar = searcher.similar(statement)
    across = [hit for hit in similar if hit.language != "en"]
    assert names(across) == ["fundar-biocombustibles.pdf"]
    assert similar[0].language == "en"  # its own language first
    biofuels = doc_id(searcher, "fundar-biocombustibles.pdf")
    assert "govdocs-176446.pdf" in names(searcher.similar(biofuels))
    # one page must hold several of the key words: a compiler paper's `program` and `code`
    # here and there do not make a Spanish food programme like it
    compiler = doc_id(searcher, "pdfjs-tracemonkey.pdf")
    assert all(hit.language == "en" for hit in searcher.similar(compiler))


def test_the_document_page_says_the_language_of_a_similar_document(index_root: Path) -> None:
    client = create_app({"INDEX_DIR": index_root, "TESTING": True}).test_client()
    with IndexStore(index_root).open_searcher() as searcher:
        statement = doc_id(searcher, "govdocs-176446.pdf")
    page = client.get(f"/documento/{statement}").get_data(as_text=True)
    more_like = page[page.index('id="more-like-title"') : page.index('id="hits-title"')]
    assert 'lang="es"' in more_like and "Español ·" in more_like
    hits = client.get(f"/api/similar/{statement}").get_json()["hits"]
    assert [h["language"] for h in hits if h["language"] != "en"] == ["es"]


def test_the_cli_says_the_language_of_a_similar_document(index_root: Path, capsys) -> None:
    with IndexStore(index_root).open_searcher() as searcher:
        statement = doc_id(searcher, "govdocs-176446.pdf")
    assert cli.main(["similar", statement, "--index", str(index_root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    spanish = [i for i, line in enumerate(lines) if "[en español" in line]
    assert len(spanish) == 1 and "fundar-biocombustibles.pdf" in lines[spanish[0] + 1]
    assert not any("en inglés" in line for line in lines)  # its own language says nothing
