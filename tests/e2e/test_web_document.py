"""The document page over the ingested sample corpus: "más como este" and near duplicates."""

from __future__ import annotations

from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.web import create_app


def test_document_page_lists_similar_documents(corpus_index):
    index, _ = corpus_index
    with IndexStore(index).open_searcher() as searcher:
        hits = searcher.search(SearchRequest(query="inclusion financiera emprendimiento")).hits
    final = next(h for h in hits if h.path.endswith("inclusion-financiera-emprendimiento.pdf"))
    draft = next(h for h in hits if h.path.endswith("-borrador.pdf"))
    client = create_app({"INDEX_DIR": index, "TESTING": True}).test_client()
    page = client.get(f"/documento/{final.id}").get_data(as_text=True)
    more_like = page[page.index('id="more-like-title"') :]
    assert f"/documento/{draft.id}" in more_like.split("</section>")[0]
    assert "Versiones similares" in page  # the draft is also a recorded near duplicate
