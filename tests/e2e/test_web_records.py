"""The search page over the ingested sample corpus switches between documents and the
lessons-learned records inside them, with plain links (no JavaScript)."""

from __future__ import annotations

import html
import re

from acervo.web import create_app


def _total(page: str) -> str:
    match = re.search(r'<h1 id="total"[^>]*>(.*?)</h1>', page, re.S)
    assert match, page[:500]
    return " ".join(match.group(1).split())


def test_result_type_switch_finds_the_lesson_record(corpus_index):
    index, _ = corpus_index
    client = create_app({"INDEX_DIR": index, "TESTING": True}).test_client()
    page = client.get("/?q=trata").get_data(as_text=True)
    assert _total(page).endswith("documentos")
    link = re.search(r'<nav class="result-type".*?<a href="([^"]+)"', page, re.S)
    assert link and "resultado=registros" in link.group(1)
    records = client.get(html.unescape(link.group(1)))
    assert records.status_code == 200
    text = records.get_data(as_text=True)
    assert "registro" in _total(text)
    assert "LN1_PR" in text  # the GTRM 2022 record about trafficking
    assert 'aria-current="page">Registros de lecciones' in text


def _panels(page: str) -> set[str]:
    return set(re.findall(r'data-facet="(\w+)"', page))


def test_record_facets_show_on_a_records_search_not_on_a_documents_search(corpus_index):
    index, _ = corpus_index
    client = create_app({"INDEX_DIR": index, "TESTING": True}).test_client()
    record_facets = {"area", "lesson_type", "sdg", "gcm"}
    documents = client.get("/?q=").get_data(as_text=True)
    assert "agency" in _panels(documents) and not record_facets & _panels(documents)
    records = client.get("/?q=&resultado=registros").get_data(as_text=True)
    assert record_facets <= _panels(records)
    # goals with equal counts in number order: ODS 3 before ODS 10
    sdgs = re.findall(r'data-facet="sdg" data-value="(\d+)"', records)
    tied = [int(v) for v in sdgs]
    assert len(tied) > 2 and tied == sorted(tied)
    # a ticked record facet stays on the documents search, so it can be unticked
    ticked = client.get("/?q=&sdg=4").get_data(as_text=True)
    assert "sdg" in _panels(ticked) and "gcm" not in _panels(ticked)
